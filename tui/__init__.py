"""The application shell: the ``sac`` command, the Textual app and its config."""
