"""The helpdesk's library: models, business rules and storage.

Nothing in this package imports Textual. The CLI, the console's screens, the
HTTP server and the tests all use it the same way.
"""
