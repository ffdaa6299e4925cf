"""First-response deadlines: the contract's budgets, business days, pauses and words."""

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import humanize
import pytest
from humanize import i18n as humanize_i18n
from hypothesis import given, settings
from hypothesis import strategies as st

from data import i18n
from data.deadlines import (
    SAO_PAULO,
    BusinessCalendar,
    Deadline,
    DeadlineState,
    Policy,
    deadline_for,
    due_at,
    evaluate,
    policy_for,
)
from data.models import Category, Event, EventKind, Interaction, Kind, Severity

CALENDAR = BusinessCalendar()

CRITICAL = Policy(timedelta(hours=4), False, "4 horas")
PDC = Policy(timedelta(days=5), True, "5 dias úteis")


def sp(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SAO_PAULO)


def interaction(
    opened: datetime,
    category: Category = Category.SUPPORT,
    severity: Severity | None = Severity.CRITICAL,
    on_site: bool = False,
    pauses: tuple[tuple[datetime, datetime | None], ...] = (),
    first_response_at: datetime | None = None,
) -> Interaction:
    """An interaction whose timeline waits for the customer during ``pauses``."""
    timeline = [Event(EventKind.CREATED, opened, 7)]
    for start, end in pauses:
        timeline.append(
            Event(EventKind.STATUS_CHANGED, start, 2, data={"to": "awaiting_customer"})
        )
        if end is not None:
            timeline.append(
                Event(EventKind.STATUS_CHANGED, end, 7, data={"to": "in_progress"})
            )
    return Interaction(
        protocol=2026000123,
        created_at=opened,
        category=category,
        kind=Kind.REQUEST,
        subject="Sistema fora do ar",
        description="O faturamento não abre desde as 9h.",
        author_id=7,
        organisation_id=1,
        severity=severity,
        on_site=on_site,
        timeline=timeline,
        first_response_at=first_response_at,
    )


def pdc_due(opened: datetime, calendar: BusinessCalendar = CALENDAR) -> datetime:
    return due_at(opened, PDC, [], calendar, opened)


@pytest.fixture(autouse=True)
def portuguese() -> Iterator[None]:
    previous = i18n.language()
    i18n.set_language("pt_BR")
    yield
    i18n.set_language(previous)


@pytest.fixture
def english() -> Iterator[None]:
    i18n.set_language("en")
    yield
    i18n.set_language("pt_BR")


# Policies


@pytest.mark.parametrize(
    ("category", "severity", "on_site", "budget", "business_days", "label"),
    [
        (
            Category.SUPPORT,
            Severity.CRITICAL,
            False,
            timedelta(hours=4),
            False,
            "4 horas",
        ),
        (
            Category.SUPPORT,
            Severity.CRITICAL,
            True,
            timedelta(hours=8),
            False,
            "8 horas",
        ),
        (
            Category.SUPPORT,
            Severity.MEDIUM,
            False,
            timedelta(hours=24),
            False,
            "24 horas",
        ),
        (
            Category.SUPPORT,
            Severity.MEDIUM,
            True,
            timedelta(hours=24),
            False,
            "24 horas",
        ),
        (Category.PDC, None, False, timedelta(days=5), True, "5 dias úteis"),
        (Category.SAC, None, False, timedelta(days=7), False, "7 dias corridos"),
        (Category.UPDATE, None, False, timedelta(days=7), False, "7 dias corridos"),
        (Category.DATA_COPY, None, True, timedelta(days=7), False, "7 dias corridos"),
        (Category.SUPPORT, None, False, timedelta(days=7), False, "7 dias corridos"),
    ],
)
def test_policy_follows_the_contract(
    category: Category,
    severity: Severity | None,
    on_site: bool,
    budget: timedelta,
    business_days: bool,
    label: str,
) -> None:
    assert policy_for(category, severity, on_site) == Policy(
        budget, business_days, label
    )


def test_policy_label_in_english(english: None) -> None:
    assert policy_for(Category.SUPPORT, Severity.CRITICAL, False).label == "4 hours"
    assert policy_for(Category.PDC, None, False).label == "5 business days"
    assert policy_for(Category.SAC, None, False).label == "7 calendar days"


@pytest.mark.parametrize(
    ("category", "severity", "on_site", "due"),
    [
        (Category.SUPPORT, Severity.CRITICAL, False, sp(2026, 3, 10, 14)),
        (Category.SUPPORT, Severity.CRITICAL, True, sp(2026, 3, 10, 18)),
        (Category.SUPPORT, Severity.MEDIUM, False, sp(2026, 3, 11, 10)),
        (Category.PDC, None, False, sp(2026, 3, 17, 10)),
        (Category.SAC, None, False, sp(2026, 3, 17, 10)),
    ],
)
def test_each_policy_gives_its_due_instant(
    category: Category, severity: Severity | None, on_site: bool, due: datetime
) -> None:
    opened = sp(2026, 3, 10, 10)  # a Tuesday
    ticket = interaction(opened, category, severity, on_site)

    assert deadline_for(ticket, opened, CALENDAR).due_at == due


def test_hour_budgets_run_through_the_weekend() -> None:
    friday_night = sp(2026, 3, 6, 22)

    assert due_at(friday_night, CRITICAL, [], CALENDAR, friday_night) == sp(
        2026, 3, 7, 2
    )


def test_seven_calendar_days_run_through_weekends_and_holidays() -> None:
    sac = policy_for(Category.SAC, None, False)
    opened = sp(2026, 11, 18, 10)

    assert due_at(opened, sac, [], CALENDAR, opened) == sp(2026, 11, 25, 10)


def test_due_instant_is_in_sao_paulo_time_whatever_the_input_zone() -> None:
    opened = datetime(2026, 3, 10, 13, tzinfo=UTC)  # 10:00 in São Paulo

    due = due_at(opened, CRITICAL, [], CALENDAR, opened)

    assert due.tzinfo is SAO_PAULO
    assert (due.hour, due.utcoffset()) == (14, timedelta(hours=-3))


def test_naive_instants_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        due_at(datetime(2026, 3, 10, 10), CRITICAL, [], CALENDAR, sp(2026, 3, 10))


# Business days


def test_pdc_opened_on_friday_afternoon_is_due_next_friday() -> None:
    assert pdc_due(sp(2026, 3, 6, 15)) == sp(2026, 3, 13, 15)


@pytest.mark.parametrize("opened", [sp(2026, 3, 7, 10), sp(2026, 3, 8, 23, 59)])
def test_pdc_opened_on_the_weekend_counts_from_monday(opened: datetime) -> None:
    # Five whole business days from Monday 00:00 end as Saturday begins.
    assert pdc_due(opened) == sp(2026, 3, 14)


def test_pdc_skips_a_national_holiday() -> None:
    # Friday 2026-11-20 is Consciência Negra.
    assert pdc_due(sp(2026, 11, 18, 10)) == sp(2026, 11, 26, 10)


def test_pdc_skips_christmas() -> None:
    assert pdc_due(sp(2026, 12, 23, 9)) == sp(2026, 12, 31, 9)


def test_pdc_skips_a_sao_paulo_state_holiday_only_in_sao_paulo() -> None:
    # Thursday 2026-07-09 is the Revolução Constitucionalista, a state holiday.
    opened = sp(2026, 7, 7, 12)

    assert pdc_due(opened) == sp(2026, 7, 15, 12)
    assert pdc_due(opened, BusinessCalendar("BR", subdiv=None)) == sp(2026, 7, 14, 12)


def test_business_days_are_local_wall_time_days_across_daylight_saving() -> None:
    # Daylight saving began at 00:00 on Sunday 2018-11-04, and Friday
    # 2018-11-02 was Finados: the week held one real hour less than its days.
    opened = sp(2018, 11, 1, 15)

    due = pdc_due(opened)

    assert due == sp(2018, 11, 9, 15)
    assert due.utcoffset() == timedelta(hours=-2)
    assert due.astimezone(UTC) - opened.astimezone(UTC) == timedelta(days=8, hours=-1)


def test_hour_budgets_are_elapsed_time_across_daylight_saving() -> None:
    # Daylight saving ended at 00:00 on 2019-02-17, back to 23:00 on the 16th.
    opened = sp(2019, 2, 16, 21)

    due = due_at(opened, CRITICAL, [], CALENDAR, opened)

    assert due.astimezone(UTC) - opened.astimezone(UTC) == timedelta(hours=4)
    assert (due.date(), due.hour) == (date(2019, 2, 17), 0)


def test_calendar_knows_business_days_and_holiday_names() -> None:
    assert CALENDAR.is_business_day(date(2026, 11, 19))
    assert not CALENDAR.is_business_day(date(2026, 11, 20))
    assert not CALENDAR.is_business_day(date(2026, 7, 9))
    assert not CALENDAR.is_business_day(date(2026, 3, 7))
    assert CALENDAR.holiday_name(date(2026, 11, 19)) is None
    assert CALENDAR.holiday_name(date(2026, 12, 25)) == "Natal"
    assert CALENDAR.holiday_name(date(2026, 7, 9)) == "Revolução Constitucionalista"


def test_holiday_names_follow_the_interface_language(english: None) -> None:
    assert CALENDAR.holiday_name(date(2026, 12, 25)) == "Christmas Day"


def test_a_region_the_holidays_package_does_not_know_is_refused() -> None:
    with pytest.raises(NotImplementedError):
        BusinessCalendar("BR", subdiv="XX").is_business_day(date(2026, 3, 10))


# Out-of-hours detection


@pytest.mark.parametrize(
    ("at", "business_hours"),
    [
        (sp(2026, 3, 7, 10), False),  # Saturday
        (sp(2026, 3, 10, 19), False),  # Tuesday evening
        (sp(2026, 11, 20, 10), False),  # Consciência Negra
        (sp(2026, 7, 9, 10), False),  # São Paulo state holiday
        (sp(2026, 3, 10, 10), True),
        (sp(2026, 3, 10, 8), True),
        (sp(2026, 3, 10, 7, 59), False),
        (sp(2026, 3, 10, 18), False),
        (datetime(2026, 3, 10, 12, tzinfo=UTC), True),  # 09:00 in São Paulo
        (datetime(2026, 3, 10, 22, tzinfo=UTC), False),  # 19:00 in São Paulo
    ],
)
def test_business_hours(at: datetime, business_hours: bool) -> None:
    assert CALENDAR.is_business_hours(at) is business_hours


def test_business_hours_can_be_moved() -> None:
    evening = sp(2026, 3, 10, 19)

    assert CALENDAR.is_business_hours(evening, start=time(9), end=time(20))


# Pauses


def test_a_pause_in_the_middle_shifts_the_deadline_by_its_length() -> None:
    opened = sp(2026, 3, 10, 10)
    ticket = interaction(
        opened, pauses=((sp(2026, 3, 10, 11), sp(2026, 3, 10, 12, 30)),)
    )

    deadline = deadline_for(ticket, sp(2026, 3, 10, 13), CALENDAR)

    assert deadline.due_at == sp(2026, 3, 10, 15, 30)
    assert deadline.state is DeadlineState.ON_TIME


def test_a_deadline_asked_again_later_is_judged_at_the_later_instant() -> None:
    # The due instant of a deadline whose pauses are over is remembered; the
    # state and the words must still follow each question's own instant.
    opened = sp(2026, 3, 10, 10)
    ticket = interaction(
        opened, pauses=((sp(2026, 3, 10, 11), sp(2026, 3, 10, 12, 30)),)
    )

    early = deadline_for(ticket, sp(2026, 3, 10, 13), CALENDAR)
    soon = deadline_for(ticket, sp(2026, 3, 10, 15), CALENDAR)
    late = deadline_for(ticket, sp(2026, 3, 10, 17, 30), CALENDAR)

    assert {early.due_at, soon.due_at, late.due_at} == {sp(2026, 3, 10, 15, 30)}
    assert [early.state, soon.state, late.state] == [
        DeadlineState.ON_TIME,
        DeadlineState.DUE_SOON,
        DeadlineState.LATE,
    ]
    assert [early.words, late.words] == ["vence em 2 horas", "atrasada há 2 horas"]


def test_an_open_pause_is_paused_and_moves_the_deadline_with_now() -> None:
    opened = sp(2026, 3, 10, 10)
    ticket = interaction(opened, pauses=((sp(2026, 3, 10, 11), None),))

    at_one = deadline_for(ticket, sp(2026, 3, 10, 13), CALENDAR)
    at_two = deadline_for(ticket, sp(2026, 3, 10, 14), CALENDAR)

    assert at_one == Deadline(
        DeadlineState.PAUSED,
        sp(2026, 3, 10, 16),
        timedelta(hours=3),
    )
    assert at_one.words == "pausada"
    assert at_two.state is DeadlineState.PAUSED
    assert at_two.due_at == sp(2026, 3, 10, 17)


def test_overlapping_pauses_count_once() -> None:
    opened = sp(2026, 3, 10, 10)
    pauses = [(sp(2026, 3, 10, 12), sp(2026, 3, 10, 14)), (sp(2026, 3, 10, 11), None)]

    due = due_at(opened, CRITICAL, pauses, CALENDAR, sp(2026, 3, 10, 15))

    assert due == sp(2026, 3, 10, 18)


def test_a_pause_counts_only_up_to_now() -> None:
    # Asked at noon, a pause that went on until 15:00 has only run an hour.
    opened = sp(2026, 3, 10, 10)
    pauses = [(sp(2026, 3, 10, 11), sp(2026, 3, 10, 15))]

    assert due_at(opened, CRITICAL, pauses, CALENDAR, sp(2026, 3, 10, 12)) == sp(
        2026, 3, 10, 15
    )


def test_a_pause_after_the_deadline_leaves_it_late() -> None:
    opened = sp(2026, 3, 10, 10)
    ticket = interaction(opened, pauses=((sp(2026, 3, 10, 15), None),))

    deadline = deadline_for(ticket, sp(2026, 3, 10, 16), CALENDAR)

    assert deadline.state is DeadlineState.LATE
    assert deadline.due_at == sp(2026, 3, 10, 14)


def test_a_pause_over_the_weekend_counts_only_its_business_days() -> None:
    # Paused Friday 15:00 to Monday 09:00: 9 + 9 business hours, not 66.
    opened = sp(2026, 3, 6, 10)
    ticket = interaction(
        opened, Category.PDC, None, pauses=((sp(2026, 3, 6, 15), sp(2026, 3, 9, 9)),)
    )

    deadline = deadline_for(ticket, sp(2026, 3, 9, 10), CALENDAR)

    assert deadline.due_at == sp(2026, 3, 16, 4)


def test_pauses_before_opening_or_after_the_response_do_not_count() -> None:
    opened = sp(2026, 3, 10, 10)
    pauses = [(sp(2026, 3, 10, 8), sp(2026, 3, 10, 11)), (sp(2026, 3, 10, 15), None)]

    deadline = evaluate(
        opened_at=opened,
        policy=CRITICAL,
        pauses=pauses,
        first_response_at=sp(2026, 3, 10, 14, 30),
        now=sp(2026, 3, 10, 20),
        calendar=CALENDAR,
    )

    assert deadline.due_at == sp(2026, 3, 10, 15)
    assert deadline.state is DeadlineState.MET


# Met, late, due soon


def test_an_answer_before_the_deadline_is_met() -> None:
    opened = sp(2026, 3, 10, 10)
    ticket = interaction(opened, first_response_at=sp(2026, 3, 10, 13, 59))

    deadline = deadline_for(ticket, sp(2026, 3, 12), CALENDAR)

    assert deadline == Deadline(
        DeadlineState.MET,
        sp(2026, 3, 10, 14),
        timedelta(minutes=1),
    )
    assert deadline.words == "respondida no prazo"


def test_an_answer_after_the_deadline_is_met_late() -> None:
    opened = sp(2026, 3, 10, 10)
    ticket = interaction(opened, first_response_at=sp(2026, 3, 10, 14, 30))

    deadline = deadline_for(ticket, sp(2026, 3, 12), CALENDAR)

    assert deadline == Deadline(
        DeadlineState.MET_LATE,
        sp(2026, 3, 10, 14),
        timedelta(minutes=-30),
    )
    assert deadline.words == "respondida com atraso"


def test_an_answer_is_judged_with_the_pauses_before_it() -> None:
    opened = sp(2026, 3, 10, 10)
    ticket = interaction(
        opened,
        pauses=((sp(2026, 3, 10, 11), sp(2026, 3, 10, 13)),),
        first_response_at=sp(2026, 3, 10, 15),
    )

    assert deadline_for(ticket, sp(2026, 3, 12), CALENDAR).state is DeadlineState.MET


@pytest.mark.parametrize(
    ("now", "state", "words"),
    [
        (sp(2026, 3, 10, 10), DeadlineState.ON_TIME, "vence em 4 horas"),
        (sp(2026, 3, 10, 12, 59), DeadlineState.ON_TIME, "vence em uma hora"),
        (sp(2026, 3, 10, 13), DeadlineState.DUE_SOON, "vence em uma hora"),
        (sp(2026, 3, 10, 14), DeadlineState.DUE_SOON, "vence em um momento"),
        (sp(2026, 3, 10, 16), DeadlineState.LATE, "atrasada há 2 horas"),
    ],
)
def test_critical_call_through_the_day(
    now: datetime, state: DeadlineState, words: str
) -> None:
    deadline = deadline_for(interaction(sp(2026, 3, 10, 10)), now, CALENDAR)

    assert (deadline.state, deadline.words) == (state, words)
    assert deadline.remaining == sp(2026, 3, 10, 14) - now


@pytest.mark.parametrize(
    ("hours_in", "state"),
    [(17, DeadlineState.ON_TIME), (18, DeadlineState.DUE_SOON)],
)
def test_due_soon_at_a_quarter_of_the_budget(
    hours_in: int, state: DeadlineState
) -> None:
    opened = sp(2026, 3, 10, 10)
    ticket = interaction(opened, severity=Severity.MEDIUM)

    deadline = deadline_for(ticket, opened + timedelta(hours=hours_in), CALENDAR)

    assert deadline.state is state


def test_due_soon_within_the_last_hour_of_a_short_budget() -> None:
    opened = sp(2026, 3, 10, 10)
    two_hours = Policy(timedelta(hours=2), False, "2 horas")

    deadline = evaluate(
        opened_at=opened,
        policy=two_hours,
        pauses=[],
        first_response_at=None,
        now=sp(2026, 3, 10, 11, 10),
        calendar=CALENDAR,
    )

    assert deadline.state is DeadlineState.DUE_SOON


def test_pdc_urgency_counts_business_time_left_not_the_weekend() -> None:
    # Due Monday 10:00: on Friday 20:00 only 14 business hours are left.
    opened = sp(2026, 3, 2, 10)
    ticket = interaction(opened, Category.PDC, None)

    thursday = deadline_for(ticket, sp(2026, 3, 5, 10), CALENDAR)
    friday_night = deadline_for(ticket, sp(2026, 3, 6, 20), CALENDAR)

    assert thursday.state is DeadlineState.ON_TIME
    assert friday_night.state is DeadlineState.DUE_SOON
    assert friday_night.words == "vence em 2 dias"


# Words


@pytest.mark.parametrize(
    ("first_response_at", "pause", "now", "words"),
    [
        (None, None, sp(2026, 3, 10, 11), "due in 3 hours"),
        (None, None, sp(2026, 3, 10, 16), "late by 2 hours"),
        (sp(2026, 3, 10, 12), None, sp(2026, 3, 10, 16), "answered on time"),
        (sp(2026, 3, 10, 15), None, sp(2026, 3, 10, 16), "answered late"),
        (None, sp(2026, 3, 10, 11), sp(2026, 3, 10, 12), "paused"),
    ],
)
def test_words_in_english(
    english: None,
    first_response_at: datetime | None,
    pause: datetime | None,
    now: datetime,
    words: str,
) -> None:
    ticket = interaction(
        sp(2026, 3, 10, 10),
        pauses=((pause, None),) if pause else (),
        first_response_at=first_response_at,
    )

    assert deadline_for(ticket, now, CALENDAR).words == words


def test_words_do_not_change_other_modules_humanize_language() -> None:
    ticket = interaction(sp(2026, 3, 10, 10))

    deadline_for(ticket, sp(2026, 3, 10, 11), CALENDAR)
    assert humanize.naturaldelta(timedelta(hours=3)) == "3 hours"

    humanize_i18n.activate("fr_FR")
    try:
        words = deadline_for(ticket, sp(2026, 3, 10, 11), CALENDAR).words
        assert humanize.naturaldelta(timedelta(hours=3)) == "3 heures"
    finally:
        humanize_i18n.deactivate()
    assert words == "vence em 3 horas"


# Properties

ZONES = st.sampled_from(
    [UTC, SAO_PAULO, ZoneInfo("America/Manaus"), ZoneInfo("Europe/Lisbon")]
)
INSTANTS = st.datetimes(
    min_value=datetime(2015, 1, 1),
    max_value=datetime(2035, 12, 31),
    timezones=ZONES,
    allow_imaginary=False,
)
ELAPSED_POLICIES = st.sampled_from(
    [
        policy_for(Category.SUPPORT, Severity.CRITICAL, False),
        policy_for(Category.SUPPORT, Severity.CRITICAL, True),
        policy_for(Category.SUPPORT, Severity.MEDIUM, False),
        policy_for(Category.SAC, None, False),
    ]
)
SPANS = st.timedeltas(min_value=timedelta(), max_value=timedelta(days=10))


@settings(deadline=None)
@given(
    opened=INSTANTS,
    policy=ELAPSED_POLICIES,
    thousandths=st.lists(st.integers(0, 999), max_size=5),
    lengths=st.lists(SPANS, min_size=5, max_size=5),
)
def test_elapsed_budgets_end_after_budget_plus_pauses(
    opened: datetime,
    policy: Policy,
    thousandths: list[int],
    lengths: list[timedelta],
) -> None:
    # Each pause starts once a share of the budget has run, so all count.
    start, pauses, paused = opened.astimezone(UTC), [], timedelta()
    for share, length in zip(sorted(thousandths), lengths, strict=False):
        begins = start + policy.budget * share / 1000 + paused
        pauses.append((begins, begins + length))
        paused += length
    now = start + policy.budget + paused + timedelta(days=1)

    due = due_at(opened, policy, pauses, CALENDAR, now)

    assert due.astimezone(UTC) - start == policy.budget + paused


@settings(deadline=None)
@given(
    opened=INSTANTS,
    policy=st.one_of(ELAPSED_POLICIES, st.just(PDC)),
    pauses=st.lists(st.tuples(SPANS, st.one_of(st.none(), SPANS)), max_size=4),
    extra=st.tuples(SPANS, st.one_of(st.none(), SPANS)),
    since_opening=st.timedeltas(min_value=timedelta(), max_value=timedelta(days=30)),
)
def test_adding_a_pause_never_brings_the_deadline_forward(
    opened: datetime,
    policy: Policy,
    pauses: list[tuple[timedelta, timedelta | None]],
    extra: tuple[timedelta, timedelta | None],
    since_opening: timedelta,
) -> None:
    start = opened.astimezone(UTC)
    now = start + since_opening

    def spans(
        offsets: list[tuple[timedelta, timedelta | None]],
    ) -> list[tuple[datetime, datetime | None]]:
        return [
            (start + at, None if length is None else start + at + length)
            for at, length in offsets
        ]

    before = due_at(opened, policy, spans(pauses), CALENDAR, now)
    after = due_at(opened, policy, spans([*pauses, extra]), CALENDAR, now)

    assert after.astimezone(UTC) >= before.astimezone(UTC)
