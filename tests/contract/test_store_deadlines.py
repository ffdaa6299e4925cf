"""First-response deadlines as the store reports them while its clock runs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from contract_kit import START, Clock

from data.deadlines import SAO_PAULO, DeadlineState
from data.models import Category, Interaction, Severity, User
from data.store import Box, Draft, Query, Store

DraftMaker = Callable[..., Draft]

FRIDAY = datetime(2025, 5, 9, 10, 0, tzinfo=SAO_PAULO)
NEXT_FRIDAY = datetime(2025, 5, 16, 10, 0, tzinfo=SAO_PAULO)


def support(new_draft: DraftMaker, severity: Severity, **changes: object) -> Draft:
    return new_draft(category=Category.SUPPORT, severity=severity, **changes)


def state_of(store: Store, actor: User, protocol: int) -> DeadlineState:
    return store.deadline(store.get_interaction(actor, protocol)).state


@pytest.mark.parametrize(
    ("changes", "budget"),
    [
        ({"category": Category.SUPPORT, "severity": Severity.CRITICAL}, 4),
        (
            {
                "category": Category.SUPPORT,
                "severity": Severity.CRITICAL,
                "on_site": True,
            },
            8,
        ),
        ({"category": Category.SUPPORT, "severity": Severity.MEDIUM}, 24),
        ({"category": Category.SAC}, 7 * 24),
        ({"category": Category.DATA_COPY}, 7 * 24),
        (
            {
                "category": Category.UPDATE,
                "wished_date": (START + timedelta(days=7)).date(),
            },
            7 * 24,
        ),
    ],
    ids=["critical", "critical-on-site", "medium", "sac", "data-copy", "update"],
)
def test_each_category_gets_its_contracted_budget(
    store: Store,
    customer: User,
    new_draft: DraftMaker,
    changes: dict[str, object],
    budget: int,
) -> None:
    created = store.create_interaction(customer, new_draft(**changes))

    deadline = store.deadline(created)

    assert deadline.due_at == START + timedelta(hours=budget)
    assert deadline.state is DeadlineState.ON_TIME
    assert deadline.remaining == timedelta(hours=budget)
    assert "due in" in deadline.words


def test_pdc_counts_five_business_days_friday_to_friday(
    store: Store, clock: Clock, customer: User, new_draft: DraftMaker
) -> None:
    clock.set(FRIDAY)

    created = store.create_interaction(customer, new_draft(category=Category.PDC))

    assert store.deadline(created).due_at == NEXT_FRIDAY


def test_a_deadline_becomes_due_soon_then_late(
    store: Store, clock: Clock, agent: User, customer: User, new_draft: DraftMaker
) -> None:
    protocol = store.create_interaction(
        customer, support(new_draft, Severity.CRITICAL)
    ).protocol
    seen: list[DeadlineState] = []

    for step in (timedelta(hours=2, minutes=59), timedelta(minutes=1)):
        clock.advance(step)
        seen.append(state_of(store, agent, protocol))
    clock.advance(timedelta(hours=1, minutes=1))
    late = store.deadline(store.get_interaction(agent, protocol))

    assert seen == [DeadlineState.ON_TIME, DeadlineState.DUE_SOON]
    assert late.state is DeadlineState.LATE
    assert late.remaining == -timedelta(minutes=1)
    assert "late" in late.words


def test_an_answer_in_time_meets_the_deadline_and_a_late_one_misses_it(
    store: Store, clock: Clock, agent: User, customer: User, new_draft: DraftMaker
) -> None:
    in_time = store.create_interaction(customer, support(new_draft, Severity.CRITICAL))
    late = store.create_interaction(customer, support(new_draft, Severity.CRITICAL))

    clock.advance(timedelta(hours=3))
    store.answer(agent, in_time.protocol, "Reiniciamos o serviço.")
    clock.advance(timedelta(hours=2))
    store.answer(agent, late.protocol, "Reiniciamos o serviço.")
    clock.advance(timedelta(days=3))

    assert state_of(store, agent, in_time.protocol) is DeadlineState.MET
    assert state_of(store, agent, late.protocol) is DeadlineState.MET_LATE


def test_asking_the_customer_pauses_the_deadline(
    store: Store, clock: Clock, agent: User, customer: User, new_draft: DraftMaker
) -> None:
    protocol = store.create_interaction(
        customer, support(new_draft, Severity.CRITICAL)
    ).protocol
    clock.advance(timedelta(hours=1))
    store.answer(agent, protocol, "Qual a mensagem de erro?", ask=True)

    clock.advance(timedelta(hours=5))
    paused = store.deadline(store.get_interaction(agent, protocol))
    store.add_info(customer, protocol, "Erro 500 ao faturar.")
    resumed = store.deadline(store.get_interaction(agent, protocol))

    assert paused.state is DeadlineState.PAUSED
    assert "paused" in paused.words
    assert resumed.state is DeadlineState.ON_TIME
    assert resumed.due_at == START + timedelta(hours=4 + 5)


def test_list_rows_carry_the_same_deadline_as_the_interaction(
    store: Store, clock: Clock, agent: User, customer: User, new_draft: DraftMaker
) -> None:
    critical = store.create_interaction(customer, support(new_draft, Severity.CRITICAL))
    medium = store.create_interaction(customer, support(new_draft, Severity.MEDIUM))
    clock.advance(timedelta(hours=5))

    rows = store.list_interactions(agent, Query(box=Box.RECEIVED)).rows

    by_protocol = {row.protocol: row.deadline for row in rows}
    for created in (critical, medium):
        full = store.deadline(store.get_interaction(agent, created.protocol))
        summary = by_protocol[created.protocol]
        assert (summary.state, summary.due_at) == (full.state, full.due_at)
    assert by_protocol[critical.protocol].state is DeadlineState.LATE


def test_the_queue_puts_late_first_and_counts_them(
    store: Store, clock: Clock, agent: User, customer: User, new_draft: DraftMaker
) -> None:
    sac = store.create_interaction(customer, new_draft())
    medium = store.create_interaction(customer, support(new_draft, Severity.MEDIUM))
    critical = store.create_interaction(customer, support(new_draft, Severity.CRITICAL))
    clock.advance(timedelta(hours=19))

    # Narrowed to the customer's organisation, as the queue screen's filter
    # does: a store may hold the late interactions of other organisations.
    mine = customer.organisation_id
    queue = store.list_interactions(
        agent, Query(box=Box.QUEUE, organisation_id=mine)
    ).rows
    counts = store.queue_counts(agent, organisation_id=mine)

    assert [row.protocol for row in queue] == [
        critical.protocol,
        medium.protocol,
        sac.protocol,
    ]
    assert counts.late == {"critical": 1}
    assert counts.due_soon == {"medium": 1}


def test_customers_read_the_deadline_in_words(
    store: Store, clock: Clock, agent: User, customer: User, new_draft: DraftMaker
) -> None:
    created = store.create_interaction(customer, support(new_draft, Severity.MEDIUM))
    clock.advance(timedelta(hours=2))

    own = store.deadline(store.get_interaction(customer, created.protocol))
    staff = store.deadline(store.get_interaction(agent, created.protocol))
    [row] = store.list_interactions(customer, Query()).rows

    assert own.words
    assert own.words == staff.words
    assert row.deadline.words == own.words


@pytest.mark.parametrize(
    ("opened_at", "severity", "out_of_hours"),
    [
        (START.replace(hour=20), Severity.CRITICAL, True),
        (datetime(2025, 5, 10, 11, tzinfo=SAO_PAULO), Severity.CRITICAL, True),
        (START, Severity.CRITICAL, False),
        (START.replace(hour=20), Severity.MEDIUM, False),
    ],
    ids=["critical-at-night", "critical-on-saturday", "critical-at-10", "medium"],
)
def test_critical_calls_out_of_hours_are_flagged(
    store: Store,
    clock: Clock,
    customer: User,
    new_draft: DraftMaker,
    opened_at: datetime,
    severity: Severity,
    out_of_hours: bool,
) -> None:
    clock.set(opened_at)

    created = store.create_interaction(customer, support(new_draft, severity))

    assert created.out_of_hours is out_of_hours
    [row] = store.list_interactions(customer, Query()).rows
    assert row.out_of_hours is out_of_hours
    assert store.settings()["on_call_phone"]


def test_a_deadline_reads_the_same_whatever_interaction_copy_is_asked(
    store: Store, customer: User, opened: Interaction
) -> None:
    assert store.deadline(opened) == store.deadline(
        store.get_interaction(customer, opened.protocol)
    )
