"""Anexos: files typed as a path (with completion) or picked, checked as added.

Each file is checked when it is added, in a worker thread, so that a
missing, unreadable, folder or too-large file is refused there and then in
words, not later when the whole form is sent.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.suggester import Suggester
from textual.widgets import Button, Input, OptionList
from textual.widgets.option_list import Option

from data.errors import SacError
from data.i18n import _
from data.validation import check_attachment
from data.words import natural_size
from widgets.fields import FieldError, QuietInput
from widgets.file_picker import FilePickerScreen


def complete_path(typed: str, base: Path) -> str | None:
    """The first entry of the typed folder whose name starts as typed.

    Relative paths start at ``base``; ``~`` is the home folder. Folders
    complete with a trailing separator so that typing goes on inside them.
    Hidden entries are offered only once a dot is typed.
    """
    if not typed:
        return None
    folder_text, _separator, start = typed.rpartition(os.sep)
    folder_text += _separator
    folder = Path(folder_text or ".").expanduser()
    if not folder.is_absolute():
        folder = base / folder
    try:
        with os.scandir(folder) as entries:
            fitting = sorted(
                (entry.name, entry.is_dir())
                for entry in entries
                if entry.name.startswith(start)
                and (entry.name != start or entry.is_dir())
                and (start.startswith(".") or not entry.name.startswith("."))
            )
    except OSError:
        return None
    if not fitting:
        return None
    name, is_folder = fitting[0]
    return f"{folder_text}{name}{os.sep if is_folder else ''}"


class PathSuggester(Suggester):
    """Suggests the rest of a path from the file system as it is typed."""

    def __init__(self, base: Path) -> None:
        # The file system changes under us: no cache.
        super().__init__(use_cache=False, case_sensitive=True)
        self.base = base

    async def get_suggestion(self, value: str) -> str | None:
        return await asyncio.to_thread(complete_path, value, self.base)


class PathInput(QuietInput):
    """A path input where Tab, like the right arrow, takes the suggestion."""

    BINDINGS = [
        Binding(
            "tab",
            "accept_or_next",
            _("Complete the path"),
            show=False,
            id="attachments.complete",
        ),
    ]

    def action_accept_or_next(self) -> None:
        if self._suggestion and self.cursor_at_end:
            self.value = self._suggestion
            self.cursor_position = len(self.value)
        else:
            self.screen.focus_next()


class AttachmentField(Vertical):
    """A path to type or pick, the files added so far, and the refusal.

    Enter in the path adds the file; Delete on the list removes one.

    Args:
        folder: where relative paths and the file picker start.
    """

    DEFAULT_CSS = """
    AttachmentField { height: auto; }
    AttachmentField > Horizontal { height: 1; }
    AttachmentField #attachment-path { width: 1fr; margin: 0 1; }
    AttachmentField #pick { margin: 0 1 0 0; }
    AttachmentField #attachment-list {
        height: auto;
        max-height: 6;
        border: none;
        padding: 0;
        margin: 0 1;
        background: $background;
        display: none;
    }
    AttachmentField #attachment-list.-some { display: block; }
    AttachmentField #attachment-list:focus { background: $boost; }
    """

    BINDINGS = [
        Binding(
            "delete,backspace",
            "remove",
            _("Remove attachment"),
            id="attachments.remove",
        ),
    ]

    def __init__(self, folder: Path, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.folder = folder
        self.paths: list[Path] = []
        self.limit: int | None = None

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield PathInput(
                placeholder=_("path of a file, Enter adds it"),
                suggester=PathSuggester(self.folder),
                id="attachment-path",
            )
            yield Button(_("Choose file"), id="pick")
        yield OptionList(id="attachment-list")
        yield FieldError()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "remove":
            return self.query_one(OptionList).has_focus and bool(self.paths)
        return True

    # -- adding ---------------------------------------------------------------

    @on(Input.Submitted, "#attachment-path")
    def path_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.value.strip():
            self.add(self.resolve(event.value.strip()))

    def resolve(self, typed: str) -> Path:
        path = Path(typed).expanduser()
        return path if path.is_absolute() else self.folder / path

    @on(Button.Pressed, "#pick")
    def pick(self) -> None:
        """Open the file picker; the chosen file is added as if typed."""

        def picked(path: Path | None) -> None:
            if path is not None:
                self.add(path)
            self.query_one("#attachment-path", Input).focus()

        glyphs = getattr(self.app.config, "glyphs", True)
        self.app.push_screen(FilePickerScreen(self.folder, glyphs=glyphs), picked)

    @work(group="attachment-add")
    async def add(self, path: Path) -> None:
        """Check the file in a thread and list it, or say why it is refused."""
        self.show_error("")
        if path in self.paths:
            self.show_error(_("{name} is already attached.", name=path.name))
            return
        try:
            if self.limit is None:
                settings = await self.app.call(self.app.store.settings)
                self.limit = int(settings["attachment_limit"])
            size = await self.app.call(check_attachment, path, self.limit)
        except SacError as error:
            self.show_error(error.message)
            return
        self.paths.append(path)
        listing = self.query_one(OptionList)
        listing.add_option(Option(f"{path.name} · {natural_size(size)}"))
        listing.add_class("-some")
        self.query_one("#attachment-path", Input).value = ""

    # -- removing -------------------------------------------------------------

    def action_remove(self) -> None:
        listing = self.query_one(OptionList)
        index = listing.highlighted
        if index is None or not self.paths:
            return
        del self.paths[index]
        listing.remove_option_at_index(index)
        if not self.paths:
            listing.remove_class("-some")
            self.query_one("#attachment-path", Input).focus()

    # -- refusals -------------------------------------------------------------

    def show_error(self, message: str) -> None:
        self.query_one(FieldError).show(message)

    def focus_path(self) -> None:
        self.query_one("#attachment-path", Input).focus()
