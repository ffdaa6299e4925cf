"""First-response deadlines: how long the vendor has to answer an interaction,
and where each interaction stands against that time.

The budgets come from the customer contract (section 3 of the onboarding
guide); whatever the contract does not cover gets the seven calendar days of
Brazil's SAC decree (Decreto 11.034/2022). The clock stops while an
interaction waits for the customer, and a PDC budget counts business days
only. Instants are reported in São Paulo time, whatever zone they came in.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

import humanize
from humanize import i18n as humanize_i18n

from data.i18n import _, language
from data.models import Category, Interaction, Severity

SAO_PAULO = ZoneInfo("America/Sao_Paulo")

Pause = tuple[datetime, datetime | None]
"""A span spent waiting for the customer; ``None`` as its end while it lasts."""

_DUE_SOON_SHARE = 4  # due soon once a quarter of the budget or less is left
_DUE_SOON_FLOOR = timedelta(hours=1)
_DAY = timedelta(days=1)

# The holidays package and humanize name their locales differently from the
# interface; English is humanize's untranslated default.
_HOLIDAY_LANGUAGES = {"pt_BR": "pt_BR", "en": "en_US"}
_HUMANIZE_LOCALES: dict[str, str | None] = {"pt_BR": "pt_BR", "en": None}
# Given explicitly, because humanize looks its own folder up through
# importlib.resources on every activation otherwise: over half the time a
# queue of deadlines took to word.
_HUMANIZE_LOCALE_DIR = Path(humanize_i18n.__file__).with_name("locale")


@dataclass(frozen=True)
class Policy:
    """How long the vendor has to give an interaction its first response.

    Attributes:
        budget: the time allowed. With ``business_days`` it is business-day
            time: five business days are 5 × 24 hours spent on business days.
        business_days: whether weekends and holidays stop the clock.
        label: the budget as the contract words it, such as "4 horas", in the
            interface's language at the time the policy was looked up.
    """

    budget: timedelta
    business_days: bool
    label: str


def policy_for(category: Category, severity: Severity | None, on_site: bool) -> Policy:
    """Return the first-response policy the contract sets for an interaction.

    Args:
        category: what the interaction is about.
        severity: how badly a Support malfunction stops the customer; ignored
            for the other categories.
        on_site: whether a critical Support call needs someone at the
            customer's premises, which doubles its budget.

    Returns:
        The policy; Support without a severity falls back to the decree's
        seven calendar days, like every category the contract leaves out.
    """
    return _policy(category, severity, on_site, language())


@lru_cache(maxsize=64)
def _policy(
    category: Category, severity: Severity | None, on_site: bool, language_: str
) -> Policy:
    # The label is worded in ``language_``: remembered per language.
    if category == Category.SUPPORT and severity == Severity.CRITICAL:
        hours = 8 if on_site else 4
        return Policy(timedelta(hours=hours), False, _("{count} hours", count=hours))
    if category == Category.SUPPORT and severity == Severity.MEDIUM:
        return Policy(timedelta(hours=24), False, _("{count} hours", count=24))
    if category == Category.PDC:
        return Policy(timedelta(days=5), True, _("{count} business days", count=5))
    return Policy(timedelta(days=7), False, _("{count} calendar days", count=7))


class BusinessCalendar:
    """The business days of one country and, optionally, one of its regions.

    A business day is a weekday that is not a public holiday. Holidays come
    from the ``holidays`` package, loaded one year at a time when first asked
    about and kept for the life of the calendar, so that a queue of hundreds
    of deadlines costs one load per year it touches.
    """

    def __init__(self, country: str = "BR", subdiv: str | None = "SP") -> None:
        """Describe the calendar of ``country`` and its region ``subdiv``.

        Args:
            country: ISO 3166 code of the country, as the holidays package
                knows it.
            subdiv: the state or province whose own holidays also close
                business; ``None`` for national holidays only. An unknown
                code raises ``NotImplementedError`` at the first question.
        """
        self.country = country
        self.subdiv = subdiv
        self._closed: dict[int, frozenset[date]] = {}
        self._names: dict[tuple[int, str], dict[date, str]] = {}

    def __repr__(self) -> str:
        return f"BusinessCalendar(country={self.country!r}, subdiv={self.subdiv!r})"

    def is_business_day(self, day: date) -> bool:
        """Whether ``day`` is a weekday and no holiday of this calendar."""
        return day.weekday() < 5 and day not in self._closed_days(day.year)

    def holiday_name(self, day: date) -> str | None:
        """Return the name of the holiday on ``day``, or ``None`` if there is none.

        The name is in the interface's language.
        """
        holiday_language = _HOLIDAY_LANGUAGES.get(language(), "en_US")
        key = (day.year, holiday_language)
        names = self._names.get(key)
        if names is None:
            names = self._names[key] = self._load(day.year, holiday_language)
        return names.get(day)

    def is_business_hours(
        self, at: datetime, start: time = time(8), end: time = time(18)
    ) -> bool:
        """Whether ``at`` falls within business hours in São Paulo.

        Critical calls opened outside these hours must also be phoned in to
        the on-call number, so the console flags them.

        Args:
            at: an aware instant, in any zone.
            start: local time business opens, included.
            end: local time business closes, excluded.

        Returns:
            True on a business day between ``start`` and ``end``.
        """
        local = _require_aware(at).astimezone(SAO_PAULO)
        return self.is_business_day(local.date()) and start <= local.time() < end

    def _closed_days(self, year: int) -> frozenset[date]:
        days = self._closed.get(year)
        if days is None:
            days = self._closed[year] = frozenset(self._load(year, None))
        return days

    def _load(self, year: int, holiday_language: str | None) -> dict[date, str]:
        # Importing holidays costs about a tenth of a second: paid only when a
        # business-day question is first asked, not at the console's start.
        import holidays

        found = holidays.country_holidays(
            self.country, subdiv=self.subdiv, years=year, language=holiday_language
        )
        return dict(found)


class DeadlineState(StrEnum):
    """Where an interaction stands against its first-response deadline."""

    ON_TIME = "on_time"
    DUE_SOON = "due_soon"
    LATE = "late"
    MET = "met"
    MET_LATE = "met_late"
    PAUSED = "paused"
    CLOSED = "closed"
    """Cancelled, or concluded without an answer: no deadline runs any more."""


@dataclass(frozen=True)
class Deadline:
    """An interaction's first-response deadline as seen at one instant.

    Attributes:
        state: where the interaction stands.
        due_at: when the budget runs out, in São Paulo time.
        remaining: clock time from now (or from the first response, once
            answered) to ``due_at``; negative when late.
    """

    state: DeadlineState
    due_at: datetime
    remaining: timedelta

    @property
    def words(self) -> str:
        """The state in a short sentence in the interface's language, such as
        "vence em 3 horas".

        Worded when read, not when judged: a queue judges thousands of
        deadlines to order them and shows a page of them.
        """
        match self.state:
            case DeadlineState.LATE:
                return _("late by {delta}", delta=_delta_words(-self.remaining))
            case DeadlineState.PAUSED:
                return _("paused")
            case DeadlineState.DUE_SOON | DeadlineState.ON_TIME:
                return _("due in {delta}", delta=_delta_words(self.remaining))
            case DeadlineState.MET:
                return _("answered on time")
            case DeadlineState.MET_LATE:
                return _("answered late")
            case DeadlineState.CLOSED:
                return _("no deadline")


class _Line:
    """The time line a policy's budget is counted on.

    Hours and calendar days are elapsed time, counted in UTC. Business days
    are counted in São Paulo wall time, so that a day runs from midnight to
    midnight as the calendar shows it, even on a day that daylight saving
    made 23 or 25 hours long. Positions on the line are naive datetimes.
    """

    def __init__(self, policy: Policy, calendar: BusinessCalendar) -> None:
        self.business_days = policy.business_days
        self.calendar = calendar
        self.zone = SAO_PAULO if policy.business_days else UTC

    def position(self, at: datetime) -> datetime:
        return _require_aware(at).astimezone(self.zone).replace(tzinfo=None)

    def instant(self, position: datetime) -> datetime:
        return position.replace(tzinfo=self.zone).astimezone(SAO_PAULO)

    def stops(
        self, pauses: Sequence[Pause], now: datetime
    ) -> list[tuple[datetime, datetime]]:
        """The pauses as positions, in order of their start, none past ``now``.

        An open pause lasts until ``now``; what comes after ``now`` is not
        known yet, so no pause reaches beyond it. Pauses may overlap or start
        before the opening: ``running`` steps over them either way.
        """
        spans = []
        for first, last in pauses:
            until = now if last is None or last > now else last
            span = (self.position(first), self.position(until))
            if span[0] < span[1]:
                spans.append(span)
        return sorted(spans)

    def running(
        self, start: datetime, stops: list[tuple[datetime, datetime]]
    ) -> Iterator[tuple[datetime, datetime | None]]:
        """Yield, in order, the spans from ``start`` on while the clock runs.

        The last span is open-ended (``None``) on an elapsed-time line; a
        business-day line yields one span per business day, for ever.
        """
        cursor, index = start, 0
        while True:
            while index < len(stops) and stops[index][1] <= cursor:
                index += 1
            pause = stops[index] if index < len(stops) else None
            if pause is not None and pause[0] <= cursor:
                cursor = pause[1]
                continue

            end = pause[0] if pause is not None else None
            if self.business_days:
                midnight = datetime.combine(cursor.date() + _DAY, time())
                if not self.calendar.is_business_day(cursor.date()):
                    cursor = midnight
                    continue
                end = midnight if end is None else min(end, midnight)

            yield cursor, end
            if end is None:
                return
            cursor = end

    def advance(
        self, start: datetime, budget: timedelta, stops: list[tuple[datetime, datetime]]
    ) -> datetime:
        """The position where ``budget`` of running time from ``start`` ends."""
        left = budget
        for first, last in self.running(start, stops):
            if last is None or first + left <= last:
                return first + left
            left -= last - first
        raise AssertionError("the clock ran out of time to run in")

    def measure(self, start: datetime, end: datetime) -> timedelta:
        """The running time between two positions, with no pause in between."""
        total = timedelta()
        for first, last in self.running(start, []):
            if first >= end:
                break
            total += (end if last is None else min(last, end)) - first
        return total


def _require_aware(at: datetime) -> datetime:
    # A naive datetime would be read in the machine's own zone: wrong by hours
    # on a server that keeps UTC, and silently so.
    if at.utcoffset() is None:
        raise ValueError(f"deadline instants must be timezone-aware, got {at!r}")
    return at


def due_at(
    opened_at: datetime,
    policy: Policy,
    pauses: Sequence[Pause],
    calendar: BusinessCalendar,
    now: datetime,
) -> datetime:
    """Return the instant an interaction's first-response budget runs out.

    Args:
        opened_at: when the interaction was opened; aware, in any zone.
        policy: the budget to spend, as ``policy_for`` gives it.
        pauses: spans spent waiting for the customer, in any order; they
            push the deadline back by the running time they cover.
        calendar: the business days, for business-day policies.
        now: the instant of the question. An open pause counts up to
            ``now``, and the rest of the budget from ``now`` on; pauses are
            not counted past ``now``.

    Returns:
        The deadline, in São Paulo time.
    """
    line = _Line(policy, calendar)
    stops = line.stops(pauses, now)
    return line.instant(line.advance(line.position(opened_at), policy.budget, stops))


def evaluate(
    *,
    opened_at: datetime,
    policy: Policy,
    pauses: Sequence[Pause],
    first_response_at: datetime | None,
    now: datetime,
    calendar: BusinessCalendar,
) -> Deadline:
    """Say where a first-response deadline stands at ``now``.

    Once answered, the deadline is judged as it stood at the first response:
    met if the answer came by then, met late otherwise. Until then it is
    late once past due, even if it has been waiting for the customer since:
    a pause after the budget ran out does not undo the delay. Otherwise it
    is paused while it waits, due soon when a quarter of the budget or an
    hour or less is left, and on time before that.

    Args:
        opened_at: when the interaction was opened.
        policy: its first-response policy.
        pauses: spans spent waiting for the customer.
        first_response_at: when staff first answered, or ``None``.
        now: the instant of the question.
        calendar: the business days, for business-day policies.

    Returns:
        The deadline's state, due instant, remaining time and words.
    """
    pauses = tuple(pauses)
    if first_response_at is not None:
        due = _due_until(opened_at, policy, pauses, calendar, first_response_at)
        margin = due - first_response_at
        state = DeadlineState.MET if margin >= timedelta() else DeadlineState.MET_LATE
        return Deadline(state, due, margin)

    if all(end is not None and end <= now for _, end in pauses):
        # Every pause is over: the deadline no longer moves with ``now``.
        settled = max((end for _, end in pauses if end is not None), default=opened_at)
        due = _due_until(opened_at, policy, pauses, calendar, settled)
    else:
        due = due_at(opened_at, policy, pauses, calendar, now)
    remaining = due - now
    if remaining < timedelta():
        return Deadline(DeadlineState.LATE, due, remaining)
    if any(start <= now and (end is None or now < end) for start, end in pauses):
        return Deadline(DeadlineState.PAUSED, due, remaining)

    # Urgency is measured in budget left, not clock time: a PDC due Monday
    # morning is close on Friday night, however long the weekend.
    line = _Line(policy, calendar)
    budget_left = line.measure(line.position(now), line.position(due))
    soon = max(policy.budget / _DUE_SOON_SHARE, _DUE_SOON_FLOOR)
    state = DeadlineState.DUE_SOON if budget_left <= soon else DeadlineState.ON_TIME
    return Deadline(state, due, remaining)


@lru_cache(maxsize=16_384)
def _due_until(
    opened_at: datetime,
    policy: Policy,
    pauses: tuple[Pause, ...],
    calendar: BusinessCalendar,
    until: datetime,
) -> datetime:
    """``due_at`` as it stood at ``until``, for a deadline that stopped moving.

    Answered, or with every pause over, a deadline is the same at every later
    instant; the staff's queue asks for the same thousands of them on every
    refresh, so they are remembered.
    """
    return due_at(opened_at, policy, pauses, calendar, until)


def deadline_for(
    interaction: Interaction, now: datetime, calendar: BusinessCalendar
) -> Deadline:
    """Say where an interaction's first-response deadline stands at ``now``.

    Args:
        interaction: the interaction; its category, severity and on-site
            need choose the policy, its timeline gives the pauses.
        now: the instant of the question.
        calendar: the business days, for business-day policies.

    Returns:
        The deadline, as ``evaluate`` describes it.
    """
    return evaluate(
        opened_at=interaction.created_at,
        policy=policy_for(
            interaction.category, interaction.severity, interaction.on_site
        ),
        pauses=interaction.pauses(),
        first_response_at=interaction.first_response_at,
        now=now,
        calendar=calendar,
    )


def _delta_words(delta: timedelta) -> str:
    with _humanize_speaking(language()):
        return humanize.naturaldelta(delta)


@contextmanager
def _humanize_speaking(interface_language: str) -> Iterator[None]:
    """Make humanize speak the interface's language inside the block only.

    humanize keeps one locale per thread and has no public getter for it, so
    the caller's choice is read from its private state and put back after:
    other modules' humanize calls must not start speaking Portuguese because
    a deadline was worded, nor lose a locale they chose themselves.
    """
    previous = getattr(getattr(humanize_i18n, "_CURRENT", None), "locale", None)
    humanize_i18n.activate(
        _HUMANIZE_LOCALES.get(interface_language), _HUMANIZE_LOCALE_DIR
    )
    try:
        yield
    finally:
        if previous is None:
            humanize_i18n.deactivate()
        else:
            humanize_i18n.activate(previous, _HUMANIZE_LOCALE_DIR)
