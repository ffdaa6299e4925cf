"""The Store: everything the consoles, the CLI and the server ask of storage.

``Store`` is a ``Protocol``; the local implementation is
``data.helpdesk.Helpdesk`` over TinyDB files, and later ones (the HTTP
client, a database server) follow the same contract, which
``tests/contract`` states once for all of them.

Every call that acts for someone takes the acting ``User`` first and
enforces what that person may do; refusals are ``SacError`` subclasses with
a sentence to show.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol

from data.deadlines import Deadline
from data.models import (
    CannedAnswer,
    Category,
    Direction,
    Gender,
    Interaction,
    Kind,
    Notification,
    Organisation,
    Permission,
    Product,
    Role,
    Severity,
    Stage,
    Status,
    User,
)
from data.reports import ReportRow


class Box(StrEnum):
    """Which list of interactions to show."""

    SENT = "sent"
    RECEIVED = "received"
    QUEUE = "queue"


@dataclass
class Draft:
    """What someone fills in to open an interaction.

    ``on_behalf_of`` lets staff record an interaction for a customer who
    called (the customer becomes its author); ``towards_organisation`` opens
    one from the vendor to an organisation, landing in its Recebidos.
    """

    category: Category
    kind: Kind
    subject: str
    description: str
    severity: Severity | None = None
    on_site: bool = False
    wished_date: date | None = None
    attachments: list[Path] = field(default_factory=list)
    on_behalf_of: int | None = None
    towards_organisation: int | None = None


@dataclass
class Query:
    """A page of a box, filtered; every filter is optional.

    ``text`` matches subject and description, ignoring case and accents.
    """

    box: Box = Box.SENT
    kinds: frozenset[Kind] = frozenset()
    statuses: frozenset[Status] = frozenset()
    categories: frozenset[Category] = frozenset()
    severities: frozenset[Severity] = frozenset()
    organisation_id: int | None = None
    assignee_id: int | None = None
    unassigned: bool = False
    text: str = ""
    open_only: bool = False
    offset: int = 0
    limit: int = 50


@dataclass
class Summary:
    """One row of a list: what the list shows without loading the whole record."""

    protocol: int
    created_at: datetime
    category: Category
    kind: Kind
    subject: str
    status: Status
    author_id: int
    organisation_id: int
    direction: Direction
    assignee_id: int | None
    severity: Severity | None
    rejection_count: int
    attachment_count: int
    out_of_hours: bool
    deadline: Deadline


@dataclass
class Page:
    """The rows of one page and how many rows the whole filtered list has."""

    rows: list[Summary]
    total: int
    offset: int = 0


@dataclass
class Session:
    """A logged-in person and the token that stands for the login."""

    token: str
    user: User


@dataclass
class QueueCounts:
    """Late and due-soon open interactions, per severity ('' for none)."""

    late: dict[str, int]
    due_soon: dict[str, int]


class Store(Protocol):
    """The contract every store keeps; see the module docstring."""

    # people and sessions
    def register(
        self,
        *,
        name: str,
        email: str,
        password: str,
        phone: str,
        gender: Gender = Gender.UNDISCLOSED,
    ) -> User: ...
    def login(self, email: str, password: str) -> Session: ...
    def logout(self, token: str) -> None: ...
    def resume(self, token: str) -> User: ...
    def change_password(self, actor: User, current: str, new: str) -> None: ...
    def add_user(
        self,
        actor: User | None,
        *,
        name: str,
        email: str,
        role: Role,
        password: str,
        organisation_id: int | None = None,
        phone: str = "",
        gender: Gender = Gender.UNDISCLOSED,
    ) -> User: ...
    def get_user(self, actor: User, user_id: int) -> User: ...
    def list_users(self, actor: User) -> list[User]: ...
    def grant(self, actor: User, user_id: int, permission: Permission) -> User: ...
    def revoke(self, actor: User, user_id: int, permission: Permission) -> User: ...
    def unlock(self, actor: User, email: str) -> None: ...
    def reset_password(self, actor: User, user_id: int, temporary: str) -> None: ...
    def deactivate(self, actor: User, user_id: int) -> User: ...
    def locked_accounts(self, actor: User) -> dict[str, datetime]: ...

    # organisations
    def create_organisation(
        self,
        actor: User | None,
        *,
        name: str,
        products: list[Product] | None = None,
        pdc: bool = False,
        domains: list[str] | None = None,
    ) -> Organisation: ...
    def get_organisation(self, actor: User, organisation_id: int) -> Organisation: ...
    def list_organisations(self, actor: User) -> list[Organisation]: ...
    def update_organisation(
        self,
        actor: User,
        organisation_id: int,
        *,
        name: str | None = None,
        products: list[Product] | None = None,
        pdc: bool | None = None,
        consultant_id: int | None = None,
        domains: list[str] | None = None,
    ) -> Organisation: ...
    def set_stage(
        self,
        actor: User,
        organisation_id: int,
        stage: Stage,
        started_on: date,
        note: str = "",
    ) -> Organisation: ...

    # interactions
    def create_interaction(self, actor: User, draft: Draft) -> Interaction: ...
    def get_interaction(self, actor: User, protocol: int) -> Interaction: ...
    def list_interactions(self, actor: User, query: Query) -> Page: ...
    def deadline(self, interaction: Interaction) -> Deadline: ...
    def queue_counts(
        self, actor: User, *, organisation_id: int | None = None
    ) -> QueueCounts: ...
    def start(self, actor: User, protocol: int) -> Interaction: ...
    def assign(self, actor: User, protocol: int, assignee_id: int) -> Interaction: ...
    def answer(
        self, actor: User, protocol: int, text: str, *, ask: bool = False
    ) -> Interaction: ...
    def add_info(
        self,
        actor: User,
        protocol: int,
        text: str,
        attachments: list[Path] | None = None,
    ) -> Interaction: ...
    def accept(self, actor: User, protocol: int) -> Interaction: ...
    def reject(self, actor: User, protocol: int, reason: str) -> Interaction: ...
    def cancel(self, actor: User, protocol: int) -> Interaction: ...
    def add_note(self, actor: User, protocol: int, text: str) -> Interaction: ...
    def forward(
        self,
        actor: User,
        protocol: int,
        note: str,
        *,
        to_user: int | None = None,
        team: str = "",
    ) -> Interaction: ...
    def add_attachment(self, actor: User, protocol: int, path: Path) -> Interaction: ...
    def save_attachment(
        self, actor: User, protocol: int, attachment_id: str, folder: Path
    ) -> Path: ...
    def conclude_overdue(self) -> list[int]: ...

    # the support team's tools
    def canned_answers(self, actor: User) -> list[CannedAnswer]: ...
    def save_canned_answer(
        self, actor: User, title: str, text: str
    ) -> CannedAnswer: ...
    def delete_canned_answer(self, actor: User, answer_id: int) -> None: ...
    def schedule_update(
        self, actor: User, protocol: int, day: date, note: str = ""
    ) -> Interaction: ...
    def report(
        self,
        actor: User,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        organisation_id: int | None = None,
    ) -> list[ReportRow]: ...

    # notifications
    def notifications(
        self, actor: User, *, unread_only: bool = False
    ) -> list[Notification]: ...
    def unread_count(self, actor: User) -> int: ...
    def mark_read(self, actor: User, ids: list[int]) -> None: ...

    # settings the consoles read
    def settings(self) -> dict[str, Any]: ...
