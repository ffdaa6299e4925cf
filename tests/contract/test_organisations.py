"""Organisations: who creates them, and the history of their implementation."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from contract_kit import START, Clock

from data.errors import NotFound, PermissionDenied, ValidationError
from data.models import Organisation, Product, Stage, User
from data.store import Store


def test_an_administrator_creates_an_organisation_in_its_first_stage(
    store: Store, admin: User
) -> None:
    created = store.create_organisation(
        admin,
        name="Maré Alta Turismo",
        products=[Product("GPE", "Gestão de processos")],
        pdc=True,
        domains=["marealta.com.br"],
    )

    assert created.name == "Maré Alta Turismo"
    assert created.pdc
    assert [p.code for p in created.products] == ["GPE"]
    assert created.domains == ["marealta.com.br"]
    assert created.stage is Stage.SURVEY
    assert [c.stage for c in created.stage_history] == [Stage.SURVEY]
    assert store.get_organisation(admin, created.id).name == "Maré Alta Turismo"


def test_only_an_administrator_creates_organisations(
    store: Store, admin: User, agent: User, customer: User
) -> None:
    before = len(store.list_organisations(admin))

    for actor in (agent, customer):
        with pytest.raises(PermissionDenied):
            store.create_organisation(actor, name="Empresa Nova")

    assert len(store.list_organisations(admin)) == before


@pytest.mark.parametrize(
    ("name", "words"),
    [("", "required"), ("vale verde alimentos", "already exists")],
)
def test_an_organisation_needs_a_name_of_its_own(
    store: Store, admin: User, plain_org: Organisation, name: str, words: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        store.create_organisation(admin, name=name)

    assert caught.value.field == "name"
    assert words in caught.value.message


def test_set_stage_keeps_the_history_in_order(
    store: Store, admin: User, pdc_org: Organisation, clock: Clock
) -> None:
    steps = [
        (Stage.TRAINING, date(2025, 5, 12), "Turma de segunda"),
        (Stage.ASSISTED_OPERATION, date(2025, 6, 2), ""),
        (Stage.MAINTENANCE, date(2025, 7, 1), "Contrato de suporte"),
    ]

    for stage, started_on, note in steps:
        clock.advance(timedelta(days=1))
        result = store.set_stage(admin, pdc_org.id, stage, started_on, note)
        assert result.stage is stage

    history = store.get_organisation(admin, pdc_org.id).stage_history
    assert [(c.stage, c.started_on, c.note) for c in history[1:]] == steps
    assert history[0].stage is Stage.SURVEY
    assert [c.changed_by for c in history[1:]] == [admin.id] * 3
    instants = [c.changed_at for c in history]
    assert instants == sorted(instants)
    assert instants[-1] == START + timedelta(days=3)


def test_only_an_administrator_moves_the_stage(
    store: Store, agent: User, customer: User, admin: User, pdc_org: Organisation
) -> None:
    for actor in (agent, customer):
        with pytest.raises(PermissionDenied):
            store.set_stage(actor, pdc_org.id, Stage.TRAINING, date(2025, 5, 12))

    assert store.get_organisation(admin, pdc_org.id).stage is Stage.SURVEY


def test_customers_see_only_their_own_organisation(
    store: Store,
    admin: User,
    customer: User,
    pdc_org: Organisation,
    plain_org: Organisation,
) -> None:
    assert store.get_organisation(customer, pdc_org.id).name == pdc_org.name
    assert [o.id for o in store.list_organisations(customer)] == [pdc_org.id]
    with pytest.raises(NotFound):
        store.get_organisation(customer, plain_org.id)

    assert {o.id for o in store.list_organisations(admin)} >= {
        pdc_org.id,
        plain_org.id,
    }


def test_an_unknown_organisation_is_not_found(store: Store, admin: User) -> None:
    with pytest.raises(NotFound):
        store.get_organisation(admin, 9999)
    with pytest.raises(NotFound):
        store.set_stage(admin, 9999, Stage.TRAINING, date(2025, 5, 12))
