"""Login: the person types e-mail and password, or goes to sign up."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Footer, Input, Static

from data.errors import SacError
from data.i18n import _
from screens.typeahead import TypeAheadScreen, enter_binding
from widgets.fields import FieldError, LabelledInput
from widgets.header import AppHeader


class LoginScreen(TypeAheadScreen):
    """E-mail and password; Enter submits. Demo accounts are listed in a demo."""

    BINDINGS = [
        Binding("ctrl+n", "register", _("Create account"), id="login.register"),
        enter_binding("login.next_field"),
    ]

    def compose(self) -> ComposeResult:
        yield AppHeader(_("Log in"))
        with Vertical(id="login-box") as box:
            box.border_title = _("Log in to the SAC")
            yield LabelledInput(
                _("E-mail"), field="email", placeholder="nome@empresa.com.br"
            )
            yield LabelledInput(_("Password"), field="password", password=True)
            yield FieldError(id="login-error")
            with Horizontal(classes="buttons"):
                yield Button(_("Log in"), id="login", variant="primary")
                yield Button(_("Create account"), id="register")
            yield Static("", id="login-busy", classes="busy")
        accounts = getattr(self.app, "demo_accounts", [])
        if accounts:
            lines = [
                _(
                    "Demo accounts (password {password}):",
                    password=self.app.demo_password,
                )
            ]
            lines += [f"  {_(role):<14} {email}" for role, email in accounts]
            yield Static("\n".join(lines), id="demo-accounts")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#email", Input).focus()

    def move_on_from(self, field: Input) -> None:
        if field.id == "email":
            self.set_focus(self.query_one("#password", Input))

    def entered(self, field: Input) -> None:
        if field.id == "password":
            self.submit()

    @on(Button.Pressed, "#login")
    def submit(self) -> None:
        email = self.query_one("#email", Input).value
        password = self.query_one("#password", Input).value
        if not email.strip() or not password:
            self.query_one("#login-error", FieldError).show(
                _("Type your e-mail and your password.")
            )
            return
        self.log_in(email, password)

    @work(exclusive=True, group="login")
    async def log_in(self, email: str, password: str) -> None:
        busy = self.query_one("#login-busy", Static)
        busy.update(_("Checking…"))
        try:
            session = await self.app.call(self.app.store.login, email, password)
        except SacError as error:
            self.query_one("#login-error", FieldError).show(error.message)
            password_input = self.query_one("#password", Input)
            password_input.value = ""
            password_input.focus()
            return
        finally:
            busy.update("")
        self.app.signed_in(session.user, session.token)

    @on(Button.Pressed, "#register")
    def action_register(self) -> None:
        from screens.register import RegisterScreen

        email = self.query_one("#email", Input).value
        self.app.push_screen(RegisterScreen(email=email))
