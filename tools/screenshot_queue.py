"""Save the README's picture of the queue: the demo agent's, at 100x30.

    PYTHONPATH=. .venv/bin/python tools/screenshot_queue.py   # docs/queue.svg

The demo data is built in a throwaway folder, ending now, so the deadlines
in the picture read as they would for someone trying the demo today.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AGENT = "marcos.tavares@backsite.com.br"


async def save(folder: Path, size: tuple[int, int] = (100, 30)) -> Path:
    """Log the demo agent in on fresh demo data and save the queue as SVG."""
    from data import demo
    from data.helpdesk import Helpdesk
    from screens.queue import QueueScreen
    from tui.app import SacApp

    with tempfile.TemporaryDirectory() as scratch:
        store = Helpdesk(Path(scratch) / "data")
        demo.populate(store)
        app = SacApp(store)
        async with app.run_test(size=size) as pilot:
            session = store.login(AGENT, demo.DEMO_PASSWORD)
            app.signed_in(session.user, session.token)
            for _attempt in range(100):
                await pilot.pause()
                await app.workers.wait_for_complete()
                screen = app.screen
                if isinstance(screen, QueueScreen) and screen.rows:
                    break
            await pilot.pause()
            return Path(app.save_screenshot(filename="queue.svg", path=str(folder)))


def main() -> int:
    sys.path.insert(0, str(ROOT))
    saved = asyncio.run(save(ROOT / "docs"))
    print(saved)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
