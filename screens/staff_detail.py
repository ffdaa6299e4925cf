"""Detalhes da Interação for the support team: read it, then handle it.

The same four tabs as the customer's (Básico, Descrição, Anexos, Histórico),
with what only the team reads: who the customer is and how to reach them,
who handles it, internal notes and the route of every forward. Keys act on
it: t takes it, g assigns it, r answers, p asks the customer for
information, n adds an internal note, f forwards it ("tramitação"). A
critical interaction opened out of business hours shows the on-call phone
above the tabs. Refusals show in words and keep what was typed.
"""

from __future__ import annotations

from typing import Any

from textual import work
from textual.binding import Binding
from textual.containers import Grid, VerticalScroll
from textual.content import Content
from textual.widgets import Static

from data.errors import SacError
from data.i18n import _
from data.models import (
    CannedAnswer,
    Direction,
    Event,
    EventKind,
    Interaction,
    Status,
    User,
)
from data.workflow import Action, allowed
from screens.detail import DetailScreen
from screens.staff_dialogs import (
    AnswerDialog,
    Choice,
    ChooseDialog,
    ForwardDialog,
    ForwardDraft,
)
from tui.plain import event_text, when
from widgets.dialogs import PromptDialog

# The team's actions and the workflow step each one needs, if any.
STAFF_ACTIONS: dict[str, Action | None] = {
    "take": None,
    "assign": None,
    "answer": Action.ANSWER,
    "ask_customer": Action.ASK,
    "note": None,
    "forward": None,
}


class StaffDetailScreen(DetailScreen):
    """One interaction as the support team reads and handles it.

    Args:
        protocol: the interaction to show.
    """

    BINDINGS = [
        Binding("r", "answer", _("Reply"), id="staff.answer"),
        Binding("t", "take", _("Take"), id="staff.take"),
        Binding("f", "forward", _("Forward"), id="staff.forward"),
        Binding("n", "note", _("Internal note"), id="staff.note"),
        # Out of the footer, which has no room for them at 80 columns; the
        # Básico tab names them, F1 and Ctrl+P list them.
        Binding(
            "p", "ask_customer", _("Ask for information"), show=False, id="staff.ask"
        ),
        Binding("g", "assign", _("Assign"), show=False, id="staff.assign"),
        Binding("ctrl+r", "refresh", _("Refresh"), show=False, id="staff.refresh"),
    ]

    def __init__(self, protocol: int) -> None:
        super().__init__(protocol)
        self.people: dict[int, User] = {}
        self.organisation_name = ""
        self.forward_draft = ForwardDraft()

    def on_mount(self) -> None:
        # Above the tabs, so that it stays in view whichever tab is open.
        banner = Static("", id="staff-on-call")
        banner.display = False
        self.mount(banner, before="#detail-tabs")
        keys = _("p asks the customer for information · g assigns · F1 every key")
        self.query_one("#basic-scroll").mount(
            Static(keys, id="staff-keys", classes="hint", markup=False)
        )

    # -- what only the team reads ---------------------------------------------

    async def learn_names(self, interaction: Interaction) -> None:
        """Names of everyone the interaction mentions, and its organisation."""
        await super().learn_names(interaction)
        store, user = self.app.store, self.app.user
        wanted = {interaction.author_id, interaction.assignee_id}
        for event in interaction.timeline:
            for key in ("from_user", "to_user", "customer_id", "assignee_id"):
                wanted.add(event.data.get(key))
        for person_id in wanted - {None} - self.people.keys():
            try:
                person = await self.app.call(store.get_user, user, person_id)
            except SacError:
                continue
            self.people[person.id] = person
            self.names.setdefault(person.id, person.name)
        if not self.organisation_name:
            try:
                organisation = await self.app.call(
                    store.get_organisation, user, interaction.organisation_id
                )
                self.organisation_name = organisation.name
            except SacError as error:
                self.organisation_name = error.message

    def name_of(self, person_id: int | None) -> str:
        if person_id is None:
            return _("Nobody")
        return self.names.get(person_id) or _("User {id}", id=person_id)

    async def show_basic(
        self, interaction: Interaction, deadline: str, phone: str
    ) -> None:
        await super().show_basic(interaction, deadline, phone)
        author = self.people.get(interaction.author_id)
        contact = self.name_of(interaction.author_id)
        if author is not None and author.phone:
            contact = f"{contact} · {author.phone}"
        by_customer = interaction.direction is Direction.TO_VENDOR
        fields = [
            (_("Organisation"), self.organisation_name),
            (_("Customer") if by_customer else _("Opened by"), contact),
            (_("Assignee"), self.name_of(interaction.assignee_id)),
        ]
        if interaction.team:
            fields.append((_("Team"), interaction.team))
        cells = []
        for label, value in fields:
            cells.append(Static(f"{label}:", classes="field-label", markup=False))
            cells.append(Static(value, classes="field-value", markup=False))
        await self.query_one("#basic-fields", Grid).mount_all(cells)
        self.show_on_call(phone)

    def show_on_call(self, phone: str) -> None:
        """The on-call phone above the tabs, with the guide's own sentence.

        It replaces the sentence's box in Básico, which has no room left at
        24 lines once the team's fields are there.
        """
        self.query_one("#on-call", Static).display = False
        banner = self.query_one("#staff-on-call", Static)
        banner.display = bool(phone)
        if not phone:
            return
        alert = _(
            "Critical, opened out of business hours: on-call phone {phone}",
            phone=phone,
        )
        guide = _(
            "Out of business hours, critical stops in the system are handled "
            "by the on-call phone {phone}, after the ticket is opened in the SAC.",
            phone=phone,
        )
        banner.update(Content.assemble((alert, "bold"), "\n", guide))

    async def show_history(self, timeline: list[Event]) -> None:
        events = self.query_one("#history-events", VerticalScroll)
        await events.remove_children()
        lines = []
        for event in timeline:
            who = self.name_of(event.actor_id) if event.actor_id else _("System")
            head = f"{when(event.at)} · {who}"
            line = Static(
                Content.assemble((head, "dim"), "\n", self.event_words(event)),
                classes="event",
            )
            line.set_class(event.internal, "-internal")
            lines.append(line)
        await events.mount_all(lines)

    def event_words(self, event: Event) -> str:
        """An event as the team reads it: forwards with their route."""
        if event.kind is EventKind.FORWARDED:
            source = self.route_end(event.data.get("from_user"), event.data, "from")
            target = self.route_end(event.data.get("to_user"), event.data, "to")
            route = f"{event.kind.label}: {source} → {target}"
            return f"{route}\n{_('Dispatch')}: {event.text}"
        if event.kind is EventKind.RECORDED_ON_BEHALF:
            customer = self.name_of(event.data.get("customer_id"))
            return f"{event.kind.label}: {customer}"
        return event_text(event)

    def route_end(self, person_id: int | None, data: dict[str, Any], end: str) -> str:
        """One end of a forward: the agent and the team, as far as known."""
        team = data.get(f"{end}_team") or ""
        person = self.name_of(person_id) if person_id is not None else ""
        if person and team:
            return f"{person} ({team})"
        return person or team or _("the queue")

    # -- what the footer offers -----------------------------------------------

    def staff_offers(self, action: str) -> bool:
        interaction, user = self.interaction, self.app.user
        if interaction is None or user is None or not user.role.is_staff:
            return False
        if action == "note":
            return True
        if not interaction.status.is_open:
            return False
        step = STAFF_ACTIONS[action]
        if step is not None:
            return allowed(interaction.status, step)
        if action == "take":
            return (
                interaction.assignee_id != user.id
                or interaction.status is Status.ANALYSIS
            )
        return True

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in STAFF_ACTIONS:
            return self.staff_offers(action)
        return super().check_action(action, parameters)

    # -- acting -----------------------------------------------------------------

    def action_take(self) -> None:
        self.take_interaction()

    def action_assign(self) -> None:
        self.assign_interaction()

    def action_answer(self) -> None:
        self.write_answer(ask=False)

    def action_ask_customer(self) -> None:
        self.write_answer(ask=True)

    def action_note(self) -> None:
        self.write_note()

    def action_forward(self) -> None:
        self.forward_interaction()

    @work(exclusive=True, group="detail-action")
    async def take_interaction(self) -> None:
        """Make it mine, and start handling it if nobody has yet."""
        store, user, interaction = self.app.store, self.app.user, self.interaction
        if interaction is None:
            return
        try:
            if interaction.assignee_id != user.id:
                await self.app.call(store.assign, user, self.protocol, user.id)
            if interaction.status is Status.ANALYSIS:
                await self.app.call(store.start, user, self.protocol)
                message = _(
                    "The interaction is yours now and In progress; "
                    "the customer was notified."
                )
            else:
                message = _("The interaction is yours now.")
        except SacError as refusal:
            self.say(refusal.message, error=True)
            self.load()
            return
        self.load(message)

    async def active_staff(self) -> list[User] | None:
        """The support team's active members, or ``None`` after a refusal."""
        try:
            users = await self.app.call(self.app.store.list_users, self.app.user)
        except SacError as refusal:
            self.say(refusal.message, error=True)
            return None
        return sorted(
            (u for u in users if u.role.is_staff and u.active), key=lambda u: u.name
        )

    @work(exclusive=True, group="detail-action")
    async def assign_interaction(self) -> None:
        staff = await self.active_staff()
        if staff is None or self.interaction is None:
            return
        choices = [
            Choice(person.id, person.name, person.role.label) for person in staff
        ]
        dialog = ChooseDialog(
            _("Assign protocol {protocol} to", protocol=self.protocol),
            choices,
            placeholder=_("type part of the name"),
            current=self.interaction.assignee_id,
        )
        chosen = await self.app.push_screen_wait(dialog)
        if chosen is None:
            return
        try:
            await self.app.call(
                self.app.store.assign, self.app.user, self.protocol, chosen
            )
        except SacError as refusal:
            self.say(refusal.message, error=True)
            self.load()
            return
        name = next(person.name for person in staff if person.id == chosen)
        self.load(_("Assigned to {name}.", name=name))

    @work(exclusive=True, group="detail-action")
    async def write_answer(self, *, ask: bool) -> None:
        store, user = self.app.store, self.app.user
        try:
            canned = await self.app.call(store.canned_answers, user)
        except SacError as refusal:
            self.say(refusal.message, error=True)
            return

        async def send(text: str) -> Interaction:
            return await self.app.call(store.answer, user, self.protocol, text, ask=ask)

        async def keep(title: str, text: str) -> CannedAnswer:
            return await self.app.call(store.save_canned_answer, user, title, text)

        if ask:
            title = _("Ask the customer for information")
            label = _("What the customer needs to tell (the deadline pauses):")
            confirm = _("Ask for information")
        else:
            title = _("Answer protocol {protocol}", protocol=self.protocol)
            label = _("The answer the customer will read:")
            confirm = _("Send answer")
        draft = "question" if ask else "answer"
        dialog = AnswerDialog(
            title=title,
            label=label,
            confirm=confirm,
            canned=canned,
            value=self.drafts.get(draft, ""),
            submit=send,
            keep_canned=keep,
        )
        if await self.ask(dialog, draft) is None:
            return
        self.load(
            _(
                "Question sent: the interaction is Awaiting customer and its "
                "deadline is paused."
            )
            if ask
            else _(
                "Answer sent: the interaction is Answered and the customer "
                "was notified."
            )
        )

    @work(exclusive=True, group="detail-action")
    async def write_note(self) -> None:
        store, user = self.app.store, self.app.user

        async def send(text: str) -> Interaction:
            return await self.app.call(store.add_note, user, self.protocol, text)

        dialog = PromptDialog(
            _("Internal note"),
            _("Only the support team reads internal notes:"),
            value=self.drafts.get("note", ""),
            multiline=True,
            confirm=_("Add note"),
            submit=send,
        )
        if await self.ask(dialog, "note") is not None:
            self.load(_("Internal note added; the customer does not see it."))

    @work(exclusive=True, group="detail-action")
    async def forward_interaction(self) -> None:
        staff = await self.active_staff()
        if staff is None:
            return
        store, user = self.app.store, self.app.user

        async def send(note: str, to_user: int | None, team: str) -> Interaction:
            return await self.app.call(
                store.forward, user, self.protocol, note, to_user=to_user, team=team
            )

        dialog = ForwardDialog(
            self.protocol, staff, draft=self.forward_draft, submit=send
        )
        result = await self.app.push_screen_wait(dialog)
        if result is None:
            self.forward_draft = dialog.value
            return
        self.forward_draft = ForwardDraft()
        self.learn_later(result.assignee_id, staff)
        target = self.route_end(result.assignee_id, {"to_team": result.team}, "to")
        self.load(_("Forwarded to {target}.", target=target))

    def learn_later(self, person_id: int | None, staff: list[User]) -> None:
        for person in staff:
            if person.id == person_id:
                self.people[person.id] = person
                self.names.setdefault(person.id, person.name)
