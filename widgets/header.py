"""The line at the top of every screen: where you are, who you are, the time."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from data.i18n import _
from widgets.clock import MinuteClock


class AppHeader(Horizontal):
    """Title, the logged-in person, unread notifications and the clock.

    Args:
        title: the screen's name.
    """

    DEFAULT_CSS = """
    AppHeader { height: 1; background: $panel; color: $text; dock: top; }
    AppHeader > #title { width: 1fr; padding: 0 1; text-style: bold; }
    AppHeader > #who { width: auto; padding: 0 1; color: $text-muted; }
    AppHeader > #unread { width: auto; padding: 0 1; }
    AppHeader > #unread.-some { color: $warning; text-style: bold; }
    AppHeader > MinuteClock { padding: 0 1; }
    """

    def __init__(self, title: str) -> None:
        super().__init__()
        self.title = title

    def compose(self) -> ComposeResult:
        yield Static(f"SAC Backsite · {self.title}", id="title")
        user = getattr(self.app, "user", None)
        if user is not None:
            # First and last name: the whole header must fit in 80 columns.
            words = user.name.split()
            short = f"{words[0]} {words[-1]}" if len(words) > 2 else user.name
            yield Static(short, id="who")
            yield Static("", id="unread")
        yield MinuteClock(_("Now:"))

    def show_unread(self, count: int) -> None:
        """Show how many notifications wait unread ("a" opens them)."""
        unread = self.query_one("#unread", Static)
        unread.update(_("Notifications: {count}", count=count))
        unread.set_class(count > 0, "-some")
