"""Detalhes da Interação: one interaction's fields, text, files and history.

The person reads it in four tabs (Básico, Descrição, Anexos, Histórico) and
acts on it as its Situação allows: the customer adds the information the
support team asked for, accepts or rejects the handling, or cancels an
interaction nobody has started handling. Only the actions that apply show
in the footer; the store still decides, and its refusals show in words.
Esc ("Listagem") goes back to where the person came from.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static, TabbedContent, TabPane

from data.errors import SacError
from data.i18n import _
from data.models import (
    Attachment,
    Direction,
    Event,
    EventKind,
    Interaction,
    Severity,
)
from data.validation import check_reason, require
from data.words import natural_size
from data.workflow import Action, actions_from
from tui.plain import event_text, when
from widgets.dialogs import ConfirmDialog, PromptDialog
from widgets.header import AppHeader

TABS = ("basic", "description", "attachments", "history")

# The widget each tab puts the keyboard in, so that arrows scroll at once.
TAB_FOCUS = {
    "basic": "#basic-scroll",
    "description": "#description-scroll",
    "attachments": "#attachment-table",
    "history": "#history-events",
}

# Actions of this screen that the interaction's status and the person decide.
WORKFLOW_ACTIONS = {
    "add_info": Action.ADD_INFO,
    "accept": Action.ACCEPT,
    "reject": Action.REJECT,
    "cancel": Action.CANCEL,
}


class DetailScreen(Screen[None]):
    """One interaction in four tabs; keys act on it as its status allows.

    Args:
        protocol: the interaction to show.
    """

    BINDINGS = [
        Binding("escape", "back", _("Back to the list"), id="detail.back"),
        Binding("i", "add_info", _("Add information"), id="detail.add_info"),
        Binding("y", "accept", _("Accept"), id="detail.accept"),
        Binding("x", "reject", _("Reject"), id="detail.reject"),
        Binding("ctrl+d", "cancel", _("Cancel interaction"), id="detail.cancel"),
        Binding(
            "s", "save_attachment", _("Save attachment"), id="detail.save_attachment"
        ),
        Binding("r", "refresh", _("Refresh"), show=False, id="detail.refresh"),
        Binding(
            "1", "show_tab('basic')", _("Basic"), show=False, id="detail.tab_basic"
        ),
        Binding(
            "2",
            "show_tab('description')",
            _("Description"),
            show=False,
            id="detail.tab_description",
        ),
        Binding(
            "3",
            "show_tab('attachments')",
            _("Attachments"),
            show=False,
            id="detail.tab_attachments",
        ),
        Binding(
            "4",
            "show_tab('history')",
            _("History"),
            show=False,
            id="detail.tab_history",
        ),
        # Priority, so that a focused table or text does not keep the arrows.
        Binding(
            "right",
            "next_tab",
            _("Next tab"),
            show=False,
            priority=True,
            id="detail.tab_next",
        ),
        Binding(
            "left",
            "previous_tab",
            _("Previous tab"),
            show=False,
            priority=True,
            id="detail.tab_previous",
        ),
    ]

    def __init__(self, protocol: int) -> None:
        super().__init__()
        self.protocol = protocol
        self.interaction: Interaction | None = None
        self.names: dict[int, str] = {}
        # What the person typed in a dialog they closed, offered again next time.
        self.drafts: dict[str, str] = {}

    # -- layout ---------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield AppHeader(_("Interaction details"))
        with TabbedContent(id="detail-tabs"):
            with TabPane(_("Basic"), id="basic"), VerticalScroll(id="basic-scroll"):
                yield Grid(id="basic-fields")
                yield Static("", id="on-call", markup=False)
            with (
                TabPane(_("Description"), id="description"),
                VerticalScroll(id="description-scroll"),
            ):
                yield Static("", id="description-text", markup=False)
            with TabPane(_("Attachments"), id="attachments"):
                yield DataTable(cursor_type="row", id="attachment-table")
                yield Static("", id="attachments-hint", classes="hint", markup=False)
            with TabPane(_("History"), id="history"):
                yield VerticalScroll(id="history-events")
        yield Static(_("Loading…"), id="detail-status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(TabbedContent).display = False
        table = self.query_one("#attachment-table", DataTable)
        table.add_column(_("Name"), key="name")
        table.add_column(_("Size"), key="size")
        table.add_column(_("Added on"), key="added")
        self.load()

    # -- loading --------------------------------------------------------------

    @work(exclusive=True, group="detail")
    async def load(self, message: str = "", *, error: bool = False) -> None:
        """Read the interaction and show it, then ``message`` under the tabs."""
        store, user = self.app.store, self.app.user
        try:
            interaction = await self.app.call(
                store.get_interaction, user, self.protocol
            )
            deadline = await self.app.call(store.deadline, interaction)
            phone = ""
            if interaction.out_of_hours and interaction.severity is Severity.CRITICAL:
                settings = await self.app.call(store.settings)
                phone = settings.get("on_call_phone", "")
            await self.learn_names(interaction)
        except SacError as refusal:
            self.say(refusal.message, error=self.interaction is not None)
            return
        first = self.interaction is None
        self.interaction = interaction
        await self.show_basic(interaction, deadline.words, phone)
        self.query_one("#description-text", Static).update(interaction.description)
        self.show_attachments(interaction.attachments)
        await self.show_history(interaction.timeline)
        self.say(message, error=error)
        if first:
            self.query_one(TabbedContent).display = True
            self.focus_tab("basic")
        self.refresh_bindings()

    async def learn_names(self, interaction: Interaction) -> None:
        """Who did what, as this person may know it.

        Customers may not look other people up, so they read "Você" for
        themselves and "Equipe Backsite" for everyone else; staff read names.
        """
        user = self.app.user
        for event in interaction.timeline:
            actor = event.actor_id
            if actor is None or actor in self.names:
                continue
            if actor == user.id:
                self.names[actor] = _("You")
            elif not user.role.is_staff:
                self.names[actor] = _("Backsite team")
            else:
                try:
                    person = await self.app.call(self.app.store.get_user, user, actor)
                    self.names[actor] = person.name
                except SacError:
                    self.names[actor] = _("User {id}", id=actor)

    async def show_basic(
        self, interaction: Interaction, deadline: str, phone: str
    ) -> None:
        fields = [
            (_("Protocol"), str(interaction.protocol)),
            (_("Date"), when(interaction.created_at)),
            (_("Category"), interaction.category.label),
            (_("Type"), interaction.kind.label),
            (_("Subject"), interaction.subject),
            (_("Rejection count"), str(interaction.rejection_count)),
            status := (_("Status"), interaction.status.label),
            (_("Deadline"), deadline),
        ]
        if interaction.severity is not None:
            fields.append((_("Severity"), interaction.severity.label))
        if interaction.on_site:
            fields.append((_("On-site attendance"), _("Yes")))
        if interaction.wished_date is not None:
            wished = interaction.wished_date.strftime("%d/%m/%Y")
            fields.append((_("Wished date"), wished))
        grid = self.query_one("#basic-fields", Grid)
        await grid.remove_children()
        widgets: list[Static] = []
        for label, value in fields:
            widgets.append(Static(f"{label}:", classes="field-label", markup=False))
            widgets.append(Static(value, classes="field-value", markup=False))
        # The Situação is what the person comes back to read.
        widgets[fields.index(status) * 2 + 1].add_class("status")
        await grid.mount_all(widgets)
        on_call = self.query_one("#on-call", Static)
        on_call.display = bool(phone)
        on_call.update(
            _(
                "Out of business hours, critical stops in the system are handled "
                "by the on-call phone {phone}, after the ticket is opened in the SAC.",
                phone=phone,
            )
            if phone
            else ""
        )

    def show_attachments(self, attachments: list[Attachment]) -> None:
        table = self.query_one("#attachment-table", DataTable)
        keep = table.cursor_row
        table.clear()
        for attachment in attachments:
            table.add_row(
                Text(attachment.name),
                Text(natural_size(attachment.size)),
                Text(when(attachment.added_at)),
                key=attachment.id,
            )
        table.display = bool(attachments)
        if attachments:
            table.move_cursor(row=min(keep, len(attachments) - 1))
        hint = (
            _("s saves the chosen attachment in a folder.")
            if attachments
            else _("This interaction has no attachments.")
        )
        self.query_one("#attachments-hint", Static).update(hint)

    async def show_history(self, timeline: list[Event]) -> None:
        events = self.query_one("#history-events", VerticalScroll)
        await events.remove_children()
        lines = []
        for event in timeline:
            # No actor: the helpdesk itself, such as an automatic conclusion.
            who = (
                _("System")
                if event.actor_id is None
                else self.names.get(event.actor_id, _("User {id}", id=event.actor_id))
            )
            head = f"{when(event.at)} · {who}"
            line = Static(
                Content.assemble((head, "dim"), "\n", event_text(event)),
                classes="event",
            )
            line.set_class(event.internal, "-internal")
            lines.append(line)
        await events.mount_all(lines)

    def say(self, message: str, *, error: bool = False) -> None:
        """The line under the tabs: loading, a result, or a refusal."""
        status = self.query_one("#detail-status", Static)
        status.update(message)
        status.display = bool(message)
        # A line that stays, rather than a toast that needs a timer to go.
        status.set_class(error, "-error")

    # -- what the footer offers -----------------------------------------------

    def offered(self, action: str) -> bool:
        """Whether ``action`` applies to this interaction and this person.

        Mirrors the store's rules so that the footer offers only what would
        be accepted; the store still has the last word.
        """
        interaction, user = self.interaction, self.app.user
        if interaction is None or user is None:
            return False
        if WORKFLOW_ACTIONS[action] not in actions_from(interaction.status):
            return False
        author = user.id == interaction.author_id
        if action == "cancel":
            return author
        addressee = (
            interaction.direction is Direction.TO_CUSTOMER
            and user.organisation_id == interaction.organisation_id
        )
        if action == "add_info":
            return not user.role.is_staff and (author or addressee)
        return author or addressee

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in WORKFLOW_ACTIONS:
            return self.offered(action)
        if action == "save_attachment":
            return (
                self.interaction is not None
                and bool(self.interaction.attachments)
                and self.query_one(TabbedContent).active == "attachments"
            )
        return True

    # -- tabs -----------------------------------------------------------------

    def action_show_tab(self, tab: str) -> None:
        if self.interaction is not None:
            self.query_one(TabbedContent).active = tab

    def action_next_tab(self) -> None:
        self.step_tab(1)

    def action_previous_tab(self) -> None:
        self.step_tab(-1)

    def step_tab(self, step: int) -> None:
        active = self.query_one(TabbedContent).active or TABS[0]
        self.action_show_tab(TABS[(TABS.index(active) + step) % len(TABS)])

    @on(TabbedContent.TabActivated, "#detail-tabs")
    def tab_shown(self, event: TabbedContent.TabActivated) -> None:
        if event.pane.id:
            self.focus_tab(event.pane.id)
        self.refresh_bindings()

    def focus_tab(self, tab: str) -> None:
        self.query_one(TAB_FOCUS[tab]).focus()
        if tab == "history":
            # The newest events matter most; they are at the bottom.
            self.query_one("#history-events").scroll_end(animate=False)

    # -- actions --------------------------------------------------------------

    def action_back(self) -> None:
        self.dismiss()

    def action_refresh(self) -> None:
        self.load()

    def action_add_info(self) -> None:
        self.add_info()

    def action_accept(self) -> None:
        self.accept()

    def action_reject(self) -> None:
        self.reject()

    def action_cancel(self) -> None:
        self.cancel()

    def action_save_attachment(self) -> None:
        attachment = self.chosen_attachment()
        if attachment is not None:
            self.save_attachment(attachment)

    @on(DataTable.RowSelected, "#attachment-table")
    def attachment_selected(self) -> None:
        self.action_save_attachment()

    def chosen_attachment(self) -> Attachment | None:
        if self.interaction is None or not self.interaction.attachments:
            return None
        row = self.query_one("#attachment-table", DataTable).cursor_row
        attachments = self.interaction.attachments
        return attachments[row] if 0 <= row < len(attachments) else None

    async def ask(self, dialog: PromptDialog, draft: str) -> Any:
        """Show ``dialog``; whatever was typed is kept as a draft if it closes."""
        result = await self.app.push_screen_wait(dialog)
        self.drafts[draft] = "" if result is not None else dialog.value
        return result

    @work(exclusive=True, group="detail-action")
    async def add_info(self) -> None:
        store, user = self.app.store, self.app.user

        async def send(text: str) -> Interaction:
            return await self.app.call(store.add_info, user, self.protocol, text)

        dialog = PromptDialog(
            _("Add information"),
            _("The information the support team asked for:"),
            note=self.last_question(),
            value=self.drafts.get("info", ""),
            multiline=True,
            submit=send,
        )
        if await self.ask(dialog, "info") is not None:
            self.load(_("Information sent; the support team resumes the handling."))

    def last_question(self) -> str:
        """What the support team asked, to read while answering it."""
        timeline = self.interaction.timeline if self.interaction else []
        for event in reversed(timeline):
            if event.kind is EventKind.INFO_REQUESTED:
                return event.text
        return ""

    @work(exclusive=True, group="detail-action")
    async def accept(self) -> None:
        question = _(
            "Accept the handling of protocol {protocol}? "
            "The interaction will be concluded.",
            protocol=self.protocol,
        )
        if not await self.app.push_screen_wait(ConfirmDialog(question)):
            return
        if await self.act(self.app.store.accept):
            self.load(_("Handling accepted."))

    @work(exclusive=True, group="detail-action")
    async def reject(self) -> None:
        error = ""
        while True:
            dialog = PromptDialog(
                _("Reject the handling"),
                _("Why do you reject the handling? (required)"),
                value=self.drafts.get("reason", ""),
                multiline=True,
                confirm=_("Reject"),
                check=check_reason,
                error=error,
            )
            reason = await self.ask(dialog, "reason")
            if reason is None:
                return
            question = _(
                "Reject the handling of protocol {protocol}?", protocol=self.protocol
            )
            if not await self.app.push_screen_wait(ConfirmDialog(question)):
                self.drafts["reason"] = reason
                return
            try:
                await self.app.call(
                    self.app.store.reject, self.app.user, self.protocol, reason
                )
            except SacError as refusal:
                if refusal.field != "reason":
                    self.load(refusal.message, error=True)
                    return
                # The reason itself was refused: ask again, keeping it.
                self.drafts["reason"], error = reason, refusal.message
                continue
            self.load(_("Handling rejected; the support team will handle it again."))
            return

    @work(exclusive=True, group="detail-action")
    async def cancel(self) -> None:
        question = _(
            "Cancel the interaction of protocol {protocol}? This cannot be undone.",
            protocol=self.protocol,
        )
        dialog = ConfirmDialog(
            question, confirm=_("Cancel interaction"), cancel=_("Keep it")
        )
        if not await self.app.push_screen_wait(dialog):
            return
        if await self.act(self.app.store.cancel):
            self.load(_("Interaction cancelled."))

    async def act(self, action: Any) -> bool:
        """Run a workflow call on this interaction; a refusal is shown in words."""
        try:
            await self.app.call(action, self.app.user, self.protocol)
        except SacError as refusal:
            # Show the status that made it refuse, with the reason in words.
            self.load(refusal.message, error=True)
            return False
        return True

    @work(exclusive=True, group="detail-action")
    async def save_attachment(self, attachment: Attachment) -> None:
        store, user = self.app.store, self.app.user

        def check(text: str) -> None:
            require(text, field="folder", label=_("Folder"))

        async def save(text: str) -> Path:
            folder = Path(text.strip()).expanduser()
            return await self.app.call(
                store.save_attachment, user, self.protocol, attachment.id, folder
            )

        dialog = PromptDialog(
            _("Save attachment"),
            _("Folder to save {name} in:", name=attachment.name),
            value=self.drafts.get("folder") or str(self.app.config.attachment_folder),
            confirm=_("Save"),
            check=check,
            submit=save,
        )
        saved = await self.app.push_screen_wait(dialog)
        if saved is None:
            return
        self.drafts["folder"] = str(saved.parent)
        message = _("Saved as {path}.", path=saved)
        self.query_one("#attachments-hint", Static).update(message)
        self.say(message)
