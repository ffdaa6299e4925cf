"""What the interaction list and the team's queue share.

Both show interaction summaries in a table that the store fills a page at a
time (the next page loads when the cursor reaches the last row), searched by
the box of class ``list-search``, moved with j k g G, and opened with Enter
or v. Each says what its rows look like, what the line under the table
shows, and which detail opens.

Keys typed ahead of a search's answer ("/remessa, Enter, j, j, Enter") are
held while the rows are being replaced, and handed to the table once the
new rows are in: they move through the rows that were asked for.
"""

from __future__ import annotations

from rich.text import Text
from textual import events, on
from textual.screen import Screen
from textual.widgets import DataTable, Input, Select
from textual.worker import Worker, WorkerState

from data.store import Page, Summary
from screens.home import HomeScreen
from screens.typeahead import TypeAheadScreen

PAGE_SIZE = 100


class ListingScreen(HomeScreen, TypeAheadScreen):
    """A landing screen's table of interactions, a page of the store at a time.

    Subclasses compose one ``DataTable`` and one ``Input`` of class
    ``list-search``, and give ``load`` (a worker that asks the store for a
    page and hands it to ``show_page``), ``cells``, ``show_current`` and
    ``detail``.
    """

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[Summary] = []
        self.total = 0
        self.text = ""
        # Keys for the table, held while a search's rows are on their way.
        self.held: list[events.Key] | None = None

    # -- what each listing says for itself ------------------------------------

    def load(self, keep: int | None = None, append: bool = False) -> None:
        """Ask for the first page (or, with ``append``, the next one)."""
        raise NotImplementedError

    def cells(self, row: Summary) -> list[str | Text]:
        """The table's cells for ``row``."""
        raise NotImplementedError

    def show_current(self) -> None:
        """Update whatever follows the highlighted row."""
        raise NotImplementedError

    def detail(self, protocol: int) -> Screen[None]:
        """The screen that opens the interaction ``protocol``."""
        raise NotImplementedError

    # -- rows -----------------------------------------------------------------

    def show_page(self, page: Page, *, keep: int | None, append: bool) -> None:
        """Show ``page``: after the rows shown with ``append``, else instead.

        With ``keep``, the cursor goes back to that protocol if it is there.
        """
        start = len(self.rows) if append else None
        self.rows = [*self.rows, *page.rows] if append else page.rows
        self.total = page.total
        self.fill(keep, append_from=start)

    def fill(self, keep: int | None, append_from: int | None) -> None:
        """Put the rows in the table: all of them, or those from ``append_from``."""
        table = self.query_one(DataTable)
        if append_from is None:
            table.clear()
        for row in self.rows[append_from or 0 :]:
            table.add_row(*self.cells(row), key=str(row.protocol))
        if keep is not None:
            for index, row in enumerate(self.rows):
                if row.protocol == keep:
                    table.move_cursor(row=index)
                    break
        self.show_current()

    def cursor_row(self) -> int:
        return self.query_one(DataTable).cursor_row

    def current(self) -> Summary | None:
        """The highlighted row's summary, if any row is highlighted."""
        if not self.rows or not 0 <= self.cursor_row() < len(self.rows):
            return None
        return self.rows[self.cursor_row()]

    def current_protocol(self) -> int | None:
        row = self.current()
        return None if row is None else row.protocol

    # -- events ---------------------------------------------------------------

    @on(Select.Changed)
    def filter_changed(self) -> None:
        self.load()

    def move_on_from(self, field: Input) -> None:
        # Keys typed after the search (j, k, Enter) are for the rows.
        if field.has_class("list-search"):
            self.held = []
            self.set_focus(self.query_one(DataTable))

    def entered(self, field: Input) -> None:
        if field.has_class("list-search"):
            self.text = field.value.strip()
            self.load()

    def on_key(self, event: events.Key) -> None:
        if self.held is not None and isinstance(self.focused, DataTable):
            event.stop()
            event.prevent_default()
            self.held.append(events.Key(event.key, event.character))

    @on(Worker.StateChanged)
    def load_finished(self, event: Worker.StateChanged) -> None:
        # Refused or answered, the rows the held keys were typed for are in;
        # a load cancelled by a newer one leaves them to that one.
        if event.worker.name != "load" or event.state not in (
            WorkerState.SUCCESS,
            WorkerState.ERROR,
        ):
            return
        held, self.held = self.held or [], None
        table = self.query_one(DataTable)
        for key in held:
            # As if the table had read it: it bubbles up to the bindings.
            key.set_sender(table)
            table.post_message(key)

    @on(DataTable.RowSelected)
    def row_selected(self) -> None:
        self.action_open()

    @on(DataTable.RowHighlighted)
    def row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_current()
        # Reaching the last loaded row asks the store for the next page.
        if event.cursor_row == len(self.rows) - 1 and len(self.rows) < self.total:
            self.load(append=True)

    # -- actions --------------------------------------------------------------

    def action_open(self) -> None:
        protocol = self.current_protocol()
        if protocol is not None:
            self.app.push_screen(self.detail(protocol))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "search":
            # The slash binding is a priority one, so that the letters typed
            # after it reach the box; in a field, a slash is just a slash.
            return not isinstance(self.focused, Input)
        return super().check_action(action, parameters)

    def action_search(self) -> None:
        # At once, not after a refresh: the letters typed after the slash
        # may already be on their way.
        self.set_focus(self.query_one(".list-search", Input))

    def action_clear_search(self) -> None:
        search = self.query_one(".list-search", Input)
        if self.text or search.value:
            search.value = ""
            self.text = ""
            self.query_one(DataTable).focus()
            self.load()

    def action_refresh(self) -> None:
        self.load(keep=self.current_protocol())

    def action_cursor(self, where: str) -> None:
        """j k g G: down, up, the first row, the last row loaded."""
        table = self.query_one(DataTable)
        if where == "down":
            table.action_cursor_down()
        elif where == "up":
            table.action_cursor_up()
        elif where == "top":
            table.move_cursor(row=0)
        elif self.rows:
            table.move_cursor(row=len(self.rows) - 1)

    def action_sign_out(self) -> None:
        self.app.sign_out()
