"""Nova senha: after an administrator's reset, the person chooses their own.

The console shows this screen first when the account must change its
password; nothing else opens until the temporary password is replaced (or
the person logs out with Ctrl+L). The new password follows the same rules
as at sign-up, with the same strength meter.
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Footer, Input, Static

from data.errors import SacError, ValidationError
from data.i18n import _
from screens.typeahead import TypeAheadScreen, enter_binding
from widgets.fields import FieldError, LabelledInput
from widgets.header import AppHeader


class ChangePasswordScreen(TypeAheadScreen):
    """Temporary password, new password twice; Enter on the last one saves."""

    BINDINGS = [
        Binding("ctrl+l", "sign_out", _("Log out"), id="password.sign_out"),
        enter_binding("password.next_field"),
    ]

    def compose(self) -> ComposeResult:
        yield AppHeader(_("New password"))
        with Vertical(id="password-box") as box:
            box.border_title = _("Choose your own password")
            yield Static(
                _(
                    "An administrator gave you a temporary password. Choose your "
                    "own before you go on; only you will know it."
                ),
                id="password-why",
            )
            yield LabelledInput(_("Temporary password"), field="current", password=True)
            yield LabelledInput(
                _("New password"), field="password", password=True, max_length=128
            )
            yield Static("", id="new-strength")
            yield LabelledInput(
                _("Repeat it"), field="repeat", password=True, max_length=128
            )
            yield FieldError(id="password-error")
            with Horizontal(classes="buttons"):
                yield Button(_("Change password"), id="change", variant="primary")
            yield Static("", id="password-busy", classes="busy")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#current", Input).focus()

    @on(Input.Changed, "#password")
    def password_changed(self, event: Input.Changed) -> None:
        self.rate_password(event.value)

    @work(exclusive=True, group="strength", thread=True)
    def rate_password(self, password: str) -> None:
        from data.passwords import password_strength

        show = self.query_one("#new-strength", Static).update
        if not password:
            self.app.call_from_thread(show, "")
            return
        user = self.app.user
        inputs = [user.name, user.email] if user else []
        strength = password_strength(password, inputs)
        bar = "█" * (strength.score + 1) + "░" * (4 - strength.score)
        text = f"{bar} {strength.label}"
        if strength.hint:
            text += f" · {strength.hint}"
        self.app.call_from_thread(show, text)

    def move_on_from(self, field: Input) -> None:
        if field.id != "repeat":
            self.focus_next()

    def entered(self, field: Input) -> None:
        if field.id == "repeat":
            self.submit()

    @on(Button.Pressed, "#change")
    def submit(self) -> None:
        for field in self.query(LabelledInput):
            field.clear_error()
        self.query_one("#password-error", FieldError).show("")
        current = self.query_one("#current", Input).value
        new = self.query_one("#password", Input).value
        repeat = self.query_one("#repeat", Input).value
        if new != repeat:
            self.refuse(
                ValidationError(
                    _("The two new passwords are not the same; type them again."),
                    field="repeat",
                )
            )
            return
        self.change(current, new)

    def refuse(self, refusal: SacError) -> None:
        fields = {field.field: field for field in self.query(LabelledInput)}
        field = fields.get(refusal.field or "")
        if field is None:
            self.query_one("#password-error", FieldError).show(refusal.message)
            return
        field.show_error(refusal.message)
        field.input.focus()

    @work(exclusive=True, group="change-password")
    async def change(self, current: str, new: str) -> None:
        busy = self.query_one("#password-busy", Static)
        busy.update(_("Checking…"))
        try:
            await self.app.call(
                self.app.store.change_password, self.app.user, current, new
            )
        except SacError as refusal:
            self.refuse(refusal)
            return
        finally:
            busy.update("")
        user = self.app.user
        user.must_change_password = False
        self.app.signed_in(user, self.app.session_token)

    def action_sign_out(self) -> None:
        self.app.sign_out()
