"""Demo data: what someone trying the console out sees in a demo helpdesk."""

from __future__ import annotations

import hashlib
import random
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from data.deadlines import SAO_PAULO, DeadlineState
from data.demo import (
    DEMO_ACCOUNTS,
    DEMO_PASSWORD,
    DemoSummary,
    generate_interactions,
    populate,
)
from data.helpdesk import Helpdesk
from data.i18n import _
from data.models import (
    Category,
    Direction,
    EventKind,
    Interaction,
    Kind,
    Organisation,
    Permission,
    Product,
    Role,
    Severity,
    Stage,
    Status,
    User,
)
from data.passwords import check_new_password
from data.store import Box, Query
from data.validation import normalise_phone
from data.workflow import Action, path

# A Wednesday afternoon: the demo's history ends here.
NOW = datetime(2026, 3, 18, 15, 20, tzinfo=SAO_PAULO)

# The queue's order, most urgent first; answered ones share the last place.
URGENCY = {
    DeadlineState.LATE: 0,
    DeadlineState.DUE_SOON: 1,
    DeadlineState.ON_TIME: 2,
    DeadlineState.PAUSED: 3,
    DeadlineState.MET_LATE: 4,
    DeadlineState.MET: 4,
}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Helpdesk, DemoSummary]:
    helpdesk = Helpdesk(tmp_path_factory.mktemp("demo"), clock=lambda: NOW)
    return helpdesk, populate(helpdesk, now=NOW)


@pytest.fixture(scope="module")
def helpdesk(demo: tuple[Helpdesk, DemoSummary]) -> Helpdesk:
    return demo[0]


@pytest.fixture(scope="module")
def interactions(helpdesk: Helpdesk) -> list[Interaction]:
    return list(helpdesk.repository.all_interactions())


def user_by_email(helpdesk: Helpdesk, email: str) -> User:
    user = helpdesk.repository.user_by_email(email)
    assert user is not None, email
    return user.public()


def allowed_steps() -> set[tuple[Status, Status]]:
    """Every single status change some workflow action makes."""
    steps = set()
    for action in Action:
        for start in Status:
            try:
                walked = path(start, action)
            except Exception:
                continue
            for before, after in zip((start, *walked), walked, strict=False):
                steps.add((before, after))
    return steps


# -- what is there -----------------------------------------------------------------


def test_every_status_category_and_kind_is_there(
    demo: tuple[Helpdesk, DemoSummary], interactions: list[Interaction]
) -> None:
    _, summary = demo

    assert len(interactions) == summary.interactions == 300
    assert {i.status for i in interactions} == set(Status)
    assert {i.category for i in interactions} == set(Category)
    assert {i.kind for i in interactions} == set(Kind)
    assert summary.statuses == Counter(i.status for i in interactions)
    assert 5 <= summary.organisations <= 6
    assert 12 <= summary.users <= 15


def test_interactions_spread_over_the_last_four_months(
    interactions: list[Interaction],
) -> None:
    opened = [i.created_at for i in interactions]

    assert opened == sorted(opened)
    assert NOW - timedelta(days=121) < opened[0] < NOW - timedelta(days=60)
    assert NOW - timedelta(days=1) < opened[-1] <= NOW
    assert [i.protocol for i in interactions] == list(range(1, 301))


def test_support_pdc_and_update_carry_their_own_fields(
    helpdesk: Helpdesk, interactions: list[Interaction]
) -> None:
    pdc_organisations = {o.id for o in helpdesk.repository.organisations() if o.pdc}
    support = [i for i in interactions if i.category is Category.SUPPORT]
    updates = [i for i in interactions if i.category is Category.UPDATE]

    assert {i.severity for i in support} == {Severity.CRITICAL, Severity.MEDIUM}
    assert any(i.on_site for i in support)
    assert all(
        i.severity is None and not i.on_site
        for i in interactions
        if i.category is not Category.SUPPORT
    )
    assert all(
        i.organisation_id in pdc_organisations
        for i in interactions
        if i.category is Category.PDC
    )
    for update in updates:
        assert update.wished_date is not None
        assert update.wished_date.weekday() <= 2  # Monday to Wednesday
        assert update.wished_date >= update.created_at.date() + timedelta(days=7)
    assert all(i.wished_date is None for i in interactions if i not in updates)


def test_texts_are_portuguese_and_long_enough(
    interactions: list[Interaction],
) -> None:
    subjects = {i.subject for i in interactions}

    assert len(subjects) > 150
    assert all(0 < len(i.subject) <= 120 for i in interactions)
    assert all(150 <= len(i.description) <= 1000 for i in interactions)
    assert all("{" not in i.subject + i.description for i in interactions)
    assert any("GPE" in i.description for i in interactions)


# -- people -------------------------------------------------------------------------


def test_every_demo_account_logs_in_with_the_demo_password(
    helpdesk: Helpdesk,
) -> None:
    roles = {
        "Administrator": Role.ADMIN,
        "Agent": Role.AGENT,
        "Customer": Role.CUSTOMER,
    }

    for label, email in DEMO_ACCOUNTS:
        user = helpdesk.login(email, DEMO_PASSWORD).user

        assert user.email == email
        assert user.role is roles[label]
        assert user.role.label == _(label)


def test_demo_accounts_cover_every_role_and_three_organisations(
    helpdesk: Helpdesk,
) -> None:
    users = [user_by_email(helpdesk, email) for _label, email in DEMO_ACCOUNTS]
    customers = [u for u in users if u.role is Role.CUSTOMER]

    assert sum(u.role is Role.ADMIN for u in users) >= 1
    assert sum(u.role is Role.AGENT for u in users) >= 2
    assert len({c.organisation_id for c in customers}) == len(customers) == 3
    agents = [u for u in users if u.role is Role.AGENT]
    assert agents[0].can(Permission.BACKUP)
    assert not any(agent.can(Permission.BACKUP) for agent in agents[1:])


def test_the_demo_password_passes_the_rules_for_everyone(
    helpdesk: Helpdesk,
) -> None:
    users = helpdesk.repository.users()

    assert {u.role for u in users} == set(Role)
    for user in users:
        check_new_password(DEMO_PASSWORD, name=user.name, email=user.email)
        assert user.phone == normalise_phone(user.phone)
        assert user.created_at < NOW - timedelta(days=14)


def test_organisations_are_at_various_stages(helpdesk: Helpdesk) -> None:
    organisations = helpdesk.repository.organisations()
    staff = {u.id for u in helpdesk.repository.users() if u.role.is_staff}
    order = list(Stage)

    assert len({o.stage for o in organisations}) >= 3
    assert {o.pdc for o in organisations} == {True, False}
    for organisation in organisations:
        history = organisation.stage_history
        assert organisation.products
        assert organisation.consultant_id in staff
        assert history[-1].stage is organisation.stage
        assert [order.index(s.stage) for s in history] == list(range(len(history)))
        assert [s.started_on for s in history] == sorted(s.started_on for s in history)
    gpe = next(p for o in organisations for p in o.products if p.code == "GPE")
    assert "Gestão de Processos Eletrônicos" in gpe.description


# -- boxes and the queue -------------------------------------------------------------


def test_a_customers_sent_box_holds_only_their_organisations_items(
    helpdesk: Helpdesk,
) -> None:
    for label, email in DEMO_ACCOUNTS:
        if label != "Customer":
            continue
        customer = user_by_email(helpdesk, email)

        page = helpdesk.list_interactions(customer, Query(box=Box.SENT, limit=1000))

        assert page.total > 0
        assert {row.organisation_id for row in page.rows} == {customer.organisation_id}
        assert {row.author_id for row in page.rows} == {customer.id}


def test_staff_opened_interactions_land_in_the_organisations_received_box(
    helpdesk: Helpdesk, interactions: list[Interaction]
) -> None:
    towards = [i for i in interactions if i.direction is Direction.TO_CUSTOMER]
    staff = {u.id for u in helpdesk.repository.users() if u.role.is_staff}
    target = towards[-1]
    customer = next(
        u.public()
        for u in helpdesk.repository.users()
        if u.organisation_id == target.organisation_id
    )

    page = helpdesk.list_interactions(customer, Query(box=Box.RECEIVED, limit=1000))

    assert {i.author_id for i in towards} <= staff
    assert target.protocol in {row.protocol for row in page.rows}
    assert {row.organisation_id for row in page.rows} == {customer.organisation_id}


def test_the_staff_queue_puts_late_interactions_first(helpdesk: Helpdesk) -> None:
    agent = user_by_email(helpdesk, DEMO_ACCOUNTS[2][1])

    rows = helpdesk.list_interactions(agent, Query(box=Box.QUEUE, limit=1000)).rows
    keys = [(URGENCY[r.deadline.state], r.deadline.due_at) for r in rows]

    assert len(rows) >= 20
    assert rows[0].deadline.state is DeadlineState.LATE
    assert keys == sorted(keys)
    assert all(r.status.is_open and r.direction is Direction.TO_VENDOR for r in rows)
    assert {DeadlineState.LATE, DeadlineState.ON_TIME, DeadlineState.MET} <= {
        r.deadline.state for r in rows
    }


def test_most_first_responses_are_on_time_and_a_few_late(
    helpdesk: Helpdesk, interactions: list[Interaction]
) -> None:
    answered = [i for i in interactions if i.first_response_at is not None]
    states = Counter(helpdesk.deadline(i).state for i in answered)

    assert states[DeadlineState.MET_LATE] > 0
    assert states[DeadlineState.MET] > 0.8 * len(answered)


def test_no_answer_is_old_enough_to_conclude_at_the_next_login(
    helpdesk: Helpdesk,
) -> None:
    assert helpdesk.conclude_overdue() == []


# -- timelines ------------------------------------------------------------------------


def test_timelines_replay_through_the_workflow(
    interactions: list[Interaction],
) -> None:
    steps = allowed_steps()

    for interaction in interactions:
        status = Status.ANALYSIS
        for event in interaction.timeline:
            if event.kind is EventKind.STATUS_CHANGED:
                after = Status(event.data["to"])
                assert event.data["from"] == status.value, interaction.protocol
                assert (status, after) in steps, interaction.protocol
                status = after
        assert status is interaction.status, interaction.protocol


def test_timelines_are_in_order_and_end_at_the_last_change(
    interactions: list[Interaction],
) -> None:
    for interaction in interactions:
        instants = [event.at for event in interaction.timeline]

        assert interaction.timeline[0].kind is EventKind.CREATED
        assert instants == sorted(instants), interaction.protocol
        assert interaction.created_at == instants[0]
        assert instants[-1] <= NOW
        assert interaction.updated_at == instants[-1]


def test_answers_and_rejections_match_the_timeline(
    interactions: list[Interaction],
) -> None:
    for interaction in interactions:
        answers = [e.at for e in interaction.timeline if e.kind is EventKind.ANSWERED]
        reached = [
            e.at
            for e in interaction.timeline
            if e.kind is EventKind.STATUS_CHANGED and e.data["to"] == "answered"
        ]
        rejections = [e for e in interaction.timeline if e.kind is EventKind.REJECTED]

        # Asking the customer pauses the clock; only an answer responds.
        assert interaction.first_response_at == (answers[0] if answers else None)
        assert interaction.answered_at == (reached[-1] if reached else None)
        assert interaction.rejection_count == len(rejections)
        assert [e.data["count"] for e in rejections] == list(
            range(1, len(rejections) + 1)
        )
        assert all(e.text for e in rejections)
    assert any(i.rejection_count > 1 for i in interactions)


def test_automatic_conclusions_come_a_week_after_the_answer(
    helpdesk: Helpdesk, interactions: list[Interaction]
) -> None:
    wait = timedelta(days=helpdesk.config.auto_conclude_days)
    automatic = [
        (i, e)
        for i in interactions
        for e in i.timeline
        if e.kind is EventKind.STATUS_CHANGED and e.data.get("automatic")
    ]

    assert automatic
    for interaction, event in automatic:
        assert event.actor_id is None
        assert event.data["to"] == "concluded"
        assert interaction.answered_at is not None
        assert event.at >= interaction.answered_at + wait


def test_staff_record_for_customers_note_and_forward(
    helpdesk: Helpdesk, interactions: list[Interaction]
) -> None:
    staff = {u.id for u in helpdesk.repository.users() if u.role.is_staff}
    events = [(i, e) for i in interactions for e in i.timeline]
    on_behalf = [(i, e) for i, e in events if e.kind is EventKind.RECORDED_ON_BEHALF]
    kinds = Counter(e.kind for _i, e in events)

    assert on_behalf
    for interaction, event in on_behalf:
        assert event.actor_id in staff
        assert event.data["customer_id"] == interaction.author_id
    assert kinds[EventKind.NOTE] and kinds[EventKind.FORWARDED]
    assert kinds[EventKind.ASSIGNED] and kinds[EventKind.CANCELLED]
    assert all(
        e.internal
        for _i, e in events
        if e.kind in (EventKind.NOTE, EventKind.FORWARDED, EventKind.ASSIGNED)
    )


def test_customers_never_read_internal_notes(
    helpdesk: Helpdesk, interactions: list[Interaction]
) -> None:
    noted = next(
        i
        for i in interactions
        if i.direction is Direction.TO_VENDOR
        and any(e.kind is EventKind.NOTE for e in i.timeline)
    )
    author = helpdesk.repository.get_user(noted.author_id)
    assert author is not None

    seen = helpdesk.get_interaction(author.public(), noted.protocol)

    assert EventKind.NOTE not in {e.kind for e in seen.timeline}


# -- attachments and notifications ---------------------------------------------------


def test_attachments_are_real_files_with_their_hashes(
    helpdesk: Helpdesk, interactions: list[Interaction], tmp_path: Path
) -> None:
    attached = [(i, a) for i in interactions for a in i.attachments]

    assert len(attached) >= 5
    for interaction, attachment in attached:
        content = helpdesk.repository.attachment_path(attachment.id).read_bytes()
        added = [
            e
            for e in interaction.timeline
            if e.kind is EventKind.ATTACHMENT_ADDED
            and e.data["attachment_id"] == attachment.id
        ]
        assert hashlib.sha256(content).hexdigest() == attachment.sha256
        assert len(content) == attachment.size
        assert len(added) == 1

    interaction, attachment = attached[0]
    admin = user_by_email(helpdesk, DEMO_ACCOUNTS[0][1])
    saved = helpdesk.save_attachment(
        admin, interaction.protocol, attachment.id, tmp_path
    )
    assert saved.name == attachment.name
    assert hashlib.sha256(saved.read_bytes()).hexdigest() == attachment.sha256


def test_demo_customers_have_notifications_some_unread(helpdesk: Helpdesk) -> None:
    for label, email in DEMO_ACCOUNTS:
        if label != "Customer":
            continue
        customer = user_by_email(helpdesk, email)

        notes = helpdesk.notifications(customer)

        assert notes
        assert all(str(n.protocol) in n.text for n in notes)
        assert all(n.at <= NOW for n in notes)
    staff_unread = helpdesk.unread_count(user_by_email(helpdesk, DEMO_ACCOUNTS[1][1]))
    customer_unread = [
        helpdesk.unread_count(user_by_email(helpdesk, email))
        for label, email in DEMO_ACCOUNTS
        if label == "Customer"
    ]
    assert staff_unread + sum(customer_unread) > 0


def test_populate_refuses_a_store_that_has_data(helpdesk: Helpdesk) -> None:
    before = len(helpdesk.repository.users())

    with pytest.raises(ValueError, match="empty"):
        populate(helpdesk, now=NOW)

    assert len(helpdesk.repository.users()) == before


# -- the generator on its own ----------------------------------------------------------


def people() -> tuple[list[Organisation], list[User], list[User]]:
    """Two organisations, one with PDC, and their people, in memory only."""
    long_ago = NOW - timedelta(days=400)
    organisations = [
        Organisation(1, "Prefeitura de Teste", long_ago, [Product("GPE")], pdc=True),
        Organisation(2, "Empresa de Teste", long_ago, [Product("BS Studio")]),
    ]
    customers = [
        User(
            10 + n,
            f"Cliente Teste {n}",
            f"c{n}@teste.br",
            Role.CUSTOMER,
            long_ago,
            organisation_id=1 + n % 2,
        )
        for n in range(4)
    ]
    agents = [
        User(n, f"Agente Teste {n}", f"a{n}@backsite.com.br", Role.AGENT, long_ago)
        for n in (1, 2)
    ]
    return organisations, customers, agents


def generate(seed: int, count: int) -> list[Interaction]:
    organisations, customers, agents = people()
    return list(
        generate_interactions(
            random.Random(seed),
            count=count,
            start_protocol=1000,
            organisations=organisations,
            customers=customers,
            agents=agents,
            now=NOW,
        )
    )


def test_the_generator_needs_no_store_and_repeats_itself() -> None:
    first = generate(3, 200)

    assert [i.protocol for i in first] == list(range(1000, 1200))
    assert [i.to_dict() for i in first] == [i.to_dict() for i in generate(3, 200)]
    assert [i.to_dict() for i in first] != [i.to_dict() for i in generate(4, 200)]
    for attachment in (a for i in first for a in i.attachments):
        assert len(attachment.sha256) == 64 and attachment.size > 0


def test_the_generator_covers_every_status_even_when_few() -> None:
    few = generate(5, 30)

    assert {i.status for i in few} == set(Status)
    assert {i.category for i in few} == set(Category)
    assert {i.kind for i in few} == set(Kind)


def test_the_generator_wants_a_repository_for_real_files() -> None:
    organisations, customers, agents = people()

    with pytest.raises(ValueError, match="repository"):
        next(
            generate_interactions(
                random.Random(1),
                count=1,
                start_protocol=1,
                organisations=organisations,
                customers=customers,
                agents=agents,
                now=NOW,
                real_files=True,
            )
        )
