"""The support team's tools: canned answers, update scheduling, reports."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from contract_kit import Clock

from data.errors import NotFound, PermissionDenied, ValidationError
from data.models import Category, EventKind, Kind, Severity, User
from data.reports import ReportRow, to_csv
from data.store import Draft, Store

DraftMaker = Callable[..., Draft]


def test_canned_answers_are_shared_by_the_team_and_replaced_by_title(
    store: Store, agent: User, admin: User
) -> None:
    store.save_canned_answer(agent, "Reinício", "Reiniciamos o serviço; tente de novo.")
    store.save_canned_answer(admin, "Acesso", "Enviamos um novo acesso por e-mail.")
    store.save_canned_answer(agent, "reinício", "Reiniciamos o servidor de remessas.")

    answers = store.canned_answers(admin)
    assert [a.title for a in answers] == ["Acesso", "reinício"]
    assert answers[1].text == "Reiniciamos o servidor de remessas."

    store.delete_canned_answer(agent, answers[0].id)
    assert [a.title for a in store.canned_answers(agent)] == ["reinício"]


def test_customers_have_no_canned_answers(store: Store, customer: User) -> None:
    with pytest.raises(PermissionDenied):
        store.canned_answers(customer)
    with pytest.raises(PermissionDenied):
        store.save_canned_answer(customer, "Oi", "Olá")


def next_weekday(start: date, weekday: int, at_least: int = 7) -> date:
    day = start + timedelta(days=at_least)
    while day.weekday() != weekday:
        day += timedelta(days=1)
    return day


def test_an_update_request_is_confirmed_or_moved_and_the_customer_told(
    store: Store, admin: User, customer: User, clock: Clock
) -> None:
    today = clock.now.date()
    wished = next_weekday(today, 0)
    request = store.create_interaction(
        customer,
        Draft(
            Category.UPDATE,
            Kind.REQUEST,
            "Atualizar o GPE",
            "Queremos a versão nova do GPE.",
            wished_date=wished,
        ),
    )

    confirmed = store.schedule_update(admin, request.protocol, wished)
    assert confirmed.scheduled_for == wished
    moved = store.schedule_update(
        admin, request.protocol, wished + timedelta(days=1), "Segunda é feriado local."
    )
    assert moved.scheduled_for == wished + timedelta(days=1)

    events = [e for e in moved.timeline if e.kind is EventKind.UPDATE_SCHEDULED]
    assert [e.data["moved"] for e in events] == [False, True]
    texts = [n.text for n in store.notifications(customer)]
    assert any("confirmed" in text for text in texts)
    assert any("moved" in text for text in texts)


def test_an_update_cannot_be_moved_to_a_thursday_or_too_soon(
    store: Store, admin: User, customer: User, clock: Clock
) -> None:
    today = clock.now.date()
    request = store.create_interaction(
        customer,
        Draft(
            Category.UPDATE,
            Kind.REQUEST,
            "Atualizar o GPE",
            "Versão nova.",
            wished_date=next_weekday(today, 1),
        ),
    )
    for day in (next_weekday(today, 3), today + timedelta(days=1)):
        with pytest.raises(ValidationError) as refused:
            store.schedule_update(admin, request.protocol, day)
        assert refused.value.field == "wished_date"


def test_only_an_administrator_schedules_updates(
    store: Store, agent: User, customer: User, clock: Clock
) -> None:
    request = store.create_interaction(
        customer,
        Draft(
            Category.UPDATE,
            Kind.REQUEST,
            "Atualizar",
            "Versão nova.",
            wished_date=next_weekday(clock.now.date(), 2),
        ),
    )
    with pytest.raises(PermissionDenied):
        store.schedule_update(agent, request.protocol, request.wished_date)


def test_the_monthly_report_counts_deadlines_rejections_kinds_and_categories(
    store: Store, admin: User, agent: User, customer: User, clock: Clock
) -> None:
    critical = store.create_interaction(
        customer,
        Draft(
            Category.SUPPORT,
            Kind.COMPLAINT,
            "Fora do ar",
            "Nada abre.",
            severity=Severity.CRITICAL,
        ),
    )
    late = store.create_interaction(
        customer,
        Draft(
            Category.SUPPORT,
            Kind.COMPLAINT,
            "Lento",
            "Muito lento.",
            severity=Severity.CRITICAL,
        ),
    )
    store.create_interaction(
        customer, Draft(Category.SAC, Kind.COMPLIMENT, "Parabéns", "Ótimo.")
    )
    clock.advance(timedelta(hours=1))
    store.answer(agent, critical.protocol, "Resolvido.")
    store.reject(customer, critical.protocol, "Não resolveu.")
    clock.advance(timedelta(hours=5))
    store.answer(agent, late.protocol, "Resolvido agora.")

    # One organisation's report: a store may hold other organisations' months.
    report = store.report(admin, organisation_id=customer.organisation_id)
    rows = {row.severity: row for row in report}
    assert rows["critical"].total == 2
    assert rows["critical"].answered == 2
    assert rows["critical"].answered_on_time == 1
    assert rows["critical"].on_time_share == 0.5
    assert rows["critical"].late == 1
    assert rows["critical"].rejections_per_interaction == 0.5
    assert rows[""].kinds == {"compliment": 1}

    csv_text = to_csv(list(rows.values()))
    header, *lines = csv_text.splitlines()
    assert header.startswith("month,severity,total,answered,answered_on_time")
    assert any(",critical,2,2,1,0.500,1,1,0.500," in line for line in lines)


def test_a_report_narrowed_to_an_organisation_counts_its_interactions_only(
    store: Store,
    admin: User,
    customer: User,
    outsider: User,
    new_draft: Callable[..., Draft],
) -> None:
    store.create_interaction(customer, new_draft())
    store.create_interaction(customer, new_draft(kind=Kind.COMPLAINT))
    store.create_interaction(outsider, new_draft())

    def total(report: list[ReportRow]) -> int:
        return sum(row.total for row in report)

    assert total(store.report(admin, organisation_id=customer.organisation_id)) == 2
    assert total(store.report(admin, organisation_id=outsider.organisation_id)) == 1
    assert total(store.report(admin)) >= 3
    with pytest.raises(NotFound):
        store.report(admin, organisation_id=987_654)


def test_queue_counts_narrowed_to_an_organisation_count_its_interactions_only(
    store: Store,
    clock: Clock,
    agent: User,
    customer: User,
    outsider: User,
    new_draft: Callable[..., Draft],
) -> None:
    critical = Draft(
        Category.SUPPORT,
        Kind.REQUEST,
        "Fora do ar",
        "Nada abre.",
        severity=Severity.CRITICAL,
    )
    store.create_interaction(customer, critical)
    store.create_interaction(outsider, critical)
    store.create_interaction(outsider, critical)
    clock.advance(timedelta(hours=5))

    ours = store.queue_counts(agent, organisation_id=customer.organisation_id)
    theirs = store.queue_counts(agent, organisation_id=outsider.organisation_id)

    assert (ours.late, ours.due_soon) == ({"critical": 1}, {})
    assert (theirs.late, theirs.due_soon) == ({"critical": 2}, {})
    assert store.queue_counts(agent).late["critical"] >= 3


def test_customers_get_no_report(store: Store, customer: User) -> None:
    with pytest.raises(PermissionDenied):
        store.report(customer)
