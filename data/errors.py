"""Errors the library raises for things a user or caller can cause.

Each carries a sentence in the interface's language that can be shown as it
is, and, for input errors, the name of the field it belongs to.
"""

from __future__ import annotations


class SacError(Exception):
    """Base of every refusal the helpdesk explains in words.

    Args:
        message: the sentence shown to the user, already translated.
        field: the input field the sentence belongs to, if any.
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return self.message


class ValidationError(SacError):
    """Input that breaks a rule: a bad e-mail, a short password, a bad date."""


class AuthenticationError(SacError):
    """A login that failed; never says whether the e-mail exists."""


class AccountLocked(AuthenticationError):
    """Too many failed logins; the account waits before the next try."""


class PermissionDenied(SacError):
    """The acting user may not do this."""


class SessionEnded(PermissionDenied):
    """The account was deactivated or its session closed: log in again."""


class NotFound(SacError):
    """The protocol, user or organisation does not exist (or is not visible)."""


class WorkflowError(SacError):
    """The interaction's status does not allow this action now."""


class StoreError(SacError):
    """Storage failed in a way the user should hear about (disk full, ...)."""
