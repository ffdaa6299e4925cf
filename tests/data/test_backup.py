"""System backups: restore equals the original, damage is caught, chains hold.

The stores here are small (a few interactions and attachments) so that the
suite stays fast; bench/backup_bench.py measures large ones.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import logging
import multiprocessing
import os
import random
import shutil
import signal
import subprocess
import tarfile
import threading
import time
import zlib
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import data.backup as backup_module
from data.backup import (
    ARCHIVE_PREFIX,
    ARCHIVE_SUFFIX,
    MANIFEST,
    MANIFEST_SUM,
    BackupInfo,
    Backups,
    Manifest,
    Schedule,
    may_back_up,
    plan_retention,
)
from data.deadlines import SAO_PAULO
from data.errors import PermissionDenied, StoreError, ValidationError
from data.helpdesk import Helpdesk
from data.i18n import set_language
from data.models import Category, Kind, Permission, Role, Severity
from data.store import Draft

PASSWORD = "Copia-de-seguranca-42"
FORK = multiprocessing.get_context("fork")
START = datetime(2026, 3, 10, 10, 0, tzinfo=SAO_PAULO)  # a Tuesday


class Clock:
    """The store's clock, moved by hand so that backups get distinct instants."""

    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


class World:
    """A store with its people, a clock and a folder of files to attach.

    Hashing passwords takes a while, so the first world is made once and
    each test gets a copy of its data directory.
    """

    def __init__(self, root: Path, files: Path, template: Path | None = None) -> None:
        self.clock = Clock()
        if template is not None:
            shutil.copytree(template, root)
        self.store = Helpdesk(root, clock=self.clock)
        self.root = root
        self.files = files
        files.mkdir(exist_ok=True)
        self.backups = Backups(self.store)
        self.counter = 0
        if template is None:
            self.populate()
        else:
            by_email = self.store.repository.user_by_email
            self.admin = by_email("ana@backsite.com.br").public()
            self.agent = by_email("bruno@backsite.com.br").public()
            self.customer = by_email("carla@santos.sp.gov.br").public()
            self.counter = 100

    def populate(self) -> None:
        store = self.store
        self.admin = store.add_user(
            None,
            name="Ana Souza",
            email="ana@backsite.com.br",
            role=Role.ADMIN,
            password=PASSWORD,
        )
        santos = store.create_organisation(
            self.admin, name="Prefeitura de Santos", domains=["santos.sp.gov.br"]
        )
        self.agent = store.add_user(
            self.admin,
            name="Bruno Lima",
            email="bruno@backsite.com.br",
            role=Role.AGENT,
            password=PASSWORD,
        )
        self.customer = store.add_user(
            self.admin,
            name="Carla Dias",
            email="carla@santos.sp.gov.br",
            role=Role.CUSTOMER,
            password=PASSWORD,
            organisation_id=santos.id,
        )
        for number in range(3):
            protocol = self.open_interaction(attachments=number)
            self.clock.advance(minutes=5)
            if number == 0:
                store.answer(self.agent, protocol, "Corrigimos; tente de novo.")

    def attachment(self, size: int = 2000, seed: int | None = None) -> Path:
        self.counter += 1
        rng = random.Random(self.counter if seed is None else seed)
        path = self.files / f"anexo-{self.counter}.bin"
        path.write_bytes(rng.randbytes(size))
        return path

    def open_interaction(self, attachments: int = 0, size: int = 2000) -> int:
        self.counter += 1
        draft = Draft(
            Category.SUPPORT,
            Kind.COMPLAINT,
            f"Remessas do GPE {self.counter}",
            "O GPE não abre as remessas digitais desde a atualização.",
            severity=Severity.MEDIUM,
            attachments=[self.attachment(size) for _ in range(attachments)],
        )
        return self.store.create_interaction(self.customer, draft).protocol


@pytest.fixture(autouse=True)
def portuguese() -> None:
    set_language("pt_BR")


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("template")
    World(folder / "data", folder / "files")
    return folder / "data"


@pytest.fixture
def world(tmp_path: Path, template: Path) -> World:
    return World(tmp_path / "data", tmp_path / "files", template)


def state(root: Path) -> dict[str, Any]:
    """What a data directory holds: each table's records, each file's SHA-256."""
    found: dict[str, Any] = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        top = relative.split("/")[0]
        if not path.is_file() or top in ("backups", "sac.lock", "backup.lock"):
            continue
        if top.startswith("sac.log"):
            continue
        if path.suffix == ".json":
            found[relative] = orjson.loads(path.read_bytes())
        else:
            found[relative] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def archive_path(world: World, backup_id: str) -> Path:
    return world.backups.folder / f"{ARCHIVE_PREFIX}{backup_id}{ARCHIVE_SUFFIX}"


# -- backup and restore -------------------------------------------------------


def test_a_full_backup_restores_every_record_and_attachment(
    world: World, tmp_path: Path
) -> None:
    before = state(world.root)
    result = world.backups.run(world.admin, "full")

    target = tmp_path / "restored"
    report = world.backups.restore(world.admin, result.id, target)

    assert state(target) == before
    assert report.records == result.manifest.records > 0
    assert report.files == len(result.manifest.files)
    # The restored folder is a working data directory: the same interactions.
    restored = Helpdesk(target)
    agent = restored.repository.get_user(world.agent.id)
    for protocol in (1, 2, 3):
        original = world.store.get_interaction(world.agent, protocol)
        assert restored.get_interaction(agent, protocol) == original
        for attachment in original.attachments:
            content = restored.repository.attachment_path(attachment.id).read_bytes()
            assert hashlib.sha256(content).hexdigest() == attachment.sha256


def test_the_manifest_describes_every_table_and_file(world: World) -> None:
    result = world.backups.run(world.admin, "full")
    manifest = result.manifest

    assert manifest.kind == "full"
    assert manifest.parent is None
    assert manifest.chain == [manifest.id]
    assert manifest.software_version
    files = {entry.path: entry for entry in manifest.files}
    for relative, content in state(world.root).items():
        raw = (world.root / relative).read_bytes()
        assert files[relative].sha256 == hashlib.sha256(raw).hexdigest()
        assert files[relative].size == len(raw)
        if relative.endswith(".json"):
            counts = {t.table: t.records for t in manifest.tables if t.file == relative}
            assert counts == {name: len(rows) for name, rows in content.items()}
    assert len([e for e in manifest.files if e.is_datafile]) == 3


def test_the_lock_the_log_and_the_backups_are_left_out(world: World) -> None:
    (world.root / "sac.log").write_text("uma linha de log\n")
    (world.root / "datafiles" / "ab").mkdir(exist_ok=True)
    (world.root / "datafiles" / "ab" / ".abcdef.part").write_bytes(b"a meio caminho")
    world.backups.run(world.admin, "full")
    second = world.backups.run(world.admin, "full")

    paths = {entry.path for entry in second.manifest.files}
    assert not {p for p in paths if p.startswith(("backups/", "sac.", "backup."))}
    assert "datafiles/ab/.abcdef.part" not in paths
    assert not (world.root / ".backup-staging").exists()


def test_the_archive_is_an_ordinary_tar_gz(world: World) -> None:
    result = world.backups.run(world.admin, "full")

    listing = subprocess.run(
        ["tar", "tzf", str(result.path)], capture_output=True, text=True, check=True
    ).stdout.split()
    assert listing[:2] == [MANIFEST, MANIFEST_SUM]
    assert {f"data/{e.path}" for e in result.manifest.files} == set(listing[2:])
    checksum = subprocess.run(
        ["tar", "xzOf", str(result.path), MANIFEST],
        capture_output=True,
        check=True,
    ).stdout
    recorded = subprocess.run(
        ["tar", "xzOf", str(result.path), MANIFEST_SUM],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert recorded.split()[0] == hashlib.sha256(checksum).hexdigest()


def test_a_chain_of_incrementals_restores_every_point_in_time(
    world: World, tmp_path: Path
) -> None:
    backups = world.backups
    full = backups.run(world.admin, "full")
    points = {full.id: state(world.root)}

    # New interactions with attachments, an answer, a new table.
    world.clock.advance(hours=1)
    world.open_interaction(attachments=2)
    world.store.answer(world.agent, 2, "Já verificamos as remessas.")
    first = backups.run(world.admin, "incremental")
    points[first.id] = state(world.root)

    # An attachment file removed from the data directory.
    world.clock.advance(hours=1)
    datafiles = (world.root / "datafiles").rglob("*")
    removed = sorted(path for path in datafiles if path.is_file())[0]
    removed.unlink()
    world.open_interaction(attachments=1)
    second = backups.run(world.admin, "incremental")
    points[second.id] = state(world.root)

    # Nothing changed at all.
    world.clock.advance(hours=1)
    third = backups.run(world.admin, "incremental")
    points[third.id] = state(world.root)

    assert third.manifest.chain == [full.id, first.id, second.id, third.id]
    assert first.manifest.parent == full.id
    relative = removed.relative_to(world.root).as_posix()
    assert second.manifest.deleted == [relative]
    assert relative not in {e.path for e in second.manifest.files}
    assert third.manifest.stored == []
    assert len(first.manifest.stored) < len(first.manifest.files)
    # Only what changed is stored: attachments once, in the backup that saw
    # them first.
    stored_attachments = [
        e.path
        for r in (full, first, second)
        for e in r.manifest.stored
        if e.is_datafile
    ]
    assert len(stored_attachments) == len(set(stored_attachments))

    for backup_id, expected in points.items():
        target = tmp_path / f"restored-{backup_id}"
        backups.restore(world.admin, backup_id, target)
        assert state(target) == expected, backup_id
    assert all(backups.verify(backup_id).ok for backup_id in points)


def test_an_incremental_stores_a_file_rewritten_with_other_content(
    world: World,
) -> None:
    backups = world.backups
    backups.run(world.admin, "full")
    # Same size, same modification time, new content: the SHA-256 decides.
    users = world.root / "users.json"
    stat = users.stat()
    content = users.read_bytes().replace(b"Carla Dias", b"Carla Diaz")
    users.write_bytes(content)
    os.utime(users, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    (world.backups.folder / backup_module.SIGNATURES).unlink()

    result = backups.run(world.admin, "incremental")

    assert [entry.path for entry in result.manifest.stored] == ["users.json"]


def test_an_incremental_with_no_full_backup_is_made_full(world: World) -> None:
    result = world.backups.run(world.admin, "incremental")

    assert result.manifest.kind == "full"
    assert result.fell_back_to_full
    assert result.manifest.chain == [result.id]


def test_an_incremental_whose_full_backup_is_gone_starts_a_new_chain(
    world: World,
) -> None:
    full = world.backups.run(world.admin, "full")
    world.clock.advance(hours=1)
    world.backups.run(world.admin, "incremental")
    archive_path(world, full.id).unlink()

    world.clock.advance(hours=1)
    result = world.backups.run(world.admin, "incremental")

    assert result.manifest.kind == "full"


def test_an_incremental_follows_the_newest_chain_that_is_whole(
    world: World,
) -> None:
    first = world.backups.run(world.admin, "full")
    world.clock.advance(hours=1)
    kept = world.backups.run(world.admin, "incremental")
    world.clock.advance(hours=1)
    damaged = world.backups.run(world.admin, "full")
    world.clock.advance(hours=1)
    newest = world.backups.run(world.admin, "incremental")
    damaged.path.write_bytes(damaged.path.read_bytes()[:100])

    world.clock.advance(hours=1)
    result = world.backups.run(world.admin, "incremental")

    assert result.manifest.kind == "incremental"
    assert result.manifest.chain == [first.id, kept.id, result.id]
    assert result.manifest.sequence > newest.manifest.sequence


def test_backups_made_within_one_second_keep_their_order(world: World) -> None:
    made = [
        world.backups.run(world.admin, kind)
        for kind in ("full", "full", "incremental", "incremental")
    ]

    assert [r.manifest.sequence for r in made] == [1, 2, 3, 4]
    assert made[2].manifest.parent == made[1].id
    assert made[3].manifest.parent == made[2].id
    assert [info.id for info in world.backups.list()] == [r.id for r in made]


def test_the_summary_speaks_portuguese(world: World) -> None:
    result = world.backups.run(world.admin, "full")
    lines = result.summary()

    assert lines[0] == f"Backup {result.id} finalizado com sucesso."
    assert lines[1].startswith("Foi feito o backup de ")
    assert "tabelas, com " in lines[1] and lines[1].endswith("registros.")
    assert lines[2].endswith("arquivos da pasta de dados.")
    assert lines[3] == "Foi feito o backup de 3 arquivos da pasta datafiles."
    assert lines[4].startswith("Total do backup gerado: ")


def test_progress_reports_each_step_and_ends_complete(world: World) -> None:
    steps: list[tuple[str, int, int]] = []
    world.backups.run(world.admin, "full", lambda *step: steps.append(step))

    sentences = [step for step, _done, _total in steps]
    assert "Backup das tabelas concluído, indo para o próximo passo..." in sentences
    assert sentences.index("Fazendo backup das tabelas...") < sentences.index(
        "Fazendo backup dos arquivos da pasta datafiles..."
    )
    dones = [done for _step, done, total in steps if total > 1]
    assert dones == sorted(dones)
    assert all(done <= total for _step, done, total in steps)


def test_consoles_keep_writing_while_a_backup_compresses(world: World) -> None:
    written: list[int] = []

    def progress(step: str, done: int, total: int) -> None:
        # After the snapshot the store's lock is free: a console's write
        # goes through at once, and is not part of this backup.
        if step.startswith("Fazendo backup das tabelas") and not written:
            worker = threading.Thread(
                target=lambda: written.append(world.open_interaction())
            )
            worker.start()
            worker.join(timeout=10)
            assert not worker.is_alive()

    result = world.backups.run(world.admin, "full", progress)

    assert written == [4]
    shard = orjson.loads(backup_member(result.path, "data/interactions/00000.json"))
    assert "4" not in shard["_default"]
    assert result.lock_seconds < 1
    later = world.backups.run(world.admin, "incremental")
    assert "interactions/00000.json" in {e.path for e in later.manifest.stored}


@pytest.mark.parametrize(
    ("name", "size"),
    [
        ("manifest.json", 1234),
        ("data/interactions/00001.json", 445_097),
        ("data/datafiles/ab/" + "a" * 32, 0),
        ("x" * 100, 8**11 - 1),
        ("data/relatório de ação.json", 3),
        ("data/" + "y" * 120, 8**11),
    ],
)
def test_tar_headers_are_byte_for_byte_those_tarfile_writes(
    name: str, size: int
) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = size, 1_773_147_600, 0o600
    info.uname = info.gname = ""
    expected = info.tobuf(tarfile.PAX_FORMAT, "utf-8", "surrogateescape")

    assert backup_module._member_header(name, size, 1_773_147_600) == expected


def backup_member(path: Path, name: str) -> bytes:
    with tarfile.open(path, "r:gz") as archive:
        member = archive.extractfile(name)
        assert member is not None
        return member.read()


# -- verify ------------------------------------------------------------------------


def rewrite(path: Path, change: Callable[[str, bytes], bytes]) -> None:
    """Rewrite an archive with each member's content passed through ``change``."""
    with tarfile.open(path, "r:gz") as archive:
        members = [
            (member, archive.extractfile(member).read())  # type: ignore[union-attr]
            for member in archive.getmembers()
        ]
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for member, content in members:
            content = change(member.name, content)
            member.size = len(content)
            archive.addfile(member, io.BytesIO(content))
    path.write_bytes(buffer.getvalue())


def flip(content: bytes, position: int) -> bytes:
    data = bytearray(content)
    data[position % len(data)] ^= 0x01
    return bytes(data)


def test_verify_passes_an_intact_chain(world: World) -> None:
    world.backups.run(world.admin, "full")
    world.open_interaction(attachments=1)
    world.clock.advance(hours=1)
    result = world.backups.run(world.admin, "incremental")

    report = world.backups.verify(result.id)

    assert report.ok
    assert report.archives == result.manifest.chain
    assert report.members == sum(
        len(world.backups.find(i).manifest.stored) + 2 for i in report.archives
    )


def test_verify_catches_one_flipped_byte_in_every_member(world: World) -> None:
    result = world.backups.run(world.admin, "full")
    pristine = result.path.read_bytes()
    with tarfile.open(result.path, "r:gz") as archive:
        names = archive.getnames()
    assert len(names) > 10

    rng = random.Random(5)
    for name in names:
        result.path.write_bytes(pristine)
        position = rng.randrange(1 << 20)
        rewrite(
            result.path,
            lambda member, content, name=name, at=position: (
                flip(content, at) if member == name else content
            ),
        )

        report = world.backups.verify(result.id)

        assert not report.ok, name
        if name in (MANIFEST, MANIFEST_SUM):
            assert {p.code for p in report.problems} >= {"manifest"}, name
        else:
            assert [(p.member, p.code) for p in report.problems] == [
                (name, "mismatch")
            ], name


def test_verify_catches_damage_to_the_compressed_archive(world: World) -> None:
    result = world.backups.run(world.admin, "full")
    pristine = result.path.read_bytes()
    content = gzip.decompress(pristine)
    rng = random.Random(7)
    checked = 0
    for position in [*rng.sample(range(len(pristine)), 40), len(pristine) - 3]:
        damaged = flip(pristine, position)
        try:
            harmless = gzip.decompress(damaged) == content
        except (OSError, EOFError, zlib.error):
            harmless = False
        if harmless:
            continue  # a gzip header's time or system byte: no data changed
        result.path.write_bytes(damaged)
        assert not world.backups.verify(result.id).ok, position
        checked += 1
    assert checked > 30
    for length in (len(pristine) // 3, len(pristine) - 30):
        result.path.write_bytes(pristine[:length])
        report = world.backups.verify(result.id)
        assert not report.ok
        assert {p.code for p in report.problems} & {"damaged", "manifest"}


def test_verify_reports_members_missing_and_unexpected(world: World) -> None:
    result = world.backups.run(world.admin, "full")
    victim = result.manifest.files[-1].path
    with tarfile.open(result.path, "r:gz") as archive:
        members = [
            (m, archive.extractfile(m).read())  # type: ignore[union-attr]
            for m in archive.getmembers()
            if m.name != f"data/{victim}"
        ]
    extra = tarfile.TarInfo("data/intruso.txt")
    extra.size = 3
    members.append((extra, b"abc"))
    with tarfile.open(result.path, "w:gz") as archive:
        for member, content in members:
            archive.addfile(member, io.BytesIO(content))

    report = world.backups.verify(result.id)

    assert {(p.member, p.code) for p in report.problems} == {
        (f"data/{victim}", "missing"),
        ("data/intruso.txt", "unexpected"),
    }


def test_verify_and_restore_refuse_a_chain_with_a_missing_archive(
    world: World, tmp_path: Path
) -> None:
    full = world.backups.run(world.admin, "full")
    world.clock.advance(hours=1)
    world.open_interaction()
    incremental = world.backups.run(world.admin, "incremental")
    archive_path(world, full.id).unlink()

    report = world.backups.verify(incremental.id)
    assert [(p.archive, p.code) for p in report.problems] == [(full.id, "chain")]
    assert world.backups.find(incremental.id).missing == [full.id]
    with pytest.raises(StoreError):
        world.backups.restore(world.admin, incremental.id, tmp_path / "restored")
    assert not (tmp_path / "restored").exists()


def test_restore_refuses_a_damaged_member_and_leaves_nothing(
    world: World, tmp_path: Path
) -> None:
    result = world.backups.run(world.admin, "full")
    victim = f"data/{result.manifest.files[0].path}"
    rewrite(result.path, lambda name, c: flip(c, 10) if name == victim else c)
    target = tmp_path / "restored"
    target.mkdir()

    with pytest.raises(StoreError, match="SHA-256"):
        world.backups.restore(world.admin, result.id, target)

    assert list(target.iterdir()) == []
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_restore_refuses_a_folder_that_is_not_empty_or_is_inside_the_data(
    world: World, tmp_path: Path
) -> None:
    result = world.backups.run(world.admin, "full")
    busy = tmp_path / "ocupada"
    busy.mkdir()
    (busy / "arquivo.txt").write_text("já tem coisa")

    with pytest.raises(ValidationError, match="não está vazia"):
        world.backups.restore(world.admin, result.id, busy)
    with pytest.raises(ValidationError):
        world.backups.restore(world.admin, result.id, world.root / "restaurado")
    assert (busy / "arquivo.txt").read_text() == "já tem coisa"


# -- failures and kills -----------------------------------------------------------


def keep_backing_up(root: str, admin_id: int, clock_start: float) -> None:
    """Make backups one after another until killed."""
    started = time.monotonic()
    store = Helpdesk(
        Path(root),
        clock=lambda: datetime.fromtimestamp(
            clock_start + (time.monotonic() - started) * 1000, SAO_PAULO
        ),
    )
    admin = store.repository.get_user(admin_id)
    backups = Backups(store)
    kinds = ["full", "incremental"]
    number = 0
    while True:
        backups.run(admin, kinds[number % 2])
        number += 1


def test_a_killed_backup_never_leaves_an_archive_that_looks_complete(
    world: World,
) -> None:
    for _ in range(4):
        world.open_interaction(attachments=3, size=100_000)
    rng = random.Random(2026)
    backups = world.backups
    # Kill instants spread over a few backups' time, however fast the machine.
    started = time.perf_counter()
    backups.run(world.admin, "full")
    span = 3 * (time.perf_counter() - started) + 0.2
    seen_partial = False
    verified: set[str] = set()
    for round_ in range(8):
        worker = FORK.Process(
            target=keep_backing_up,
            args=(str(world.root), world.admin.id, START.timestamp() + round_ * 1e6),
        )
        worker.start()
        time.sleep(rng.uniform(0.02, span))
        os.kill(worker.pid, signal.SIGKILL)
        worker.join()
        seen_partial |= any(backups.folder.glob(".*.partial")) or any(
            (world.root / ".backup-staging").glob("*")
        )

        for info in backups.list():
            assert info.manifest is not None, info.problem
            if info.id not in verified:
                assert backups.verify(info.id).ok, info.id
                verified.add(info.id)

    assert len(backups.list()) > 1, "some backups should have completed"
    assert seen_partial, "some kills should have landed mid-backup"
    world.clock.now = datetime(2027, 1, 1, tzinfo=SAO_PAULO)
    backups.run(world.admin, "incremental")
    assert not any(backups.folder.glob(".*.partial"))
    assert not (world.root / ".backup-staging").exists()


def test_the_leftovers_of_an_interrupted_backup_are_removed_and_logged(
    world: World,
) -> None:
    staging = world.root / ".backup-staging" / "20260310-090000-full"
    staging.mkdir(parents=True)
    os.link(world.root / "users.json", staging / "0")
    world.backups.folder.mkdir()
    partial = world.backups.folder / ".sac-backup-20260310-090000-full.tar.gz.partial"
    partial.write_bytes(b"meio arquivo")

    with LogRecords("sac.backup") as records:
        result = world.backups.run(world.admin, "full")

    assert not partial.exists()
    assert not (world.root / ".backup-staging").exists()
    assert [i.id for i in world.backups.list()] == [result.id]
    warnings = [r.getMessage() for r in records if r.levelno == logging.WARNING]
    assert any("interrupted backup" in w and "20260310-090000" in w for w in warnings)


class LogRecords:
    """Collect one logger's records for the length of a ``with`` block."""

    def __init__(self, name: str) -> None:
        self.logger = logging.getLogger(name)
        self.records: list[logging.LogRecord] = []
        self.handler = logging.Handler()
        self.handler.emit = self.records.append  # type: ignore[method-assign]

    def __enter__(self) -> list[logging.LogRecord]:
        self.logger.addHandler(self.handler)
        self.level = self.logger.level
        self.logger.setLevel(logging.INFO)
        return self.records

    def __exit__(self, *exc: object) -> None:
        self.logger.removeHandler(self.handler)
        self.logger.setLevel(self.level)


def test_a_full_disk_leaves_no_archive_and_says_so(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    world.backups.run(world.admin, "full")
    before = sorted(world.backups.folder.iterdir())

    def full_disk(*args: object) -> bytes:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(backup_module.shutil, "copyfileobj", full_disk)
    world.clock.advance(hours=1)
    with LogRecords("sac.backup") as records, pytest.raises(StoreError) as refused:
        world.backups.run(world.admin, "full")

    assert "disco está cheio" in refused.value.message
    assert sorted(world.backups.folder.iterdir()) == before
    assert not (world.root / ".backup-staging").exists()
    assert any(
        r.levelno == logging.ERROR and "failed" in r.getMessage() for r in records
    )


def test_an_unreadable_file_stops_the_backup_and_is_named(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_open = open
    calls = {"count": 0}

    def unreadable(path: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if "backup-staging" in str(path) and mode == "rb":
            calls["count"] += 1
            if calls["count"] == 3:
                raise PermissionError(13, "Permission denied")
        return real_open(path, mode, *args, **kwargs)

    monkeypatch.setattr(backup_module, "open", unreadable, raising=False)
    with pytest.raises(StoreError) as refused:
        world.backups.run(world.admin, "full")

    third = world.backups.data_files()[2]
    assert third in refused.value.message
    assert world.backups.list() == []
    assert list(world.backups.folder.iterdir()) == []


def test_a_second_backup_at_once_is_refused(world: World) -> None:
    other = Backups(world.store)
    other._lock.acquire()
    try:
        with pytest.raises(StoreError, match="Outro backup"):
            world.backups.run(world.admin, "full")
    finally:
        other._lock.release()
    assert world.backups.run(world.admin, "full").manifest.kind == "full"


# -- permissions -------------------------------------------------------------------


def test_only_admins_and_people_granted_backup_may_act(
    world: World, tmp_path: Path
) -> None:
    backups = world.backups
    result = backups.run(world.admin, "full")
    for person in (world.customer, world.agent):
        assert not may_back_up(person)
        for attempt in (
            lambda p=person: backups.run(p, "full"),
            lambda p=person: backups.restore(p, result.id, tmp_path / "x"),
            lambda p=person: backups.prune(p, keep_daily=1, keep_weekly=1),
            lambda p=person: backups.set_schedule(p, Schedule()),
            lambda p=person: backups.copy(p, result.id, tmp_path),
            lambda p=person: backups.list(p),
        ):
            with pytest.raises(PermissionDenied):
                attempt()

    granted = world.store.grant(world.admin, world.agent.id, Permission.BACKUP)
    assert may_back_up(granted)
    world.clock.advance(hours=1)
    assert backups.run(granted, "incremental").manifest.kind == "incremental"

    # A grant taken back, or an account deactivated, takes effect at once,
    # even for a caller still holding the old record.
    world.store.revoke(world.admin, world.agent.id, Permission.BACKUP)
    with pytest.raises(PermissionDenied):
        backups.run(granted, "full")


# -- copies, folders --------------------------------------------------------------


def test_copy_takes_the_whole_chain_and_verifies_there(
    world: World, tmp_path: Path
) -> None:
    full = world.backups.run(world.admin, "full")
    world.clock.advance(hours=1)
    world.open_interaction(attachments=1)
    incremental = world.backups.run(world.admin, "incremental")
    outside = tmp_path / "pendrive"
    outside.mkdir()

    copies = world.backups.copy(world.admin, incremental.id, outside)

    assert [c.name for c in copies] == [
        archive_path(world, i).name for i in (full.id, incremental.id)
    ]
    elsewhere = Backups(world.store, folder=outside)
    assert elsewhere.verify(incremental.id).ok
    assert not list(outside.glob(".*"))


def test_the_backup_folder_setting_moves_the_archives(
    world: World, tmp_path: Path
) -> None:
    chosen = tmp_path / "externo" / "backups"
    world.backups.set_folder(world.admin, chosen)

    result = Backups(world.store).run(world.admin, "full")

    assert result.path.parent == chosen
    with pytest.raises(ValidationError):
        world.backups.set_folder(world.admin, Path("  "))


# -- retention ----------------------------------------------------------------------


def make_history(world: World, days: int, full_every: int) -> list[str]:
    """One backup a day for ``days`` days, full every ``full_every`` days."""
    made = []
    for day in range(days):
        world.clock.now = START + timedelta(days=day, hours=13)
        world.open_interaction(attachments=day % 2)
        kind = "full" if day % full_every == 0 else "incremental"
        made.append(world.backups.run(world.admin, kind).id)
    return made


def test_prune_keeps_daily_and_weekly_backups_and_every_chain_they_need(
    world: World, tmp_path: Path
) -> None:
    made = make_history(world, days=16, full_every=7)

    preview = world.backups.prune(
        world.admin, keep_daily=3, keep_weekly=2, dry_run=True
    )
    assert [i.id for i in world.backups.list()] == made
    plan = world.backups.prune(world.admin, keep_daily=3, keep_weekly=2)

    assert plan.to_dict()["deleted"] == preview.to_dict()["deleted"]
    left = world.backups.list()
    assert {info.id for info in left} == set(plan.kept)
    assert all(info.restorable for info in left)
    # The three newest days, and a chain back to each of their full backups.
    assert made[-3:] == [info.id for info in left][-3:]
    assert plan.kept[made[7]] == ["chain"]
    assert sorted(info.id for info in plan.deleted) == made[:7]
    assert {"daily", "weekly"} <= set(plan.kept[made[-1]])
    for info in left:
        assert world.backups.verify(info.id).ok
    newest = left[-1]
    world.backups.restore(world.admin, newest.id, tmp_path / "restored")


def test_prune_refuses_a_policy_that_keeps_nothing(world: World) -> None:
    world.backups.run(world.admin, "full")
    with pytest.raises(ValidationError, match="nenhum backup"):
        world.backups.prune(world.admin, keep_daily=0, keep_weekly=0)
    with pytest.raises(ValidationError):
        world.backups.prune(world.admin, keep_daily=-1, keep_weekly=2)
    assert len(world.backups.list()) == 1


def test_a_prune_cut_short_leaves_no_incremental_without_its_chain(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_history(world, days=9, full_every=4)
    real_unlink = Path.unlink
    deleted: list[str] = []

    def unlink_then_die(self: Path, missing_ok: bool = False) -> None:
        if self.name.startswith(ARCHIVE_PREFIX):
            if len(deleted) == 2:
                raise KeyboardInterrupt
            deleted.append(self.name)
        real_unlink(self, missing_ok=missing_ok)

    monkeypatch.setattr(Path, "unlink", unlink_then_die)
    with pytest.raises(KeyboardInterrupt):
        world.backups.prune(world.admin, keep_daily=1, keep_weekly=1)
    monkeypatch.setattr(Path, "unlink", real_unlink)

    assert len(deleted) == 2
    assert all(info.restorable for info in world.backups.list())


def history_infos(draw_kinds: list[bool], gaps: list[int]) -> list[BackupInfo]:
    """Synthetic listings: which backups are full, and days between them."""
    infos: list[BackupInfo] = []
    chain: list[str] = []
    at = START
    for sequence, (full, gap) in enumerate(zip(draw_kinds, gaps, strict=False), 1):
        at += timedelta(hours=gap * 6)
        backup_id = f"b{sequence:03d}"
        chain = [backup_id] if full or not chain else [*chain, backup_id]
        manifest = Manifest(
            id=backup_id,
            kind="full" if len(chain) == 1 else "incremental",
            sequence=sequence,
            created_at=at,
            chain=list(chain),
            parent=chain[-2] if len(chain) > 1 else None,
            software_version="test",
            files=[],
            tables=[],
        )
        infos.append(BackupInfo(backup_id, Path(backup_id), 1, manifest))
    return infos


@settings(max_examples=300, deadline=None)
@given(
    kinds=st.lists(st.booleans(), min_size=1, max_size=40),
    gaps=st.lists(st.integers(min_value=0, max_value=12), min_size=40, max_size=40),
    keep_daily=st.integers(min_value=0, max_value=8),
    keep_weekly=st.integers(min_value=0, max_value=5),
)
def test_no_retention_policy_ever_breaks_a_chain(
    kinds: list[bool], gaps: list[int], keep_daily: int, keep_weekly: int
) -> None:
    if keep_daily == keep_weekly == 0:
        return
    infos = history_infos(kinds, gaps)

    plan = plan_retention(infos, keep_daily, keep_weekly)

    kept = set(plan.kept)
    deleted = [info.id for info in plan.deleted]
    assert kept.isdisjoint(deleted)
    assert kept | set(deleted) == {info.id for info in infos}
    assert infos[-1].id in kept
    for info in infos:
        if info.id in kept:
            assert set(info.manifest.chain) <= kept
    # Deleted newest first: whatever point a prune stops at, nothing left
    # needs something already gone.
    sequences = [int(i[1:]) for i in deleted]
    assert sequences == sorted(sequences, reverse=True)
    for stop in range(len(deleted) + 1):
        remaining = {info.id for info in infos} - set(deleted[:stop])
        for info in infos:
            if info.id in remaining:
                assert set(info.manifest.chain) <= remaining
    days = {info.manifest.created_at.date() for info in infos}
    assert len([k for k in plan.kept.values() if "daily" in k]) == min(
        keep_daily, len(days)
    )


# -- schedule ----------------------------------------------------------------------


def test_the_default_schedule_is_daily_with_a_full_backup_on_sunday(
    world: World,
) -> None:
    schedule = world.backups.schedule()

    assert schedule.every_day
    assert schedule.full_days == {0}
    assert schedule.describe() == (
        "Todos os dias da semana às 23:00; backup completo: Domingo."
    )


def test_a_schedule_is_kept_and_checked(world: World) -> None:
    chosen = Schedule(days={1, 3, 5}, hour=21, minute=30, full_days={5})
    world.backups.set_schedule(world.admin, chosen)

    assert Backups(world.store).schedule() == chosen
    with pytest.raises(ValidationError):
        world.backups.set_schedule(world.admin, Schedule(days={1}, full_days={2}))
    with pytest.raises(ValidationError):
        world.backups.set_schedule(world.admin, Schedule(hour=24))
    with pytest.raises(ValidationError):
        world.backups.set_schedule(world.admin, Schedule(days={7}, full_days=set()))


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """An instant in March 2026; the 8th is a Sunday."""
    return datetime(2026, 3, day, hour, minute, tzinfo=SAO_PAULO)


def test_due_follows_the_days_the_hour_and_the_full_days(world: World) -> None:
    backups = world.backups
    backups.set_schedule(world.admin, Schedule(days={0, 2, 4}, hour=22, full_days={0}))

    assert backups.due(at(8, 21, 59)) == "incremental"  # Thursday 5th's slot
    assert backups.due(at(8, 22)) == "full"  # Sunday, at the hour
    assert backups.due(at(10, 22, 30)) == "incremental"  # Tuesday

    world.clock.now = at(10, 22, 5)
    backups.run(world.admin, "incremental")
    assert backups.due(at(10, 23)) is None  # done today after the hour
    assert backups.due(at(11, 9)) is None  # Wednesday: no backup day
    assert backups.due(at(12, 21)) is None  # Thursday, before the hour
    assert backups.due(at(12, 22)) == "incremental"

    # A machine switched off on Sunday night catches up on Monday morning.
    world.clock.now = at(12, 22, 1)
    backups.run(world.admin, "incremental")
    assert backups.due(at(16, 8)) == "full"


def test_due_with_no_day_chosen_never_runs(world: World) -> None:
    world.backups.set_schedule(world.admin, Schedule(days=set(), full_days=set()))

    assert world.backups.due(at(8, 23)) is None
    assert world.backups.run_due(world.admin) is None
    assert world.backups.schedule().describe() == "Backups automáticos desligados."


def test_run_due_makes_what_the_schedule_says(world: World) -> None:
    world.clock.now = at(8, 23, 30)

    result = world.backups.run_due(world.admin)

    assert result is not None and result.manifest.kind == "full"
    assert world.backups.run_due(world.admin) is None


# -- the command line ------------------------------------------------------------


def sac(capsys: pytest.CaptureFixture[str], world: World, *argv: str) -> Any:
    """Run ``sac ARGV --data-dir ... --json``; return (exit code, parsed output)."""
    from tui.cli import main

    code = main([*argv, "--data-dir", str(world.root), "--json", "--lang", "pt_BR"])
    captured = capsys.readouterr()
    output = orjson.loads(captured.out) if captured.out.strip() else None
    return code, output, captured.err


@pytest.fixture
def cli_world(world: World, monkeypatch: pytest.MonkeyPatch) -> World:
    monkeypatch.setenv("SAC_PASSWORD", PASSWORD)
    # The command line runs on the real clock, not the world's: nothing here
    # depends on the instant.
    return world


def test_the_command_line_backs_up_lists_verifies_and_restores(
    cli_world: World, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    world = cli_world
    admin = ("--as", "ana@backsite.com.br")

    code, made, _err = sac(capsys, world, "backup", "run", "--full", *admin)
    assert code == 0 and made["kind"] == "full"
    code, listed, _err = sac(capsys, world, "backup", "list")
    assert code == 0
    assert [b["id"] for b in listed["backups"]] == [made["id"]]
    assert listed["backups"][0]["restorable"]

    code, report, _err = sac(capsys, world, "backup", "verify", made["id"])
    assert code == 0 and report["ok"] and report["problems"] == []

    target = tmp_path / "restaurado"
    code, restored, _err = sac(
        capsys, world, "backup", "restore", made["id"], "--to", str(target), *admin
    )
    assert code == 0 and restored["records"] == made["totals"]["records"]
    assert state(target) == state(world.root)

    rewrite(Path(made["path"]), lambda n, c: flip(c, 3) if n.startswith("data/") else c)
    code, report, _err = sac(capsys, world, "backup", "verify", made["id"])
    assert code == 1
    assert {p["code"] for p in report["problems"]} == {"mismatch"}


def test_the_command_line_prunes_schedules_and_runs_what_is_due(
    cli_world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    world = cli_world
    admin = ("--as", "ana@backsite.com.br")
    make_history(world, days=3, full_every=7)

    code, plan, _err = sac(
        capsys,
        world,
        "backup",
        "prune",
        "--keep-daily",
        "1",
        "--keep-weekly",
        "0",
        "--dry-run",
        *admin,
    )
    assert code == 0 and plan["dry_run"] and plan["deleted"] == []
    assert len(world.backups.list()) == 3

    code, _out, err = sac(
        capsys,
        world,
        "backup",
        "prune",
        "--keep-daily",
        "0",
        "--keep-weekly",
        "0",
        *admin,
    )
    assert code == 1 and "nenhum backup" in err

    code, schedule, _err = sac(
        capsys,
        world,
        "backup",
        "schedule",
        "--days",
        "dom,qua",
        "--hour",
        "21:30",
        "--full-days",
        "0",
        *admin,
    )
    assert code == 0
    assert (schedule["days"], schedule["hour"], schedule["minute"]) == ([0, 3], 21, 30)
    assert world.backups.schedule().full_days == {0}

    code, _out, err = sac(capsys, world, "backup", "schedule", "--hour", "7")
    assert code == 1 and "--as" in err


def test_the_command_line_refuses_a_customer(
    cli_world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _out, err = sac(
        capsys, cli_world, "backup", "run", "--full", "--as", "carla@santos.sp.gov.br"
    )

    assert code == 1
    assert "permissão de backup" in err
    assert cli_world.backups.list() == []


def test_the_command_line_exports_a_data_copy(
    cli_world: World, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "copias"
    out.mkdir()

    code, result, _err = sac(
        capsys,
        cli_world,
        "backup",
        "export",
        "1",
        "--to",
        str(out),
        "--as",
        "ana@backsite.com.br",
    )

    assert code == 0
    assert result["organisation_name"] == "Prefeitura de Santos"
    assert Path(result["path"]).parent == out
    assert result["interactions"] == 3
