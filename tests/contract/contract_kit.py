"""What the contract tests share besides fixtures: the clock, the rig, constants.

Test modules import these by name (``from contract_kit import PASSWORD``);
the fixtures that build stores and people live in ``conftest.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from data.deadlines import SAO_PAULO
from data.errors import PermissionDenied
from data.models import Role, User
from data.store import Store

# The administrator a pre-filled store was built with (see tests/big_store.py).
BOOTSTRAP_EMAIL = "bootstrap.admin@backsite.com.br"

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
    """Create the test's administrator.

    In an empty store the first administrator needs nobody's leave; in a
    store that already has people (the 100,000-interaction one) the
    existing bootstrap administrator creates it.
    """
    details = {
        "name": "Carla Mendes",
        "email": "carla.mendes@backsite.com.br",
        "role": Role.ADMIN,
        "password": PASSWORD,
    }
    try:
        return store.add_user(None, **details)
    except PermissionDenied:
        bootstrap = store.login(BOOTSTRAP_EMAIL, PASSWORD).user
        return store.add_user(bootstrap, **details)


def among(protocols: Iterable[int], *mine: int) -> list[int]:
    """Those of ``protocols`` the test made itself, in the order given.

    The contract also runs on a store already holding 100,000 interactions
    of other organisations. An answer about the whole helpdesk (what
    concluded by itself, the staff's boxes) holds those too; the test judges
    the part that is its own, exactly as it would on an empty store.
    """
    wanted = set(mine)
    return [protocol for protocol in protocols if protocol in wanted]
