"""Every key of the screen beneath, with its binding id for remapping."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Static

from data.i18n import _


class KeysScreen(ModalScreen[None]):
    """Lists the keys of the screen the person was on; Esc closes it.

    Args:
        beneath: the screen whose keys to list.
    """

    BINDINGS = [
        Binding("escape,f1,question_mark,q", "dismiss", _("Close"), id="keys.close"),
    ]

    def __init__(self, beneath: Screen) -> None:
        super().__init__()
        self.beneath = beneath

    def compose(self) -> ComposeResult:
        with Vertical(id="keys-box") as box:
            box.border_title = _("Keys")
            yield DataTable(cursor_type="row", zebra_stripes=True)
            yield Static(
                _(
                    "Ctrl+P opens every action by name. Remap keys in {path}.",
                    path="config.toml",
                ),
                classes="hint",
            )

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(_("Key"), _("Action"), _("Id"))
        seen: set[tuple[str, str]] = set()
        for active in self.beneath.active_bindings.values():
            binding = active.binding
            # Only the console's own bindings: a focused text field would
            # otherwise list Textual's cursor keys as well.
            if not binding.description or not binding.id:
                continue
            row = (self.app.get_key_display(binding), binding.description)
            if row in seen:
                continue
            seen.add(row)
            table.add_row(*row, binding.id or "")
        table.add_row("ctrl+p", _("Commands"), "")
        table.focus()

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)
