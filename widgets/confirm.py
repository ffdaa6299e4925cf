"""A yes-or-no question over the current screen, answered by keyboard."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from data.i18n import _


class ConfirmScreen(ModalScreen[bool]):
    """Enter answers with the focused button, arrows move, Esc keeps things.

    Dismissed with ``True`` for the action, ``False`` for staying safe. The
    safe answer has the focus first, so a stray Enter loses nothing.

    Args:
        question: what is asked, as a short sentence.
        act: the label of the answer that does it ("Descartar").
        keep: the label of the answer that changes nothing.
    """

    DEFAULT_CSS = """
    ConfirmScreen { align: center middle; }
    ConfirmScreen > #confirm-box {
        width: auto;
        min-width: 40;
        max-width: 100%;
        height: auto;
        border: round $warning;
        background: $surface;
        padding: 1 2 0 2;
    }
    ConfirmScreen #confirm-question { width: auto; text-style: bold; }
    ConfirmScreen Horizontal { height: auto; width: auto; margin: 1 0; }
    ConfirmScreen Button { margin-right: 2; min-width: 12; }
    """

    BINDINGS = [
        Binding("escape", "keep", _("Keep editing"), id="confirm.keep"),
        Binding("left,up", "app.focus_previous", show=False, id="confirm.previous"),
        Binding("right,down", "app.focus_next", show=False, id="confirm.next"),
    ]

    def __init__(self, question: str, *, act: str, keep: str) -> None:
        super().__init__()
        self.question = question
        self.act_label = act
        self.keep_label = keep

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield Static(self.question, id="confirm-question")
            with Horizontal():
                yield Button(self.keep_label, id="keep", variant="primary")
                yield Button(self.act_label, id="act", variant="error")

    def on_mount(self) -> None:
        self.query_one("#keep", Button).focus()

    @on(Button.Pressed, "#act")
    def act(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#keep")
    def action_keep(self) -> None:
        self.dismiss(False)
