"""Notificações: what happened to the person's interactions, newest first.

Unread notifications are marked and bold. Enter opens the interaction a
notification is about and marks it read; m marks the chosen one read, M all
of them. Esc goes back to the list.
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from data.errors import SacError
from data.i18n import _
from data.models import Notification
from tui.plain import when
from widgets.header import AppHeader

UNREAD, PLAIN_UNREAD = "●", "*"


class NotificationsScreen(Screen[None]):
    """The person's notifications; Enter opens the interaction of one."""

    BINDINGS = [
        Binding("escape", "back", _("Back to the list"), id="notifications.back"),
        Binding("v", "open", _("View detail"), show=False, id="notifications.open"),
        Binding("m", "mark_read", _("Mark read"), id="notifications.mark_read"),
        Binding("M", "mark_all_read", _("Mark all read"), id="notifications.mark_all"),
        Binding("r", "refresh", _("Refresh"), show=False, id="notifications.refresh"),
        Binding("j", "cursor('down')", show=False, id="notifications.vim_down"),
        Binding("k", "cursor('up')", show=False, id="notifications.vim_up"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.items: list[Notification] = []

    def compose(self) -> ComposeResult:
        yield AppHeader(_("Notifications"))
        yield OptionList(id="notifications")
        yield Static(_("Loading…"), id="notifications-status", classes="busy")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_screen_resume(self) -> None:
        # Also after coming back from an interaction opened from here.
        self.load(keep=self.chosen())

    # -- loading --------------------------------------------------------------

    @work(exclusive=True, group="notifications")
    async def load(self, keep: Notification | None = None) -> None:
        try:
            items = await self.app.call(self.app.store.notifications, self.app.user)
        except SacError as error:
            self.say(error.message)
            return
        self.items = items
        options = self.query_one(OptionList)
        options.set_options(
            Option(self.prompt(item), id=str(item.id)) for item in items
        )
        ids = [item.id for item in items]
        if keep is not None and keep.id in ids:
            options.highlighted = ids.index(keep.id)
        elif items:
            options.highlighted = 0
        self.show_count()

    def prompt(self, item: Notification) -> Content:
        """One notification: the unread mark, when, and the message."""
        if item.read:
            mark, style = " ", ""
        else:
            mark = UNREAD if self.app.config.glyphs else PLAIN_UNREAD
            style = "bold"
        return Content.assemble(
            (mark, "bold"), " ", (when(item.at), "dim"), "  ", (item.text, style)
        )

    def show_count(self) -> None:
        unread = sum(1 for item in self.items if not item.read)
        self.query_one(AppHeader).show_unread(unread)
        if not self.items:
            self.say(_("No notifications yet."))
            return
        self.say(
            _(
                "{total} notifications, {unread} unread · Enter opens the interaction",
                total=len(self.items),
                unread=unread,
            )
        )

    def say(self, message: str) -> None:
        self.query_one("#notifications-status", Static).update(message)

    def chosen(self) -> Notification | None:
        index = self.query_one(OptionList).highlighted
        if index is None or not 0 <= index < len(self.items):
            return None
        return self.items[index]

    # -- actions --------------------------------------------------------------

    @on(OptionList.OptionSelected, "#notifications")
    def action_open(self) -> None:
        item = self.chosen()
        if item is not None:
            self.open(item)

    @work(exclusive=True, group="notifications")
    async def open(self, item: Notification) -> None:
        if not item.read and await self.mark([item]):
            self.show_count()
        from screens.detail import DetailScreen

        self.app.push_screen(DetailScreen(item.protocol))

    def action_mark_read(self) -> None:
        item = self.chosen()
        if item is not None and not item.read:
            self.mark_and_show([item])

    def action_mark_all_read(self) -> None:
        unread = [item for item in self.items if not item.read]
        if unread:
            self.mark_and_show(unread)

    @work(exclusive=True, group="notifications")
    async def mark_and_show(self, items: list[Notification]) -> None:
        if await self.mark(items):
            self.show_count()

    async def mark(self, items: list[Notification]) -> bool:
        """Mark ``items`` read in the store and on screen; False if refused."""
        try:
            await self.app.call(
                self.app.store.mark_read, self.app.user, [item.id for item in items]
            )
        except SacError as error:
            self.say(error.message)
            return False
        options = self.query_one(OptionList)
        for item in items:
            item.read = True
            options.replace_option_prompt(str(item.id), self.prompt(item))
        return True

    def action_back(self) -> None:
        self.dismiss()

    def action_refresh(self) -> None:
        self.load(keep=self.chosen())

    def action_cursor(self, where: str) -> None:
        options = self.query_one(OptionList)
        if where == "down":
            options.action_cursor_down()
        else:
            options.action_cursor_up()
