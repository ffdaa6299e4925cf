"""Sizes and durations in words, in the interface's language (humanize)."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from datetime import timedelta

import humanize

from data.i18n import language

_lock = threading.Lock()


@contextlib.contextmanager
def _humanize_language() -> Iterator[None]:
    # humanize's locale is process-wide; hold it only for one call so that
    # threads and other modules see no change.
    with _lock:
        if language() == "pt_BR":
            humanize.i18n.activate("pt_BR")
        try:
            yield
        finally:
            humanize.i18n.deactivate()


def natural_delta(delta: timedelta) -> str:
    """``timedelta(hours=3)`` as "3 horas" (or "3 hours" in English)."""
    with _humanize_language():
        return humanize.naturaldelta(delta)


def natural_size(size: int) -> str:
    """A byte count as "10.5 MB", with the decimal comma in Portuguese."""
    text = humanize.naturalsize(size)
    return text.replace(".", ",") if language() == "pt_BR" else text
