"""Administração: the administrator's menu, and what its screens share.

From the staff's list Ctrl+A opens this menu; the administrator picks
Organizações, Solicitações de atualização, Usuários or Relatórios by its
letter or with the arrows and Enter, and sees at a glance what waits:
update requests without a confirmed date and locked accounts.

The forms of the administration screens are ``FormDialog`` subclasses: a
box over the screen they came from, Ctrl+S or Enter on the last field
saves, Esc leaves, and the store's refusals show under the field they are
about.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Footer, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from data.errors import SacError, ValidationError
from data.i18n import _
from data.models import Role, User
from screens.typeahead import TypeAheadScreen, enter_binding
from widgets.fields import FieldError
from widgets.header import AppHeader

DATE_FORMAT = "%d/%m/%Y"


def parse_day(typed: str, *, field: str) -> date:
    """A date typed as dd/mm/aaaa.

    Raises:
        ValidationError: nothing typed, or not a date in that form.
    """
    text = typed.strip()
    try:
        return datetime.strptime(text, DATE_FORMAT).date()
    except ValueError:
        raise ValidationError(
            _(
                "{typed} is not a date: type it as dd/mm/aaaa, such as 16/03/2026.",
                typed=text,
            ),
            field=field,
        ) from None


def day_text(day: date | None) -> str:
    """A date as dd/mm/aaaa, or a dash when there is none."""
    return "—" if day is None else day.strftime(DATE_FORMAT)


def short_name(name: str) -> str:
    """First and last name, so that a person fits a narrow column."""
    words = name.split()
    return f"{words[0]} {words[-1]}" if len(words) > 2 else name


class SelectField(Vertical):
    """A label and a compact Select on one line, and the refusal under them.

    Args:
        label: what the field asks for.
        field: the name the store uses for this field in its refusals.
        options: (label, value) pairs.
        value: the value chosen at first; ``None`` for the prompt.
        prompt: what the Select shows when nothing is chosen.
    """

    def __init__(
        self,
        label: str,
        *,
        field: str,
        options: list[tuple[str, Any]],
        value: Any = None,
        prompt: str = "",
    ) -> None:
        super().__init__(id=f"field-{field}", classes="field")
        self.label = label
        self.field = field
        allow_blank = bool(prompt)
        self._select: Select[Any] = Select(
            options,
            prompt=prompt or "",
            allow_blank=allow_blank,
            value=value if value is not None else Select.NULL,
            id=field,
            compact=True,
        )

    def compose(self) -> ComposeResult:
        with Horizontal(classes="select-row"):
            yield Label(self.label)
            yield self._select
        yield FieldError()

    @property
    def select(self) -> Select[Any]:
        return self._select

    @property
    def value(self) -> Any:
        """The chosen value, ``None`` when nothing is."""
        value = self._select.value
        return None if value is Select.NULL else value


class FormDialog(ModalScreen[Any], TypeAheadScreen):
    """A form over the current screen; the answer is the store's result.

    Subclasses yield their fields from ``fields`` (``LabelledInput``,
    ``SelectField`` and the like, each in a container ``#field-<name>``)
    and do the store call in ``save``, raising ``SacError`` to refuse; the
    dialog shows the refusal under the field it names, keeps everything
    typed, and stays open. Esc gives ``None``.
    """

    BINDINGS = [
        Binding("escape", "cancel", _("Cancel"), id="admin.form_cancel"),
        Binding("ctrl+s", "save", _("Save"), id="admin.form_save"),
        enter_binding("admin.form_next_field"),
    ]

    title_text = ""
    confirm_label = ""

    def __init__(self) -> None:
        super().__init__()
        self.sending = False

    def fields(self) -> ComposeResult:
        """The form's fields, top to bottom."""
        yield from ()

    async def save(self) -> Any:
        """Do what the form is for; the result closes the dialog."""
        raise NotImplementedError

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog form-dialog") as box:
            box.border_title = self.title_text
            yield from self.fields()
            yield FieldError(id="form-error")
            with Horizontal(classes="buttons"):
                yield Button(
                    self.confirm_label or _("Save"), id="form-save", variant="primary"
                )
                yield Button(_("Cancel"), id="form-cancel")
            yield Static("", id="form-busy", classes="busy")
        yield Footer()

    def on_mount(self) -> None:
        first = self.query("Input, Select, TextArea, Checkbox").first()
        first.focus()

    def move_on_from(self, field: Input) -> None:
        if field is not self.query(Input).last():
            self.focus_next()

    def entered(self, field: Input) -> None:
        if field is self.query(Input).last():
            self.action_save()

    @on(Button.Pressed, "#form-save")
    def action_save(self) -> None:
        if not self.sending:
            self.send()

    @on(Button.Pressed, "#form-cancel")
    def action_cancel(self) -> None:
        if not self.sending:
            self.dismiss(None)

    def clear_errors(self) -> None:
        for error in self.query(FieldError):
            error.show("")

    def refuse(self, refusal: SacError) -> None:
        """Show a refusal under its field, or under the form."""
        places = self.query(f"#field-{refusal.field}") if refusal.field else None
        if places:
            place = places.first()
            place.query_one(FieldError).show(refusal.message)
            place.query("Input, Select, TextArea").first().focus()
        else:
            self.query_one("#form-error", FieldError).show(refusal.message)

    @work(exclusive=True, group="form")
    async def send(self) -> None:
        self.clear_errors()
        busy = self.query_one("#form-busy", Static)
        self.sending = True
        busy.update(_("Saving…"))
        try:
            result = await self.save()
        except SacError as refusal:
            self.refuse(refusal)
            return
        finally:
            self.sending = False
            busy.update("")
        self.dismiss(result)


class AdminScreen(Screen[None]):
    """The administrator's menu: a letter, or the arrows and Enter, opens a part."""

    BINDINGS = [
        Binding("o", "open('organisations')", _("Organisations"), id="admin.orgs"),
        Binding("a", "open('updates')", _("Update requests"), id="admin.updates"),
        Binding("u", "open('users')", _("Users"), id="admin.users"),
        Binding("r", "open('reports')", _("Reports"), id="admin.reports"),
        Binding("escape", "back", _("Back"), id="admin.back"),
    ]

    PARTS = ("organisations", "updates", "users", "reports")

    def compose(self) -> ComposeResult:
        yield AppHeader(_("Administration"))
        with Vertical(id="admin-menu"):
            yield Static(_("What do you want to manage?"), id="admin-question")
            entries: list[Option | None] = []
            for part in self.PARTS:
                entries += [Option(self.entry(part), id=part), None]
            yield OptionList(*entries[:-1], id="admin-parts")
            yield Static("", id="admin-summary", classes="hint")
        yield Footer()

    def entry(self, part: str) -> Text:
        key, title, about = {
            "organisations": (
                "o",
                _("Organisations"),
                _(
                    "Contracted products, PDC, e-mail domains, consultant and the "
                    "implementation stage with its history."
                ),
            ),
            "updates": (
                "a",
                _("Update requests"),
                _(
                    "The wished dates on a calendar; approve or move them, "
                    "Monday to Wednesday with a week's notice."
                ),
            ),
            "users": (
                "u",
                _("Users"),
                _(
                    "Agents and administrators, backup permission, unlocking, "
                    "temporary passwords and deactivation."
                ),
            ),
            "reports": (
                "r",
                _("Reports"),
                _(
                    "Deadlines kept, late interactions and rejections per month and "
                    "severity; CSV export."
                ),
            ),
        }[part]
        return Text.assemble((f"{key}  {title}", "bold"), "\n", about)

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        self.count_waiting()

    @work(exclusive=True, group="admin-summary")
    async def count_waiting(self) -> None:
        store, user = self.app.store, self.app.user
        from screens.updates import load_update_requests

        try:
            requests = await self.app.call(load_update_requests, store, user)
            locked = await self.app.call(store.locked_accounts, user)
        except SacError as refusal:
            self.query_one("#admin-summary", Static).update(refusal.message)
            return
        waiting = sum(1 for request in requests if request.scheduled_for is None)
        self.query_one("#admin-summary", Static).update(
            _(
                "Update requests without a confirmed date: {waiting}. "
                "Locked accounts: {locked}.",
                waiting=waiting,
                locked=len(locked),
            )
        )

    @on(OptionList.OptionSelected, "#admin-parts")
    def chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.action_open(event.option.id)

    def action_open(self, part: str) -> None:
        if part == "organisations":
            from screens.organisations import OrganisationsScreen

            self.app.push_screen(OrganisationsScreen())
        elif part == "updates":
            from screens.updates import UpdatesScreen

            self.app.push_screen(UpdatesScreen())
        elif part == "users":
            from screens.users import UsersScreen

            self.app.push_screen(UsersScreen())
        else:
            from screens.reports import ReportsScreen

            self.app.push_screen(ReportsScreen())

    def action_back(self) -> None:
        self.dismiss()


def is_admin(user: User | None) -> bool:
    """Whether the menu is offered: the store refuses everyone else anyway."""
    return user is not None and user.active and user.role is Role.ADMIN
