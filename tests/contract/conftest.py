"""What every Store implementation is tested with: a store, a clock, people.

``store_factory`` is parametrized by implementation name, so each test of
``tests/contract`` runs once per implementation. Today there is only the
local ``Helpdesk``; the HTTP client and the database-backed store join by
adding their name to ``IMPLEMENTATIONS`` and a branch to ``_build``.

Messages are checked in English, the catalogue's message ids, so that a
translation added later does not break the contract.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import big_store
import pytest
from argon2 import PasswordHasher
from contract_kit import PASSWORD, START, Clock, Rig, StoreFactory, first_admin

from data import i18n, passwords
from data.helpdesk import Helpdesk, Settings
from data.models import Category, Interaction, Kind, Organisation, Role, User
from data.store import Draft, Store

# "local-100k" is the local store already holding 100,000 interactions of
# other organisations: the contract must hold at that size too.
IMPLEMENTATIONS = ["local", pytest.param("local-100k", marks=pytest.mark.slow)]


def _build(
    implementation: str, root: Path, settings: Settings, clock: Clock, base: Path
) -> Store:
    if implementation == "local":
        return Helpdesk(root, settings=settings, clock=clock)
    if implementation == "local-100k":
        big_store.linked_copy(big_store.template(base), root)
        return Helpdesk(root, settings=settings, clock=clock)
    raise AssertionError(f"no way to build the {implementation!r} store")


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    previous = i18n.language()
    i18n.set_language("en")
    yield
    i18n.set_language(previous)


@pytest.fixture(autouse=True)
def cheap_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    # Argon2id with its defaults takes about half a second a hash on two
    # cores; the contract is about who may log in, not what a hash costs, so
    # the same algorithm runs here with the smallest parameters it accepts.
    # A store served from another process needs the same done to its server.
    cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    monkeypatch.setattr(passwords, "_hasher", lambda: cheap)


@pytest.fixture(params=IMPLEMENTATIONS)
def store_factory(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> StoreFactory:
    """Make fresh, empty stores of one implementation, each with its own clock.

    The function takes ``settings`` (a ``Settings``) and ``now`` (the clock's
    first instant, ``START`` by default) and returns a ``Rig``.
    """
    made = 0

    def make(settings: Settings | None = None, *, now: datetime = START) -> Rig:
        nonlocal made
        made += 1
        root = tmp_path / f"store-{made}"
        clock = Clock(now)
        base = tmp_path_factory.getbasetemp().parent
        store = _build(request.param, root, settings or Settings(), clock, base)
        return Rig(store, clock, root)

    return make


@pytest.fixture
def rig(store_factory: StoreFactory) -> Rig:
    return store_factory()


@pytest.fixture
def store(rig: Rig) -> Store:
    return rig.store


@pytest.fixture
def clock(rig: Rig) -> Clock:
    return rig.clock


@pytest.fixture
def admin(store: Store) -> User:
    return first_admin(store)


@pytest.fixture
def agent(store: Store, admin: User) -> User:
    return store.add_user(
        admin,
        name="Bruno Carvalho",
        email="bruno.carvalho@backsite.com.br",
        role=Role.AGENT,
        password=PASSWORD,
    )


@pytest.fixture
def pdc_org(store: Store, admin: User) -> Organisation:
    """An organisation with a continuous development contract (PDC)."""
    return store.create_organisation(
        admin, name="Porto Seguro Logística", pdc=True, domains=["portolog.com.br"]
    )


@pytest.fixture
def plain_org(store: Store, admin: User) -> Organisation:
    """An organisation without PDC."""
    return store.create_organisation(
        admin, name="Vale Verde Alimentos", pdc=False, domains=["valeverde.com.br"]
    )


def _customer(
    store: Store, admin: User, organisation: Organisation, name: str, email: str
) -> User:
    return store.add_user(
        admin,
        name=name,
        email=email,
        role=Role.CUSTOMER,
        password=PASSWORD,
        organisation_id=organisation.id,
        phone="(13) 3568-7961",
    )


@pytest.fixture
def customer(store: Store, admin: User, pdc_org: Organisation) -> User:
    """A customer of the PDC organisation; the author of most interactions."""
    return _customer(
        store, admin, pdc_org, "Ana Beatriz Souza", "ana.souza@portolog.com.br"
    )


@pytest.fixture
def colleague(store: Store, admin: User, pdc_org: Organisation) -> User:
    """Another customer of the same organisation as ``customer``."""
    return _customer(
        store, admin, pdc_org, "Elisa Rocha", "elisa.rocha@portolog.com.br"
    )


@pytest.fixture
def outsider(store: Store, admin: User, plain_org: Organisation) -> User:
    """A customer of the other organisation."""
    return _customer(
        store, admin, plain_org, "Diego Ferreira", "diego.ferreira@valeverde.com.br"
    )


@pytest.fixture
def new_draft() -> Callable[..., Draft]:
    """Make a SAC request draft; keyword arguments change its fields."""

    def make(**changes: object) -> Draft:
        fields: dict[str, object] = {
            "category": Category.SAC,
            "kind": Kind.REQUEST,
            "subject": "Segunda via do boleto",
            "description": "Preciso da segunda via do boleto de maio.",
        }
        fields.update(changes)
        return Draft(**fields)  # type: ignore[arg-type]

    return make


@pytest.fixture
def opened(
    store: Store, customer: User, agent: User, new_draft: Callable[..., Draft]
) -> Interaction:
    """A SAC request the customer has just opened (the agent exists too)."""
    return store.create_interaction(customer, new_draft())
