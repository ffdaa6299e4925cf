"""Fila de atendimento: every open interaction, the most urgent first.

The support team lands here after logging in. The queue holds the open
interactions of every organisation, late ones first, then by how soon their
deadline runs out; the line above it counts the late and due-soon ones per
severity whatever the filters, so the agent always knows how far behind the
team is. Filters narrow it (m mine, u unassigned, severity, category, type,
organisation, status; / searches), Enter or v opens one to handle it, o
opens one on a customer's behalf, l shows Recebidos and Enviados.
"""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Select, Static

from data.errors import SacError
from data.i18n import _
from data.models import Category, Kind, Notification, Severity, Status, User
from data.store import Box, Page, Query, QueueCounts, Summary
from screens.interactions import DEADLINE_STYLE, InteractionsScreen
from screens.listing import PAGE_SIZE, ListingScreen
from screens.notifications import NotificationsScreen
from screens.on_behalf import open_on_behalf
from screens.typeahead import enter_binding
from tui.plain import when
from widgets.fields import QuietInput
from widgets.header import AppHeader

FLAG, PLAIN_FLAG = "⚠", "!"
MINE, UNASSIGNED = "mine", "unassigned"

# Words that make organisation names long without telling them apart.
_NAME_SHORTENINGS = (
    ("Prefeitura Municipal de ", "Pref. "),
    ("Câmara Municipal de ", "Câm. "),
    ("Prefeitura de ", "Pref. "),
    ("Câmara de ", "Câm. "),
    (" Ltda.", ""),
    (" Ltda", ""),
    (" S.A.", ""),
)


def short_name(name: str, width: int) -> str:
    """An organisation's name in ``width`` columns, still recognisable.

    What comes before a " - " is kept ("Univesp - Universidade ..." is
    Univesp), common municipal and company words are shortened, and what
    still does not fit ends in an ellipsis.
    """
    short = name.split(" - ")[0].strip() or name
    for long, brief in _NAME_SHORTENINGS:
        short = short.replace(long, brief)
    return short if len(short) <= width else short[: width - 1].rstrip() + "…"


def late_words(count: int) -> str:
    return _("1 late") if count == 1 else _("{count} late", count=count)


def due_soon_words(count: int) -> str:
    return _("1 due soon") if count == 1 else _("{count} due soon", count=count)


_GROUPS = (Severity.CRITICAL.value, Severity.MEDIUM.value, "")


def group_label(key: str) -> str:
    return Severity(key).label if key else _("Others")


def group_words(key: str, count: int) -> str:
    """``count`` interactions of one group, as the compact line names them."""
    if key == Severity.CRITICAL.value:
        return _("1 critical") if count == 1 else _("{count} critical", count=count)
    if key == Severity.MEDIUM.value:
        return _("1 medium") if count == 1 else _("{count} medium", count=count)
    return _("1 other") if count == 1 else _("{count} others", count=count)


def counts_line(counts: QueueCounts, width: int | None = None) -> Content:
    """Late and due-soon open interactions per severity, in one line.

    Grouped by severity; when that is wider than ``width`` cells, grouped by
    state instead, which names "late" and "due soon" once each.
    """
    parts: list[Content] = []
    for key in _GROUPS:
        late, soon = counts.late.get(key, 0), counts.due_soon.get(key, 0)
        if not late and not soon:
            continue
        words: list[Content] = []
        if late:
            words.append(Content.styled(late_words(late), "bold $text-error"))
        if soon:
            words.append(Content.styled(due_soon_words(soon), "$text-warning"))
        parts.append(Content(f"{group_label(key)}: ") + Content(" · ").join(words))
    if not parts:
        return Content(_("Nothing late or due soon."))
    by_severity = Content(" │ ").join(parts)
    if width is None or by_severity.cell_length <= width:
        return by_severity
    states: list[Content] = []
    for label, found, style in (
        (_("Late:"), counts.late, "bold $text-error"),
        (_("Due soon:"), counts.due_soon, "$text-warning"),
    ):
        groups = [
            Content.styled(group_words(key, found[key]), style)
            for key in _GROUPS
            if found.get(key)
        ]
        if groups:
            states.append(Content(f"{label} ") + Content(", ").join(groups))
    return Content(" · ").join(states)


class QueueScreen(ListingScreen):
    """The team's queue; Enter or v opens the highlighted interaction."""

    BINDINGS = [
        Binding("v", "open", _("View detail"), id="queue.detail"),
        Binding("o", "on_behalf", _("New interaction"), id="queue.on_behalf"),
        Binding("m", "owner('mine')", _("Mine"), id="queue.mine"),
        Binding("u", "owner('unassigned')", _("Unassigned"), id="queue.unassigned"),
        Binding("slash", "search", _("Search"), id="queue.search", priority=True),
        Binding("a", "notifications", _("Notifications"), id="queue.notifications"),
        Binding("l", "boxes", _("Received and sent"), id="queue.boxes"),
        Binding("ctrl+b", "backup", _("System backup"), id="queue.backup"),
        Binding("ctrl+a", "admin", _("Administration"), id="queue.admin"),
        Binding("n", "on_behalf", show=False, id="queue.new"),
        Binding("t", "boxes", show=False, id="queue.next_box"),
        Binding("f", "filters", _("Filters"), show=False, id="queue.filters"),
        Binding("c", "clear_filters", _("Clear filters"), show=False, id="queue.clear"),
        Binding("r", "refresh", _("Refresh"), show=False, id="queue.refresh"),
        Binding("ctrl+l", "sign_out", _("Log out"), show=False, id="queue.sign_out"),
        Binding("j", "cursor('down')", show=False, id="queue.vim_down"),
        Binding("k", "cursor('up')", show=False, id="queue.vim_up"),
        Binding("g", "cursor('top')", show=False, id="queue.vim_top"),
        Binding("G", "cursor('bottom')", show=False, id="queue.vim_bottom"),
        Binding("escape", "clear_search", show=False, id="queue.clear_search"),
        enter_binding("queue.search_done", _("Search")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.organisations: dict[int, str] = {}
        self.people: dict[int, User] = {}
        self.wide = 0
        self.columns_width = 0
        self.counts: QueueCounts | None = None

    # -- layout ---------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield AppHeader(_("Queue"))
        yield Static(_("Loading…"), id="queue-counts")
        with Horizontal(id="queue-filters", classes="queue-filters"):
            yield self.select(
                "owner",
                _("Assignee"),
                [(_("Mine"), MINE), (_("Unassigned"), UNASSIGNED)],
            )
            yield self.select(
                "severity",
                _("Severity"),
                [(severity.label, severity.value) for severity in Severity],
            )
            yield self.select(
                "category",
                _("Category"),
                [(category.label, category.value) for category in Category],
            )
            yield self.select(
                "kind", _("Type"), [(kind.plural, kind.value) for kind in Kind]
            )
        with Horizontal(id="queue-filters-2", classes="queue-filters"):
            yield self.select("organisation", _("Organisation"), [])
            yield self.select(
                "status",
                _("Status"),
                [(s.label, s.value) for s in Status if s.is_open],
            )
            yield QuietInput(
                placeholder=_("/ search subject and description"),
                id="queue-search",
                classes="list-search",
            )
        yield DataTable(cursor_type="row", zebra_stripes=True, id="queue")
        yield Static("", id="queue-row", markup=False)
        yield Footer()

    @staticmethod
    def select(name: str, prompt: str, options: list[tuple[str, str]]) -> Select:
        return Select(options, prompt=prompt, compact=True, id=f"queue-{name}")

    def on_mount(self) -> None:
        self.wide = self.layout_for(self.size.width)
        self.add_columns()
        self.query_one(DataTable).focus()

    def on_screen_resume(self) -> None:
        # Also after handling one: its place in the queue and the counts moved.
        self.load(keep=self.current_protocol())

    @staticmethod
    def layout_for(width: int) -> int:
        """0 up to 115 columns, 1 with a status column, 2 with the assignee too.

        The subject gets the first 36 columns beyond 80: it is what the
        agent reads to choose.
        """
        return 2 if width >= 140 else 1 if width >= 116 else 0

    def add_columns(self) -> None:
        """The columns that fit; the rest of the row shows under the table."""
        table = self.query_one(DataTable)
        self.columns_width = self.size.width
        organisation = self.organisation_width()
        # Each column pads a cell on both sides; the scrollbar takes one.
        fixed = (9 + 2) + (7 + 2) + (organisation + 2) + (21 + 2) + 2 + 1
        table.add_column(_("Protocol"), key="protocol", width=9)
        # "Severidade" would take three more columns than its values need.
        table.add_column(_("Sev."), key="severity", width=7)
        if self.wide >= 1:
            fixed += 18 + 2
        if self.wide == 2:
            fixed += 16 + 2
        subject = max(12, self.size.width - fixed)
        table.add_column(_("Subject"), key="subject", width=subject)
        table.add_column(_("Organisation"), key="organisation", width=organisation)
        if self.wide == 2:
            table.add_column(_("Assignee"), key="assignee", width=16)
        if self.wide >= 1:
            table.add_column(_("Status"), key="status", width=18)
        table.add_column(_("Deadline"), key="deadline", width=21)

    def organisation_width(self) -> int:
        if self.wide == 2:
            return 20
        return 16 if self.size.width >= 96 else 12

    def show_counts(self) -> None:
        if self.counts is not None:
            # The line's padding takes a cell on each side.
            line = counts_line(self.counts, width=self.size.width - 2)
            self.query_one("#queue-counts", Static).update(line)

    def on_resize(self) -> None:
        self.show_counts()
        # The subject takes whatever width the other columns leave.
        if self.size.width != self.columns_width:
            self.wide = self.layout_for(self.size.width)
            self.query_one(DataTable).clear(columns=True)
            self.add_columns()
            self.fill(self.current_protocol(), append_from=None)

    # -- loading --------------------------------------------------------------

    def chosen(self, name: str) -> str | None:
        value = self.query_one(f"#queue-{name}", Select).value
        return None if value is Select.NULL else str(value)

    def query_for(self, offset: int = 0) -> Query:
        """The queue's page at ``offset`` as the filters on screen ask for it."""
        owner = self.chosen("owner")
        severity = self.chosen("severity")
        category = self.chosen("category")
        kind = self.chosen("kind")
        organisation = self.chosen("organisation")
        status = self.chosen("status")
        return Query(
            box=Box.QUEUE,
            assignee_id=self.app.user.id if owner == MINE else None,
            unassigned=owner == UNASSIGNED,
            severities=frozenset({Severity(severity)}) if severity else frozenset(),
            categories=frozenset({Category(category)}) if category else frozenset(),
            kinds=frozenset({Kind(kind)}) if kind else frozenset(),
            organisation_id=int(organisation) if organisation else None,
            statuses=frozenset({Status(status)}) if status else frozenset(),
            text=self.text,
            offset=offset,
            limit=PAGE_SIZE,
        )

    @work(exclusive=True, group="queue")
    async def load(self, keep: int | None = None, append: bool = False) -> None:
        store, user = self.app.store, self.app.user
        offset = len(self.rows) if append else 0
        try:
            if not self.organisations:
                await self.learn_names()
            query = self.query_for(offset)
            page: Page = await self.app.call(store.list_interactions, user, query)
            # The counts follow the organisation chosen, like the rows.
            counts = await self.app.call(
                store.queue_counts, user, organisation_id=query.organisation_id
            )
            unread = await self.app.call(store.unread_count, user)
        except SacError as error:
            self.query_one("#queue-row", Static).update(error.message)
            return
        self.query_one(AppHeader).show_unread(unread)
        self.counts = counts
        self.show_counts()
        self.show_page(page, keep=keep, append=append)

    async def learn_names(self) -> None:
        """Organisations and people, to name them in the rows."""
        store, user = self.app.store, self.app.user
        organisations = await self.app.call(store.list_organisations, user)
        people = await self.app.call(store.list_users, user)
        self.organisations = {o.id: o.name for o in organisations}
        self.people = {person.id: person for person in people}
        select = self.query_one("#queue-organisation", Select)
        chosen = select.value
        with select.prevent(Select.Changed):
            # Text, not a string: a name is someone's words, never markup.
            select.set_options(
                (Text(name), str(number))
                for number, name in sorted(
                    self.organisations.items(), key=lambda item: item[1]
                )
            )
            if chosen is not Select.NULL:
                select.value = chosen

    def flagged(self, row: Summary) -> bool:
        return row.out_of_hours and row.severity is Severity.CRITICAL

    def cells(self, row: Summary) -> list[str | Text]:
        flag = FLAG if self.app.config.glyphs else PLAIN_FLAG
        protocol = f"{flag} {row.protocol}" if self.flagged(row) else str(row.protocol)
        severity = Text(
            row.severity.label if row.severity else "",
            "bold" if row.severity is Severity.CRITICAL else "",
        )
        organisation = self.organisations.get(row.organisation_id, "")
        cells: list[str | Text] = [
            Text(protocol, "bold yellow" if self.flagged(row) else ""),
            severity,
            Text(row.subject),
            Text(short_name(organisation, self.organisation_width())),
        ]
        if self.wide == 2:
            cells.append(Text(self.assignee(row)))
        if self.wide >= 1:
            cells.append(Text(row.status.label))
        style = DEADLINE_STYLE.get(row.deadline.state, "")
        cells.append(Text(row.deadline.words, style))
        return cells

    def assignee(self, row: Summary) -> str:
        if row.assignee_id is None:
            return ""
        person = self.people.get(row.assignee_id)
        return person.name if person else _("User {id}", id=row.assignee_id)

    def show_current(self) -> None:
        """Under the table: what the highlighted row's columns leave out."""
        line = self.query_one("#queue-row", Static)
        row = self.current()
        if row is None:
            line.update(_("No interaction in the queue with these filters."))
            return
        who = self.assignee(row)
        parts = [
            _("{shown} of {total}", shown=self.cursor_row() + 1, total=self.total),
            row.status.label,
            _("assignee: {name}", name=who) if who else _("no assignee"),
            f"{row.category.label}/{row.kind.label}",
            self.organisations.get(row.organisation_id, ""),
            when(row.created_at),
        ]
        subject = row.subject
        if self.flagged(row):
            flag = FLAG if self.app.config.glyphs else PLAIN_FLAG
            subject = f"{flag} {_('opened out of business hours')} · {subject}"
        line.update(f"{subject}\n" + " · ".join(p for p in parts if p))

    # -- actions --------------------------------------------------------------

    def detail(self, protocol: int) -> Screen[None]:
        from screens.staff_detail import StaffDetailScreen

        return StaffDetailScreen(protocol)

    def action_on_behalf(self) -> None:
        self.on_behalf()

    @work(exclusive=True, group="queue-on-behalf")
    async def on_behalf(self) -> None:
        refusal = await open_on_behalf(self.app)
        if refusal:
            self.query_one("#queue-row", Static).update(refusal)

    def action_owner(self, owner: str) -> None:
        """m and u: show only mine, or only nobody's; again shows everyone's."""
        select = self.query_one("#queue-owner", Select)
        select.value = Select.NULL if select.value == owner else owner

    def action_filters(self) -> None:
        self.query_one("#queue-owner", Select).focus()

    def action_clear_filters(self) -> None:
        for select in self.query(".queue-filters Select").results(Select):
            with select.prevent(Select.Changed):
                select.clear()
        self.query_one("#queue-search", Input).value = ""
        self.text = ""
        self.load()

    def action_boxes(self) -> None:
        self.app.push_screen(StaffBoxesScreen())

    def action_notifications(self) -> None:
        self.app.push_screen(StaffNotificationsScreen())

    def action_refresh(self) -> None:
        self.organisations = {}
        super().action_refresh()


class StaffBoxesScreen(InteractionsScreen):
    """Recebidos and Enviados for the team; l or Esc goes back to the queue.

    Recebidos holds what customers opened, Enviados what this person opened
    towards organisations. Opening one shows the team's detail, and n opens
    an interaction on a customer's behalf.
    """

    BINDINGS = [
        Binding("l", "queue", _("Queue"), id="queue.back"),
        Binding("escape", "leave", _("Queue"), show=False, id="queue.boxes_back"),
    ]

    def boxes(self) -> list[tuple[Box, str]]:
        return [(Box.RECEIVED, _("Received")), (Box.SENT, _("Sent"))]

    def detail(self, protocol: int) -> Screen[None]:
        from screens.staff_detail import StaffDetailScreen

        return StaffDetailScreen(protocol)

    def action_new(self) -> None:
        self.on_behalf()

    def action_notifications(self) -> None:
        self.app.push_screen(StaffNotificationsScreen())

    @work(exclusive=True, group="boxes-on-behalf")
    async def on_behalf(self) -> None:
        refusal = await open_on_behalf(self.app)
        if refusal:
            self.query_one("#list-status", Static).update(refusal)

    def action_queue(self) -> None:
        self.dismiss()

    def action_leave(self) -> None:
        """Esc clears a search first, then goes back to the queue."""
        if self.text or self.query_one(".list-search", Input).value:
            self.action_clear_search()
        else:
            self.dismiss()


class StaffNotificationsScreen(NotificationsScreen):
    """The team's notifications; Enter opens the team's detail of one."""

    @work(exclusive=True, group="notifications")
    async def open(self, item: Notification) -> None:
        if not item.read and await self.mark([item]):
            self.show_count()
        from screens.staff_detail import StaffDetailScreen

        self.app.push_screen(StaffDetailScreen(item.protocol))
