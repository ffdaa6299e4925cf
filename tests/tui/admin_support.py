"""What the administration screens' tests share: getting there, and waiting.

``settle`` waits for the screens' store calls to finish, except those of a
screen waiting for the answer of a dialog over it (they finish only when
the test answers), which would otherwise make the wait endless.
"""

from __future__ import annotations

import asyncio
from typing import Any

from textual.screen import ModalScreen
from textual.widgets import Static

from screens.admin import AdminScreen


async def settle(pilot: Any, limit: float = 60.0) -> None:
    """Let the screens finish what they are doing."""
    app = pilot.app
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit
    while loop.time() < deadline:
        await pilot.pause()
        top = app.screen
        busy = [
            worker
            for worker in app.workers
            if worker.is_running
            and not (isinstance(top, ModalScreen) and worker.node is not top)
        ]
        if not busy:
            await pilot.pause()
            return
        await pilot.pause(0.05)
    raise AssertionError(f"still busy after {limit} s: {list(app.workers)}")


async def open_admin(pilot: Any, signed_in: Any, admin: Any, key: str = "") -> Any:
    """Log in as ``admin``, open Administração, and the part under ``key``."""
    await signed_in(admin)(pilot)
    await pilot.app.push_screen(AdminScreen())
    await settle(pilot)
    if key:
        await pilot.press(key)
        await settle(pilot)
    return pilot.app.screen


def text_of(screen: Any, selector: str) -> str:
    """What a Static shows, as plain text."""
    return str(screen.query_one(selector, Static).render())


def cells(table: Any) -> list[list[str]]:
    """Every row of a DataTable as plain strings."""
    return [
        [str(cell) for cell in table.get_row_at(row)] for row in range(table.row_count)
    ]
