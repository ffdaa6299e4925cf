"""The interaction list: a person's boxes, filtered, searched and opened.

Customers see Enviados and Recebidos; the support team sees the queue
(every open interaction, most urgent first), Recebidos and Enviados. The
store is asked for one page at a time, so the list opens as quickly with a
hundred thousand interactions as with ten.
"""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Select, Static, Tab, Tabs

from data.deadlines import DeadlineState
from data.errors import SacError
from data.i18n import _
from data.models import Kind, Status
from data.store import Box, Page, Query, Summary
from screens.listing import PAGE_SIZE, ListingScreen
from screens.typeahead import enter_binding
from tui.plain import when
from widgets.fields import QuietInput
from widgets.header import AppHeader

WIDE = 110
EYE, PLAIN_EYE = "👁", ">"

DEADLINE_STYLE = {
    DeadlineState.LATE: "bold red",
    DeadlineState.DUE_SOON: "yellow",
    DeadlineState.PAUSED: "dim",
    DeadlineState.MET: "green",
    DeadlineState.MET_LATE: "dim red",
    DeadlineState.ON_TIME: "",
    DeadlineState.CLOSED: "dim",
}


class InteractionsScreen(ListingScreen):
    """Boxes of interactions; Enter or v opens one, n opens a new one."""

    BINDINGS = [
        Binding("v", "open", _("View detail"), id="list.detail"),
        Binding("n", "new", _("New interaction"), id="list.new"),
        Binding("slash", "search", _("Search"), id="list.search", priority=True),
        Binding("a", "notifications", _("Notifications"), id="list.notifications"),
        Binding("ctrl+b", "backup", _("System backup"), id="list.backup"),
        Binding("ctrl+a", "admin", _("Administration"), id="list.admin"),
        Binding("t", "next_box", _("Next tab"), id="list.next_box", show=False),
        Binding("f", "filters", _("Filters"), id="list.filters", show=False),
        Binding("r", "refresh", _("Refresh"), id="list.refresh", show=False),
        Binding("ctrl+l", "sign_out", _("Log out"), id="list.sign_out", show=False),
        Binding("j", "cursor('down')", show=False, id="list.vim_down"),
        Binding("k", "cursor('up')", show=False, id="list.vim_up"),
        Binding("g", "cursor('top')", show=False, id="list.vim_top"),
        Binding("G", "cursor('bottom')", show=False, id="list.vim_bottom"),
        Binding("escape", "clear_search", show=False, id="list.clear_search"),
        enter_binding("list.search_done", _("Search")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.box = Box.SENT
        self.marked: str | None = None

    # -- layout ---------------------------------------------------------------

    def boxes(self) -> list[tuple[Box, str]]:
        if self.app.user.role.is_staff:
            return [
                (Box.QUEUE, _("Queue")),
                (Box.RECEIVED, _("Received")),
                (Box.SENT, _("Sent")),
            ]
        return [(Box.SENT, _("Sent")), (Box.RECEIVED, _("Received"))]

    def compose(self) -> ComposeResult:
        yield AppHeader(_("Interactions"))
        boxes = self.boxes()
        self.box = boxes[0][0]
        yield Tabs(*[Tab(label, id=f"box-{box.value}") for box, label in boxes])
        with Horizontal(id="filters"):
            yield Select(
                [(kind.plural, kind.value) for kind in Kind],
                prompt=_("All types"),
                id="kind-filter",
                compact=True,
            )
            yield Select(
                [(status.label, status.value) for status in Status],
                prompt=_("Every status"),
                id="status-filter",
                compact=True,
            )
            yield QuietInput(
                placeholder=_("/ search subject and description"),
                id="search",
                classes="list-search",
            )
        yield DataTable(cursor_type="row", zebra_stripes=True, id="interactions")
        yield Static("", id="list-status", classes="busy")
        yield Footer()

    def on_mount(self) -> None:
        self.layout_width = self.layout_for(self.size.width)
        self.add_columns()
        self.query_one(DataTable).focus()
        self.load()

    @staticmethod
    def layout_for(width: int) -> int:
        """0 at 80 columns, 1 with room for the date, 2 with room for all."""
        return 2 if width >= 110 else 1 if width >= 92 else 0

    def add_columns(self) -> None:
        """The columns that fit; what does not fit shows under the table."""
        table = self.query_one(DataTable)
        # Each column pads a cell on both sides; the scrollbar takes one.
        fixed = 3 + 11 + 20 + 24 + 2 + 1
        # The eye of "Ver detalhe" marks the row Enter or v would open.
        table.add_column("", key="eye", width=1)
        table.add_column(_("Protocol"), key="protocol")
        if self.layout_width >= 1:
            table.add_column(_("Date"), key="date")
            fixed += 18 if self.layout_width == 2 else 12
        if self.layout_width == 2:
            table.add_column(_("Type"), key="kind")
            fixed += 13
        subject = max(12, self.size.width - fixed)
        table.add_column(_("Subject"), key="subject", width=subject)
        table.add_column(_("Status"), key="status", width=18)
        table.add_column(_("Deadline"), key="deadline", width=22)

    def on_resize(self) -> None:
        layout = self.layout_for(self.size.width)
        if layout != getattr(self, "layout_width", layout):
            self.layout_width = layout
            table = self.query_one(DataTable)
            table.clear(columns=True)
            self.add_columns()
            self.fill(self.current_protocol(), append_from=None)

    # -- loading --------------------------------------------------------------

    def query_for(self, offset: int = 0) -> Query:
        kind = self.query_one("#kind-filter", Select).value
        status = self.query_one("#status-filter", Select).value
        return Query(
            box=self.box,
            kinds=frozenset() if kind is Select.NULL else frozenset({Kind(kind)}),
            statuses=(
                frozenset() if status is Select.NULL else frozenset({Status(status)})
            ),
            text=self.text,
            offset=offset,
            limit=PAGE_SIZE,
        )

    @work(exclusive=True, group="list")
    async def load(self, keep: int | None = None, append: bool = False) -> None:
        status = self.query_one("#list-status", Static)
        status.update(_("Loading…"))
        store, user = self.app.store, self.app.user
        offset = len(self.rows) if append else 0
        try:
            page: Page = await self.app.call(
                store.list_interactions, user, self.query_for(offset)
            )
            unread = await self.app.call(store.unread_count, user)
        except SacError as error:
            status.update(error.message)
            return
        self.query_one(AppHeader).show_unread(unread)
        self.show_page(page, keep=keep, append=append)

    def fill(self, keep: int | None, append_from: int | None) -> None:
        if append_from is None:
            self.marked = None
        super().fill(keep, append_from)

    def cells(self, row: Summary) -> list[str | Text]:
        deadline = Text(row.deadline.words, DEADLINE_STYLE[row.deadline.state])
        flag = "⚠ " if row.out_of_hours and self.app.config.glyphs else ""
        cells: list[str | Text] = ["", str(row.protocol)]
        if self.layout_width == 2:
            cells += [when(row.created_at), row.kind.label]
        elif self.layout_width == 1:
            cells.append(row.created_at.strftime("%d/%m/%Y"))
        # Text, not a string: a subject is the customer's words, never markup.
        cells += [Text(f"{flag}{row.subject}"), row.status.label, deadline]
        return cells

    def show_current(self) -> None:
        self.mark_current()
        self.show_count()

    def mark_current(self) -> None:
        """Move the eye of "Ver detalhe" to the row Enter or v would open."""
        table = self.query_one(DataTable)
        if self.marked is not None and self.marked in table.rows:
            table.update_cell(self.marked, "eye", "")
        row = self.current()
        self.marked = None if row is None else str(row.protocol)
        if self.marked is not None:
            glyph = EYE if self.app.config.glyphs else PLAIN_EYE
            table.update_cell(self.marked, "eye", glyph)

    def show_count(self) -> None:
        status = self.query_one("#list-status", Static)
        if not self.rows:
            status.update(_("No interactions here yet. Press n to open one."))
            return
        text = _(
            "{shown} of {total} interactions", shown=len(self.rows), total=self.total
        )
        table = self.query_one(DataTable)
        if self.layout_width < 2 and table.cursor_row < len(self.rows):
            row = self.rows[table.cursor_row]
            text = f"{row.kind.label} · {when(row.created_at)} · {text}"
        if self.text:
            text += " · " + _('search: "{text}" (Esc clears)', text=self.text)
        status.update(text)

    # -- events ---------------------------------------------------------------

    @on(Tabs.TabActivated)
    def box_chosen(self, event: Tabs.TabActivated) -> None:
        chosen = Box(event.tab.id.removeprefix("box-"))
        if chosen is not self.box:
            self.box = chosen
            self.load()

    # -- actions --------------------------------------------------------------

    def detail(self, protocol: int) -> Screen[None]:
        from screens.detail import DetailScreen

        return DetailScreen(protocol)

    def action_new(self) -> None:
        from screens.new_interaction import NewInteractionScreen

        self.app.push_screen(NewInteractionScreen())

    def action_notifications(self) -> None:
        from screens.notifications import NotificationsScreen

        self.app.push_screen(NotificationsScreen())

    def action_filters(self) -> None:
        self.query_one("#kind-filter", Select).focus()

    def action_next_box(self) -> None:
        self.query_one(Tabs).action_next_tab()
