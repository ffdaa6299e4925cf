"""A store of 100,000 realistic interactions, built once per test run.

The contract suite, the kill test and the concurrency test run on it as well
as on an empty store. Building it takes a minute or two, so it is built once
into a template folder shared by every pytest worker (under a file lock),
and each test gets its own copy made of hard links: the store replaces its
files and never writes into one, so a linked copy behaves as a real copy.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import random
import shutil
import time
from datetime import datetime
from pathlib import Path

from argon2 import PasswordHasher
from filelock import FileLock

from data import passwords
from data.deadlines import SAO_PAULO
from data.demo import generate_interactions
from data.helpdesk import Helpdesk
from data.models import Product, Role

SIZE = 100_000
BOOTSTRAP_EMAIL = "bootstrap.admin@backsite.com.br"
BOOTSTRAP_PASSWORD = "granito-violeta-2718"
# The contract suite's first instant: at it, no answer is old enough to
# conclude by itself, so a test's first login does not conclude hundreds.
BUILT_AT = datetime(2025, 5, 5, 10, 0, tzinfo=SAO_PAULO)

_CHEAP = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


def _sources_digest() -> str:
    """A digest of the code that decides what the built store holds.

    The template outlives a test run (it sits beside pytest's temporary
    folders); a change to the layout or the generator builds a new one.
    """
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for path in sorted(
        [
            *root.glob("data/tinystore/*.py"),
            root / "data/models.py",
            root / "data/demo.py",
            Path(__file__),
        ]
    ):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def template(base: Path) -> Path:
    """The folder holding the built store; builds it if nobody has yet."""
    name = f"big-store-{SIZE}-{_sources_digest()}"
    folder = base / name
    with FileLock(str(base / f"{name}.lock")):
        if not (folder / "complete").exists():
            _forget_older_templates(base, keep=name)
            shutil.rmtree(folder, ignore_errors=True)
            _build(folder / "data")
            (folder / "complete").touch()
    return folder / "data"


def _forget_older_templates(base: Path, *, keep: str) -> None:
    """Remove templates built by older code: 300 MB each.

    Only those built over a day ago, so that a test run of other code going
    on at the same time (a CI clone, say) keeps its own.
    """
    day_ago = time.time() - 24 * 3600
    for old in base.glob(f"big-store-{SIZE}-*"):
        if old.name == keep or not old.is_dir():
            continue
        marker = old / "complete"
        built = (marker if marker.exists() else old).stat().st_mtime
        if built < day_ago:
            shutil.rmtree(old, ignore_errors=True)


def linked_copy(source: Path, target: Path) -> Path:
    """A copy of the store at ``source`` made of hard links, in ``target``."""
    shutil.copytree(source, target, copy_function=os.link)
    return target


def _build(root: Path) -> None:
    real = passwords._hasher
    passwords._hasher = lambda: _CHEAP  # cheap hashes: 409 accounts to make
    try:
        store = Helpdesk(root, clock=lambda: BUILT_AT)
        admin = store.add_user(
            None,
            name="Suporte Backsite",
            email=BOOTSTRAP_EMAIL,
            role=Role.ADMIN,
            password=BOOTSTRAP_PASSWORD,
        )
        organisations = [
            store.create_organisation(
                admin,
                name=f"Prefeitura Municipal {number:02d}",
                pdc=number % 3 == 0,
                products=[Product("GPE", "Gestão de Processos Eletrônicos")],
                domains=[f"pm{number:02d}.sp.gov.br"],
            )
            for number in range(1, 41)
        ]
        agents = [
            store.add_user(
                admin,
                name=f"Agente Número{number}",
                email=f"agente{number}@backsite.com.br",
                role=Role.AGENT,
                password=BOOTSTRAP_PASSWORD,
            )
            for number in range(1, 9)
        ]
        customers = [
            store.add_user(
                admin,
                name=f"Cliente Número{number}",
                email=f"cliente{number}@pm{number % 40 + 1:02d}.sp.gov.br",
                role=Role.CUSTOMER,
                password=BOOTSTRAP_PASSWORD,
                organisation_id=organisations[number % 40].id,
            )
            for number in range(400)
        ]
        interactions = generate_interactions(
            random.Random(SIZE),
            count=SIZE,
            start_protocol=store.repository.peek_id("protocol"),
            organisations=organisations,
            customers=customers,
            agents=agents,
            now=BUILT_AT,
            days=1500,
        )
        # In slices, so that the whole store is never in memory at once.
        for _ in range(0, SIZE, 10_000):
            store.repository.bulk_load(itertools.islice(interactions, 10_000))
    finally:
        passwords._hasher = real
