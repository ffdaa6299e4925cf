"""Usuários: everyone who logs in, and what an administrator does to accounts.

The administrator reads every account (name, e-mail, role, whether it is
active or locked, whether it may make backups), with the chosen person's
organisation under the table. ``n`` creates an agent, an administrator or
a customer of an organisation; ``b`` grants or revokes an agent's backup
permission; ``u`` unlocks an account locked by failed logins; ``p`` sets a
temporary password, which the person must replace at the next login;
Ctrl+D deactivates an account, after a question, and its sessions end at
once.
"""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.events import Mount
from textual.screen import Screen
from textual.widgets import Button, DataTable, Footer, Input, Select, Static

from data.errors import SacError
from data.i18n import _
from data.models import Organisation, Permission, Role, User
from screens.admin import FormDialog, SelectField
from tui.plain import when
from widgets.dialogs import ConfirmDialog, PromptDialog
from widgets.fields import LabelledInput
from widgets.header import AppHeader

ROLE_ORDER = {Role.ADMIN: 0, Role.AGENT: 1, Role.CUSTOMER: 2}


class SafeConfirm(ConfirmDialog):
    """A question whose safe answer has the focus: a stray Enter changes nothing."""

    def on_mount(self, event: Mount) -> None:
        # Instead of the question's own focus on the confirming button.
        event.prevent_default()
        self.query_one("#cancel", Button).focus()


class UserForm(FormDialog):
    """Create an account: an agent, an administrator, or a customer.

    Args:
        organisations: those a customer may belong to.
    """

    def __init__(self, organisations: list[Organisation]) -> None:
        super().__init__()
        self.organisations = organisations
        self.title_text = _("New user")
        self.confirm_label = _("Create")

    def fields(self) -> ComposeResult:
        yield LabelledInput(_("Name and surname"), field="name", max_length=120)
        yield LabelledInput(
            _("E-mail"), field="email", placeholder="nome@backsite.com.br"
        )
        yield SelectField(
            _("Role"),
            field="role",
            options=[
                (Role.AGENT.label, Role.AGENT.value),
                (Role.ADMIN.label, Role.ADMIN.value),
                (Role.CUSTOMER.label, Role.CUSTOMER.value),
            ],
            value=Role.AGENT.value,
        )
        organisation = SelectField(
            _("Organisation"),
            field="organisation",
            options=[(o.name, o.id) for o in self.organisations],
            prompt=_("From the e-mail's domain"),
        )
        organisation.display = False
        yield organisation
        yield LabelledInput(_("Phone"), field="phone", placeholder="(11) 3456-7890")
        yield LabelledInput(_("Temporary password"), field="password", max_length=128)

    @on(Select.Changed, "#role")
    def role_changed(self, event: Select.Changed) -> None:
        self.query_one("#field-organisation").display = event.value == Role.CUSTOMER

    async def save(self) -> User:
        role = Role(self.query_one("#field-role", SelectField).value)
        organisation = self.query_one("#field-organisation", SelectField).value
        return await self.app.call(
            self.app.store.add_user,
            self.app.user,
            name=self.query_one("#name", Input).value,
            email=self.query_one("#email", Input).value,
            role=role,
            password=self.query_one("#password", Input).value,
            organisation_id=organisation if role is Role.CUSTOMER else None,
            phone=self.query_one("#phone", Input).value,
        )


class UsersScreen(Screen[None]):
    """Every account; keys act on the chosen one as its state allows."""

    BINDINGS = [
        Binding("n", "new", _("New user"), id="users.new"),
        Binding("b", "backup", _("Backup permission"), id="users.backup"),
        Binding("u", "unlock", _("Unlock"), id="users.unlock"),
        Binding("p", "reset_password", _("Temporary password"), id="users.password"),
        Binding("ctrl+d", "deactivate", _("Deactivate"), id="users.deactivate"),
        Binding("escape", "back", _("Back"), id="users.back"),
        Binding("r", "refresh", _("Refresh"), show=False, id="users.refresh"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.users: list[User] = []
        self.locked: dict[str, datetime] = {}
        self.organisations: list[Organisation] = []

    def compose(self) -> ComposeResult:
        yield AppHeader(_("Users"))
        yield DataTable(cursor_type="row", zebra_stripes=True, id="user-table")
        yield Static("", id="user-facts", markup=False)
        yield Static("", id="users-status", classes="busy", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#user-table", DataTable)
        table.add_column(_("Name"), key="name", width=17)
        table.add_column(_("E-mail"), key="email", width=23)
        table.add_column(_("Role"), key="role", width=13)
        table.add_column(_("Account"), key="state", width=9)
        table.add_column(_("Backup"), key="backup", width=6)
        table.focus()
        self.load()

    # -- loading --------------------------------------------------------------

    @work(exclusive=True, group="users")
    async def load(self, message: str = "") -> None:
        store, user = self.app.store, self.app.user
        self.say(_("Loading…"))
        try:
            users = await self.app.call(store.list_users, user)
            self.locked = await self.app.call(store.locked_accounts, user)
            organisations = await self.app.call(store.list_organisations, user)
        except SacError as refusal:
            self.say(refusal.message)
            return
        keep = self.chosen()
        self.organisations = sorted(organisations, key=lambda o: o.name.casefold())
        self.users = sorted(
            users, key=lambda u: (ROLE_ORDER[u.role], u.name.casefold(), u.id)
        )
        self.fill(keep.id if keep else None)
        self.say(message or _("Users: {count}.", count=len(users)))

    def state_of(self, user: User) -> str:
        if not user.active:
            return _("Inactive")
        if user.email in self.locked:
            return _("Locked")
        return _("Active")

    def fill(self, keep: int | None) -> None:
        table = self.query_one("#user-table", DataTable)
        table.clear()
        for user in self.users:
            state = Text(self.state_of(user))
            if user.email in self.locked and user.active:
                state.stylize("bold")
            table.add_row(
                Text(user.name),
                Text(user.email),
                user.role.label,
                state,
                _("Yes") if user.can(Permission.BACKUP) else "—",
                key=str(user.id),
            )
        for index, user in enumerate(self.users):
            if user.id == keep:
                table.move_cursor(row=index)
        self.show_facts()

    def chosen(self) -> User | None:
        row = self.query_one("#user-table", DataTable).cursor_row
        if not self.users or not 0 <= row < len(self.users):
            return None
        return self.users[row]

    def show_facts(self) -> None:
        user = self.chosen()
        facts = self.query_one("#user-facts", Static)
        if user is None:
            facts.update("")
            return
        names = {o.id: o.name for o in self.organisations}
        organisation = names.get(user.organisation_id or 0, "—")
        parts = [f"{_('Organisation')}: {organisation}"]
        if user.phone:
            parts.append(f"{_('Phone')}: {user.phone}")
        if user.email in self.locked:
            until = when(self.locked[user.email])
            parts.append(_("Locked until {time}", time=until))
        if user.must_change_password:
            parts.append(_("Must choose a new password"))
        facts.update(" · ".join(parts))
        self.refresh_bindings()

    def say(self, message: str) -> None:
        self.query_one("#users-status", Static).update(message)

    @on(DataTable.RowHighlighted, "#user-table")
    def highlighted(self) -> None:
        self.show_facts()

    # -- what the footer offers -----------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        user = self.chosen()
        if action == "backup":
            return user is not None and user.active and user.role is Role.AGENT
        if action == "unlock":
            return user is not None and user.email in self.locked
        if action == "reset_password":
            return user is not None and user.active
        if action == "deactivate":
            return user is not None and user.active and user.id != self.app.user.id
        return True

    # -- actions --------------------------------------------------------------

    @work(exclusive=True, group="users-act")
    async def action_new(self) -> None:
        created = await self.app.push_screen_wait(UserForm(self.organisations))
        if created is not None:
            self.load(
                _(
                    "{name} can now log in as {role}.",
                    name=created.name,
                    role=created.role.label,
                )
            )

    @work(exclusive=True, group="users-act")
    async def action_backup(self) -> None:
        user = self.chosen()
        if user is None:
            return
        store = self.app.store
        granted = Permission.BACKUP.value in user.permissions
        change = store.revoke if granted else store.grant
        try:
            await self.app.call(change, self.app.user, user.id, Permission.BACKUP)
        except SacError as refusal:
            self.say(refusal.message)
            return
        self.load(
            _("{name} may no longer make backups.", name=user.name)
            if granted
            else _("{name} may now make backups.", name=user.name)
        )

    @work(exclusive=True, group="users-act")
    async def action_unlock(self) -> None:
        user = self.chosen()
        if user is None:
            return
        try:
            await self.app.call(self.app.store.unlock, self.app.user, user.email)
        except SacError as refusal:
            self.say(refusal.message)
            return
        self.load(_("{email} is unlocked and may log in again.", email=user.email))

    @work(exclusive=True, group="users-act")
    async def action_reset_password(self) -> None:
        user = self.chosen()
        if user is None:
            return
        store, admin = self.app.store, self.app.user

        async def reset(temporary: str) -> str:
            await self.app.call(store.reset_password, admin, user.id, temporary)
            return temporary

        dialog = PromptDialog(
            _("Temporary password"),
            _("Temporary password for {name}:", name=user.name),
            note=_(
                "Tell it to the person: at the next login they must choose a "
                "new one. Their open sessions end now."
            ),
            confirm=_("Set password"),
            submit=reset,
        )
        if await self.app.push_screen_wait(dialog) is None:
            return
        self.load(
            _(
                "Temporary password set; {name} will choose a new one at the next "
                "login.",
                name=user.name,
            )
        )

    @work(exclusive=True, group="users-act")
    async def action_deactivate(self) -> None:
        user = self.chosen()
        if user is None:
            return
        question = _(
            "Deactivate the account of {name} ({email})? They can no longer log "
            "in, and their open sessions end at once.",
            name=user.name,
            email=user.email,
        )
        dialog = SafeConfirm(question, confirm=_("Deactivate"), cancel=_("Keep it"))
        if not await self.app.push_screen_wait(dialog):
            return
        try:
            await self.app.call(self.app.store.deactivate, self.app.user, user.id)
        except SacError as refusal:
            self.say(refusal.message)
            return
        self.load(_("The account of {name} is deactivated.", name=user.name))

    def action_back(self) -> None:
        self.dismiss()

    def action_refresh(self) -> None:
        self.load()
