"""The support team's dialogs: choose a person, answer, forward.

Each is a modal screen that hands its result back through ``dismiss``, so a
screen awaits it from a worker with ``push_screen_wait``. The ones that send
something take a ``submit`` coroutine (typically a store call): a refusal it
raises shows under the fields while the dialog stays open with everything
typed, and Esc gives ``None`` with what was typed kept in ``value``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from data.errors import SacError
from data.i18n import _
from data.models import CannedAnswer, User
from data.text import fold
from data.validation import require
from widgets.dialogs import PromptDialog
from widgets.fields import FieldError, QuietInput, QuietTextArea


@dataclass
class Choice:
    """One line of a ``ChooseDialog``.

    Args:
        value: what the dialog gives back when this line is chosen.
        label: the name shown and searched.
        detail: shown dimmed after the name, and searched too.
        group: the heading the line is listed under.
        keywords: searched as well, but not shown (an e-mail address).
    """

    value: Any
    label: str
    detail: str = ""
    group: str = ""
    keywords: str = ""


class ChooseDialog(ModalScreen[Any]):
    """Typing narrows the list; arrows move, Enter chooses, Esc cancels.

    Args:
        title: the dialog's name, on its border.
        choices: the lines, in the order to show them, grouped by heading.
        placeholder: what the search field says while empty.
        current: the value to highlight first, if any.
    """

    BINDINGS = [
        Binding("escape", "cancel", _("Cancel"), id="choose.cancel"),
        Binding("down", "move(1)", show=False, id="choose.down"),
        Binding("up", "move(-1)", show=False, id="choose.up"),
    ]

    def __init__(
        self,
        title: str,
        choices: list[Choice],
        *,
        placeholder: str = "",
        current: Any = None,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.choices = choices
        self.placeholder = placeholder
        self.current = current
        self.shown: list[Choice] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="choose-box") as box:
            box.border_title = self.title_text
            yield QuietInput(placeholder=self.placeholder, id="choose-filter")
            yield OptionList(id="choose-list")
            yield Static("", id="choose-count", classes="hint")
        yield Footer()

    def on_mount(self) -> None:
        self.fill("")
        self.query_one("#choose-filter", Input).focus()

    @on(Input.Changed, "#choose-filter")
    def filter_changed(self, event: Input.Changed) -> None:
        self.fill(event.value)

    def fill(self, typed: str) -> None:
        """List the choices whose name or detail hold every word typed."""
        words = fold(typed).split()
        self.shown = [
            choice
            for choice in self.choices
            if all(
                word
                in fold(
                    f"{choice.label} {choice.detail} {choice.group} {choice.keywords}"
                )
                for word in words
            )
        ]
        options: list[Option] = []
        group = None
        highlight = None
        for index, choice in enumerate(self.shown):
            if choice.group and choice.group != group:
                group = choice.group
                options.append(Option(Content.styled(group, "bold"), disabled=True))
            if choice.value == self.current and highlight is None:
                highlight = len(options)
            prompt = Content.assemble(choice.label + "  ", (choice.detail, "dim"))
            options.append(Option(prompt, id=str(index)))
        listing = self.query_one(OptionList)
        listing.set_options(options)
        first = next((i for i, o in enumerate(options) if not o.disabled), None)
        listing.highlighted = highlight if highlight is not None else first
        count = self.query_one("#choose-count", Static)
        count.update(
            _("Nothing matches what was typed.")
            if not self.shown
            else _("Enter chooses · Esc cancels")
        )

    def action_move(self, step: int) -> None:
        listing = self.query_one(OptionList)
        if step > 0:
            listing.action_cursor_down()
        else:
            listing.action_cursor_up()

    @on(Input.Submitted, "#choose-filter")
    def typed_and_entered(self) -> None:
        listing = self.query_one(OptionList)
        if listing.highlighted is not None:
            self.choose(listing.get_option_at_index(listing.highlighted))

    @on(OptionList.OptionSelected, "#choose-list")
    def selected(self, event: OptionList.OptionSelected) -> None:
        self.choose(event.option)

    def choose(self, option: Option) -> None:
        if option.id is not None:
            self.dismiss(self.shown[int(option.id)].value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class AnswerDialog(ModalScreen[Any]):
    """Write an answer (or a question) to the customer; Ctrl+S sends it.

    A ready answer chosen in "Resposta pronta" (Ctrl+R goes there) fills an
    empty text or is added where the cursor is; Ctrl+G keeps the text as a
    ready answer under a title asked for.

    Args:
        title: the dialog's name, on its border.
        label: what the text box is for.
        confirm: the sending button's label.
        canned: the ready answers to offer.
        value: the text to start from (a draft kept from last time).
        submit: sends the text; its result is the dialog's, and a
            ``SacError`` it raises shows under the text.
        keep_canned: saves a ready answer from a title and a text.
    """

    BINDINGS = [
        Binding("escape", "cancel", _("Cancel"), id="answer.cancel"),
        Binding("ctrl+s", "send", _("Send"), id="answer.send"),
        Binding("ctrl+r", "choose_canned", _("Ready answers"), id="answer.canned"),
        Binding("ctrl+g", "keep_canned", _("Save as ready answer"), id="answer.keep"),
    ]

    def __init__(
        self,
        *,
        title: str,
        label: str,
        confirm: str,
        canned: list[CannedAnswer],
        value: str = "",
        submit: Callable[[str], Awaitable[Any]],
        keep_canned: Callable[[str, str], Awaitable[CannedAnswer]],
    ) -> None:
        super().__init__()
        self.title_text = title
        self.label = label
        self.confirm_label = confirm
        self.canned = list(canned)
        self.value = value
        self.submit = submit
        self.keep = keep_canned
        self.sending = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="answer-box") as box:
            box.border_title = self.title_text
            with Horizontal(classes="select-row"):
                yield Label(_("Ready answer"))
                yield Select(
                    self.canned_options(),
                    prompt=_("Choose one (Ctrl+R)"),
                    compact=True,
                    id="canned",
                )
            yield Label(self.label, classes="prompt-label")
            yield QuietTextArea(self.value, id="answer-text", soft_wrap=True)
            yield FieldError(id="answer-error")
            with Horizontal(classes="buttons"):
                yield Button(self.confirm_label, id="confirm", variant="primary")
                yield Button(_("Save as ready answer"), id="keep-canned")
                yield Button(_("Cancel"), id="cancel")
            yield Static("", id="answer-busy", classes="busy")
        yield Footer()

    def canned_options(self) -> list[tuple[str, int]]:
        # Text, not strings: titles are someone's words, never markup.
        return [(Text(answer.title), answer.id) for answer in self.canned]

    def on_mount(self) -> None:
        text = self.query_one("#answer-text", QuietTextArea)
        text.move_cursor(text.document.end)
        text.focus()
        if not self.canned:
            self.query_one("#canned", Select).disabled = True

    @property
    def text(self) -> str:
        return self.query_one("#answer-text", QuietTextArea).text

    def say(self, message: str) -> None:
        self.query_one("#answer-busy", Static).update(message)

    # -- ready answers ----------------------------------------------------------

    def action_choose_canned(self) -> None:
        select = self.query_one("#canned", Select)
        if not select.disabled:
            select.focus()
            select.action_show_overlay()

    @on(Select.Changed, "#canned")
    def canned_chosen(self, event: Select.Changed) -> None:
        if event.value is Select.NULL:
            return
        chosen = next(a for a in self.canned if a.id == event.value)
        text = self.query_one("#answer-text", QuietTextArea)
        if text.text.strip():
            text.insert(chosen.text)
        else:
            text.load_text(chosen.text)
            text.move_cursor(text.document.end)
        text.focus()
        self.say(_('Ready answer "{title}" used.', title=chosen.title))

    @on(Button.Pressed, "#keep-canned")
    def action_keep_canned(self) -> None:
        error = self.query_one("#answer-error", FieldError)
        try:
            require(self.text, field="text", label=_("Answer"))
        except SacError as refusal:
            error.show(refusal.message)
            return
        error.show("")
        self.ask_title(self.text)

    @work(exclusive=True, group="answer-canned")
    async def ask_title(self, text: str) -> None:
        async def keep(title: str) -> CannedAnswer:
            return await self.keep(title, text)

        dialog = PromptDialog(
            _("Save as ready answer"),
            _("Title of the ready answer (one with the same title is replaced):"),
            confirm=_("Save"),
            submit=keep,
        )
        saved = await self.app.push_screen_wait(dialog)
        if saved is None:
            return
        self.canned = sorted(
            [a for a in self.canned if a.title.casefold() != saved.title.casefold()]
            + [saved],
            key=lambda a: a.title,
        )
        select = self.query_one("#canned", Select)
        select.set_options(self.canned_options())
        select.disabled = False
        self.query_one("#answer-text", QuietTextArea).focus()
        self.say(_('Ready answer "{title}" saved.', title=saved.title))

    # -- sending ------------------------------------------------------------------

    @on(Button.Pressed, "#confirm")
    def action_send(self) -> None:
        if not self.sending:
            self.send(self.text)

    @work(exclusive=True, group="answer-send")
    async def send(self, text: str) -> None:
        error = self.query_one("#answer-error", FieldError)
        error.show("")
        self.sending = True
        self.say(_("Sending…"))
        try:
            result = await self.submit(text)
        except SacError as refusal:
            error.show(refusal.message)
            self.query_one("#answer-text").focus()
            return
        finally:
            self.sending = False
            self.say("")
        self.dismiss(result)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        if not self.sending:
            self.value = self.text
            self.dismiss(None)


@dataclass
class ForwardDraft:
    """What a forward dialog held when it was closed without sending."""

    to_user: int | None = None
    team: str = ""
    note: str = ""


class ForwardDialog(ModalScreen[Any]):
    """Tramitar: to an agent, a team or both, with a dispatch note.

    Args:
        protocol: the interaction forwarded, named in the title.
        staff: the active members of the support team to offer.
        draft: what was typed last time, offered again.
        submit: forwards with the note, the agent's id (or ``None``) and the
            team; a ``SacError`` it raises shows under the fields.
    """

    BINDINGS = [
        Binding("escape", "cancel", _("Cancel"), id="forward.cancel"),
        Binding("ctrl+s", "send", _("Forward"), id="forward.send"),
    ]

    def __init__(
        self,
        protocol: int,
        staff: list[User],
        *,
        draft: ForwardDraft | None = None,
        submit: Callable[[str, int | None, str], Awaitable[Any]],
    ) -> None:
        super().__init__()
        self.protocol = protocol
        self.staff = staff
        self.value = draft or ForwardDraft()
        self.submit = submit
        self.sending = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="forward-box") as box:
            box.border_title = _("Forward protocol {protocol}", protocol=self.protocol)
            with Horizontal(classes="select-row"):
                yield Label(_("To the agent"))
                yield Select(
                    [(Text(person.name), person.id) for person in self.staff],
                    prompt=_("Nobody"),
                    value=self.value.to_user
                    if self.value.to_user in {p.id for p in self.staff}
                    else Select.NULL,
                    compact=True,
                    id="forward-agent",
                )
            with Horizontal(classes="select-row"):
                yield Label(_("To the team"))
                yield QuietInput(
                    value=self.value.team,
                    placeholder=_("such as Suporte N2 or Desenvolvimento"),
                    id="forward-team",
                )
            yield Label(_("Dispatch note (required):"), classes="prompt-label")
            yield QuietTextArea(self.value.note, id="forward-note", soft_wrap=True)
            yield FieldError(id="forward-error")
            with Horizontal(classes="buttons"):
                yield Button(_("Forward"), id="confirm", variant="primary")
                yield Button(_("Cancel"), id="cancel")
            yield Static("", id="forward-busy", classes="busy")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#forward-agent", Select).focus()

    def typed(self) -> ForwardDraft:
        agent = self.query_one("#forward-agent", Select).value
        return ForwardDraft(
            to_user=None if agent is Select.NULL else int(agent),
            team=self.query_one("#forward-team", Input).value,
            note=self.query_one("#forward-note", QuietTextArea).text,
        )

    @on(Input.Submitted, "#forward-team")
    def team_entered(self) -> None:
        self.query_one("#forward-note").focus()

    @on(Button.Pressed, "#confirm")
    def action_send(self) -> None:
        if not self.sending:
            self.send(self.typed())

    @work(exclusive=True, group="forward-send")
    async def send(self, typed: ForwardDraft) -> None:
        error = self.query_one("#forward-error", FieldError)
        busy = self.query_one("#forward-busy", Static)
        error.show("")
        self.sending = True
        busy.update(_("Sending…"))
        try:
            result = await self.submit(typed.note, typed.to_user, typed.team)
        except SacError as refusal:
            error.show(refusal.message)
            target = "#forward-note" if refusal.field == "note" else "#forward-agent"
            self.query_one(target).focus()
            return
        finally:
            self.sending = False
            busy.update("")
        self.dismiss(result)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        if not self.sending:
            self.value = self.typed()
            self.dismiss(None)
