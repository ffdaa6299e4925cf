"""Small helpers for driving the console in tests."""

from __future__ import annotations

from typing import Any

from textual import events
from textual.keys import _character_to_key


async def type_text(pilot: Any, text: str) -> None:
    """Type ``text`` key by key, as a person would."""
    for char in text:
        await pilot.press(char)


# The key names a burst may hold, with the character each one sends.
KEY_CHARACTERS = {
    "enter": "\r",
    "tab": "\t",
    "shift+tab": None,
    "escape": "\x1b",
    "ctrl+s": "\x13",
}


async def type_ahead(pilot: Any, *parts: str) -> None:
    """Send every key of ``parts`` in one burst, as a slow link delivers them.

    A part is text to type, or a key name of ``KEY_CHARACTERS``. Unlike
    ``pilot.press``, which waits for each key to be handled, the console
    reads the whole burst before any widget has handled its first key:
    what a person typing ahead over SSH does to it.
    """
    driver = pilot.app._driver
    for part in parts:
        if part in KEY_CHARACTERS:
            keys = [events.Key(part, KEY_CHARACTERS[part])]
        else:
            # Textual's own name for a character, as its pilot uses.
            keys = [events.Key(_character_to_key(char), char) for char in part]
        for key in keys:
            key.set_sender(pilot.app)
            driver.send_message(key)
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
