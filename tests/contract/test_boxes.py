"""Boxes: Enviados, Recebidos, the queue, search, filters, paging, notifications."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest

from data.models import (
    Category,
    Direction,
    Interaction,
    Kind,
    Organisation,
    Status,
    User,
)
from data.store import Box, Draft, Query, Store

DraftMaker = Callable[..., Draft]


def protocols(store: Store, actor: User, query: Query) -> list[int]:
    return [row.protocol for row in store.list_interactions(actor, query).rows]


@pytest.fixture
def towards_customers(
    store: Store, agent: User, pdc_org: Organisation, new_draft: DraftMaker
) -> Interaction:
    """An interaction the vendor opened towards the PDC organisation."""
    return store.create_interaction(
        agent,
        new_draft(
            subject="Nova versão do Bs Studio",
            description="Atualização disponível a partir de segunda-feira.",
            towards_organisation=pdc_org.id,
        ),
    )


def test_a_customers_enviados_hold_their_own_interactions_only(
    store: Store,
    customer: User,
    colleague: User,
    outsider: User,
    new_draft: DraftMaker,
) -> None:
    mine = [store.create_interaction(customer, new_draft()).protocol for _ in range(2)]
    store.create_interaction(colleague, new_draft())
    store.create_interaction(outsider, new_draft())

    page = store.list_interactions(customer, Query(box=Box.SENT))

    assert [row.protocol for row in page.rows] == sorted(mine, reverse=True)
    assert page.total == 2
    assert {row.author_id for row in page.rows} == {customer.id}


def test_staff_opened_interactions_land_in_the_organisations_recebidos(
    store: Store,
    agent: User,
    customer: User,
    colleague: User,
    outsider: User,
    towards_customers: Interaction,
) -> None:
    protocol = towards_customers.protocol

    assert towards_customers.direction is Direction.TO_CUSTOMER
    assert protocols(store, customer, Query(box=Box.RECEIVED)) == [protocol]
    assert protocols(store, colleague, Query(box=Box.RECEIVED)) == [protocol]
    assert protocols(store, customer, Query(box=Box.SENT)) == []
    assert protocols(store, outsider, Query(box=Box.RECEIVED)) == []
    assert protocols(store, agent, Query(box=Box.SENT)) == [protocol]


def test_staff_opened_interactions_notify_the_organisations_people(
    store: Store,
    agent: User,
    customer: User,
    colleague: User,
    outsider: User,
    towards_customers: Interaction,
) -> None:
    for person in (customer, colleague):
        [notification] = store.notifications(person)
        assert notification.protocol == towards_customers.protocol
        assert str(towards_customers.protocol) in notification.text
        assert "Nova versão do Bs Studio" in notification.text
        assert not notification.read
        assert store.unread_count(person) == 1

    assert store.notifications(outsider) == []
    assert store.unread_count(agent) == 0


def test_mark_read_touches_only_ones_own_notifications(
    store: Store,
    customer: User,
    colleague: User,
    towards_customers: Interaction,
) -> None:
    [mine] = store.notifications(customer)
    [theirs] = store.notifications(colleague)

    store.mark_read(customer, [mine.id, theirs.id])

    assert store.unread_count(customer) == 0
    assert store.notifications(customer, unread_only=True) == []
    assert store.unread_count(colleague) == 1


def test_staff_recebidos_and_queue_hold_what_customers_sent(
    store: Store,
    agent: User,
    customer: User,
    outsider: User,
    towards_customers: Interaction,
    new_draft: DraftMaker,
) -> None:
    first = store.create_interaction(customer, new_draft()).protocol
    second = store.create_interaction(outsider, new_draft()).protocol
    store.cancel(outsider, second)

    # The store may hold other organisations' interactions (the
    # 100,000-interaction one does): look at these two organisations'.
    mine = {customer.organisation_id, outsider.organisation_id}

    def seen(query: Query) -> list[int]:
        return [
            protocol
            for organisation_id in sorted(mine)
            for protocol in protocols(
                store, agent, replace(query, organisation_id=organisation_id)
            )
        ]

    assert sorted(seen(Query(box=Box.RECEIVED)), reverse=True) == [second, first]
    assert seen(Query(box=Box.QUEUE)) == [first]
    assert seen(Query(box=Box.RECEIVED, open_only=True)) == [first]


@pytest.mark.parametrize(
    "text", ["reclamacao", "RECLAMAÇÃO", "Reclamação", "reclamaç", "  reclamacao  "]
)
def test_search_ignores_case_and_accents_in_the_subject(
    store: Store, customer: User, new_draft: DraftMaker, text: str
) -> None:
    found = store.create_interaction(
        customer, new_draft(subject="Reclamação sobre a fatura", kind=Kind.COMPLAINT)
    )
    store.create_interaction(customer, new_draft())

    page = store.list_interactions(customer, Query(text=text))

    assert [row.protocol for row in page.rows] == [found.protocol]
    assert page.total == 1


def test_search_looks_into_the_description_too(
    store: Store, agent: User, customer: User, new_draft: DraftMaker
) -> None:
    found = store.create_interaction(
        customer,
        new_draft(subject="Fatura", description="Registro uma RECLAMAÇÃO formal."),
    )
    store.create_interaction(customer, new_draft())

    assert protocols(store, customer, Query(text="reclamacao formal")) == [
        found.protocol
    ]
    staff_query = Query(
        box=Box.RECEIVED, text="Reclamacao", organisation_id=customer.organisation_id
    )
    assert protocols(store, agent, staff_query) == [found.protocol]
    assert protocols(store, customer, Query(text="elogio")) == []


def test_filters_by_kind_status_and_category(
    store: Store, agent: User, customer: User, new_draft: DraftMaker
) -> None:
    complaint = store.create_interaction(customer, new_draft(kind=Kind.COMPLAINT))
    compliment = store.create_interaction(customer, new_draft(kind=Kind.COMPLIMENT))
    copy = store.create_interaction(customer, new_draft(category=Category.DATA_COPY))
    store.start(agent, compliment.protocol)

    by_kind = Query(kinds=frozenset({Kind.COMPLAINT, Kind.COMPLIMENT}))
    assert protocols(store, customer, by_kind) == [
        compliment.protocol,
        complaint.protocol,
    ]
    by_status = Query(statuses=frozenset({Status.IN_PROGRESS}))
    assert protocols(store, customer, by_status) == [compliment.protocol]
    both = Query(kinds=frozenset({Kind.REQUEST}), statuses=frozenset({Status.ANALYSIS}))
    assert protocols(store, customer, both) == [copy.protocol]
    by_category = Query(categories=frozenset({Category.DATA_COPY}))
    assert protocols(store, customer, by_category) == [copy.protocol]


def test_pages_split_the_list_and_give_its_total(
    store: Store, customer: User, new_draft: DraftMaker
) -> None:
    made = [store.create_interaction(customer, new_draft()).protocol for _ in range(5)]
    newest_first = sorted(made, reverse=True)

    pages = [
        store.list_interactions(customer, Query(offset=offset, limit=2))
        for offset in (0, 2, 4, 6)
    ]

    assert [[row.protocol for row in page.rows] for page in pages] == [
        newest_first[0:2],
        newest_first[2:4],
        newest_first[4:],
        [],
    ]
    assert [page.total for page in pages] == [5, 5, 5, 5]
    assert [page.offset for page in pages] == [0, 2, 4, 6]


def test_a_row_says_what_the_list_shows(
    store: Store, customer: User, new_draft: DraftMaker
) -> None:
    created = store.create_interaction(
        customer, new_draft(subject="Fatura duplicada", kind=Kind.COMPLAINT)
    )

    [row] = store.list_interactions(customer, Query()).rows

    assert row.protocol == created.protocol
    assert row.subject == "Fatura duplicada"
    assert row.kind is Kind.COMPLAINT
    assert row.status is Status.ANALYSIS
    assert row.author_id == customer.id
    assert row.rejection_count == 0
    assert row.attachment_count == 0
    assert row.deadline.words
