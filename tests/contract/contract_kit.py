"""What the contract tests share besides fixtures: the clock, the rig, constants.

Test modules import these by name (``from contract_kit import PASSWORD``);
the fixtures that build stores and people live in ``conftest.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from data.deadlines import SAO_PAULO
from data.models import Role, User
from data.store import Store

# A Monday morning with no holiday near it: 5 May 2025, 10:00 in São Paulo.
START = datetime(2025, 5, 5, 10, 0, tzinfo=SAO_PAULO)

# Not common, and no word of anyone's name or e-mail below is in it.
PASSWORD = "granito-violeta-2718"


@dataclass
class Clock:
    """The store's notion of now, moved by the test and by nothing else."""

    now: datetime

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        """Move time forward by ``delta``."""
        self.now += delta

    def set(self, when: datetime) -> None:
        """Jump to ``when``, an aware instant."""
        self.now = when


@dataclass
class Rig:
    """One store under test, the clock it reads and the folder it lives in."""

    store: Store
    clock: Clock
    root: Path


StoreFactory = Callable[..., Rig]


def first_admin(store: Store) -> User:
    """Create the first administrator of an empty store, who needs nobody's leave."""
    return store.add_user(
        None,
        name="Carla Mendes",
        email="carla.mendes@backsite.com.br",
        role=Role.ADMIN,
        password=PASSWORD,
    )
