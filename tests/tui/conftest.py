"""Fixtures for the console's tests: a small store and a frozen clock.

Time stands still at START in both the store and the app, so deadlines in
words and the clock in the header are the same in every run and snapshot.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher

from data import passwords
from data.deadlines import SAO_PAULO
from data.helpdesk import Helpdesk
from data.models import Category, Kind, Product, Role, Severity, User
from data.store import Draft
from tui.app import SacApp
from tui.config import Config

START = datetime(2026, 3, 10, 10, 0, tzinfo=SAO_PAULO)  # a Tuesday morning
PASSWORD = "Balcao-de-atendimento-7"


class People:
    """The accounts of the test store."""

    def __init__(self, admin: User, agent: User, customer: User, other: User) -> None:
        self.admin = admin
        self.agent = agent
        self.customer = customer
        self.other = other


@pytest.fixture(autouse=True)
def cheap_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    # Argon2id with its defaults costs up to half a second a hash on two
    # loaded cores; these tests are about screens, so the same algorithm runs
    # with its smallest parameters.
    cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    monkeypatch.setattr(passwords, "_hasher", lambda: cheap)


@pytest.fixture
def store(tmp_path: Path) -> Helpdesk:
    return Helpdesk(tmp_path / "data", clock=lambda: START)


@pytest.fixture
def people(store: Helpdesk) -> People:
    admin = store.add_user(
        None,
        name="Ana Souza",
        email="ana@backsite.com.br",
        role=Role.ADMIN,
        password=PASSWORD,
    )
    santos = store.create_organisation(
        admin,
        name="Prefeitura de Santos",
        domains=["santos.sp.gov.br"],
        pdc=True,
        products=[Product("GPE", "Gestão de Processos Eletrônicos")],
    )
    store.create_organisation(
        admin, name="Câmara de São Vicente", domains=["saovicente.sp.leg.br"]
    )
    agent = store.add_user(
        admin,
        name="Bruno Lima",
        email="bruno@backsite.com.br",
        role=Role.AGENT,
        password=PASSWORD,
    )
    customer = store.add_user(
        admin,
        name="Carla Dias",
        email="carla@santos.sp.gov.br",
        role=Role.CUSTOMER,
        password=PASSWORD,
        organisation_id=santos.id,
        phone="(13) 3568-7961",
    )
    other = store.register(
        name="Otávio Reis",
        email="otavio@saovicente.sp.leg.br",
        password=PASSWORD,
        phone="(13) 3466-1200",
    )
    return People(admin, agent, customer, other)


@pytest.fixture
def opened(store: Helpdesk, people: People) -> list[int]:
    """A few interactions of the customer, one answered by the agent."""
    drafts = [
        Draft(
            Category.SUPPORT,
            Kind.COMPLAINT,
            "GPE não abre as remessas",
            "Desde a atualização de ontem nenhuma remessa digital abre.",
            severity=Severity.CRITICAL,
        ),
        Draft(
            Category.SAC,
            Kind.COMPLIMENT,
            "Ótimo treinamento",
            "A equipe de treinamento foi muito atenciosa com todos.",
        ),
        Draft(
            Category.SAC,
            Kind.SUGGESTION,
            "Relatório por setor",
            "Seria útil filtrar os relatórios de tramitação por setor.",
        ),
    ]
    protocols = [store.create_interaction(people.customer, d).protocol for d in drafts]
    store.answer(people.agent, protocols[0], "Corrigimos o servidor; tente de novo.")
    return protocols


@pytest.fixture
def make_app(store: Helpdesk) -> Callable[..., SacApp]:
    def make(**kwargs: Any) -> SacApp:
        kwargs.setdefault("config", Config())
        return SacApp(store, clock=lambda: START, **kwargs)

    return make


@pytest.fixture
def signed_in(
    store: Helpdesk, make_app: Callable[..., SacApp]
) -> Callable[[User], Callable[[Any], Awaitable[None]]]:
    """A ``run_before`` that opens the console already logged in as ``user``."""

    def for_user(user: User) -> Callable[[Any], Awaitable[None]]:
        async def run_before(pilot: Any) -> None:
            session = store.login(user.email, PASSWORD)
            pilot.app.signed_in(session.user, session.token)
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()

        return run_before

    return for_user
