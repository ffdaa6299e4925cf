"""Sign-up: a customer creates an account and is logged in at once."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Footer, Input, Label, Select, Static

from data.errors import SacError
from data.i18n import _
from data.models import Gender
from screens.typeahead import TypeAheadScreen, enter_binding
from widgets.fields import FieldError, LabelledInput
from widgets.header import AppHeader

FIELDS = ("name", "email", "gender", "password", "phone")


class RegisterScreen(TypeAheadScreen):
    """Name and surname, e-mail, gender, password (with a hint), phone."""

    BINDINGS = [
        Binding("escape", "back", _("Back to login"), id="register.back"),
        enter_binding("register.next_field"),
    ]

    def __init__(self, email: str = "") -> None:
        super().__init__()
        self.initial_email = email

    def compose(self) -> ComposeResult:
        yield AppHeader(_("Create account"))
        with VerticalScroll(id="register-box") as box:
            box.border_title = _("Create an account")
            yield LabelledInput(_("Name and surname"), field="name", max_length=120)
            yield LabelledInput(
                _("E-mail"),
                field="email",
                value=self.initial_email,
                placeholder="nome@empresa.com.br",
            )
            with Vertical(id="field-gender", classes="field"):
                with Horizontal(classes="select-row"):
                    yield Label(_("Gender"))
                    yield Select(
                        [(gender.label, gender.value) for gender in Gender],
                        value=Gender.UNDISCLOSED.value,
                        allow_blank=False,
                        id="gender",
                        compact=True,
                    )
                yield FieldError()
            yield LabelledInput(
                _("Password"), field="password", password=True, max_length=128
            )
            yield Static("", id="strength")
            yield LabelledInput(_("Phone"), field="phone", placeholder="(11) 3456-7890")
            yield FieldError(id="register-error")
            with Horizontal(classes="buttons"):
                yield Button(_("Create now!"), id="create", variant="primary")
                yield Button(_("I already have an account!"), id="back")
            yield Static("", id="register-busy", classes="busy")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#name", Input).focus()

    @on(Input.Changed, "#password")
    def password_changed(self, event: Input.Changed) -> None:
        self.rate_password(event.value)

    @work(exclusive=True, group="strength", thread=True)
    def rate_password(self, password: str) -> None:
        from data.passwords import password_strength

        if not password:
            self.app.call_from_thread(self.query_one("#strength", Static).update, "")
            return
        inputs = [
            self.query_one("#name", Input).value,
            self.query_one("#email", Input).value,
        ]
        strength = password_strength(password, inputs)
        bar = "█" * (strength.score + 1) + "░" * (4 - strength.score)
        text = f"{bar} {strength.label}"
        if strength.hint:
            text += f" · {strength.hint}"
        self.app.call_from_thread(self.query_one("#strength", Static).update, text)

    def move_on_from(self, field: Input) -> None:
        if field.id != "phone":
            self.focus_next()

    def entered(self, field: Input) -> None:
        if field.id == "phone":
            self.submit()

    @on(Button.Pressed, "#create")
    def submit(self) -> None:
        values = {
            name: self.query_one(f"#{name}", Input).value
            for name in ("name", "email", "password", "phone")
        }
        gender = self.query_one("#gender", Select).value
        self.create(values, Gender(gender))

    @work(exclusive=True, group="register")
    async def create(self, values: dict[str, str], gender: Gender) -> None:
        for field in FIELDS:
            self.query_one(f"#field-{field} FieldError", FieldError).show("")
        general = self.query_one("#register-error", FieldError)
        general.show("")
        busy = self.query_one("#register-busy", Static)
        busy.update(_("Creating your account…"))
        store = self.app.store
        try:
            await self.app.call(store.register, gender=gender, **values)
            session = await self.app.call(
                store.login, values["email"], values["password"]
            )
        except SacError as error:
            if error.field in FIELDS:
                self.query_one(f"#field-{error.field} FieldError", FieldError).show(
                    error.message
                )
                self.query_one(f"#{error.field}").focus()
            else:
                general.show(error.message)
            return
        finally:
            busy.update("")
        self.app.notify(_("Welcome, {name}!", name=session.user.name))
        self.app.signed_in(session.user, session.token)

    @on(Button.Pressed, "#back")
    def action_back(self) -> None:
        self.app.pop_screen()
