"""Who sees and does what: internal notes, other organisations, staff-only moves."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from contract_kit import among

from data.errors import NotFound, PermissionDenied, ValidationError
from data.models import EventKind, Interaction, Organisation, User
from data.store import Box, Draft, Query, Store

DraftMaker = Callable[..., Draft]
ABSENT = 987654


def internal_events(interaction: Interaction) -> list[EventKind]:
    return [event.kind for event in interaction.timeline if event.internal]


# -- internal notes --------------------------------------------------------------


def test_staff_read_internal_notes(
    store: Store, agent: User, admin: User, opened: Interaction
) -> None:
    store.add_note(agent, opened.protocol, "Cliente liga toda semana.")

    for staff in (agent, admin):
        seen = store.get_interaction(staff, opened.protocol)
        notes = [e for e in seen.timeline if e.kind is EventKind.NOTE]
        assert [(n.text, n.internal) for n in notes] == [
            ("Cliente liga toda semana.", True)
        ]


def test_customers_never_read_internal_events(
    store: Store,
    agent: User,
    admin: User,
    customer: User,
    colleague: User,
    opened: Interaction,
) -> None:
    store.add_note(agent, opened.protocol, "Cliente liga toda semana.")
    store.assign(agent, opened.protocol, admin.id)
    store.forward(agent, opened.protocol, "Passo para o financeiro.", team="Financeiro")
    store.answer(agent, opened.protocol, "Segue a segunda via.")

    staff_view = store.get_interaction(agent, opened.protocol)
    assert set(internal_events(staff_view)) >= {
        EventKind.NOTE,
        EventKind.ASSIGNED,
        EventKind.FORWARDED,
    }
    for person in (customer, colleague):
        seen = store.get_interaction(person, opened.protocol)
        assert internal_events(seen) == []
        assert all("Cliente liga" not in event.text for event in seen.timeline)
        assert all("financeiro" not in event.text for event in seen.timeline)
    returned = store.reject(customer, opened.protocol, "Faltou o código de barras.")
    assert internal_events(returned) == []
    assert EventKind.ANSWERED in [e.kind for e in returned.timeline]


def test_customers_cannot_write_internal_notes(
    store: Store, agent: User, customer: User, opened: Interaction
) -> None:
    with pytest.raises(PermissionDenied):
        store.add_note(customer, opened.protocol, "Quero ver isto.")

    assert internal_events(store.get_interaction(agent, opened.protocol)) == []


def test_a_note_needs_a_text(store: Store, agent: User, opened: Interaction) -> None:
    with pytest.raises(ValidationError) as caught:
        store.add_note(agent, opened.protocol, " ")

    assert caught.value.field == "text"


# -- other organisations ---------------------------------------------------------


def test_another_organisations_protocol_looks_absent(
    store: Store, outsider: User, opened: Interaction
) -> None:
    with pytest.raises(NotFound) as foreign:
        store.get_interaction(outsider, opened.protocol)
    with pytest.raises(NotFound) as absent:
        store.get_interaction(outsider, ABSENT)

    assert foreign.value.message.replace(str(opened.protocol), "#") == (
        absent.value.message.replace(str(ABSENT), "#")
    )
    assert foreign.value.field == absent.value.field


def test_another_organisations_interactions_are_left_out_of_every_list(
    store: Store,
    agent: User,
    pdc_org: Organisation,
    customer: User,
    outsider: User,
    new_draft: DraftMaker,
) -> None:
    sent = store.create_interaction(customer, new_draft(subject="Reclamação de Ana"))
    towards = store.create_interaction(
        agent,
        new_draft(subject="Reclamação geral", towards_organisation=pdc_org.id),
    )

    for box in Box:
        for text in ("", "reclamacao"):
            page = store.list_interactions(outsider, Query(box=box, text=text))
            assert (page.rows, page.total) == ([], 0)
    received = store.list_interactions(agent, Query(box=Box.RECEIVED)).rows
    mine = among([row.protocol for row in received], sent.protocol, towards.protocol)
    assert mine == [sent.protocol]


@pytest.mark.parametrize(
    "act",
    [
        lambda store, who, p: store.accept(who, p),
        lambda store, who, p: store.reject(who, p, "Não gostei."),
        lambda store, who, p: store.cancel(who, p),
        lambda store, who, p: store.add_info(who, p, "Mais dados."),
    ],
    ids=["accept", "reject", "cancel", "add_info"],
)
def test_acting_on_another_organisations_protocol_finds_nothing(
    store: Store,
    agent: User,
    outsider: User,
    opened: Interaction,
    act: Callable[[Store, User, int], Interaction],
) -> None:
    with pytest.raises(NotFound):
        act(store, outsider, opened.protocol)

    assert store.get_interaction(agent, opened.protocol).timeline == opened.timeline


def test_another_organisations_attachments_cannot_be_saved(
    store: Store,
    outsider: User,
    customer: User,
    new_draft: DraftMaker,
    tmp_path: Path,
) -> None:
    source = tmp_path / "contrato.pdf"
    source.write_bytes(b"%PDF contrato")
    created = store.create_interaction(customer, new_draft(attachments=[source]))
    folder = tmp_path / "saida"
    folder.mkdir()

    with pytest.raises(NotFound):
        store.save_attachment(
            outsider, created.protocol, created.attachments[0].id, folder
        )
    with pytest.raises(NotFound):
        store.add_attachment(outsider, created.protocol, source)

    assert list(folder.iterdir()) == []


def test_staff_see_every_organisation(
    store: Store,
    agent: User,
    customer: User,
    outsider: User,
    new_draft: DraftMaker,
) -> None:
    first = store.create_interaction(customer, new_draft()).protocol
    second = store.create_interaction(outsider, new_draft()).protocol

    assert store.get_interaction(agent, first).author_id == customer.id
    assert store.get_interaction(agent, second).author_id == outsider.id


# -- staff-only moves ------------------------------------------------------------


@pytest.mark.parametrize(
    "act",
    [
        lambda store, who, staff, p: store.start(who, p),
        lambda store, who, staff, p: store.answer(who, p, "Resolvido."),
        lambda store, who, staff, p: store.answer(who, p, "Detalhes?", ask=True),
        lambda store, who, staff, p: store.assign(who, p, staff.id),
        lambda store, who, staff, p: store.forward(who, p, "Vai.", to_user=staff.id),
        lambda store, who, staff, p: store.queue_counts(who),
        lambda store, who, staff, p: store.list_users(who),
    ],
    ids=["start", "answer", "ask", "assign", "forward", "queue_counts", "list_users"],
)
def test_customers_cannot_do_the_support_teams_work(
    store: Store,
    agent: User,
    customer: User,
    opened: Interaction,
    act: Callable[[Store, User, User, int], object],
) -> None:
    with pytest.raises(PermissionDenied) as caught:
        act(store, customer, agent, opened.protocol)

    assert caught.value.message
    assert store.get_interaction(agent, opened.protocol).timeline == opened.timeline


def test_interactions_are_assigned_to_active_staff_only(
    store: Store, admin: User, agent: User, customer: User, opened: Interaction
) -> None:
    with pytest.raises(ValidationError) as to_customer:
        store.assign(agent, opened.protocol, customer.id)
    store.deactivate(admin, agent.id)
    with pytest.raises(ValidationError) as to_inactive:
        store.assign(admin, opened.protocol, agent.id)

    assert to_customer.value.field == to_inactive.value.field == "assignee"
    assert store.assign(admin, opened.protocol, admin.id).assignee_id == admin.id
