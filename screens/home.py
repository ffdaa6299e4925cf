"""What the screens people land on after logging in have in common.

A customer lands on the interaction list, the support team on the queue;
both offer the administration and the system backup to those allowed, and
hide the entries from everyone else (the store refuses them anyway).
"""

from __future__ import annotations

from textual.screen import Screen

from data.backup import may_back_up


class HomeScreen(Screen[None]):
    """A landing screen: its own bindings name ``backup`` and ``admin``."""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "backup":
            return may_back_up(self.app.user)
        if action == "admin":
            from screens.admin import is_admin

            return is_admin(self.app.user)
        return super().check_action(action, parameters)

    def action_backup(self) -> None:
        from screens.backup import BackupScreen

        self.app.push_screen(BackupScreen())

    def action_admin(self) -> None:
        from screens.admin import AdminScreen

        self.app.push_screen(AdminScreen())
