"""One change to an interaction: which files it writes, and how a kill is repaired."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import pytest

import data.tinystore.files as files_module
from data.deadlines import SAO_PAULO
from data.models import (
    Category,
    Direction,
    Event,
    EventKind,
    Interaction,
    Kind,
    Status,
)
from data.tinystore.repository import TinyRepository

AT = datetime(2026, 3, 2, 10, 0, tzinfo=SAO_PAULO)


class Killed(BaseException):
    """Stands for SIGKILL: nothing after it runs, nothing catches it."""


def interaction(protocol: int, status: Status = Status.ANALYSIS) -> Interaction:
    created = Interaction(
        protocol=protocol,
        created_at=AT,
        category=Category.SAC,
        kind=Kind.COMPLAINT,
        subject="Remessa digital não chega",
        description="A remessa enviada ontem não chegou ao setor de destino.",
        author_id=7,
        organisation_id=3,
        direction=Direction.TO_VENDOR,
        status=status,
        updated_at=AT,
    )
    created.timeline.append(Event(EventKind.CREATED, AT, 7))
    return created


def replaced_files(monkeypatch: pytest.MonkeyPatch, root: Path, change) -> list[str]:
    """The files ``change()`` replaced, relative to ``root``, in order."""
    replaced: list[str] = []
    real = files_module.write_atomically

    def recording(path: Path, payload: bytes):
        replaced.append(path.relative_to(root).as_posix())
        return real(path, payload)

    monkeypatch.setattr(files_module, "write_atomically", recording)
    change()
    monkeypatch.setattr(files_module, "write_atomically", real)
    return replaced


def test_a_new_interaction_writes_each_of_its_files_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repository = TinyRepository(tmp_path)
    protocol = repository.peek_id("protocol")

    replaced = replaced_files(
        monkeypatch, tmp_path, lambda: repository.put_interaction(interaction(protocol))
    )

    # The journal first (it also takes the protocol), the shard, what is
    # derived from it, and the journal cleared.
    assert replaced == [
        "meta.json",
        "interactions/00000.json",
        "search/00000.json",
        "index/org-3.json",
        "index/open-3.json",
        "meta.json",
    ]
    assert repository.peek_id("protocol") == protocol + 1
    assert repository.get_interaction(protocol).subject == "Remessa digital não chega"


def test_a_change_leaves_the_files_it_does_not_change_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repository = TinyRepository(tmp_path)
    repository.put_interaction(interaction(1))
    search = (tmp_path / "search/00000.json").stat()

    concluded = interaction(1, Status.CONCLUDED)
    replaced = replaced_files(
        monkeypatch, tmp_path, lambda: repository.put_interaction(concluded)
    )

    # Subject and description did not change: no search file; concluded:
    # out of the queue.
    assert "search/00000.json" not in replaced
    assert "index/open-3.json" in replaced
    assert (tmp_path / "search/00000.json").stat().st_ino == search.st_ino
    assert repository.rows(organisation_id=3, open_only=True) == []
    assert [row["status"] for row in repository.rows(organisation_id=3)] == [
        "concluded"
    ]


def test_the_next_writer_completes_a_change_killed_after_its_shard(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repository = TinyRepository(tmp_path)
    real = files_module.write_atomically

    def killed_at_the_index(path: Path, payload: bytes):
        if path.parent.name == "index":
            raise Killed
        return real(path, payload)

    monkeypatch.setattr(files_module, "write_atomically", killed_at_the_index)
    with pytest.raises(Killed):
        repository.put_interaction(interaction(1))
    monkeypatch.setattr(files_module, "write_atomically", real)

    # Another process opens the store: the shard has the interaction, the
    # boxes do not yet, and the journal names it.
    later = TinyRepository(tmp_path)
    assert later.get_interaction(1) is not None
    assert later.rows(organisation_id=3) == []

    with later.transaction():
        pass

    assert [row["protocol"] for row in later.rows(organisation_id=3)] == [1]
    assert [
        row["protocol"] for row in later.rows(organisation_id=3, open_only=True)
    ] == [1]
    assert later.peek_id("protocol") == 2


def test_a_journal_whose_clearing_was_lost_rewrites_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repository = TinyRepository(tmp_path)
    repository.put_interaction(interaction(1))
    meta = tmp_path / "meta.json"
    cleared = meta.read_bytes()
    # The journal as it was before the clearing, as a power cut can leave it.
    meta.write_bytes(
        cleared.replace(b'"journal":{}', b'"journal":{"1":{"protocols":[1]}}')
    )
    assert b'"protocols":[1]' in meta.read_bytes()
    os.sync()

    later = TinyRepository(tmp_path)

    def nothing() -> None:
        with later.transaction():
            pass

    replaced = replaced_files(monkeypatch, tmp_path, nothing)

    assert replaced == ["meta.json"]
    assert b'"journal":{}' in meta.read_bytes()
