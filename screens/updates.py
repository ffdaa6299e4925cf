"""Solicitações de atualização: the update dates customers asked for, on a calendar.

Updates happen Monday to Wednesday, asked for a week ahead at least (the
customer's guide, "Política de manutenção e atualização"). The administrator
sees a month of weeks with those three days highlighted, each day showing
the protocols and organisations of its requests (amber while waiting for
approval, green once a date is confirmed); the arrows move between days,
PgUp and PgDn between months, and the chosen day's requests are listed
under the calendar. ``a`` approves the request for the day asked, ``m`` moves
it to another day, typed as dd/mm/aaaa; the store refuses, in words, a day
outside the rule, and tells the customer of every confirmation or move.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Label, Static

from data.errors import SacError
from data.i18n import _
from data.models import Category, Interaction, User
from data.store import Box, Query
from screens.admin import FormDialog, day_text, parse_day
from widgets.dialogs import ConfirmDialog
from widgets.fields import LabelledInput
from widgets.header import AppHeader

WEEKS = 6


def month_names() -> list[str]:
    return [
        _("January"),
        _("February"),
        _("March"),
        _("April"),
        _("May"),
        _("June"),
        _("July"),
        _("August"),
        _("September"),
        _("October"),
        _("November"),
        _("December"),
    ]


def weekday_abbreviations() -> list[str]:
    return [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")]


def weekday_names() -> list[str]:
    return [
        _("Monday"),
        _("Tuesday"),
        _("Wednesday"),
        _("Thursday"),
        _("Friday"),
        _("Saturday"),
        _("Sunday"),
    ]


def month_title(day: date) -> str:
    """ "março de 2026", in the interface's language."""
    return _("{month} {year}", month=month_names()[day.month - 1], year=day.year)


def load_update_requests(store: Any, user: User) -> list[Interaction]:
    """Every open update request, whole (the list rows carry no dates).

    Blocking: run it through ``SacApp.call``.
    """
    requests: list[Interaction] = []
    offset, total = 0, 1
    while offset < total:
        page = store.list_interactions(
            user,
            Query(
                box=Box.RECEIVED,
                categories=frozenset({Category.UPDATE}),
                open_only=True,
                offset=offset,
                limit=200,
            ),
        )
        requests += [store.get_interaction(user, row.protocol) for row in page.rows]
        offset, total = offset + len(page.rows), page.total
        if not page.rows:
            break
    return requests


def day_of(request: Interaction) -> date | None:
    """Where a request sits on the calendar: its confirmed date, else the wish."""
    return request.scheduled_for or request.wished_date


class MonthCalendar(Grid, can_focus=True):
    """Six weeks from Monday to Sunday around the chosen day's month.

    Posts ``DayChanged`` when the chosen day moves.
    """

    BINDINGS = [
        Binding("left", "step(-1)", _("Day before"), show=False, id="updates.left"),
        Binding("right", "step(1)", _("Day after"), show=False, id="updates.right"),
        Binding("up", "step(-7)", _("Week before"), show=False, id="updates.up"),
        Binding("down", "step(7)", _("Week after"), show=False, id="updates.down"),
    ]

    class DayChanged(Message):
        """The chosen day moved."""

        def __init__(self, day: date) -> None:
            super().__init__()
            self.day = day

    def __init__(self, day: date, today: date, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.day = day
        self.today = today
        self.by_day: dict[date, list[Interaction]] = {}
        self.names: dict[int, str] = {}

    def compose(self) -> ComposeResult:
        for column, name in enumerate(weekday_abbreviations()):
            label = Label(name, classes="weekday")
            label.set_class(column < 3, "-window")
            yield label
        for cell in range(WEEKS * 7):
            yield Static("", id=f"cell-{cell}", classes="day", markup=False)

    def on_mount(self) -> None:
        self.draw()

    def show(
        self, by_day: dict[date, list[Interaction]], names: dict[int, str]
    ) -> None:
        """Put the requests on their days."""
        self.by_day = by_day
        self.names = names
        self.draw()

    def first_shown(self) -> date:
        first = self.day.replace(day=1)
        return first - timedelta(days=first.weekday())

    def draw(self) -> None:
        start = self.first_shown()
        for cell in range(WEEKS * 7):
            day = start + timedelta(days=cell)
            requests = self.by_day.get(day, [])
            widget = self.query_one(f"#cell-{cell}", Static)
            widget.update(self.cell_text(day, requests))
            widget.set_class(day.weekday() < 3, "-window")
            widget.set_class(day.month != self.day.month, "-outside")
            widget.set_class(day == self.today, "-today")
            widget.set_class(day == self.day, "-chosen")
            waiting = any(r.scheduled_for is None for r in requests)
            widget.set_class(waiting, "-waiting")
            widget.set_class(bool(requests) and not waiting, "-confirmed")

    def cell_text(self, day: date, requests: list[Interaction]) -> Text:
        text = Text(f"{day.day:>2}")
        if requests:
            first = requests[0]
            if len(requests) == 1:
                name = self.names.get(first.organisation_id, "")
                text.append(f"\n{first.protocol} {name}")
            else:
                text.append(
                    "\n"
                    + _(
                        "{protocol} +{more}",
                        protocol=first.protocol,
                        more=len(requests) - 1,
                    )
                )
        return text

    def choose(self, day: date) -> None:
        """Move to ``day``, redrawing the month when it changes."""
        self.day = day
        self.draw()
        self.post_message(self.DayChanged(day))

    def action_step(self, days: int) -> None:
        self.choose(self.day + timedelta(days=days))

    def step_month(self, months: int) -> None:
        month = self.day.month - 1 + months
        year = self.day.year + month // 12
        first = date(year, month % 12 + 1, 1)
        # The same day of the month, or the month's last when it is shorter.
        following = (first + timedelta(days=32)).replace(day=1)
        last = (following - timedelta(days=1)).day
        self.choose(first.replace(day=min(self.day.day, last)))


class MoveDialog(FormDialog):
    """Move an update request to another day, with a note for the customer.

    Args:
        request: the update request.
        earliest: the first day the rule allows, said in the hint.
    """

    def __init__(self, request: Interaction, earliest: date) -> None:
        super().__init__()
        self.request = request
        self.earliest = earliest
        self.title_text = _(
            "Move the update of protocol {protocol}", protocol=request.protocol
        )
        self.confirm_label = _("Move")

    def fields(self) -> ComposeResult:
        yield Static(
            _(
                "Asked for {wished}. Updates happen Monday to Wednesday, "
                "from {earliest} on; the customer is told of the new date.",
                wished=day_text(self.request.wished_date),
                earliest=day_text(self.earliest),
            ),
            classes="hint form-note",
        )
        yield LabelledInput(
            _("New date"),
            field="wished_date",
            value=day_text(day_of(self.request)),
            placeholder="dd/mm/aaaa",
            max_length=10,
        )
        yield LabelledInput(_("Remarks"), field="note", max_length=500)

    async def save(self) -> Interaction:
        day = parse_day(
            self.query_one("#wished_date", Input).value, field="wished_date"
        )
        note = self.query_one("#note", Input).value.strip()
        return await self.app.call(
            self.app.store.schedule_update,
            self.app.user,
            self.request.protocol,
            day,
            note,
        )


class UpdatesScreen(Screen[None]):
    """The calendar of update requests; approve or move the chosen one."""

    BINDINGS = [
        Binding("a", "approve", _("Approve"), id="updates.approve"),
        Binding("m", "move", _("Move"), id="updates.move"),
        Binding("p", "next_waiting", _("Next waiting"), id="updates.next_waiting"),
        Binding("pageup", "month(-1)", _("Previous month"), id="updates.month_before"),
        Binding("pagedown", "month(1)", _("Next month"), id="updates.month_after"),
        Binding("home", "today", _("Today"), show=False, id="updates.today"),
        Binding(
            "enter", "to_list", _("The day's requests"), show=False, id="updates.list"
        ),
        Binding("escape", "back", _("Back"), id="updates.back"),
        Binding("r", "refresh", _("Refresh"), show=False, id="updates.refresh"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.requests: list[Interaction] = []
        self.names: dict[int, str] = {}
        self.shown: list[Interaction] = []

    def compose(self) -> ComposeResult:
        today = self.app.clock().date()
        yield AppHeader(_("Update requests"))
        yield Static("", id="month-title")
        yield MonthCalendar(today, today, id="calendar")
        yield DataTable(cursor_type="row", id="day-requests")
        yield Static("", id="updates-status", classes="busy", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#day-requests", DataTable)
        table.add_column(_("Protocol"), key="protocol", width=9)
        table.add_column(_("Organisation"), key="organisation", width=24)
        table.add_column(_("Asked for"), key="wished", width=10)
        table.add_column(_("Confirmed"), key="scheduled", width=10)
        table.add_column(_("Status"), key="status", width=14)
        self.calendar.focus()
        self.show_day()
        self.load()

    @property
    def calendar(self) -> MonthCalendar:
        return self.query_one("#calendar", MonthCalendar)

    # -- loading --------------------------------------------------------------

    @work(exclusive=True, group="updates")
    async def load(self, message: str = "") -> None:
        store, user = self.app.store, self.app.user
        self.say(_("Loading…"))
        try:
            requests = await self.app.call(load_update_requests, store, user)
            organisations = await self.app.call(store.list_organisations, user)
        except SacError as refusal:
            self.say(refusal.message)
            return
        self.requests = requests
        self.names = {o.id: o.name for o in organisations}
        by_day: dict[date, list[Interaction]] = {}
        for request in sorted(requests, key=lambda r: r.protocol):
            day = day_of(request)
            if day is not None:
                by_day.setdefault(day, []).append(request)
        self.calendar.show(by_day, self.names)
        self.show_day()
        self.say(message or self.summary())

    def summary(self) -> str:
        waiting = [r for r in self.requests if r.scheduled_for is None]
        return _(
            "Open update requests: {total}; waiting for approval: {waiting}.",
            total=len(self.requests),
            waiting=len(waiting),
        )

    def show_day(self) -> None:
        """The chosen day's requests under the calendar."""
        day = self.calendar.day
        self.shown = self.calendar.by_day.get(day, [])
        count = (
            _("update requests: {count}", count=len(self.shown))
            if self.shown
            else _("no update requests")
        )
        self.query_one("#month-title", Static).update(
            Text.assemble(
                (month_title(day), "bold"),
                f"  ·  {weekday_names()[day.weekday()]}, {day_text(day)}: {count}",
            )
        )
        table = self.query_one("#day-requests", DataTable)
        keep = table.cursor_row
        table.clear()
        for request in self.shown:
            table.add_row(
                str(request.protocol),
                Text(self.names.get(request.organisation_id, "")),
                day_text(request.wished_date),
                day_text(request.scheduled_for),
                request.status.label,
                key=str(request.protocol),
            )
        if self.shown:
            table.move_cursor(row=min(keep, len(self.shown) - 1))
        self.refresh_bindings()

    def chosen(self) -> Interaction | None:
        if not self.shown:
            return None
        row = self.query_one("#day-requests", DataTable).cursor_row
        return self.shown[min(max(row, 0), len(self.shown) - 1)]

    def say(self, message: str) -> None:
        self.query_one("#updates-status", Static).update(message)

    @on(MonthCalendar.DayChanged)
    def day_changed(self) -> None:
        self.show_day()

    # -- actions --------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("approve", "move"):
            return self.chosen() is not None
        return True

    def action_month(self, months: int) -> None:
        self.calendar.step_month(months)

    def action_today(self) -> None:
        self.calendar.choose(self.calendar.today)

    def action_next_waiting(self) -> None:
        """Go to the first day after the chosen one with a request to approve."""
        days = sorted(
            day_of(r)
            for r in self.requests
            if r.scheduled_for is None and day_of(r) is not None
        )
        later = [day for day in days if day > self.calendar.day]
        if later or days:
            self.calendar.choose((later or days)[0])
        else:
            self.say(_("No update request waits for approval."))

    def action_to_list(self) -> None:
        if self.shown:
            self.query_one("#day-requests", DataTable).focus()

    def action_back(self) -> None:
        if self.focused is self.query_one("#day-requests", DataTable):
            self.calendar.focus()
            return
        self.dismiss()

    def action_refresh(self) -> None:
        self.load()

    @work(exclusive=True, group="updates-act")
    async def action_approve(self) -> None:
        request = self.chosen()
        if request is None or request.wished_date is None:
            return
        wished = day_text(request.wished_date)
        question = _(
            "Approve the update of protocol {protocol} for {date}, the day the "
            "customer asked? The customer will be told.",
            protocol=request.protocol,
            date=wished,
        )
        if not await self.app.push_screen_wait(
            ConfirmDialog(question, confirm=_("Approve"), cancel=_("Not now"))
        ):
            return
        try:
            await self.app.call(
                self.app.store.schedule_update,
                self.app.user,
                request.protocol,
                request.wished_date,
            )
        except SacError as refusal:
            self.say(refusal.message)
            return
        self.load(
            _(
                "The update of protocol {protocol} is confirmed for {date}; "
                "the customer was told.",
                protocol=request.protocol,
                date=wished,
            )
        )

    @work(exclusive=True, group="updates-act")
    async def action_move(self) -> None:
        request = self.chosen()
        if request is None:
            return
        earliest = self.app.clock().date() + timedelta(days=7)
        while earliest.weekday() > 2:
            earliest += timedelta(days=1)
        moved = await self.app.push_screen_wait(MoveDialog(request, earliest))
        if moved is None:
            return
        self.calendar.choose(moved.scheduled_for)
        self.load(
            _(
                "The update of protocol {protocol} was moved to {date}; "
                "the customer was told.",
                protocol=moved.protocol,
                date=day_text(moved.scheduled_for),
            )
        )
