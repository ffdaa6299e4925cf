"""Opening interactions: protocols, each category's fields, attachments."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import pytest
from contract_kit import START, Clock, Rig, StoreFactory, first_admin

from data.deadlines import SAO_PAULO
from data.errors import NotFound, PermissionDenied, ValidationError, WorkflowError
from data.helpdesk import Settings
from data.models import (
    Category,
    Direction,
    EventKind,
    Interaction,
    Kind,
    Organisation,
    Severity,
    Status,
    User,
)
from data.store import Draft, Query, Store

DraftMaker = Callable[..., Draft]


def refused(store: Store, actor: User, draft: Draft) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        store.create_interaction(actor, draft)
    return caught.value


def sent_total(store: Store, actor: User) -> int:
    return store.list_interactions(actor, Query()).total


def files_under(folder: Path) -> set[Path]:
    return {path for path in folder.rglob("*") if path.is_file()}


# -- protocols -------------------------------------------------------------------


def test_a_new_interaction_gets_its_protocol_and_starts_in_analysis(
    store: Store, customer: User, pdc_org: Organisation, new_draft: DraftMaker
) -> None:
    created = store.create_interaction(customer, new_draft())

    assert created.protocol > 0
    assert created.status is Status.ANALYSIS
    assert created.rejection_count == 0
    assert created.author_id == customer.id
    assert created.organisation_id == pdc_org.id
    assert created.direction is Direction.TO_VENDOR
    assert created.created_at == START
    assert [e.kind for e in created.timeline] == [EventKind.CREATED]
    again = store.get_interaction(customer, created.protocol)
    assert (again.subject, again.description) == (created.subject, created.description)


def test_protocols_are_unique_and_increasing(
    store: Store, customer: User, outsider: User, new_draft: DraftMaker
) -> None:
    protocols = [
        store.create_interaction(author, new_draft()).protocol
        for author in (customer, outsider, customer, outsider, customer)
    ]

    assert protocols == sorted(set(protocols))


def test_protocols_start_where_the_settings_say(
    store_factory: StoreFactory, new_draft: DraftMaker
) -> None:
    rig = store_factory(Settings(first_protocol=2025000001))
    admin = first_admin(rig.store)
    organisation = rig.store.create_organisation(admin, name="Maré Alta Turismo")

    created = rig.store.create_interaction(
        admin, new_draft(towards_organisation=organisation.id)
    )

    assert created.protocol == 2025000001


def test_subject_and_description_are_required(
    store: Store, customer: User, new_draft: DraftMaker
) -> None:
    no_subject = refused(store, customer, new_draft(subject="   "))
    no_description = refused(store, customer, new_draft(description=""))
    long_subject = refused(store, customer, new_draft(subject="x" * 121))

    assert no_subject.field == "subject"
    assert "required" in no_subject.message
    assert no_description.field == "description"
    assert long_subject.field == "subject"
    assert "at most" in long_subject.message
    assert sent_total(store, customer) == 0


# -- categories ------------------------------------------------------------------


def test_support_needs_a_severity(
    store: Store, customer: User, new_draft: DraftMaker
) -> None:
    error = refused(store, customer, new_draft(category=Category.SUPPORT))

    assert error.field == "severity"
    assert "severity" in error.message


@pytest.mark.parametrize("severity", [Severity.CRITICAL, Severity.MEDIUM])
def test_support_with_a_severity_is_accepted(
    store: Store, customer: User, new_draft: DraftMaker, severity: Severity
) -> None:
    created = store.create_interaction(
        customer, new_draft(category=Category.SUPPORT, severity=severity)
    )

    assert created.severity is severity


@pytest.mark.parametrize(
    "changes",
    [{"severity": Severity.MEDIUM}, {"on_site": True}],
    ids=["severity", "on_site"],
)
def test_severity_and_on_site_are_refused_outside_support(
    store: Store, customer: User, new_draft: DraftMaker, changes: dict[str, object]
) -> None:
    error = refused(store, customer, new_draft(category=Category.SAC, **changes))

    assert error.field == "severity"
    assert "Support" in error.message


def test_pdc_needs_an_organisation_with_pdc(
    store: Store,
    customer: User,
    outsider: User,
    plain_org: Organisation,
    new_draft: DraftMaker,
) -> None:
    error = refused(store, outsider, new_draft(category=Category.PDC))
    accepted = store.create_interaction(customer, new_draft(category=Category.PDC))

    assert error.field == "category"
    assert "PDC" in error.message
    assert plain_org.name in error.message
    assert accepted.category is Category.PDC


@pytest.mark.parametrize(
    ("today", "wished"),
    [
        (START, date(2025, 5, 15)),  # a Thursday ten days ahead
        (START, date(2025, 5, 17)),  # a Saturday
        (datetime(2025, 5, 6, 9, tzinfo=SAO_PAULO), date(2025, 5, 12)),  # Mon, 6 days
        (START, date(2025, 5, 7)),  # a Wednesday two days ahead
    ],
    ids=["thursday", "saturday", "monday-6-days-ahead", "wednesday-too-soon"],
)
def test_an_update_date_outside_the_window_is_refused(
    store: Store,
    clock: Clock,
    customer: User,
    new_draft: DraftMaker,
    today: datetime,
    wished: date,
) -> None:
    clock.set(today)

    error = refused(
        store, customer, new_draft(category=Category.UPDATE, wished_date=wished)
    )

    assert error.field == "wished_date"
    assert "Monday" in error.message
    assert "7 days" in error.message


@pytest.mark.parametrize(
    "wished",
    [date(2025, 5, 12), date(2025, 5, 13), date(2025, 5, 14), date(2025, 6, 2)],
    ids=["monday-7-days-ahead", "tuesday", "wednesday", "monday-4-weeks-ahead"],
)
def test_an_update_on_monday_to_wednesday_a_week_ahead_is_accepted(
    store: Store, customer: User, new_draft: DraftMaker, wished: date
) -> None:
    created = store.create_interaction(
        customer, new_draft(category=Category.UPDATE, wished_date=wished)
    )

    assert created.wished_date == wished


def test_an_update_needs_a_wished_date_and_only_an_update_has_one(
    store: Store, customer: User, new_draft: DraftMaker
) -> None:
    missing = refused(store, customer, new_draft(category=Category.UPDATE))
    stray = refused(store, customer, new_draft(wished_date=date(2025, 5, 12)))

    assert missing.field == stray.field == "wished_date"


def test_a_data_copy_is_accepted(
    store: Store, customer: User, new_draft: DraftMaker
) -> None:
    created = store.create_interaction(
        customer, new_draft(category=Category.DATA_COPY, kind=Kind.REQUEST)
    )

    assert created.category is Category.DATA_COPY
    assert created.status is Status.ANALYSIS


@pytest.mark.parametrize("kind", list(Kind))
def test_every_kind_is_accepted(
    store: Store, customer: User, new_draft: DraftMaker, kind: Kind
) -> None:
    assert store.create_interaction(customer, new_draft(kind=kind)).kind is kind


# -- on behalf of, towards an organisation ---------------------------------------


def test_staff_record_an_interaction_on_a_customers_behalf(
    store: Store, agent: User, customer: User, new_draft: DraftMaker
) -> None:
    created = store.create_interaction(agent, new_draft(on_behalf_of=customer.id))

    assert created.author_id == customer.id
    assert created.organisation_id == customer.organisation_id
    assert EventKind.RECORDED_ON_BEHALF in [e.kind for e in created.timeline]
    assert [r.protocol for r in store.list_interactions(customer, Query()).rows] == [
        created.protocol
    ]


def test_customers_open_only_for_themselves(
    store: Store,
    customer: User,
    colleague: User,
    plain_org: Organisation,
    new_draft: DraftMaker,
) -> None:
    with pytest.raises(PermissionDenied):
        store.create_interaction(customer, new_draft(on_behalf_of=colleague.id))
    with pytest.raises(PermissionDenied):
        store.create_interaction(customer, new_draft(towards_organisation=plain_org.id))

    assert sent_total(store, customer) == 0


def test_staff_open_only_for_a_customer_or_an_organisation(
    store: Store, agent: User, new_draft: DraftMaker
) -> None:
    with pytest.raises(ValidationError):
        store.create_interaction(agent, new_draft())
    with pytest.raises(ValidationError):
        store.create_interaction(agent, new_draft(on_behalf_of=agent.id))


# -- attachments -----------------------------------------------------------------


@pytest.fixture
def report(tmp_path: Path) -> Path:
    path = tmp_path / "uploads" / "relatório de vendas.pdf"
    path.parent.mkdir()
    path.write_bytes(b"%PDF-1.4 vendas de maio\n" * 40)
    return path


def test_an_attachment_is_recorded_and_stored_under_a_generated_name(
    rig: Rig, customer: User, new_draft: DraftMaker, report: Path
) -> None:
    created = rig.store.create_interaction(customer, new_draft(attachments=[report]))

    [attachment] = created.attachments
    content = report.read_bytes()
    assert attachment.name == "relatório de vendas.pdf"
    assert attachment.size == len(content)
    assert attachment.sha256 == hashlib.sha256(content).hexdigest()
    assert attachment.added_by == customer.id
    assert "relatório" not in attachment.id
    stored = [p for p in files_under(rig.root) if p.read_bytes() == content]
    assert len(stored) == 1
    assert "relat" not in stored[0].name
    assert EventKind.ATTACHMENT_ADDED in [e.kind for e in created.timeline]


def test_save_attachment_copies_it_under_its_original_name(
    store: Store,
    agent: User,
    customer: User,
    new_draft: DraftMaker,
    report: Path,
    tmp_path: Path,
) -> None:
    created = store.create_interaction(customer, new_draft(attachments=[report]))
    attachment_id = created.attachments[0].id
    folder = tmp_path / "downloads"
    folder.mkdir()

    first = store.save_attachment(agent, created.protocol, attachment_id, folder)
    second = store.save_attachment(customer, created.protocol, attachment_id, folder)

    assert first == folder / "relatório de vendas.pdf"
    assert first.read_bytes() == report.read_bytes()
    assert second != first
    assert second.parent == folder
    assert second.read_bytes() == report.read_bytes()


def test_save_attachment_refuses_an_unknown_attachment_or_folder(
    store: Store,
    customer: User,
    new_draft: DraftMaker,
    report: Path,
    tmp_path: Path,
) -> None:
    created = store.create_interaction(customer, new_draft(attachments=[report]))

    with pytest.raises(NotFound):
        store.save_attachment(customer, created.protocol, "nope", tmp_path)
    with pytest.raises(ValidationError) as caught:
        store.save_attachment(
            customer, created.protocol, created.attachments[0].id, tmp_path / "nada"
        )
    assert caught.value.field == "folder"


def test_an_attachment_over_the_limit_is_refused_and_nothing_is_kept(
    store_factory: StoreFactory,
    new_draft: DraftMaker,
    tmp_path: Path,
) -> None:
    rig = store_factory(Settings(attachment_limit=1000))
    admin = first_admin(rig.store)
    organisation = rig.store.create_organisation(admin, name="Maré Alta Turismo")
    exact = tmp_path / "exato.bin"
    exact.write_bytes(b"a" * 1000)
    large = tmp_path / "grande.bin"
    large.write_bytes(b"a" * 1001)
    first = rig.store.create_interaction(
        admin, new_draft(towards_organisation=organisation.id, attachments=[exact])
    )
    files_before = files_under(rig.root / "datafiles")

    with pytest.raises(ValidationError) as caught:
        rig.store.create_interaction(
            admin,
            new_draft(towards_organisation=organisation.id, attachments=[exact, large]),
        )

    assert caught.value.field == "attachments"
    assert "grande.bin" in caught.value.message
    assert "at most" in caught.value.message
    assert files_under(rig.root / "datafiles") == files_before
    assert rig.store.list_interactions(admin, Query()).total == 1
    after = rig.store.create_interaction(
        admin, new_draft(towards_organisation=organisation.id)
    )
    assert after.protocol == first.protocol + 1


def test_a_missing_file_or_a_folder_is_refused(
    rig: Rig, customer: User, new_draft: DraftMaker, report: Path, tmp_path: Path
) -> None:
    missing = refused(
        rig.store, customer, new_draft(attachments=[report, tmp_path / "sumiu.pdf"])
    )
    folder = refused(rig.store, customer, new_draft(attachments=[tmp_path]))

    assert missing.field == folder.field == "attachments"
    assert "does not exist" in missing.message
    assert "folder" in folder.message
    assert sent_total(rig.store, customer) == 0
    assert files_under(rig.root / "datafiles") == set()


def test_files_are_added_to_an_open_interaction_only(
    store: Store,
    agent: User,
    customer: User,
    opened: Interaction,
    report: Path,
    tmp_path: Path,
) -> None:
    with_file = store.add_attachment(customer, opened.protocol, report)
    assert [a.name for a in with_file.attachments] == [report.name]
    with pytest.raises(ValidationError):
        store.add_attachment(customer, opened.protocol, tmp_path / "sumiu.pdf")

    store.answer(agent, opened.protocol, "Segue a segunda via.")
    store.accept(customer, opened.protocol)

    with pytest.raises(WorkflowError):
        store.add_attachment(customer, opened.protocol, report)
    assert len(store.get_interaction(agent, opened.protocol).attachments) == 1


def test_add_info_keeps_its_attachments(
    store: Store, agent: User, customer: User, opened: Interaction, report: Path
) -> None:
    store.answer(agent, opened.protocol, "Qual o número do contrato?", ask=True)

    result = store.add_info(customer, opened.protocol, "Contrato 123.", [report])

    assert [a.name for a in result.attachments] == [report.name]
    assert (
        result.attachments[0].sha256 == hashlib.sha256(report.read_bytes()).hexdigest()
    )
