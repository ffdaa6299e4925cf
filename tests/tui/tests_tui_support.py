"""Small helpers for driving the console in tests."""

from __future__ import annotations

from typing import Any


async def type_text(pilot: Any, text: str) -> None:
    """Type ``text`` key by key, as a person would."""
    for char in text:
        await pilot.press(char)
