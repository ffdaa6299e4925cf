"""The helpdesk's records: people, organisations, interactions and their events.

Records are plain dataclasses. ``to_dict`` gives the JSON-ready form the
stores keep and the HTTP API sends; ``from_dict`` reads it back. Instants are
timezone-aware ``datetime`` values kept as ISO 8601 strings.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, datetime
from enum import StrEnum
from functools import cache
from typing import Any, Self

from data.i18n import _


class Role(StrEnum):
    """What a person is to the helpdesk."""

    CUSTOMER = "customer"
    AGENT = "agent"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return {
            Role.CUSTOMER: _("Customer"),
            Role.AGENT: _("Agent"),
            Role.ADMIN: _("Administrator"),
        }[self]

    @property
    def is_staff(self) -> bool:
        return self is not Role.CUSTOMER


class Gender(StrEnum):
    """The gender a person chose to tell at sign-up."""

    FEMALE = "female"
    MALE = "male"
    OTHER = "other"
    UNDISCLOSED = "undisclosed"

    @property
    def label(self) -> str:
        return {
            Gender.FEMALE: _("Female"),
            Gender.MALE: _("Male"),
            Gender.OTHER: _("Other"),
            Gender.UNDISCLOSED: _("Prefer not to say"),
        }[self]


class Permission(StrEnum):
    """Extra rights an administrator grants to a person."""

    BACKUP = "backup"


class Category(StrEnum):
    """What an interaction is about; each category has its own fields."""

    SAC = "sac"
    SUPPORT = "support"
    PDC = "pdc"
    UPDATE = "update"
    DATA_COPY = "data_copy"

    @property
    def label(self) -> str:
        return {
            Category.SAC: _("SAC"),
            Category.SUPPORT: _("Support"),
            Category.PDC: _("PDC"),
            Category.UPDATE: _("Update"),
            Category.DATA_COPY: _("Data copy"),
        }[self]


class Kind(StrEnum):
    """The kind of manifestation (Tipo)."""

    REQUEST = "request"
    COMPLAINT = "complaint"
    COMPLIMENT = "compliment"
    SUGGESTION = "suggestion"

    @property
    def label(self) -> str:
        return {
            Kind.REQUEST: _("Request"),
            Kind.COMPLAINT: _("Complaint"),
            Kind.COMPLIMENT: _("Compliment"),
            Kind.SUGGESTION: _("Suggestion"),
        }[self]

    @property
    def plural(self) -> str:
        return {
            Kind.REQUEST: _("Requests"),
            Kind.COMPLAINT: _("Complaints"),
            Kind.COMPLIMENT: _("Compliments"),
            Kind.SUGGESTION: _("Suggestions"),
        }[self]


class Severity(StrEnum):
    """How badly a malfunction stops the customer (Suporte only)."""

    CRITICAL = "critical"
    MEDIUM = "medium"

    @property
    def label(self) -> str:
        return {Severity.CRITICAL: _("Critical"), Severity.MEDIUM: _("Medium")}[self]


class Status(StrEnum):
    """Where an interaction stands (Situação)."""

    ANALYSIS = "analysis"
    IN_PROGRESS = "in_progress"
    AWAITING_CUSTOMER = "awaiting_customer"
    ANSWERED = "answered"
    CONCLUDED = "concluded"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return {
            Status.ANALYSIS: _("Analysis"),
            Status.IN_PROGRESS: _("In progress"),
            Status.AWAITING_CUSTOMER: _("Awaiting customer"),
            Status.ANSWERED: _("Answered"),
            Status.CONCLUDED: _("Concluded"),
            Status.CANCELLED: _("Cancelled"),
        }[self]

    @property
    def is_open(self) -> bool:
        """Whether staff still have something to do or wait for."""
        return self not in (Status.CONCLUDED, Status.CANCELLED)


class Direction(StrEnum):
    """Which side opened the interaction towards which.

    One party's Enviados are the other's Recebidos: an interaction a customer
    opens goes ``TO_VENDOR``; one staff open towards an organisation goes
    ``TO_CUSTOMER`` and lands in its people's Recebidos.
    """

    TO_VENDOR = "to_vendor"
    TO_CUSTOMER = "to_customer"


class Stage(StrEnum):
    """The implementation project's stages, in order."""

    SURVEY = "survey"
    TRAINING = "training"
    ASSISTED_OPERATION = "assisted_operation"
    MAINTENANCE = "maintenance"

    @property
    def label(self) -> str:
        return {
            Stage.SURVEY: _("Survey"),
            Stage.TRAINING: _("Training"),
            Stage.ASSISTED_OPERATION: _("Assisted operation"),
            Stage.MAINTENANCE: _("Maintenance and support"),
        }[self]


class EventKind(StrEnum):
    """What happened to an interaction, as its timeline records it."""

    CREATED = "created"
    RECORDED_ON_BEHALF = "recorded_on_behalf"
    ASSIGNED = "assigned"
    ANSWERED = "answered"
    INFO_REQUESTED = "info_requested"
    INFO_ADDED = "info_added"
    STATUS_CHANGED = "status_changed"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    CANCELLED = "cancelled"
    FORWARDED = "forwarded"
    ATTACHMENT_ADDED = "attachment_added"
    NOTE = "note"
    UPDATE_SCHEDULED = "update_scheduled"

    @property
    def label(self) -> str:
        return {
            EventKind.CREATED: _("Opened"),
            EventKind.RECORDED_ON_BEHALF: _("Recorded on the customer's behalf"),
            EventKind.ASSIGNED: _("Assigned"),
            EventKind.ANSWERED: _("Answered"),
            EventKind.INFO_REQUESTED: _("Information requested"),
            EventKind.INFO_ADDED: _("Information added"),
            EventKind.STATUS_CHANGED: _("Status changed"),
            EventKind.ACCEPTED: _("Handling accepted"),
            EventKind.REJECTED: _("Handling rejected"),
            EventKind.CANCELLED: _("Cancelled"),
            EventKind.FORWARDED: _("Forwarded"),
            EventKind.ATTACHMENT_ADDED: _("Attachment added"),
            EventKind.NOTE: _("Internal note"),
            EventKind.UPDATE_SCHEDULED: _("Update scheduled"),
        }[self]


def to_iso(value: datetime | date | None) -> str | None:
    return None if value is None else value.isoformat()


def from_iso(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def date_from_iso(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def _plain(value: Any) -> Any:
    """A JSON-ready copy of a field's value."""
    if isinstance(value, Record):
        return value.to_dict()
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


class Record:
    """Shared JSON conversion for the dataclasses below.

    Subclasses list their instant fields in ``_instants`` and their date
    fields in ``_dates`` so that ``from_dict`` can read them back; enums
    stay their ``StrEnum`` values, which JSON takes as strings.
    """

    _instants: tuple[str, ...] = ()
    _dates: tuple[str, ...] = ()

    def to_dict(self, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
        """The record as JSON-ready values, without the fields in ``exclude``."""
        # Hand-written rather than dataclasses.asdict, which deep-copies
        # every value and made a bulk load of 10,000 interactions take 20 s.
        return {
            name: _plain(getattr(self, name))
            for name in _field_names(type(self))
            if name not in exclude
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        known = _field_names(cls)
        values = {key: value for key, value in data.items() if key in known}
        for name in cls._instants:
            if name in values:
                values[name] = from_iso(values[name])
        for name in cls._dates:
            if name in values:
                values[name] = date_from_iso(values[name])
        return cls(**values)


@cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


@dataclass
class User(Record):
    """A person who logs in: a customer, an agent or an administrator."""

    id: int
    name: str
    email: str
    role: Role
    created_at: datetime
    phone: str = ""
    gender: Gender = Gender.UNDISCLOSED
    organisation_id: int | None = None
    permissions: list[str] = field(default_factory=list)
    password_hash: str = ""
    must_change_password: bool = False
    active: bool = True

    _instants = ("created_at",)

    def __post_init__(self) -> None:
        self.role = Role(self.role)
        self.gender = Gender(self.gender)
        self.permissions = list(self.permissions)

    def can(self, permission: Permission) -> bool:
        """Whether the person holds ``permission`` (admins hold them all)."""
        return self.role is Role.ADMIN or permission.value in self.permissions

    def public(self) -> User:
        """A copy without the password hash, for callers and exports."""
        copy = User.from_dict(self.to_dict())
        copy.password_hash = ""
        return copy


@dataclass
class LoginAttempts(Record):
    """Failed logins for one e-mail address, whether or not it has an account.

    Kept per address, not per user, so that a lockout looks the same for an
    address nobody registered: the login never tells whether it exists.
    """

    email: str
    failures: int = 0
    lockouts: int = 0
    locked_until: datetime | None = None

    _instants = ("locked_until",)


@dataclass
class Product(Record):
    """A product an organisation contracted, such as GPE."""

    code: str
    description: str = ""


@dataclass
class StageChange(Record):
    """One step of an organisation's implementation project."""

    stage: Stage
    started_on: date
    changed_by: int | None
    changed_at: datetime
    note: str = ""

    _instants = ("changed_at",)
    _dates = ("started_on",)

    def __post_init__(self) -> None:
        self.stage = Stage(self.stage)


@dataclass
class Organisation(Record):
    """A company that contracts Backsite's platforms."""

    id: int
    name: str
    created_at: datetime
    products: list[Product] = field(default_factory=list)
    pdc: bool = False
    stage: Stage = Stage.SURVEY
    stage_history: list[StageChange] = field(default_factory=list)
    consultant_id: int | None = None
    domains: list[str] = field(default_factory=list)

    _instants = ("created_at",)

    def __post_init__(self) -> None:
        self.stage = Stage(self.stage)
        self.domains = list(self.domains)
        self.products = [
            p if isinstance(p, Product) else Product.from_dict(p) for p in self.products
        ]
        self.stage_history = [
            s if isinstance(s, StageChange) else StageChange.from_dict(s)
            for s in self.stage_history
        ]


@dataclass
class Attachment(Record):
    """A file attached to an interaction, kept under a generated name."""

    id: str
    name: str
    size: int
    sha256: str
    added_at: datetime
    added_by: int

    _instants = ("added_at",)


@dataclass
class Event(Record):
    """One line of an interaction's timeline: who did what, and when."""

    kind: EventKind
    at: datetime
    actor_id: int | None
    text: str = ""
    internal: bool = False
    data: dict[str, Any] = field(default_factory=dict)

    _instants = ("at",)

    def __post_init__(self) -> None:
        self.kind = EventKind(self.kind)
        self.data = dict(self.data)


@dataclass
class Interaction(Record):
    """A manifestation, ticket or request and everything that happened to it."""

    protocol: int
    created_at: datetime
    category: Category
    kind: Kind
    subject: str
    description: str
    author_id: int
    organisation_id: int
    direction: Direction = Direction.TO_VENDOR
    status: Status = Status.ANALYSIS
    rejection_count: int = 0
    assignee_id: int | None = None
    team: str = ""
    severity: Severity | None = None
    on_site: bool = False
    wished_date: date | None = None
    scheduled_for: date | None = None
    attachments: list[Attachment] = field(default_factory=list)
    timeline: list[Event] = field(default_factory=list)
    first_response_at: datetime | None = None
    answered_at: datetime | None = None
    updated_at: datetime | None = None
    out_of_hours: bool = False

    _instants = ("created_at", "first_response_at", "answered_at", "updated_at")
    _dates = ("wished_date", "scheduled_for")

    def __post_init__(self) -> None:
        self.category = Category(self.category)
        self.kind = Kind(self.kind)
        self.direction = Direction(self.direction)
        self.status = Status(self.status)
        if self.severity is not None:
            self.severity = Severity(self.severity)
        self.attachments = [
            a if isinstance(a, Attachment) else Attachment.from_dict(a)
            for a in self.attachments
        ]
        self.timeline = [
            e if isinstance(e, Event) else Event.from_dict(e) for e in self.timeline
        ]

    def public_timeline(self) -> list[Event]:
        """The timeline a customer may read: internal notes left out."""
        return [event for event in self.timeline if not event.internal]

    def pauses(self) -> list[tuple[datetime, datetime | None]]:
        """Spans spent waiting for the customer, which stop the deadline clock.

        Derived from the timeline's status changes; the last span is open
        (``None``) while the interaction still waits.
        """
        spans: list[tuple[datetime, datetime | None]] = []
        started: datetime | None = None
        for event in self.timeline:
            if event.kind is not EventKind.STATUS_CHANGED:
                continue
            new = event.data.get("to")
            if new == Status.AWAITING_CUSTOMER and started is None:
                started = event.at
            elif new != Status.AWAITING_CUSTOMER and started is not None:
                spans.append((started, event.at))
                started = None
        if started is not None:
            spans.append((started, None))
        return spans


@dataclass
class Notification(Record):
    """Something a person should see: an answer, a status change, a new item.

    The message is kept as its English id and values, and translated when
    shown, so each reader sees it in their own language.
    """

    id: int
    user_id: int
    protocol: int
    message: str
    at: datetime
    values: dict[str, Any] = field(default_factory=dict)
    read: bool = False

    _instants = ("at",)

    def __post_init__(self) -> None:
        self.values = dict(self.values)

    @property
    def text(self) -> str:
        values = dict(self.values)
        if "status" in values:
            values["status"] = Status(values["status"]).label
        return _(self.message, **values)


@dataclass
class CannedAnswer(Record):
    """A ready answer the support team reuses, kept in the store."""

    id: int
    title: str
    text: str
    created_by: int
    created_at: datetime

    _instants = ("created_at",)
