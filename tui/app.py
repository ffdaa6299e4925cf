"""The Textual application: one store, the logged-in person, the screens.

Screens reach storage only through ``SacApp.call``, which runs the store's
blocking work in a thread, turns unexpected failures into a sentence and a
log line, and hands ``SacError`` refusals back to the screen that asked, so
it can show them next to the field they belong to.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from data.deadlines import SAO_PAULO
from data.errors import SacError, SessionEnded
from data.i18n import _
from data.models import User
from tui.config import Config

log = logging.getLogger("sac.tui")

Result = TypeVar("Result")


class SacApp(App[None]):
    """Backsite's customer service console."""

    CSS_PATH = "sac.tcss"
    TITLE = "SAC Backsite"
    ENABLE_COMMAND_PALETTE = True

    BINDINGS = [
        Binding("f1", "keys", _("Keys"), id="app.keys"),
        Binding("question_mark", "keys", _("Keys"), show=False, id="app.keys_alt"),
        Binding("ctrl+q", "quit", _("Quit"), id="app.quit"),
    ]

    def __init__(
        self,
        store: Any,
        *,
        config: Config | None = None,
        demo_accounts: list[tuple[str, str]] | None = None,
        demo_password: str = "",
        data_dir: Path | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__()
        self.clock = clock or (lambda: datetime.now(SAO_PAULO))
        self.store = store
        self.config = config or Config()
        self.demo_accounts = demo_accounts or []
        self.demo_password = demo_password
        self.data_dir = data_dir
        self.user: User | None = None
        self.session_token = ""
        # Over a slow SSH link every animated frame costs bandwidth.
        self.animation_level = "none"

    def on_mount(self) -> None:
        if self.config.keys:
            self.set_keymap(self.config.keys)
        from screens.login import LoginScreen

        self.push_screen(LoginScreen())

    # -- the store, off the event loop ----------------------------------------

    async def call(
        self, function: Callable[..., Result], *args: Any, **kwargs: Any
    ) -> Result:
        """Run a store call in a thread and return its result.

        Raises:
            SacError: a refusal the screen shows in its own place. Any other
                failure is logged with its cause and re-raised as a
                ``SacError`` with a sentence, so no traceback reaches the screen.
        """
        try:
            return await asyncio.to_thread(partial(function, *args, **kwargs))
        except SessionEnded as error:
            # Deactivated, or the session closed elsewhere: back to the login
            # screen, once the caller has handled the refusal on its own.
            if self.user is not None:
                self.call_later(self._session_ended, error.message)
            raise
        except SacError:
            raise
        except Exception as error:
            log.exception(
                "store call %s failed", getattr(function, "__name__", function)
            )
            raise SacError(
                _(
                    "Something went wrong: {reason}. Details are in the log file.",
                    reason=type(error).__name__,
                )
            ) from error

    # -- who is logged in -----------------------------------------------------

    def signed_in(self, user: User, token: str) -> None:
        """Open the person's home screen after a login or a sign-up."""
        self.user = user
        self.session_token = token
        log.info("console opened for user %s", user.id)
        if user.must_change_password:
            from screens.change_password import ChangePasswordScreen

            self.switch_screen(ChangePasswordScreen())
            return
        if user.role.is_staff:
            from screens.queue import QueueScreen

            self.switch_screen(QueueScreen())
            return
        from screens.interactions import InteractionsScreen

        self.switch_screen(InteractionsScreen())

    def _session_ended(self, message: str) -> None:
        self.sign_out()
        self.notify(message, severity="warning")

    def sign_out(self) -> None:
        """Close the session and return to the login screen."""
        token, self.session_token, self.user = self.session_token, "", None
        if token:
            self.run_worker(partial(self.store.logout, token), thread=True)
        from screens.login import LoginScreen

        while len(self.screen_stack) > 2:
            self.pop_screen()
        self.switch_screen(LoginScreen())

    # -- keys and commands ----------------------------------------------------

    def action_keys(self) -> None:
        """Show every key of the current screen."""
        from screens.keys import KeysScreen

        if not isinstance(self.screen, KeysScreen):
            self.push_screen(KeysScreen(self.screen))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The command palette offers every action of the current screen."""
        seen: set[str] = set()
        for active in screen.active_bindings.values():
            binding = active.binding
            if not binding.description or binding.action in seen or not active.enabled:
                continue
            seen.add(binding.action)
            key = self.get_key_display(binding)
            yield SystemCommand(
                binding.description,
                _("Key: {key}", key=key),
                partial(self._run_from_palette, binding.action, active.node),
            )

    def _run_from_palette(self, action: str, node: Any) -> None:
        self.call_later(self.run_action, action, node)


def run(root: Path, config: Config, *, demo: bool = False) -> int:
    """Open the console on the store in ``root``; returns the exit code."""
    from data.helpdesk import Helpdesk

    accounts: list[tuple[str, str]] = []
    password = ""
    if demo:
        from data.demo import DEMO_ACCOUNTS, DEMO_PASSWORD

        accounts, password = list(DEMO_ACCOUNTS), DEMO_PASSWORD
    app = SacApp(
        Helpdesk(root),
        config=config,
        demo_accounts=accounts,
        demo_password=password,
        data_dir=root,
    )
    app.run()
    return app.return_code or 0
