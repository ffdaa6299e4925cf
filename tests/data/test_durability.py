"""The local store survives killed writers and several writers at once."""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import big_store
import orjson
import pytest

from data.helpdesk import Helpdesk
from data.models import Category, Kind, Role, Severity, Status
from data.store import Box, Draft, Query

PASSWORD = "kq8!xPz2Lm-durable"
FORK = multiprocessing.get_context("fork")


@pytest.fixture(params=["empty", pytest.param("100k", marks=pytest.mark.slow)])
def store_root(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Path:
    """A data directory: empty, or already holding 100,000 interactions."""
    root = tmp_path / "data"
    if request.param == "100k":
        base = tmp_path_factory.getbasetemp().parent
        big_store.linked_copy(big_store.template(base), root)
    return root


def make_store(root: Path) -> tuple[int, int]:
    """A store with one agent and one customer; returns their ids."""
    store = Helpdesk(root)
    if store.repository.users():
        # The built store's administrator; no login, which would conclude
        # the old answers of the 100,000 first.
        admin = store.repository.user_by_email(big_store.BOOTSTRAP_EMAIL)
    else:
        admin = store.add_user(
            None,
            name="Ana Souza",
            email="ana@backsite.com.br",
            role=Role.ADMIN,
            password=PASSWORD,
        )
    store.create_organisation(
        admin, name="Prefeitura de Santos", domains=["santos.sp.gov.br"]
    )
    agent = store.add_user(
        admin,
        name="Bruno Lima",
        email="bruno@backsite.com.br",
        role=Role.AGENT,
        password=PASSWORD,
    )
    customer = store.register(
        name="Carla Dias",
        email="carla@santos.sp.gov.br",
        password=PASSWORD,
        phone="(13) 3568-7961",
    )
    return agent.id, customer.id


def draft(number: int) -> Draft:
    return Draft(
        Category.SUPPORT,
        Kind.COMPLAINT,
        f"Falha no GPE número {number}",
        "O sistema não abre as remessas digitais desde a última atualização. " * 3,
        severity=Severity.MEDIUM,
    )


def keep_writing(root: str, agent_id: int, customer_id: int, acks) -> None:
    """Create and answer interactions until killed, reporting each that returned."""
    store = Helpdesk(Path(root))
    agent = store.repository.get_user(agent_id)
    customer = store.repository.get_user(customer_id)
    number = 0
    while True:
        number += 1
        interaction = store.create_interaction(customer, draft(number))
        acks.send(("created", interaction.protocol))
        if number % 3 == 0:
            store.answer(agent, interaction.protocol, "Corrigimos a falha.")
            acks.send(("answered", interaction.protocol))


def all_json_readable(root: Path, *, changed_since: int = 0) -> None:
    """Every JSON file parses; with ``changed_since`` (ns), those written since.

    A store of 100,000 interactions holds 300 MB of JSON: parsing it after
    each of 60 kills would take minutes, and a killed writer can only have
    touched the files it wrote in its own round. (The file system stamps a
    write a few milliseconds late at most; a second of margin covers that.)
    """
    margin = 1_000_000_000
    for path in root.rglob("*.json"):
        if path.stat().st_mtime_ns >= changed_since - margin:
            orjson.loads(path.read_bytes())


def test_killed_writers_never_lose_an_acknowledged_interaction(
    store_root: Path,
) -> None:
    agent_id, customer_id = make_store(store_root)
    rng = random.Random(2026)
    acknowledged: dict[int, str] = {}
    kills = 60
    for _round in range(kills):
        started = time.time_ns()
        receiver, sender = FORK.Pipe(duplex=False)
        writer = FORK.Process(
            target=keep_writing, args=(str(store_root), agent_id, customer_id, sender)
        )
        writer.start()
        sender.close()
        time.sleep(rng.uniform(0.02, 0.3))
        os.kill(writer.pid, signal.SIGKILL)
        writer.join()
        while receiver.poll():
            try:
                what, protocol = receiver.recv()
            except EOFError:
                break
            acknowledged[protocol] = what
        receiver.close()

        all_json_readable(store_root, changed_since=started)
        store = Helpdesk(store_root)
        agent = store.repository.get_user(agent_id)
        for protocol, what in acknowledged.items():
            interaction = store.get_interaction(agent, protocol)
            if what == "answered":
                assert interaction.status is Status.ANSWERED

    # On a loaded machine many kills land before the first acknowledgement;
    # the test still needs enough acknowledged work to mean something.
    assert len(acknowledged) >= 10, "the writers should have acknowledged work"
    # The next writer repairs what a kill left half-done; then every
    # acknowledged interaction is in its box as well as in its shard.
    store = Helpdesk(store_root)
    customer = store.repository.get_user(customer_id)
    with store.repository.transaction():
        pass
    page = store.list_interactions(customer, Query(box=Box.SENT, limit=100_000))
    listed = {row.protocol for row in page.rows}
    assert set(acknowledged) <= listed
    assert not list(store_root.rglob("*.tmp"))
    all_json_readable(store_root)


def create_many(root: str, customer_id: int, count: int, results) -> None:
    store = Helpdesk(Path(root))
    customer = store.repository.get_user(customer_id)
    protocols = [
        store.create_interaction(customer, draft(n)).protocol for n in range(count)
    ]
    results.put(protocols)


def test_four_processes_creating_at_once_lose_nothing(store_root: Path) -> None:
    _agent_id, customer_id = make_store(store_root)
    results = FORK.Queue()
    workers = [
        FORK.Process(
            target=create_many, args=(str(store_root), customer_id, 30, results)
        )
        for _ in range(4)
    ]
    for worker in workers:
        worker.start()
    returned = [protocol for _ in workers for protocol in results.get(timeout=120)]
    for worker in workers:
        worker.join()

    assert len(returned) == 120
    assert len(set(returned)) == 120
    store = Helpdesk(store_root)
    customer = store.repository.get_user(customer_id)
    page = store.list_interactions(customer, Query(box=Box.SENT, limit=1000))
    assert page.total == 120
    assert {row.protocol for row in page.rows} == set(returned)


def test_four_sac_new_commands_at_once_get_unique_protocols(store_root: Path) -> None:
    make_store(store_root)
    first = Helpdesk(store_root).repository.peek_id("protocol")
    env = {**os.environ, "SAC_PASSWORD": PASSWORD}
    command = [
        sys.executable,
        "-m",
        "tui.cli",
        "new",
        "--data-dir",
        str(store_root),
        "--as",
        "carla@santos.sp.gov.br",
        "--category",
        "sac",
        "--kind",
        "elogio",
        "--subject",
        "Atendimento excelente",
        "--description",
        "Parabéns à equipe.",
        "--json",
    ]
    running = [
        subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True)
        for _ in range(4)
    ]
    outputs = [process.communicate(timeout=120)[0] for process in running]

    assert [process.returncode for process in running] == [0, 0, 0, 0]
    protocols = [orjson.loads(output)["protocol"] for output in outputs]
    assert sorted(protocols) == [first, first + 1, first + 2, first + 3]


@pytest.mark.parametrize("shard_write_fails", [True])
def test_a_failed_write_leaves_the_store_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shard_write_fails: bool
) -> None:
    _agent_id, customer_id = make_store(tmp_path)
    store = Helpdesk(tmp_path)
    customer = store.repository.get_user(customer_id)
    first = store.create_interaction(customer, draft(1))

    import data.tinystore.files as files

    real = files.write_atomically

    def full_disk(path: Path, payload: bytes):
        if path.parent.name == "interactions":
            raise OSError(28, "No space left on device")
        return real(path, payload)

    monkeypatch.setattr(files, "write_atomically", full_disk)
    with pytest.raises(OSError):
        store.create_interaction(customer, draft(2))
    monkeypatch.setattr(files, "write_atomically", real)

    page = store.list_interactions(customer, Query(box=Box.SENT))
    assert [row.protocol for row in page.rows] == [first.protocol]
    assert store.get_interaction(customer, first.protocol).subject == first.subject
