"""Small dialogs: a yes-or-no question and a text prompt, by keyboard alone.

Both are modal screens that hand their answer back through ``dismiss``, so a
screen can ``await self.app.push_screen_wait(...)`` them from a worker. Esc
cancels, Tab moves between the field and the buttons, Enter confirms.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Input, Label, Static, TextArea

from data.errors import SacError
from data.i18n import _
from widgets.fields import FieldError, QuietInput, QuietTextArea


class ConfirmDialog(ModalScreen[bool]):
    """Asks one question; the answer is ``True`` only when confirmed.

    Enter answers with the focused button (the confirming one at first);
    Esc answers no.

    Args:
        question: what the person is asked, as a whole sentence.
        confirm: the confirming button's label ("Sim" by default).
        cancel: the other button's label ("Não" by default).
    """

    BINDINGS = [
        Binding("escape", "cancel", _("Cancel"), id="dialog.cancel"),
        Binding("left", "app.focus_previous", show=False, id="dialog.previous"),
        Binding("right", "app.focus_next", show=False, id="dialog.next"),
    ]

    def __init__(
        self, question: str, *, confirm: str | None = None, cancel: str | None = None
    ) -> None:
        super().__init__()
        self.question = question
        self.confirm_label = confirm or _("Yes")
        self.cancel_label = cancel or _("No")

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.question, classes="question", markup=False)
            with Horizontal(classes="buttons"):
                yield Button(self.confirm_label, id="confirm", variant="primary")
                yield Button(self.cancel_label, id="cancel")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#confirm", Button).focus()

    @on(Button.Pressed, "#confirm")
    def confirmed(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)


class PromptDialog(ModalScreen[Any]):
    """Asks for a text; refusals show under the field and keep what was typed.

    A one-line prompt sends with Enter; a several-line one with Ctrl+S, or
    with Enter on its button after Tab. Esc gives ``None``.

    Args:
        title: the dialog's name, on its border.
        label: what the field asks for.
        note: a text to read before answering, such as the question asked.
        value: the field's initial text; after the dialog closes, what was
            typed, so that a caller can keep it as a draft.
        multiline: a text box of several lines instead of one line.
        confirm: the sending button's label.
        check: validates the text before sending; a ``SacError`` it raises
            is shown under the field.
        submit: runs with the text (typically a store call); its result is
            what the dialog gives back, and a ``SacError`` it raises is shown
            under the field while the dialog stays open. Without it the
            dialog gives back the text.
        error: a refusal to show under the field from the start.
    """

    BINDINGS = [
        Binding("escape", "cancel", _("Cancel"), id="dialog.cancel"),
        Binding("ctrl+s", "submit", _("Send"), id="dialog.submit"),
    ]

    def __init__(
        self,
        title: str,
        label: str,
        *,
        note: str = "",
        value: str = "",
        multiline: bool = False,
        confirm: str | None = None,
        check: Callable[[str], object] | None = None,
        submit: Callable[[str], Awaitable[Any]] | None = None,
        error: str = "",
    ) -> None:
        super().__init__()
        self.title_text = title
        self.label = label
        self.note = note
        self.value = value
        self.multiline = multiline
        self.confirm_label = confirm or _("Send")
        self.check = check
        self.submit = submit
        self.error = error
        self.sending = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as box:
            box.border_title = self.title_text
            if self.note:
                yield Static(self.note, classes="prompt-note", markup=False)
            yield Label(self.label, classes="prompt-label")
            if self.multiline:
                yield QuietTextArea(
                    self.value, id="prompt-text", soft_wrap=True, compact=True
                )
            else:
                yield QuietInput(value=self.value, id="prompt-text")
            yield FieldError(id="prompt-error")
            with Horizontal(classes="buttons"):
                yield Button(self.confirm_label, id="confirm", variant="primary")
                yield Button(_("Cancel"), id="cancel")
            yield Static("", id="prompt-busy", classes="busy")
        yield Footer()

    def on_mount(self) -> None:
        field = self.query_one("#prompt-text")
        if isinstance(field, TextArea):
            field.move_cursor(field.document.end)
        field.focus()
        self.show_busy("")
        if self.error:
            self.query_one(FieldError).show(self.error)

    @property
    def text(self) -> str:
        field = self.query_one("#prompt-text")
        return field.text if isinstance(field, TextArea) else field.value

    @on(Input.Submitted, "#prompt-text")
    @on(Button.Pressed, "#confirm")
    def action_submit(self) -> None:
        # Set before the worker starts, so that a second Enter sends nothing.
        if not self.sending:
            self.sending = True
            self.send(self.text)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        if not self.sending:
            self.value = self.text
            self.dismiss(None)

    @work(exclusive=True, group="prompt")
    async def send(self, text: str) -> None:
        error = self.query_one(FieldError)
        try:
            if self.check is not None:
                self.check(text)
            result: Any = text
            if self.submit is not None:
                self.show_busy(_("Sending…"))
                result = await self.submit(text)
        except SacError as refusal:
            error.show(refusal.message)
            self.query_one("#prompt-text").focus()
            return
        finally:
            self.sending = False
            self.show_busy("")
        self.dismiss(result)

    def show_busy(self, message: str) -> None:
        busy = self.query_one("#prompt-busy", Static)
        busy.update(message)
        busy.display = bool(message)
