"""The helpdesk's rules over a repository: the local ``Store``.

Every public method checks who is acting, applies the workflow, deadline,
password and input rules, and keeps the result through the repository in
one transaction. A refusal raises a ``SacError`` with a sentence and leaves
the store unchanged.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from data import passwords, validation
from data.deadlines import (
    SAO_PAULO,
    BusinessCalendar,
    Deadline,
    DeadlineState,
    deadline_for,
    evaluate,
    policy_for,
)
from data.errors import (
    NotFound,
    PermissionDenied,
    SessionEnded,
    ValidationError,
    WorkflowError,
)
from data.i18n import N_, _
from data.models import (
    CannedAnswer,
    Category,
    Direction,
    Event,
    EventKind,
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
    StageChange,
    Status,
    User,
)
from data.reports import ReportRow, monthly_report
from data.store import Box, Draft, Page, Query, QueueCounts, Session, Summary
from data.text import fold
from data.tinystore import TinyRepository
from data.workflow import Action, path

log = logging.getLogger("sac.helpdesk")

# Public webmail domains: people signing up with them are not one company.
_PERSONAL_DOMAINS = frozenset(
    """gmail.com hotmail.com outlook.com live.com yahoo.com yahoo.com.br
    bol.com.br uol.com.br terra.com.br ig.com.br icloud.com msn.com
    protonmail.com""".split()
)


@dataclass
class Settings:
    """The helpdesk's own settings, with the contract's defaults.

    Args:
        auto_conclude_days: days after an answer before it concludes alone.
        attachment_limit: largest attachment accepted, in bytes.
        business_start / business_end: business hours, Monday to Friday.
        on_call_phone: shown for critical interactions out of hours.
        holiday_country / holiday_subdivision: the holiday calendar.
        first_protocol: where protocol numbers start in a new store.
    """

    auto_conclude_days: int = 7
    attachment_limit: int = 10 * 1024 * 1024
    business_start: time = time(8)
    business_end: time = time(18)
    on_call_phone: str = "(13) 97413-0738"
    holiday_country: str = "BR"
    holiday_subdivision: str = "SP"
    first_protocol: int = 1


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Helpdesk:
    """The local ``Store``: the helpdesk's rules over a TinyDB data directory.

    Args:
        root: the data directory.
        settings: the helpdesk's settings; defaults follow the contract.
        clock: returns the current instant; tests pass their own.
    """

    def __init__(
        self,
        root: Path,
        settings: Settings | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.root = Path(root)
        self.repository = TinyRepository(self.root)
        self.config = settings or Settings()
        self.clock = clock or (lambda: datetime.now(SAO_PAULO))
        self.calendar = BusinessCalendar(
            self.config.holiday_country, self.config.holiday_subdivision
        )

    # -- helpers --------------------------------------------------------------

    def _now(self) -> datetime:
        return self.clock().astimezone(SAO_PAULO)

    def settings(self) -> dict[str, Any]:
        return {
            "auto_conclude_days": self.config.auto_conclude_days,
            "attachment_limit": self.config.attachment_limit,
            "on_call_phone": self.config.on_call_phone,
        }

    def _active(self, actor: User) -> User:
        """The acting person as stored now: a deactivation takes effect at once."""
        current = self.repository.get_user(actor.id)
        if current is None or not current.active:
            raise SessionEnded(_("Your session has ended; log in again."))
        return current

    def _require_staff(self, actor: User) -> User:
        """The acting member of the support team, as stored now."""
        current = self._active(actor)
        if not current.role.is_staff:
            raise PermissionDenied(_("Only the support team can do this."))
        return current

    def _require_admin(self, actor: User) -> User:
        """The acting administrator, as stored now."""
        current = self._active(actor)
        if current.role is not Role.ADMIN:
            raise PermissionDenied(_("Only an administrator can do this."))
        return current

    def _user(self, user_id: int) -> User:
        user = self.repository.get_user(user_id)
        if user is None:
            raise NotFound(_("There is no user number {id}.", id=user_id))
        return user

    def _organisation(self, organisation_id: int) -> Organisation:
        organisation = self.repository.get_organisation(organisation_id)
        if organisation is None:
            raise NotFound(
                _("There is no organisation number {id}.", id=organisation_id)
            )
        return organisation

    # -- people ---------------------------------------------------------------

    def register(
        self,
        *,
        name: str,
        email: str,
        password: str,
        phone: str,
        gender: Gender = Gender.UNDISCLOSED,
    ) -> User:
        """Sign up a customer; the organisation comes from the e-mail's domain."""
        return self.add_user(
            None,
            name=name,
            email=email,
            role=Role.CUSTOMER,
            password=password,
            phone=phone,
            gender=gender,
            phone_required=True,
        )

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
        phone_required: bool = False,
    ) -> User:
        """Create an account.

        ``actor`` is ``None`` for a customer's own sign-up and for the first
        administrator of an empty store; otherwise only an administrator
        creates accounts.
        """
        role = Role(role)
        if actor is not None:
            self._require_admin(actor)
        elif role is not Role.CUSTOMER and self.repository.users():
            raise PermissionDenied(_("Only an administrator can do this."))
        name = validation.check_full_name(name)
        email = validation.normalise_email(email)
        if phone or phone_required:
            phone = validation.normalise_phone(phone)
        passwords.check_new_password(password, name=name, email=email)
        if organisation_id is not None:
            self._organisation(organisation_id)
        password_hash = passwords.hash_password(password)
        with self.repository.transaction():
            if self.repository.user_by_email(email) is not None:
                raise ValidationError(
                    _("An account with this e-mail already exists; log in instead."),
                    field="email",
                )
            if role is Role.CUSTOMER and organisation_id is None:
                organisation_id = self._organisation_for(name, email).id
            user = User(
                id=self.repository.next_id("user"),
                name=name,
                email=email,
                role=role,
                created_at=self._now(),
                phone=phone,
                gender=Gender(gender),
                organisation_id=organisation_id,
                password_hash=password_hash,
            )
            self.repository.put_user(user)
        log.info("user %s created as %s", user.id, role.value)
        return user.public()

    def _organisation_for(self, name: str, email: str) -> Organisation:
        domain = email.rsplit("@", 1)[1]
        if domain in _PERSONAL_DOMAINS:
            return self.create_organisation(None, name=name)
        for organisation in self.repository.organisations():
            if domain in organisation.domains:
                return organisation
        return self.create_organisation(None, name=domain, domains=[domain])

    def login(self, email: str, password: str) -> Session:
        """Check the e-mail and password and open a session.

        Raises:
            AccountLocked: too many failures; says how long to wait.
            AuthenticationError: wrong e-mail or password, in one sentence.
        """
        now = self._now()
        try:
            email = validation.normalise_email(email)
        except ValidationError:
            raise passwords.wrong_credentials() from None
        attempts = self.repository.attempts(email)
        passwords.check_not_locked(attempts, now)
        user = self.repository.user_by_email(email)
        if (
            user is None
            or not user.active
            or not passwords.verify_password(user.password_hash, password)
        ):
            with self.repository.transaction():
                attempts = self.repository.attempts(email)
                passwords.record_failure(attempts, now)
                self.repository.put_attempts(attempts)
            log.warning("login refused for %s", email)
            passwords.check_not_locked(attempts, now)
            raise passwords.wrong_credentials()
        with self.repository.transaction():
            attempts = self.repository.attempts(email)
            passwords.record_success(attempts)
            self.repository.put_attempts(attempts)
            if passwords.needs_rehash(user.password_hash):
                user.password_hash = passwords.hash_password(password)
                self.repository.put_user(user)
            token = secrets.token_urlsafe(32)
            self.repository.put_session(_token_hash(token), user.id, now)
        log.info("user %s logged in", user.id)
        self.conclude_overdue()
        return Session(token=token, user=user.public())

    def logout(self, token: str) -> None:
        self.repository.delete_sessions(token_hash=_token_hash(token))

    def resume(self, token: str) -> User:
        """The person a session token stands for, if the session is still valid."""
        user_id = self.repository.session_user(_token_hash(token))
        user = None if user_id is None else self.repository.get_user(user_id)
        if user is None or not user.active:
            raise SessionEnded(_("Your session has ended; log in again."))
        return user.public()

    def change_password(self, actor: User, current: str, new: str) -> None:
        user = self._active(actor)
        if not passwords.verify_password(user.password_hash, current):
            raise ValidationError(
                _("The current password is not right."), field="current"
            )
        passwords.check_new_password(new, name=user.name, email=user.email)
        user.password_hash = passwords.hash_password(new)
        user.must_change_password = False
        self.repository.put_user(user)
        log.info("user %s changed their password", user.id)

    def get_user(self, actor: User, user_id: int) -> User:
        self._active(actor)
        if actor.id != user_id:
            self._require_staff(actor)
        return self._user(user_id).public()

    def list_users(self, actor: User) -> list[User]:
        self._require_staff(actor)
        return [user.public() for user in self.repository.users()]

    def _change_user(
        self, actor: User, user_id: int, change: Callable[[User], None]
    ) -> User:
        self._require_admin(actor)
        with self.repository.transaction():
            user = self._user(user_id)
            change(user)
            self.repository.put_user(user)
        return user.public()

    def grant(self, actor: User, user_id: int, permission: Permission) -> User:
        def add(user: User) -> None:
            if permission.value not in user.permissions:
                user.permissions.append(permission.value)

        user = self._change_user(actor, user_id, add)
        log.info("user %s granted %s by %s", user_id, permission.value, actor.id)
        return user

    def revoke(self, actor: User, user_id: int, permission: Permission) -> User:
        def remove(user: User) -> None:
            user.permissions = [p for p in user.permissions if p != permission.value]

        user = self._change_user(actor, user_id, remove)
        log.info("user %s lost %s by %s", user_id, permission.value, actor.id)
        return user

    def unlock(self, actor: User, email: str) -> None:
        self._require_admin(actor)
        email = validation.normalise_email(email)
        with self.repository.transaction():
            attempts = self.repository.attempts(email)
            attempts.failures = 0
            attempts.lockouts = 0
            attempts.locked_until = None
            self.repository.put_attempts(attempts)
        log.info("%s unlocked by %s", email, actor.id)

    def reset_password(self, actor: User, user_id: int, temporary: str) -> None:
        self._require_admin(actor)
        target = self._user(user_id)
        passwords.check_new_password(temporary, name=target.name, email=target.email)
        password_hash = passwords.hash_password(temporary)

        def reset(user: User) -> None:
            user.password_hash = password_hash
            user.must_change_password = True

        self._change_user(actor, user_id, reset)
        self.repository.delete_sessions(user_id=user_id)
        log.info("password of user %s reset by %s", user_id, actor.id)

    def locked_accounts(self, actor: User) -> dict[str, datetime]:
        """The e-mail addresses of accounts locked now, and until when."""
        self._require_admin(actor)
        now = self._now()
        locked = {}
        for user in self.repository.users():
            until = self.repository.attempts(user.email).locked_until
            if until is not None and until > now:
                locked[user.email] = until
        return locked

    def deactivate(self, actor: User, user_id: int) -> User:
        if actor.id == user_id:
            raise PermissionDenied(_("You cannot deactivate your own account."))

        def off(user: User) -> None:
            user.active = False

        user = self._change_user(actor, user_id, off)
        self.repository.delete_sessions(user_id=user_id)
        log.info("user %s deactivated by %s", user_id, actor.id)
        return user

    # -- organisations --------------------------------------------------------

    def create_organisation(
        self,
        actor: User | None,
        *,
        name: str,
        products: list[Product] | None = None,
        pdc: bool = False,
        domains: list[str] | None = None,
    ) -> Organisation:
        """Create an organisation, in the first stage of its implementation.

        ``actor`` is ``None`` only when a customer's sign-up creates it.
        """
        if actor is not None:
            self._require_admin(actor)
        name = validation.check_length(
            validation.require(name, field="name", label=_("Name")),
            field="name",
            label=_("Name"),
            maximum=validation.NAME_MAX,
        )
        now = self._now()
        with self.repository.transaction():
            taken = {o.name.casefold() for o in self.repository.organisations()}
            if name.casefold() in taken and actor is not None:
                raise ValidationError(
                    _("An organisation with this name already exists."), field="name"
                )
            organisation = Organisation(
                id=self.repository.next_id("organisation"),
                name=name,
                created_at=now,
                products=list(products or []),
                pdc=pdc,
                domains=[domain.strip().lower() for domain in domains or []],
                stage_history=[
                    StageChange(
                        Stage.SURVEY,
                        now.date(),
                        None if actor is None else actor.id,
                        now,
                    )
                ],
            )
            self.repository.put_organisation(organisation)
        return organisation

    def get_organisation(self, actor: User, organisation_id: int) -> Organisation:
        actor = self._active(actor)
        if not actor.role.is_staff and actor.organisation_id != organisation_id:
            raise NotFound(
                _("There is no organisation number {id}.", id=organisation_id)
            )
        return self._organisation(organisation_id)

    def list_organisations(self, actor: User) -> list[Organisation]:
        actor = self._active(actor)
        if actor.role.is_staff:
            return self.repository.organisations()
        if actor.organisation_id is None:
            return []
        return [self._organisation(actor.organisation_id)]

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
    ) -> Organisation:
        """Change what is given of an organisation; ``None`` keeps a value."""
        self._require_admin(actor)
        with self.repository.transaction():
            organisation = self._organisation(organisation_id)
            if name is not None:
                organisation.name = validation.require(
                    name, field="name", label=_("Name")
                )
            if products is not None:
                organisation.products = list(products)
            if pdc is not None:
                organisation.pdc = pdc
            if consultant_id is not None:
                consultant = self._user(consultant_id)
                if not consultant.role.is_staff:
                    raise ValidationError(
                        _("The consultant must be a member of the support team."),
                        field="consultant",
                    )
                organisation.consultant_id = consultant_id
            if domains is not None:
                organisation.domains = [domain.strip().lower() for domain in domains]
            self.repository.put_organisation(organisation)
        return organisation

    def set_stage(
        self,
        actor: User,
        organisation_id: int,
        stage: Stage,
        started_on: date,
        note: str = "",
    ) -> Organisation:
        """Move an organisation's implementation to ``stage``; history is kept."""
        self._require_admin(actor)
        with self.repository.transaction():
            organisation = self._organisation(organisation_id)
            organisation.stage = Stage(stage)
            organisation.stage_history.append(
                StageChange(Stage(stage), started_on, actor.id, self._now(), note)
            )
            self.repository.put_organisation(organisation)
        log.info("organisation %s moved to %s by %s", organisation_id, stage, actor.id)
        return organisation

    # -- interactions: reading ------------------------------------------------

    def _visible(self, actor: User, interaction: Interaction) -> bool:
        return (
            actor.role.is_staff or interaction.organisation_id == actor.organisation_id
        )

    def _load(self, actor: User, protocol: int) -> Interaction:
        self._active(actor)
        interaction = self.repository.get_interaction(protocol)
        if interaction is None or not self._visible(actor, interaction):
            # The same words for "absent" and "not yours": a customer learns
            # nothing about other organisations' protocols.
            raise NotFound(
                _(
                    "There is no interaction with protocol {protocol}.",
                    protocol=protocol,
                )
            )
        return interaction

    @staticmethod
    def _for_reader(actor: User, interaction: Interaction) -> Interaction:
        if actor.role.is_staff:
            return interaction
        return replace(interaction, timeline=interaction.public_timeline())

    def get_interaction(self, actor: User, protocol: int) -> Interaction:
        """One interaction as ``actor`` may see it (no internal notes for customers)."""
        return self._for_reader(actor, self._load(actor, protocol))

    def deadline(self, interaction: Interaction) -> Deadline:
        closed = _closed(
            interaction.status, interaction.first_response_at, interaction.created_at
        )
        return closed or deadline_for(interaction, self._now(), self.calendar)

    def _row_deadline(self, row: dict[str, Any], now: datetime) -> Deadline:
        first = row["first_response_at"]
        opened_at = datetime.fromisoformat(row["created_at"])
        closed = _closed(Status(row["status"]), first, opened_at)
        if closed is not None:
            return closed
        pauses = [
            (
                datetime.fromisoformat(start),
                datetime.fromisoformat(end) if end else None,
            )
            for start, end in row["pauses"]
        ]
        severity = Severity(row["severity"]) if row["severity"] else None
        return evaluate(
            opened_at=opened_at,
            policy=policy_for(Category(row["category"]), severity, row["on_site"]),
            pauses=pauses,
            first_response_at=datetime.fromisoformat(first) if first else None,
            now=now,
            calendar=self.calendar,
        )

    def _summary(
        self, row: dict[str, Any], now: datetime, deadline: Deadline | None = None
    ) -> Summary:
        return Summary(
            protocol=row["protocol"],
            created_at=datetime.fromisoformat(row["created_at"]),
            category=Category(row["category"]),
            kind=Kind(row["kind"]),
            subject=row["subject"],
            status=Status(row["status"]),
            author_id=row["author_id"],
            organisation_id=row["organisation_id"],
            direction=Direction(row["direction"]),
            assignee_id=row["assignee_id"],
            severity=Severity(row["severity"]) if row["severity"] else None,
            rejection_count=row["rejection_count"],
            attachment_count=row["attachment_count"],
            out_of_hours=row.get("out_of_hours", False),
            deadline=deadline or self._row_deadline(row, now),
        )

    def _candidate_rows(self, actor: User, query: Query) -> list[dict[str, Any]]:
        repo = self.repository
        if not actor.role.is_staff:
            if actor.organisation_id is None:
                return []
            rows = repo.rows(organisation_id=actor.organisation_id)
            if query.box is Box.RECEIVED:
                return [r for r in rows if r["direction"] == Direction.TO_CUSTOMER]
            return [
                r
                for r in rows
                if r["direction"] == Direction.TO_VENDOR and r["author_id"] == actor.id
            ]
        if query.box is Box.QUEUE:
            rows = repo.rows(open_only=True, organisation_id=query.organisation_id)
            return [r for r in rows if r["direction"] == Direction.TO_VENDOR]
        rows = repo.rows(
            organisation_id=query.organisation_id, open_only=query.open_only
        )
        if query.box is Box.SENT:
            return [
                r
                for r in rows
                if r["direction"] == Direction.TO_CUSTOMER
                and r["author_id"] == actor.id
            ]
        return [r for r in rows if r["direction"] == Direction.TO_VENDOR]

    def _filtered_rows(self, actor: User, query: Query) -> list[dict[str, Any]]:
        rows = self._candidate_rows(actor, query)
        if query.kinds:
            rows = [r for r in rows if r["kind"] in query.kinds]
        if query.statuses:
            rows = [r for r in rows if r["status"] in query.statuses]
        if query.categories:
            rows = [r for r in rows if r["category"] in query.categories]
        if query.severities:
            rows = [r for r in rows if r["severity"] in query.severities]
        if query.organisation_id is not None:
            rows = [r for r in rows if r["organisation_id"] == query.organisation_id]
        if query.assignee_id is not None:
            rows = [r for r in rows if r["assignee_id"] == query.assignee_id]
        if query.unassigned:
            rows = [r for r in rows if r["assignee_id"] is None]
        if query.open_only:
            rows = [r for r in rows if Status(r["status"]).is_open]
        text = fold(query.text.strip())
        if text:
            found = self.repository.matching([r["protocol"] for r in rows], text)
            rows = [r for r in rows if r["protocol"] in found]
        return rows

    def list_interactions(self, actor: User, query: Query) -> Page:
        """A page of a box, newest first; the queue is ordered by deadline.

        Only the rows of the page get their deadline worked out, except in
        the queue, whose order is the deadline.
        """
        actor = self._active(actor)
        now = self._now()
        rows = self._filtered_rows(actor, query)
        end = query.offset + query.limit
        if query.box is Box.QUEUE:
            judged = [(row, self._row_deadline(row, now)) for row in rows]
            judged.sort(key=lambda pair: _queue_order(pair[0]["protocol"], pair[1]))
            page = [self._summary(row, now, d) for row, d in judged[query.offset : end]]
            return Page(page, len(judged), query.offset)
        rows.sort(key=lambda r: r["protocol"], reverse=True)
        page = [self._summary(row, now) for row in rows[query.offset : end]]
        return Page(page, len(rows), query.offset)

    def queue_counts(
        self, actor: User, *, organisation_id: int | None = None
    ) -> QueueCounts:
        """Late and due-soon open interactions per severity, for the staff.

        The whole queue's, or ``organisation_id``'s only.
        """
        self._require_staff(actor)
        now = self._now()
        late: dict[str, int] = {}
        soon: dict[str, int] = {}
        rows = self.repository.rows(open_only=True, organisation_id=organisation_id)
        for row in rows:
            if row["direction"] != Direction.TO_VENDOR:
                continue
            state = self._row_deadline(row, now).state
            key = row["severity"] or ""
            if state is DeadlineState.LATE:
                late[key] = late.get(key, 0) + 1
            elif state is DeadlineState.DUE_SOON:
                soon[key] = soon.get(key, 0) + 1
        return QueueCounts(late, soon)

    # -- interactions: creating -----------------------------------------------

    def _check_draft(self, actor: User, draft: Draft) -> tuple[User, int, Direction]:
        """Validate a draft; return its author, organisation and direction."""
        category = Category(draft.category)
        Kind(draft.kind)
        draft.subject = validation.check_subject(draft.subject)
        draft.description = validation.check_description(draft.description)
        if draft.on_behalf_of is not None and draft.towards_organisation is not None:
            raise ValidationError(
                _("Record for a customer or open towards an organisation, not both.")
            )
        author = actor
        direction = Direction.TO_VENDOR
        if draft.on_behalf_of is not None:
            self._require_staff(actor)
            author = self._user(draft.on_behalf_of)
            if author.role is not Role.CUSTOMER:
                raise ValidationError(
                    _("Interactions are recorded on behalf of customers only."),
                    field="customer",
                )
        if draft.towards_organisation is not None:
            self._require_staff(actor)
            self._organisation(draft.towards_organisation)
            organisation_id = draft.towards_organisation
            direction = Direction.TO_CUSTOMER
        elif author.organisation_id is None:
            raise ValidationError(
                _("Staff open interactions for a customer or towards an organisation.")
            )
        else:
            organisation_id = author.organisation_id
        organisation = self._organisation(organisation_id)

        if category is Category.SUPPORT:
            if draft.severity is None:
                raise ValidationError(
                    _("Choose the severity: critical or medium."), field="severity"
                )
        elif draft.severity is not None or draft.on_site:
            raise ValidationError(
                _("Severity and on-site attendance apply to Support interactions."),
                field="severity",
            )
        if category is Category.PDC and not organisation.pdc:
            raise ValidationError(
                _(
                    "PDC adjustments need a continuous development contract, "
                    "which {organisation} does not have.",
                    organisation=organisation.name,
                ),
                field="category",
            )
        if category is Category.UPDATE:
            check_update_date(draft.wished_date, self._now().date())
        elif draft.wished_date is not None:
            raise ValidationError(
                _("A wished date applies to Update requests only."),
                field="wished_date",
            )
        for attachment in draft.attachments:
            self._check_attachment(Path(attachment))
        return author, organisation_id, direction

    def _check_attachment(self, source: Path) -> None:
        validation.check_attachment(source, self.config.attachment_limit)

    def create_interaction(self, actor: User, draft: Draft) -> Interaction:
        """Open an interaction; it gets its protocol at once."""
        actor = self._active(actor)
        author, organisation_id, direction = self._check_draft(actor, draft)
        now = self._now()
        category = Category(draft.category)
        out_of_hours = (
            category is Category.SUPPORT
            and draft.severity == Severity.CRITICAL
            and not self.calendar.is_business_hours(
                now, self.config.business_start, self.config.business_end
            )
        )
        with self.repository.transaction():
            # Taken, not only read, by put_interaction below: the number is
            # handed out with the interaction that carries it, in one write.
            protocol = self.repository.peek_id("protocol", self.config.first_protocol)
            interaction = Interaction(
                protocol=protocol,
                created_at=now,
                category=category,
                kind=Kind(draft.kind),
                subject=draft.subject,
                description=draft.description,
                author_id=author.id,
                organisation_id=organisation_id,
                direction=direction,
                severity=Severity(draft.severity) if draft.severity else None,
                on_site=draft.on_site,
                wished_date=draft.wished_date,
                updated_at=now,
                out_of_hours=out_of_hours,
            )
            interaction.timeline.append(Event(EventKind.CREATED, now, actor.id))
            if author.id != actor.id:
                interaction.timeline.append(
                    Event(
                        EventKind.RECORDED_ON_BEHALF,
                        now,
                        actor.id,
                        data={"customer_id": author.id},
                    )
                )
            for source in draft.attachments:
                self._attach(interaction, Path(source), actor, now)
            self.repository.put_interaction(interaction)
            if direction is Direction.TO_CUSTOMER:
                for user in self.repository.users():
                    if user.organisation_id == organisation_id and user.active:
                        self._notify(
                            user.id,
                            protocol,
                            N_("New interaction {protocol} received: {subject}"),
                            subject=interaction.subject,
                        )
        log.info(
            "interaction %s created by %s (%s, %s)",
            protocol,
            actor.id,
            category.value,
            direction.value,
        )
        return self._for_reader(actor, interaction)

    def _attach(
        self, interaction: Interaction, source: Path, actor: User, now: datetime
    ) -> None:
        attachment = self.repository.save_attachment(
            source, name=source.name, added_by=actor.id, at=now
        )
        interaction.attachments.append(attachment)
        interaction.timeline.append(
            Event(
                EventKind.ATTACHMENT_ADDED,
                now,
                actor.id,
                text=attachment.name,
                data={"attachment_id": attachment.id},
            )
        )

    def _notify(self, user_id: int, protocol: int, message: str, **values: Any) -> None:
        self.repository.add_notification(
            Notification(
                id=self.repository.next_id("notification"),
                user_id=user_id,
                protocol=protocol,
                message=message,
                values={"protocol": protocol, **values},
                at=self._now(),
            )
        )

    # -- interactions: the workflow -------------------------------------------

    def _act(
        self,
        actor: User,
        protocol: int,
        change: Callable[[Interaction, datetime], None],
    ) -> Interaction:
        with self.repository.transaction():
            self._active(actor)
            interaction = self._load(actor, protocol)
            now = self._now()
            change(interaction, now)
            interaction.updated_at = now
            self.repository.put_interaction(interaction)
        return self._for_reader(actor, interaction)

    @staticmethod
    def _walk(
        interaction: Interaction,
        action: Action,
        actor: User | None,
        now: datetime,
    ) -> None:
        """Move through the workflow's path for ``action``, event by event.

        ``actor`` is ``None`` when the helpdesk itself moves it (automatic
        conclusion).
        """
        for status in path(interaction.status, action):
            data = {"from": interaction.status.value, "to": status.value}
            if actor is None:
                data["automatic"] = True
            interaction.timeline.append(
                Event(
                    EventKind.STATUS_CHANGED,
                    now,
                    None if actor is None else actor.id,
                    data=data,
                )
            )
            interaction.status = status
            if status is Status.ANSWERED:
                interaction.answered_at = now

    def _customer_side(self, interaction: Interaction) -> list[int]:
        """Who hears about staff's moves: the author, or the whole organisation."""
        if interaction.direction is Direction.TO_VENDOR:
            return [interaction.author_id]
        return [
            user.id
            for user in self.repository.users()
            if user.organisation_id == interaction.organisation_id and user.active
        ]

    def _require_author(self, actor: User, interaction: Interaction, what: str) -> None:
        if actor.id != interaction.author_id and not (
            interaction.direction is Direction.TO_CUSTOMER
            and actor.organisation_id == interaction.organisation_id
        ):
            raise PermissionDenied(what)

    def start(self, actor: User, protocol: int) -> Interaction:
        """Staff begin handling; the interaction leaves Análise."""
        self._require_staff(actor)

        def change(interaction: Interaction, now: datetime) -> None:
            self._walk(interaction, Action.START, actor, now)
            if interaction.assignee_id is None:
                interaction.assignee_id = actor.id
            for user_id in self._customer_side(interaction):
                self._notify(
                    user_id,
                    protocol,
                    N_("Interaction {protocol} is now {status}."),
                    status=interaction.status.value,
                )

        return self._act(actor, protocol, change)

    def assign(self, actor: User, protocol: int, assignee_id: int) -> Interaction:
        """Give the interaction to an agent (oneself to take it)."""
        self._require_staff(actor)
        assignee = self._user(assignee_id)
        if not assignee.role.is_staff or not assignee.active:
            raise ValidationError(
                _("Interactions are assigned to active members of the support team."),
                field="assignee",
            )

        def change(interaction: Interaction, now: datetime) -> None:
            if not interaction.status.is_open:
                raise WorkflowError(
                    _("A concluded or cancelled interaction cannot be assigned.")
                )
            interaction.assignee_id = assignee_id
            interaction.timeline.append(
                Event(
                    EventKind.ASSIGNED,
                    now,
                    actor.id,
                    text=assignee.name,
                    internal=True,
                    data={"assignee_id": assignee_id},
                )
            )
            if assignee_id != actor.id:
                self._notify(
                    assignee_id,
                    protocol,
                    N_("Interaction {protocol} was assigned to you."),
                )

        return self._act(actor, protocol, change)

    def answer(
        self, actor: User, protocol: int, text: str, *, ask: bool = False
    ) -> Interaction:
        """Staff answer (Respondida) or ask the customer for information.

        Asking leaves the interaction in Aguardando cliente, which pauses the
        deadline clock; only an answer counts as the first response.
        """
        self._require_staff(actor)
        text = _required_text(text, field="text", label=_("Answer"))

        def change(interaction: Interaction, now: datetime) -> None:
            self._walk(interaction, Action.ASK if ask else Action.ANSWER, actor, now)
            kind = EventKind.INFO_REQUESTED if ask else EventKind.ANSWERED
            interaction.timeline.append(Event(kind, now, actor.id, text=text))
            if not ask and interaction.first_response_at is None:
                interaction.first_response_at = now
            if interaction.assignee_id is None:
                interaction.assignee_id = actor.id
            message = (
                N_("The support team asked for information on {protocol}.")
                if ask
                else N_("Interaction {protocol} was answered.")
            )
            for user_id in self._customer_side(interaction):
                self._notify(user_id, protocol, message)

        result = self._act(actor, protocol, change)
        log.info(
            "interaction %s %s by %s",
            protocol,
            "asked" if ask else "answered",
            actor.id,
        )
        return result

    def add_info(
        self,
        actor: User,
        protocol: int,
        text: str,
        attachments: list[Path] | None = None,
    ) -> Interaction:
        """The customer answers the support team's question; handling resumes."""
        text = _required_text(text, field="text", label=_("Information"))
        for source in attachments or []:
            self._check_attachment(Path(source))

        def change(interaction: Interaction, now: datetime) -> None:
            if actor.role.is_staff:
                raise PermissionDenied(
                    _("Only the customer can add the information asked.")
                )
            self._require_author(
                actor, interaction, _("Only the author can add information to it.")
            )
            self._walk(interaction, Action.ADD_INFO, actor, now)
            interaction.timeline.append(
                Event(EventKind.INFO_ADDED, now, actor.id, text=text)
            )
            for source in attachments or []:
                self._attach(interaction, Path(source), actor, now)
            if interaction.assignee_id is not None:
                self._notify(
                    interaction.assignee_id,
                    protocol,
                    N_("The customer added information to {protocol}."),
                )

        return self._act(actor, protocol, change)

    def accept(self, actor: User, protocol: int) -> Interaction:
        """The customer accepts the handling; the interaction is Concluída."""

        def change(interaction: Interaction, now: datetime) -> None:
            self._require_author(
                actor,
                interaction,
                _("Only the author can accept or reject the handling."),
            )
            self._walk(interaction, Action.ACCEPT, actor, now)
            interaction.timeline.append(Event(EventKind.ACCEPTED, now, actor.id))

        return self._act(actor, protocol, change)

    def reject(self, actor: User, protocol: int, reason: str) -> Interaction:
        """The customer rejects the handling with a reason; it is counted and kept."""
        reason = validation.check_reason(reason)

        def change(interaction: Interaction, now: datetime) -> None:
            self._require_author(
                actor,
                interaction,
                _("Only the author can accept or reject the handling."),
            )
            self._walk(interaction, Action.REJECT, actor, now)
            interaction.rejection_count += 1
            interaction.timeline.append(
                Event(
                    EventKind.REJECTED,
                    now,
                    actor.id,
                    text=reason,
                    data={"count": interaction.rejection_count},
                )
            )
            if interaction.assignee_id is not None:
                self._notify(
                    interaction.assignee_id,
                    protocol,
                    N_("The customer rejected the handling of {protocol}."),
                )

        result = self._act(actor, protocol, change)
        log.info("interaction %s rejected by %s", protocol, actor.id)
        return result

    def cancel(self, actor: User, protocol: int) -> Interaction:
        """The author withdraws an interaction nobody has started handling."""

        def change(interaction: Interaction, now: datetime) -> None:
            if actor.id != interaction.author_id:
                raise PermissionDenied(_("Only the author can cancel an interaction."))
            self._walk(interaction, Action.CANCEL, actor, now)
            interaction.timeline.append(Event(EventKind.CANCELLED, now, actor.id))

        return self._act(actor, protocol, change)

    def add_note(self, actor: User, protocol: int, text: str) -> Interaction:
        """An internal note: the support team reads it, customers never do."""
        self._require_staff(actor)
        text = _required_text(text, field="text", label=_("Note"))

        def change(interaction: Interaction, now: datetime) -> None:
            interaction.timeline.append(
                Event(EventKind.NOTE, now, actor.id, text=text, internal=True)
            )

        return self._act(actor, protocol, change)

    def forward(
        self,
        actor: User,
        protocol: int,
        note: str,
        *,
        to_user: int | None = None,
        team: str = "",
    ) -> Interaction:
        """Send the interaction to another agent or team with a dispatch note."""
        self._require_staff(actor)
        note = _required_text(note, field="note", label=_("Dispatch note"))
        team = team.strip()
        if to_user is None and not team:
            raise ValidationError(
                _("Choose the agent or the team to forward it to."), field="to"
            )
        target = None
        if to_user is not None:
            target = self._user(to_user)
            if not target.role.is_staff or not target.active:
                raise ValidationError(
                    _("Only active members of the support team receive forwards."),
                    field="to",
                )

        def change(interaction: Interaction, now: datetime) -> None:
            if not interaction.status.is_open:
                raise WorkflowError(
                    _("A concluded or cancelled interaction cannot be forwarded.")
                )
            interaction.timeline.append(
                Event(
                    EventKind.FORWARDED,
                    now,
                    actor.id,
                    text=note,
                    internal=True,
                    data={
                        "from_user": interaction.assignee_id,
                        "from_team": interaction.team,
                        "to_user": to_user,
                        "to_team": team or interaction.team,
                    },
                )
            )
            if target is not None:
                interaction.assignee_id = target.id
                self._notify(
                    target.id,
                    protocol,
                    N_("Interaction {protocol} was forwarded to you."),
                )
            if team:
                interaction.team = team

        return self._act(actor, protocol, change)

    def add_attachment(self, actor: User, protocol: int, path: Path) -> Interaction:
        self._check_attachment(Path(path))

        def change(interaction: Interaction, now: datetime) -> None:
            if not interaction.status.is_open:
                raise WorkflowError(
                    _("Files cannot be added to a concluded or cancelled interaction.")
                )
            self._attach(interaction, Path(path), actor, now)

        return self._act(actor, protocol, change)

    def save_attachment(
        self, actor: User, protocol: int, attachment_id: str, folder: Path
    ) -> Path:
        """Copy an attachment to ``folder`` under its original name."""
        interaction = self._load(actor, protocol)
        for attachment in interaction.attachments:
            if attachment.id == attachment_id:
                break
        else:
            raise NotFound(_("This interaction has no such attachment."))
        folder = Path(folder).expanduser()
        if not folder.is_dir():
            raise ValidationError(
                _("The folder {path} does not exist.", path=folder), field="folder"
            )
        target = folder / Path(attachment.name).name
        stem, suffix, number = target.stem, target.suffix, 1
        while target.exists():
            number += 1
            target = folder / f"{stem} ({number}){suffix}"
        try:
            self.repository.copy_attachment(attachment, target)
        except OSError as error:
            raise ValidationError(
                _(
                    "The file could not be saved in {path}: {reason}",
                    path=folder,
                    reason=error.strerror or error,
                ),
                field="folder",
            ) from None
        return target

    def conclude_overdue(self) -> list[int]:
        """Conclude answers the customer left unaccepted for too long.

        Every overdue answer is concluded in one change, so a store that was
        left alone over a long holiday catches up in a second.
        """
        now = self._now()
        limit = timedelta(days=self.config.auto_conclude_days)

        def overdue(row: dict[str, Any]) -> bool:
            answered_at = row.get("answered_at") or row["updated_at"]
            return (
                row["status"] == Status.ANSWERED
                and bool(answered_at)
                and now - datetime.fromisoformat(answered_at) >= limit
            )

        if not any(overdue(row) for row in self.repository.rows(open_only=True)):
            return []
        concluded: list[Interaction] = []
        with self.repository.transaction():
            for row in self.repository.rows(open_only=True):
                if not overdue(row):
                    continue
                interaction = self.repository.get_interaction(row["protocol"])
                if interaction is None or interaction.status is not Status.ANSWERED:
                    continue
                self._walk(interaction, Action.AUTO_CONCLUDE, None, now)
                interaction.updated_at = now
                concluded.append(interaction)
            self.repository.put_interactions(concluded)
        protocols = sorted(interaction.protocol for interaction in concluded)
        if protocols:
            log.info("concluded automatically: %s", protocols)
        return protocols

    # -- the support team's tools ----------------------------------------------

    def canned_answers(self, actor: User) -> list[CannedAnswer]:
        """The ready answers the support team shares, by title."""
        self._require_staff(actor)
        stored = self.repository.setting("canned_answers", [])
        return sorted(
            (CannedAnswer.from_dict(item) for item in stored), key=lambda a: a.title
        )

    def save_canned_answer(self, actor: User, title: str, text: str) -> CannedAnswer:
        """Keep a ready answer; one with the same title is replaced."""
        self._require_staff(actor)
        title = validation.check_subject(title, field="title")
        text = _required_text(text, field="text", label=_("Answer"))
        with self.repository.transaction():
            stored = [
                item
                for item in self.repository.setting("canned_answers", [])
                if item["title"].casefold() != title.casefold()
            ]
            answer = CannedAnswer(
                id=self.repository.next_id("canned_answer"),
                title=title,
                text=text,
                created_by=actor.id,
                created_at=self._now(),
            )
            self.repository.put_setting("canned_answers", [*stored, answer.to_dict()])
        return answer

    def delete_canned_answer(self, actor: User, answer_id: int) -> None:
        self._require_staff(actor)
        with self.repository.transaction():
            stored = self.repository.setting("canned_answers", [])
            kept = [item for item in stored if item["id"] != answer_id]
            if len(kept) == len(stored):
                raise NotFound(_("There is no such canned answer."))
            self.repository.put_setting("canned_answers", kept)

    def schedule_update(
        self, actor: User, protocol: int, day: date, note: str = ""
    ) -> Interaction:
        """Approve an update request for ``day``, or move it there.

        The day keeps the rule the customer's request had to keep: Monday to
        Wednesday, a week ahead at least. The customer side is notified.
        """
        self._require_admin(actor)
        check_update_date(day, self._now().date())

        def change(interaction: Interaction, now: datetime) -> None:
            if interaction.category is not Category.UPDATE:
                raise ValidationError(
                    _("Only update requests are scheduled."), field="category"
                )
            if not interaction.status.is_open:
                raise WorkflowError(
                    _("A concluded or cancelled request cannot be scheduled.")
                )
            moved = interaction.wished_date != day
            interaction.scheduled_for = day
            interaction.timeline.append(
                Event(
                    EventKind.UPDATE_SCHEDULED,
                    now,
                    actor.id,
                    text=note.strip(),
                    data={"date": day.isoformat(), "moved": moved},
                )
            )
            message = (
                N_("The update of {protocol} was moved to {date}.")
                if moved
                else N_("The update of {protocol} is confirmed for {date}.")
            )
            for user_id in self._customer_side(interaction):
                self._notify(user_id, protocol, message, date=day.strftime("%d/%m/%Y"))

        result = self._act(actor, protocol, change)
        log.info("update %s scheduled for %s by %s", protocol, day, actor.id)
        return result

    def report(
        self,
        actor: User,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        organisation_id: int | None = None,
    ) -> list[ReportRow]:
        """Monthly figures per severity (administrators).

        Counted from the summary rows, not the interactions themselves: a
        report over 100,000 interactions reads the indexes, not every shard.
        ``organisation_id`` narrows it to one customer organisation.
        """
        self._require_admin(actor)
        if organisation_id is not None:
            self._organisation(organisation_id)
        now = self._now()

        def in_period(row: dict[str, Any]) -> bool:
            arrived = datetime.fromisoformat(row["created_at"])
            return (since is None or arrived >= since) and (
                until is None or arrived < until
            )

        rows = self.repository.rows(organisation_id=organisation_id)
        return monthly_report(self._summary(row, now) for row in rows if in_period(row))

    # -- notifications --------------------------------------------------------

    def notifications(
        self, actor: User, *, unread_only: bool = False
    ) -> list[Notification]:
        self._active(actor)
        items = self.repository.notifications(actor.id)
        if unread_only:
            items = [n for n in items if not n.read]
        return sorted(items, key=lambda n: n.id, reverse=True)

    def unread_count(self, actor: User) -> int:
        self._active(actor)
        return sum(1 for n in self.repository.notifications(actor.id) if not n.read)

    def mark_read(self, actor: User, ids: list[int]) -> None:
        self._active(actor)
        mine = {n.id for n in self.repository.notifications(actor.id)}
        self.repository.mark_read(actor.id, [i for i in ids if i in mine])


def _required_text(value: str, *, field: str, label: str) -> str:
    return validation.check_length(
        validation.require(value, field=field, label=label),
        field=field,
        label=label,
        maximum=validation.TEXT_MAX,
    )


def check_update_date(wished: date | None, today: date) -> None:
    """An update may be wished for Monday to Wednesday, a week ahead or more."""
    if wished is None:
        raise ValidationError(
            _("Choose the date you wish the update for."), field="wished_date"
        )
    earliest = today + timedelta(days=7)
    if wished.weekday() > 2 or wished < earliest:
        raise ValidationError(
            _(
                "Updates happen on a Monday, Tuesday or Wednesday at least 7 days "
                "ahead: choose {earliest} or later, Monday to Wednesday.",
                earliest=earliest.strftime("%d/%m/%Y"),
            ),
            field="wished_date",
        )


def _closed(
    status: Status, first_response: object, opened_at: datetime
) -> Deadline | None:
    """No deadline for what was cancelled, or concluded before any answer."""
    if status is Status.CANCELLED or (
        status is Status.CONCLUDED and not first_response
    ):
        return Deadline(DeadlineState.CLOSED, opened_at, timedelta(0))
    return None


_URGENCY = {
    DeadlineState.LATE: 0,
    DeadlineState.DUE_SOON: 1,
    DeadlineState.ON_TIME: 2,
    DeadlineState.PAUSED: 3,
    DeadlineState.MET_LATE: 4,
    DeadlineState.MET: 4,
    DeadlineState.CLOSED: 5,
}


def _queue_order(protocol: int, deadline: Deadline) -> tuple[int, datetime, int]:
    """Late first, then by how soon the deadline runs out."""
    return (_URGENCY[deadline.state], deadline.due_at, protocol)
