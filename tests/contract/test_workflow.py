"""The status workflow through the store: each move, who makes it, and when not."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from contract_kit import START, Clock, StoreFactory, among, first_admin

from data.errors import PermissionDenied, ValidationError, WorkflowError
from data.helpdesk import Settings
from data.models import EventKind, Interaction, Role, Status, User
from data.store import Draft, Store

DraftMaker = Callable[..., Draft]
Move = Callable[[Store, User, User, int], Interaction]

# Each move, made by the person entitled to make it.
MOVES: dict[str, Move] = {
    "start": lambda store, agent, customer, p: store.start(agent, p),
    "ask": lambda store, agent, customer, p: store.answer(
        agent, p, "Qual o número da nota?", ask=True
    ),
    "answer": lambda store, agent, customer, p: store.answer(agent, p, "Resolvido."),
    "add_info": lambda store, agent, customer, p: store.add_info(
        customer, p, "Nota 4521."
    ),
    "accept": lambda store, agent, customer, p: store.accept(customer, p),
    "reject": lambda store, agent, customer, p: store.reject(
        customer, p, "Continua com erro."
    ),
    "cancel": lambda store, agent, customer, p: store.cancel(customer, p),
}

# How to bring a new interaction to each status.
ROUTES: dict[Status, list[str]] = {
    Status.ANALYSIS: [],
    Status.IN_PROGRESS: ["start"],
    Status.AWAITING_CUSTOMER: ["ask"],
    Status.ANSWERED: ["answer"],
    Status.CONCLUDED: ["answer", "accept"],
    Status.CANCELLED: ["cancel"],
}

# What the workflow allows, and where each allowed move leads.
ALLOWED: dict[Status, dict[str, Status]] = {
    Status.ANALYSIS: {
        "start": Status.IN_PROGRESS,
        "ask": Status.AWAITING_CUSTOMER,
        "answer": Status.ANSWERED,
        "cancel": Status.CANCELLED,
    },
    Status.IN_PROGRESS: {"ask": Status.AWAITING_CUSTOMER, "answer": Status.ANSWERED},
    Status.AWAITING_CUSTOMER: {
        "add_info": Status.IN_PROGRESS,
        "answer": Status.ANSWERED,
    },
    Status.ANSWERED: {"accept": Status.CONCLUDED, "reject": Status.IN_PROGRESS},
    Status.CONCLUDED: {},
    Status.CANCELLED: {},
}


def status_changes(interaction: Interaction) -> list[tuple[str, str]]:
    return [
        (event.data["from"], event.data["to"])
        for event in interaction.timeline
        if event.kind is EventKind.STATUS_CHANGED
    ]


def bring_to(
    store: Store,
    agent: User,
    customer: User,
    new_draft: DraftMaker,
    status: Status,
) -> int:
    protocol = store.create_interaction(customer, new_draft()).protocol
    for move in ROUTES[status]:
        MOVES[move](store, agent, customer, protocol)
    assert store.get_interaction(agent, protocol).status is status
    return protocol


@pytest.mark.parametrize("status", list(Status))
def test_each_move_is_allowed_only_where_the_workflow_says(
    store: Store,
    agent: User,
    customer: User,
    new_draft: DraftMaker,
    status: Status,
) -> None:
    outcomes: dict[str, Status | str] = {}
    for move in MOVES:
        protocol = bring_to(store, agent, customer, new_draft, status)
        before = store.get_interaction(agent, protocol)
        try:
            outcomes[move] = MOVES[move](store, agent, customer, protocol).status
        except WorkflowError as refusal:
            assert refusal.message
            outcomes[move] = "refused"
            after = store.get_interaction(agent, protocol)
            assert after.status is status
            assert after.timeline == before.timeline

    expected = {move: ALLOWED[status].get(move, "refused") for move in MOVES}
    assert outcomes == expected


@pytest.mark.parametrize(
    ("status", "words"),
    [(Status.CONCLUDED, "concluded"), (Status.CANCELLED, "cancelled")],
)
def test_a_closed_interaction_says_it_is_closed(
    store: Store,
    agent: User,
    customer: User,
    new_draft: DraftMaker,
    status: Status,
    words: str,
) -> None:
    protocol = bring_to(store, agent, customer, new_draft, status)

    with pytest.raises(WorkflowError) as caught:
        store.answer(agent, protocol, "Mais uma resposta.")

    assert words in caught.value.message


def test_start_assigns_the_agent_and_notifies_the_author(
    store: Store, agent: User, customer: User, opened: Interaction
) -> None:
    started = store.start(agent, opened.protocol)

    assert started.status is Status.IN_PROGRESS
    assert started.assignee_id == agent.id
    assert status_changes(started) == [("analysis", "in_progress")]
    [notification] = store.notifications(customer)
    assert notification.protocol == opened.protocol


def test_answer_walks_through_in_progress_to_answered(
    store: Store, clock: Clock, agent: User, customer: User, opened: Interaction
) -> None:
    clock.advance(timedelta(hours=2))

    answered = store.answer(agent, opened.protocol, "Segue a segunda via em anexo.")

    assert answered.status is Status.ANSWERED
    assert status_changes(answered) == [
        ("analysis", "in_progress"),
        ("in_progress", "answered"),
    ]
    assert answered.first_response_at == START + timedelta(hours=2)
    assert answered.assignee_id == agent.id
    seen = store.get_interaction(customer, opened.protocol)
    answers = [e for e in seen.timeline if e.kind is EventKind.ANSWERED]
    assert [e.text for e in answers] == ["Segue a segunda via em anexo."]
    assert "answered" in store.notifications(customer)[0].text


def test_an_answer_needs_a_text(store: Store, agent: User, opened: Interaction) -> None:
    with pytest.raises(ValidationError) as caught:
        store.answer(agent, opened.protocol, "  ")

    assert caught.value.field == "text"
    assert store.get_interaction(agent, opened.protocol).status is Status.ANALYSIS


def test_ask_waits_for_the_customer_and_add_info_resumes(
    store: Store, agent: User, customer: User, opened: Interaction
) -> None:
    asked = store.answer(agent, opened.protocol, "Qual o número da nota?", ask=True)
    assert asked.status is Status.AWAITING_CUSTOMER
    assert "asked for information" in store.notifications(customer)[0].text

    resumed = store.add_info(customer, opened.protocol, "Nota 4521.")

    assert resumed.status is Status.IN_PROGRESS
    assert status_changes(resumed)[-1] == ("awaiting_customer", "in_progress")
    kinds = [e.kind for e in resumed.timeline]
    assert EventKind.INFO_REQUESTED in kinds
    assert EventKind.INFO_ADDED in kinds
    assert "added information" in store.notifications(agent)[0].text


def test_only_the_author_adds_information(
    store: Store, agent: User, customer: User, colleague: User, opened: Interaction
) -> None:
    store.answer(agent, opened.protocol, "Qual o número da nota?", ask=True)

    for someone in (agent, colleague):
        with pytest.raises(PermissionDenied):
            store.add_info(someone, opened.protocol, "Nota 4521.")
    with pytest.raises(ValidationError) as caught:
        store.add_info(customer, opened.protocol, "")

    assert caught.value.field == "text"
    status = store.get_interaction(agent, opened.protocol).status
    assert status is Status.AWAITING_CUSTOMER


def test_accept_concludes(
    store: Store, agent: User, customer: User, opened: Interaction
) -> None:
    store.answer(agent, opened.protocol, "Segue a segunda via.")

    accepted = store.accept(customer, opened.protocol)

    assert accepted.status is Status.CONCLUDED
    assert accepted.timeline[-1].kind is EventKind.ACCEPTED
    assert status_changes(accepted)[-1] == ("answered", "concluded")


def test_reject_needs_a_reason(
    store: Store, agent: User, customer: User, opened: Interaction
) -> None:
    store.answer(agent, opened.protocol, "Segue a segunda via.")

    for reason in ("", "   "):
        with pytest.raises(ValidationError) as caught:
            store.reject(customer, opened.protocol, reason)
        assert caught.value.field == "reason"
        assert "required" in caught.value.message

    unchanged = store.get_interaction(customer, opened.protocol)
    assert unchanged.status is Status.ANSWERED
    assert unchanged.rejection_count == 0


def test_reject_counts_keeps_the_reason_and_returns_to_handling(
    store: Store, agent: User, customer: User, opened: Interaction
) -> None:
    store.answer(agent, opened.protocol, "Segue a segunda via.")

    rejected = store.reject(customer, opened.protocol, "O boleto veio sem código.")

    assert rejected.status is Status.IN_PROGRESS
    assert rejected.rejection_count == 1
    assert status_changes(rejected)[-1] == ("answered", "in_progress")
    seen = store.get_interaction(customer, opened.protocol)
    reasons = [e.text for e in seen.timeline if e.kind is EventKind.REJECTED]
    assert reasons == ["O boleto veio sem código."]
    assert "rejected" in store.notifications(agent)[0].text

    store.answer(agent, opened.protocol, "Agora com o código.")
    again = store.reject(customer, opened.protocol, "Código ilegível.")
    assert again.rejection_count == 2
    store.answer(agent, opened.protocol, "Código em texto.")
    final = store.accept(customer, opened.protocol)
    assert (final.status, final.rejection_count) == (Status.CONCLUDED, 2)


def test_only_the_author_accepts_or_rejects(
    store: Store, agent: User, colleague: User, opened: Interaction
) -> None:
    store.answer(agent, opened.protocol, "Segue a segunda via.")

    for someone in (agent, colleague):
        with pytest.raises(PermissionDenied):
            store.accept(someone, opened.protocol)
        with pytest.raises(PermissionDenied):
            store.reject(someone, opened.protocol, "Não gostei.")

    assert store.get_interaction(agent, opened.protocol).status is Status.ANSWERED


def test_the_author_cancels_while_in_analysis(
    store: Store, customer: User, opened: Interaction
) -> None:
    cancelled = store.cancel(customer, opened.protocol)

    assert cancelled.status is Status.CANCELLED
    assert status_changes(cancelled) == [("analysis", "cancelled")]


def test_only_the_author_cancels(
    store: Store, agent: User, admin: User, colleague: User, opened: Interaction
) -> None:
    for someone in (agent, admin, colleague):
        with pytest.raises(PermissionDenied):
            store.cancel(someone, opened.protocol)

    assert store.get_interaction(agent, opened.protocol).status is Status.ANALYSIS


def test_nobody_cancels_once_handling_started(
    store: Store, agent: User, customer: User, opened: Interaction
) -> None:
    store.start(agent, opened.protocol)

    with pytest.raises(WorkflowError) as caught:
        store.cancel(customer, opened.protocol)

    assert "analysis" in caught.value.message


# -- concluding by itself --------------------------------------------------------


def test_an_unaccepted_answer_concludes_after_the_set_days(
    store: Store, clock: Clock, agent: User, customer: User, opened: Interaction
) -> None:
    days = store.settings()["auto_conclude_days"]
    store.answer(agent, opened.protocol, "Segue a segunda via.")

    clock.advance(timedelta(days=days) - timedelta(minutes=1))
    assert among(store.conclude_overdue(), opened.protocol) == []
    assert store.get_interaction(customer, opened.protocol).status is Status.ANSWERED

    clock.advance(timedelta(minutes=1))
    assert among(store.conclude_overdue(), opened.protocol) == [opened.protocol]
    concluded = store.get_interaction(customer, opened.protocol)
    assert concluded.status is Status.CONCLUDED
    assert status_changes(concluded)[-1] == ("answered", "concluded")
    assert store.conclude_overdue() == []
    with pytest.raises(WorkflowError):
        store.reject(customer, opened.protocol, "Tarde demais?")


def test_auto_conclusion_follows_the_settings(
    store_factory: StoreFactory, new_draft: DraftMaker
) -> None:
    rig = store_factory(Settings(auto_conclude_days=2))
    admin = first_admin(rig.store)
    agent = rig.store.add_user(
        admin,
        name="Bruno Carvalho",
        email="bruno@backsite.com.br",
        role=Role.AGENT,
        password="granito-violeta-2718",
    )
    organisation = rig.store.create_organisation(admin, name="Maré Alta Turismo")
    protocol = rig.store.create_interaction(
        agent, new_draft(towards_organisation=organisation.id)
    ).protocol
    rig.store.answer(agent, protocol, "Resposta.")

    rig.clock.advance(timedelta(days=2))

    assert rig.store.settings()["auto_conclude_days"] == 2
    assert among(rig.store.conclude_overdue(), protocol) == [protocol]


def test_auto_conclusion_counts_from_the_answer_not_from_later_notes(
    store: Store, clock: Clock, agent: User, customer: User, opened: Interaction
) -> None:
    days = store.settings()["auto_conclude_days"]
    store.answer(agent, opened.protocol, "Segue a segunda via.")
    clock.advance(timedelta(days=days - 1))
    store.add_note(agent, opened.protocol, "Cliente não respondeu ainda.")

    clock.advance(timedelta(days=1))

    assert among(store.conclude_overdue(), opened.protocol) == [opened.protocol]


@pytest.mark.parametrize("status", [Status.IN_PROGRESS, Status.AWAITING_CUSTOMER])
def test_only_answered_interactions_conclude_by_themselves(
    store: Store,
    clock: Clock,
    agent: User,
    customer: User,
    new_draft: DraftMaker,
    status: Status,
) -> None:
    protocol = bring_to(store, agent, customer, new_draft, status)

    clock.advance(timedelta(days=60))

    assert among(store.conclude_overdue(), protocol) == []
    assert store.get_interaction(agent, protocol).status is status
