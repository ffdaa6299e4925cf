"""A folder tree to choose one file from, by keyboard."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DirectoryTree, Static

from data.i18n import _


class FileTree(DirectoryTree):
    """A directory tree without hidden files, which only clutter the choice."""

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        return [path for path in paths if not path.name.startswith(".")]


class PlainFileTree(FileTree):
    """The same tree in plain text, for terminals without emoji."""

    ICON_NODE_EXPANDED = "- "
    ICON_NODE = "+ "
    ICON_FILE = "  "


class FilePickerScreen(ModalScreen[Path | None]):
    """Arrows move, Enter opens a folder or picks a file, Backspace goes up.

    Dismissed with the chosen file, or ``None`` when Esc cancels.

    Args:
        folder: where the tree starts; the home folder if it does not exist.
        glyphs: folder and file icons; plain marks when ``False``.
    """

    DEFAULT_CSS = """
    FilePickerScreen { align: center middle; }
    FilePickerScreen > #picker-box {
        width: 72;
        max-width: 100%;
        height: 20;
        max-height: 100%;
        border: round $primary;
        border-title-color: $text;
        padding: 0 1;
    }
    FilePickerScreen #picker-folder { color: $text-muted; height: 1; }
    FilePickerScreen FileTree { height: 1fr; background: $surface; }
    FilePickerScreen .hint { height: 1; padding: 0; }
    """

    BINDINGS = [
        Binding("escape", "cancel", _("Cancel"), id="picker.cancel"),
        Binding("backspace", "parent", _("Parent folder"), id="picker.parent"),
    ]

    def __init__(self, folder: Path, *, glyphs: bool = True) -> None:
        super().__init__()
        self.folder = folder if folder.is_dir() else Path.home()
        self.tree_class = FileTree if glyphs else PlainFileTree

    def compose(self) -> ComposeResult:
        with Vertical(id="picker-box") as box:
            box.border_title = _("Choose file")
            yield Static(str(self.folder), id="picker-folder", markup=False)
            yield self.tree_class(self.folder)
            yield Static(
                _("Enter picks · Backspace goes up a folder · Esc cancels"),
                classes="hint",
            )

    def on_mount(self) -> None:
        self.query_one(FileTree).focus()

    @on(DirectoryTree.FileSelected)
    def file_chosen(self, event: DirectoryTree.FileSelected) -> None:
        event.stop()
        self.dismiss(event.path)

    def action_parent(self) -> None:
        tree = self.query_one(FileTree)
        parent = Path(tree.path).parent
        if parent != Path(tree.path):
            tree.path = parent
            self.query_one("#picker-folder", Static).update(str(parent))

    def action_cancel(self) -> None:
        self.dismiss(None)
