"""Random walks of one interaction through the workflow, against a small model.

Each example opens a new interaction in a store shared by the whole test
(users are created once: hashing their passwords is the slow part) and lets
Hypothesis drive it with the moves of its author, a colleague of the same
organisation, a customer of another one and an agent. The model knows the
status and the rejection count; every move either succeeds as the model
says or is refused with the error the model expects.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from contract_kit import Clock
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    rule,
    run_state_machine_as_test,
)

from data.errors import NotFound, PermissionDenied, SacError, WorkflowError
from data.models import EventKind, Interaction, Status, User
from data.store import Box, Draft, Query, Store

AUTHOR, COLLEAGUE, OUTSIDER, AGENT = "author", "colleague", "outsider", "agent"
PEOPLE = st.sampled_from([AUTHOR, COLLEAGUE, OUTSIDER, AGENT])

# Where each move may start from and where it leads (the contract's table).
MOVES: dict[str, dict[Status, Status]] = {
    "start": {Status.ANALYSIS: Status.IN_PROGRESS},
    "ask": {
        Status.ANALYSIS: Status.AWAITING_CUSTOMER,
        Status.IN_PROGRESS: Status.AWAITING_CUSTOMER,
    },
    "answer": {
        Status.ANALYSIS: Status.ANSWERED,
        Status.IN_PROGRESS: Status.ANSWERED,
        Status.AWAITING_CUSTOMER: Status.ANSWERED,
    },
    "add_info": {Status.AWAITING_CUSTOMER: Status.IN_PROGRESS},
    "accept": {Status.ANSWERED: Status.CONCLUDED},
    "reject": {Status.ANSWERED: Status.IN_PROGRESS},
    "cancel": {Status.ANALYSIS: Status.CANCELLED},
    "add_note": {status: status for status in Status},
}
STAFF_MOVES = {"start", "ask", "answer", "add_note"}

ACTS: dict[str, Callable[[Store, User, int], Interaction]] = {
    "start": lambda store, actor, p: store.start(actor, p),
    "ask": lambda store, actor, p: store.answer(actor, p, "Detalhes?", ask=True),
    "answer": lambda store, actor, p: store.answer(actor, p, "Feito."),
    "add_info": lambda store, actor, p: store.add_info(actor, p, "Mais dados."),
    "accept": lambda store, actor, p: store.accept(actor, p),
    "reject": lambda store, actor, p: store.reject(actor, p, "Não resolveu."),
    "cancel": lambda store, actor, p: store.cancel(actor, p),
    "add_note": lambda store, actor, p: store.add_note(actor, p, "Nota interna."),
}


def expected_refusal(move: str, who: str) -> type[SacError] | None:
    """Who may not make ``move``, whatever the status: checked before it."""
    if move in STAFF_MOVES:
        return None if who == AGENT else PermissionDenied
    if who == OUTSIDER:
        # Another organisation's protocol must look absent, not forbidden.
        return NotFound
    return None if who == AUTHOR else PermissionDenied


def test_random_walks_follow_the_workflow(
    store: Store,
    clock: Clock,
    agent: User,
    customer: User,
    colleague: User,
    outsider: User,
    new_draft: Callable[..., Draft],
) -> None:
    people = {AUTHOR: customer, COLLEAGUE: colleague, OUTSIDER: outsider, AGENT: agent}

    class Walk(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.protocol = store.create_interaction(customer, new_draft()).protocol
            self.status = Status.ANALYSIS
            self.rejections = 0

        def attempt(self, move: str, who: str) -> None:
            refusal = expected_refusal(move, who)
            if refusal is None and self.status not in MOVES[move]:
                refusal = WorkflowError
            try:
                result = ACTS[move](store, people[who], self.protocol)
            except SacError as error:
                assert type(error) is refusal, f"{move} by {who}: {error!r}"
                assert error.message
                return
            assert refusal is None, f"{move} by {who} in {self.status} succeeded"
            self.status = MOVES[move][self.status]
            if move == "reject":
                self.rejections += 1
            assert result.status is self.status
            if not people[who].role.is_staff:
                assert not [e for e in result.timeline if e.internal]

        @rule()
        def start(self) -> None:
            self.attempt("start", AGENT)

        @rule()
        def answer(self) -> None:
            self.attempt("answer", AGENT)

        @rule()
        def ask(self) -> None:
            self.attempt("ask", AGENT)

        @rule()
        def add_note(self) -> None:
            self.attempt("add_note", AGENT)

        @rule()
        def add_info(self) -> None:
            self.attempt("add_info", AUTHOR)

        @rule()
        def accept(self) -> None:
            self.attempt("accept", AUTHOR)

        @rule()
        def reject(self) -> None:
            self.attempt("reject", AUTHOR)

        @rule()
        def cancel(self) -> None:
            self.attempt("cancel", AUTHOR)

        @rule(move=st.sampled_from(sorted(MOVES)), who=PEOPLE)
        def anyone_tries(self, move: str, who: str) -> None:
            self.attempt(move, who)

        @rule()
        def wait_past_auto_conclusion(self) -> None:
            days = store.settings()["auto_conclude_days"]
            clock.advance(timedelta(days=days + 1))

            concluded = store.conclude_overdue()

            assert (self.protocol in concluded) is (self.status is Status.ANSWERED)
            if self.status is Status.ANSWERED:
                self.status = Status.CONCLUDED

        @invariant()
        def staff_see_the_models_status_and_count(self) -> None:
            seen = store.get_interaction(agent, self.protocol)
            assert seen.status is self.status
            assert seen.rejection_count == self.rejections
            rejections = [e for e in seen.timeline if e.kind is EventKind.REJECTED]
            assert len(rejections) == self.rejections

        @invariant()
        def the_status_changes_form_one_chain(self) -> None:
            seen = store.get_interaction(agent, self.protocol)
            changes = [
                (event.data["from"], event.data["to"])
                for event in seen.timeline
                if event.kind is EventKind.STATUS_CHANGED
            ]
            chain = [Status.ANALYSIS.value] + [to for _, to in changes]
            assert [start for start, _ in changes] == chain[:-1]
            assert chain[-1] == self.status.value

        @invariant()
        def customers_never_see_internal_events(self) -> None:
            for person in (customer, colleague):
                seen = store.get_interaction(person, self.protocol)
                assert not [e for e in seen.timeline if e.internal]

        @invariant()
        def the_list_shows_the_same_status(self) -> None:
            [row] = store.list_interactions(
                agent, Query(box=Box.RECEIVED, limit=1)
            ).rows
            assert row.protocol == self.protocol
            assert (row.status, row.rejection_count) == (self.status, self.rejections)

    run_state_machine_as_test(
        Walk,
        settings=settings(
            max_examples=30,
            stateful_step_count=15,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
