"""The current time as hours and minutes, repainted once a minute."""

from __future__ import annotations

from textual.widgets import Static

from data.deadlines import SAO_PAULO


class MinuteClock(Static):
    """Shows "Hora atual: 12:03"; wakes up only when the minute changes."""

    DEFAULT_CSS = "MinuteClock { width: auto; }"

    def __init__(self, label: str, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.label = label

    def on_mount(self) -> None:
        self._tick()

    def _tick(self) -> None:
        now = self.app.clock().astimezone(SAO_PAULO)
        self.update(f"{self.label} {now:%H:%M}")
        # Sleep until the next minute starts, not a fixed 60 s, so that the
        # shown minute is never late by up to a minute.
        self.set_timer(60.5 - now.second - now.microsecond / 1e6, self._tick)
