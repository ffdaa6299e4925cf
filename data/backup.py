"""System backups: point-in-time archives of the data directory.

A backup copies every file of the data directory (the TinyDB tables and the
attachments in ``datafiles/``) except the lock, the log and the backups
themselves, into one ``.tar.gz`` archive whose first members describe it::

    manifest.json      what the backup holds: kind, id, parent, chain,
                       instant, software version, every table with its
                       record count, every file with its size and SHA-256
    manifest.sha256    the manifest's own SHA-256, as ``sha256sum`` writes it
    data/<path>        the files this archive stores, in the data
                       directory's layout

A full backup stores every file. An incremental one stores only the files
that changed since the previous backup of its chain and names, for each of
the others, the earlier archive that holds it; its manifest still describes
the whole data directory, so restoring it rebuilds everything from the full
backup and the incrementals after it.

Consistency without stopping the helpdesk: every write to the store replaces
a whole file (``os.replace``), so a hard link taken while holding the
store's lock is a frozen copy of that file. The lock is held only while the
links are made (milliseconds); reading, hashing and compressing happen after
it is released, from the links, while consoles keep working.

Safety: an archive is written under a hidden temporary name, fsynced and
renamed to its final name only when complete, so a killed, failed or
disk-full backup never leaves a file that looks like a backup. What it did
leave (the staging links, the temporary file) is removed by the next
backup, and the log (``sac.backup`` in the data directory's ``sac.log``)
says which backup failed and why.

Speed: the archive is a series of gzip members compressed on several
threads at once (every gzip reader, ``tar`` included, reads consecutive
members as one stream); the members that describe the backup are written
first, so that listing backups reads a few kilobytes of each archive.
"""

from __future__ import annotations

import contextlib
import gc
import gzip
import hashlib
import importlib.metadata
import logging
import os
import re
import shutil
import tarfile
import threading
import time
import zlib
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path, PurePosixPath
from typing import IO, Any, Literal, NamedTuple

import orjson
from filelock import FileLock, Timeout

from data.deadlines import SAO_PAULO
from data.errors import NotFound, PermissionDenied, StoreError, ValidationError
from data.i18n import _, language
from data.models import Permission, User
from data.tinystore.files import fsync_folder
from data.words import natural_size

log = logging.getLogger("sac.backup")

Kind = Literal["full", "incremental"]
Progress = Callable[[str, int, int], None]
"""``progress(step, done, total)``: the current step as a sentence, and how
many of ``total`` units of work (bytes) are done. Called from the thread that
runs the backup."""

FORMAT = 1
ARCHIVE_PREFIX = "sac-backup-"
ARCHIVE_SUFFIX = ".tar.gz"
PARTIAL_SUFFIX = ".partial"
MANIFEST = "manifest.json"
MANIFEST_SUM = "manifest.sha256"
DATA_PREFIX = "data/"
DATAFILES = "datafiles"
DEFAULT_FOLDER = "backups"
FOLDER_SETTING = "backup_folder"
SCHEDULE_SETTING = "backup_schedule"
STAGING = ".backup-staging"
LOCK = "backup.lock"
SIGNATURES = ".sac-backup-signatures.json"

COMPRESSION_LEVEL = 2
"""Measured with bench/backup_bench.py on two CPUs: counting every table's
records keeps one core busy on a first full backup, and at gzip's default
level 6 (and at 4 and 5, which search harder) that backup ran at half the
speed of ``tar czf``; levels 1 to 3 keep pace with tar, and 2 did so most
steadily, for archives about a third larger than tar's. Full backups after
the first reuse earlier counts and run faster than tar."""

_CHUNK = 1 << 20
_BIG_FILE = 32 << 20
_ID = re.compile(r"^\d{8}-\d{6}-(full|incr)(-\d+)?$")
_NOT_DATA = {"sac.lock", LOCK, STAGING}
_IN_FLIGHT = (".tmp", ".part", PARTIAL_SUFFIX)


# -- records ----------------------------------------------------------------


@dataclass(frozen=True)
class FileEntry:
    """One file of the data directory as a backup saw it.

    ``stored_in`` is the id of the archive that holds its content: this
    backup's own for what it stored, an earlier one of its chain otherwise.
    """

    path: str
    size: int
    sha256: str
    stored_in: str

    @property
    def is_datafile(self) -> bool:
        return self.path.startswith(f"{DATAFILES}/")


@dataclass(frozen=True)
class TableEntry:
    """One TinyDB table: the file it lives in, its name and its record count."""

    file: str
    table: str
    records: int


@dataclass
class Manifest:
    """What one archive holds and how it fits in its chain."""

    id: str
    kind: Kind
    sequence: int
    created_at: datetime
    chain: list[str]
    parent: str | None
    software_version: str
    files: list[FileEntry]
    tables: list[TableEntry]
    deleted: list[str] = field(default_factory=list)

    @property
    def stored(self) -> list[FileEntry]:
        """The files whose content is in this archive."""
        return [entry for entry in self.files if entry.stored_in == self.id]

    @property
    def records(self) -> int:
        return sum(table.records for table in self.tables)

    def to_dict(self) -> dict[str, Any]:
        stored = self.stored
        return {
            "format": FORMAT,
            "id": self.id,
            "kind": self.kind,
            "sequence": self.sequence,
            "parent": self.parent,
            "chain": self.chain,
            "created_at": self.created_at.isoformat(),
            "software": {"name": "sac-console", "version": self.software_version},
            "totals": {
                "tables": len(self.tables),
                "records": self.records,
                "files": len(self.files),
                "store_files": sum(not e.is_datafile for e in self.files),
                "datafiles": sum(e.is_datafile for e in self.files),
                "bytes": sum(entry.size for entry in self.files),
                "stored_files": len(stored),
                "stored_bytes": sum(entry.size for entry in stored),
                "deleted": len(self.deleted),
            },
            "tables": [
                {"file": t.file, "table": t.table, "records": t.records}
                for t in self.tables
            ],
            "files": [
                {
                    "path": e.path,
                    "size": e.size,
                    "sha256": e.sha256,
                    "stored_in": e.stored_in,
                }
                for e in self.files
            ],
            "deleted": self.deleted,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Manifest:
        if data.get("format") != FORMAT:
            raise ValueError(f"unknown manifest format {data.get('format')!r}")
        # Ids name files in the backup folder: nothing else may pass for one.
        ids = [data["id"], *data["chain"], *(e["stored_in"] for e in data["files"])]
        if not all(isinstance(i, str) and _ID.match(i) for i in ids):
            raise ValueError("a backup id in the manifest is not one")
        return cls(
            id=data["id"],
            kind=data["kind"],
            sequence=int(data["sequence"]),
            created_at=datetime.fromisoformat(data["created_at"]),
            chain=list(data["chain"]),
            parent=data["parent"],
            software_version=data["software"]["version"],
            files=[FileEntry(**entry) for entry in data["files"]],
            tables=[TableEntry(**entry) for entry in data["tables"]],
            deleted=list(data.get("deleted", [])),
        )


@dataclass
class BackupInfo:
    """An archive found in the backup folder, as ``list`` shows it.

    ``manifest`` is ``None`` when the archive cannot be read; ``problem``
    then says why. ``missing`` names the earlier archives of its chain that
    are not in the folder: such a backup cannot be restored.
    """

    id: str
    path: Path
    size: int
    manifest: Manifest | None
    problem: str = ""
    missing: list[str] = field(default_factory=list)

    @property
    def restorable(self) -> bool:
        return self.manifest is not None and not self.missing

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "path": str(self.path),
            "archive_bytes": self.size,
            "restorable": self.restorable,
            "missing": self.missing,
            "problem": self.problem,
        }
        if self.manifest is not None:
            manifest = self.manifest.to_dict()
            for key in ("kind", "sequence", "parent", "chain", "created_at"):
                data[key] = manifest[key]
            data["software_version"] = self.manifest.software_version
            data["totals"] = manifest["totals"]
        return data


@dataclass
class BackupResult:
    """What a finished backup made, with the sentences that report it."""

    manifest: Manifest
    path: Path
    archive_bytes: int
    seconds: float
    lock_seconds: float
    fell_back_to_full: bool = False

    @property
    def id(self) -> str:
        return self.manifest.id

    def summary(self) -> list[str]:
        """The closing report, one sentence a line, as the screen shows it."""
        manifest = self.manifest
        store_files = [e for e in manifest.files if not e.is_datafile]
        datafiles = [e for e in manifest.files if e.is_datafile]
        lines = [
            _("Backup {id} finished successfully.", id=manifest.id),
            _(
                "Backed up {tables}, with {records}.",
                tables=count_words(len(manifest.tables), "table"),
                records=count_words(manifest.records, "record"),
            ),
        ]
        if manifest.kind == "full":
            lines += [
                _(
                    "Backed up {files} in the data folder.",
                    files=count_words(len(store_files), "file"),
                ),
                _(
                    "Backed up {files} in the folder datafiles.",
                    files=count_words(len(datafiles), "file"),
                ),
            ]
        else:
            lines += [
                _(
                    "Copied {changed} of {files} in the data folder; the others "
                    "had not changed.",
                    changed=number(
                        sum(e.stored_in == manifest.id for e in store_files)
                    ),
                    files=count_words(len(store_files), "file"),
                ),
                _(
                    "Copied {changed} of {files} in the folder datafiles; the "
                    "others had not changed.",
                    changed=number(sum(e.stored_in == manifest.id for e in datafiles)),
                    files=count_words(len(datafiles), "file"),
                ),
            ]
        lines.append(
            _(
                "Total size of the backup: {size}.",
                size=natural_size(self.archive_bytes),
            )
        )
        return lines

    def to_dict(self) -> dict[str, Any]:
        data = self.manifest.to_dict()
        del data["files"], data["tables"]
        data.update(
            path=str(self.path),
            archive_bytes=self.archive_bytes,
            seconds=round(self.seconds, 3),
            lock_seconds=round(self.lock_seconds, 4),
            fell_back_to_full=self.fell_back_to_full,
        )
        return data


@dataclass(frozen=True)
class Problem:
    """One thing ``verify`` found wrong, in words and as a code for scripts.

    Codes: ``damaged`` (unreadable archive), ``manifest`` (the manifest does
    not match its checksum or cannot be read), ``mismatch`` (a member's size
    or SHA-256 differs from the manifest), ``missing`` (a member the manifest
    promises is absent), ``unexpected`` (a member it does not promise),
    ``chain`` (an earlier archive of the chain is absent or disagrees).
    """

    archive: str
    member: str
    code: str
    message: str

    def to_dict(self) -> dict[str, str]:
        return {
            "archive": self.archive,
            "member": self.member,
            "code": self.code,
            "message": self.message,
        }


@dataclass
class VerifyReport:
    """Every archive of a backup's chain re-read, and what was wrong."""

    id: str
    archives: list[str]
    members: int
    bytes: int
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "ok": self.ok,
            "archives": self.archives,
            "members": self.members,
            "bytes": self.bytes,
            "problems": [problem.to_dict() for problem in self.problems],
        }


@dataclass
class RestoreReport:
    """A data directory rebuilt from a backup's chain."""

    id: str
    target: Path
    archives: list[str]
    files: int
    bytes: int
    tables: int
    records: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "target": str(self.target),
            "archives": self.archives,
            "files": self.files,
            "bytes": self.bytes,
            "tables": self.tables,
            "records": self.records,
        }


@dataclass
class PrunePlan:
    """Which backups a retention policy keeps and which it deletes, and why.

    ``kept`` maps each kept id to its reasons: ``daily``, ``weekly``,
    ``chain`` (an incremental that is kept needs it) or ``unreadable``
    (an archive whose manifest cannot be read is never deleted by a rule).
    """

    kept: dict[str, list[str]]
    deleted: list[BackupInfo]
    dry_run: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "kept": self.kept,
            "deleted": [info.id for info in self.deleted],
            "freed_bytes": sum(info.size for info in self.deleted),
        }


WEEKDAYS = (0, 1, 2, 3, 4, 5, 6)
"""Days of the week as the schedule numbers them: 0 is Sunday, as in cron."""


def weekday_name(day: int) -> str:
    """The day's name as the schedule shows it (Domingo, Segunda, ...)."""
    return (
        _("Sunday"),
        _("Monday"),
        _("Tuesday"),
        _("Wednesday"),
        _("Thursday"),
        _("Friday"),
        _("Saturday"),
    )[day]


def weekday_of(instant: datetime | date) -> int:
    """The schedule's number for the day of ``instant`` (0 is Sunday)."""
    return (instant.weekday() + 1) % 7


@dataclass(frozen=True)
class Schedule:
    """When backups run by themselves, and which days make a full one.

    Args:
        days: the days a backup runs (0 is Sunday); empty turns them off.
        hour / minute: the time of day, in São Paulo time.
        full_days: the days whose backup is full; the others incremental.
    """

    days: frozenset[int] = frozenset(WEEKDAYS)
    hour: int = 23
    minute: int = 0
    full_days: frozenset[int] = frozenset({0})

    def __post_init__(self) -> None:
        object.__setattr__(self, "days", frozenset(self.days))
        object.__setattr__(self, "full_days", frozenset(self.full_days))

    @property
    def every_day(self) -> bool:
        return self.days == frozenset(WEEKDAYS)

    def check(self) -> Schedule:
        """Refuse days or times that do not exist, with a sentence."""
        if not self.days <= set(WEEKDAYS) or not self.full_days <= set(WEEKDAYS):
            raise ValidationError(
                _("Days of the week go from 0 (Sunday) to 6 (Saturday)."),
                field="days",
            )
        if not (0 <= self.hour <= 23 and 0 <= self.minute <= 59):
            raise ValidationError(
                _("Write the time as HH:MM, from 00:00 to 23:59."), field="hour"
            )
        if not self.full_days <= self.days:
            raise ValidationError(
                _("A day of full backup must also be a day of backup."),
                field="full_days",
            )
        return self

    def to_dict(self) -> dict[str, Any]:
        return {
            "days": sorted(self.days),
            "hour": self.hour,
            "minute": self.minute,
            "full_days": sorted(self.full_days),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Schedule:
        return cls(
            days=frozenset(data.get("days", WEEKDAYS)),
            hour=int(data.get("hour", 23)),
            minute=int(data.get("minute", 0)),
            full_days=frozenset(data.get("full_days", {0})),
        )

    def describe(self) -> str:
        """The schedule in one sentence, for the command line and the log."""
        if not self.days:
            return _("Automatic backups are off.")
        days = (
            _("Every day of the week")
            if self.every_day
            else ", ".join(weekday_name(day) for day in sorted(self.days))
        )
        full = (
            ", ".join(weekday_name(day) for day in sorted(self.full_days))
            if self.full_days
            else _("never")
        )
        return _(
            "{days} at {time}; full backup on: {full}.",
            days=days,
            time=f"{self.hour:02d}:{self.minute:02d}",
            full=full,
        )


# -- words --------------------------------------------------------------------


def number(value: int) -> str:
    """A count with the thousands separator of the interface's language."""
    text = f"{value:,}"
    return text.replace(",", ".") if language() == "pt_BR" else text


def count_words(count: int, unit: Literal["table", "record", "file", "backup"]) -> str:
    """A count with its noun in the right number: "1 tabela", "383 tabelas"."""
    words = {
        "table": (_("{count} table"), _("{count} tables")),
        "record": (_("{count} record"), _("{count} records")),
        "file": (_("{count} file"), _("{count} files")),
        "backup": (_("{count} backup"), _("{count} backups")),
    }[unit]
    return words[count != 1].format(count=number(count))


def kind_label(kind: str) -> str:
    return _("Full") if kind == "full" else _("Incremental")


def may_back_up(user: User | None) -> bool:
    """Whether ``user`` may see and run backups: admins, and those granted it."""
    return user is not None and user.active and user.can(Permission.BACKUP)


def software_version() -> str:
    """The installed console's version, or "unknown" when run from a checkout."""
    try:
        return importlib.metadata.version("sac-console")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


# -- the engine -----------------------------------------------------------------


class Backups:
    """Backups of one helpdesk's data directory, kept in one folder.

    Every method that acts takes the acting ``User`` and refuses, with
    ``PermissionDenied``, anyone who is not an administrator or granted
    ``Permission.BACKUP``. Reading methods accept ``None`` for the operating
    system's user at the command line, who can read the archives anyway.

    Args:
        store: the local helpdesk (``data.helpdesk.Helpdesk``): its data
            directory, repository and clock.
        folder: where the archives go; by default the ``backup_folder``
            setting, else ``backups/`` in the data directory.
    """

    def __init__(self, store: Any, folder: Path | None = None) -> None:
        self.store = store
        self.root = Path(store.root)
        self.repository = store.repository
        self._folder = Path(folder).expanduser() if folder is not None else None
        self._lock = FileLock(self.root / LOCK, thread_local=False)

    # -- where, and who ---------------------------------------------------------

    @property
    def folder(self) -> Path:
        """The folder the archives are kept in."""
        if self._folder is not None:
            folder = self._folder
        else:
            folder = Path(self.repository.setting(FOLDER_SETTING) or DEFAULT_FOLDER)
            folder = folder.expanduser()
        return folder if folder.is_absolute() else self.root / folder

    def _require(self, actor: User | None, *, optional: bool = False) -> None:
        if actor is None and optional:
            return
        current = None if actor is None else self.repository.get_user(actor.id)
        if not may_back_up(current):
            log.warning("backup refused to user %s", getattr(actor, "id", "(nobody)"))
            raise PermissionDenied(
                _(
                    "Only an administrator or someone allowed to make backups can "
                    "do this."
                )
            )

    def _now(self) -> datetime:
        return self.store.clock().astimezone(SAO_PAULO)

    @contextlib.contextmanager
    def _exclusive(self) -> Iterator[None]:
        """One backup, restore or prune at a time for this data directory."""
        try:
            self._lock.acquire(timeout=0)
        except Timeout:
            raise StoreError(
                _(
                    "Another backup, restore or clean-up is running; try again "
                    "when it ends."
                )
            ) from None
        try:
            yield
        finally:
            self._lock.release()

    # -- settings ------------------------------------------------------------------

    def schedule(self) -> Schedule:
        """The schedule kept in the store's settings (the default if never set)."""
        stored = self.repository.setting(SCHEDULE_SETTING)
        return Schedule() if stored is None else Schedule.from_dict(stored)

    def set_schedule(self, actor: User, schedule: Schedule) -> Schedule:
        """Keep a new schedule in the store's settings."""
        self._require(actor)
        schedule.check()
        self.repository.put_setting(SCHEDULE_SETTING, schedule.to_dict())
        log.info("schedule changed by %s: %s", actor.id, schedule.to_dict())
        return schedule

    def set_folder(self, actor: User, folder: Path) -> Path:
        """Keep where backups go; a relative folder is inside the data directory.

        The folder is created if needed; a folder that cannot be created or
        written to is refused.
        """
        self._require(actor)
        text = str(folder).strip()
        if not text:
            raise ValidationError(_("Type the folder for the backups."), field="folder")
        chosen = Path(text).expanduser()
        resolved = chosen if chosen.is_absolute() else self.root / chosen
        try:
            resolved.mkdir(parents=True, exist_ok=True)
            probe = resolved / f".write-test-{os.getpid()}"
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as error:
            raise ValidationError(
                _(
                    "The folder {path} cannot be used: {reason}.",
                    path=resolved,
                    reason=error.strerror or error,
                ),
                field="folder",
            ) from None
        self.repository.put_setting(FOLDER_SETTING, str(chosen))
        log.info("backup folder changed by %s to %s", actor.id, resolved)
        return resolved

    # -- what exists ---------------------------------------------------------------

    def list(self, actor: User | None = None) -> list[BackupInfo]:
        """Every archive in the folder, oldest first, with what it holds.

        Only complete archives are listed: one being written, or left by a
        killed backup, has a hidden temporary name.
        """
        self._require(actor, optional=True)
        infos = [self._info(path) for path in self._archives()]
        by_id = {info.id: info for info in infos if info.manifest is not None}
        for info in infos:
            if info.manifest is not None:
                info.missing = [i for i in info.manifest.chain[:-1] if i not in by_id]
        infos.sort(
            key=lambda info: (
                info.manifest is not None,
                info.manifest.sequence if info.manifest else 0,
                info.id,
            )
        )
        return infos

    def find(self, backup_id: str, actor: User | None = None) -> BackupInfo:
        """The backup with id ``backup_id``, or ``NotFound``."""
        for info in self.list(actor):
            if info.id == backup_id:
                return info
        raise NotFound(
            _(
                "There is no backup {id} in {folder}.",
                id=backup_id,
                folder=self.folder,
            )
        )

    def _recent(self, *, incremental: bool) -> list[BackupInfo]:
        """The newest readable backups, oldest first, read no further than needed.

        A run needs the newest readable manifest (its sequence number and its
        record counts) and, for an incremental, the newest backup whose chain
        is whole: present and readable. Reading every manifest in the folder
        made each run slower as the folder filled up; this reads the newest
        ones until it has what it needs, and the chain of the one it takes.
        """
        paths = self._archives()
        by_id = {self._id_of(path): path for path in paths}
        readable: dict[str, bool] = {}

        def whole(backup_id: str) -> bool:
            if backup_id not in readable:
                path = by_id.get(backup_id)
                readable[backup_id] = (
                    path is not None and self._info(path).manifest is not None
                )
            return readable[backup_id]

        found: list[BackupInfo] = []
        for path in reversed(paths):
            info = self._info(path)
            readable[info.id] = info.manifest is not None
            if info.manifest is None:
                continue
            info.missing = [i for i in info.manifest.chain[:-1] if not whole(i)]
            found.append(info)
            if not incremental or not info.missing:
                break
        return found[::-1]

    @staticmethod
    def _id_of(path: Path) -> str:
        return path.name[len(ARCHIVE_PREFIX) : -len(ARCHIVE_SUFFIX)]

    def _archives(self) -> list[Path]:
        """The archives in the folder, in the order they were made."""
        if not self.folder.is_dir():
            return []
        return sorted(
            (
                path
                for path in self.folder.iterdir()
                if path.name.startswith(ARCHIVE_PREFIX)
                and path.name.endswith(ARCHIVE_SUFFIX)
                and path.is_file()
            ),
            key=lambda path: _made_order(self._id_of(path)),
        )

    def _info(self, path: Path) -> BackupInfo:
        backup_id = self._id_of(path)
        size = path.stat().st_size
        try:
            manifest, raw, recorded = read_manifest(path)
        except (OSError, EOFError, ValueError, KeyError, TypeError) as error:
            return BackupInfo(
                backup_id,
                path,
                size,
                None,
                problem=_("The archive cannot be read: {reason}", reason=error),
            )
        if hashlib.sha256(raw).hexdigest() != recorded or manifest.id != backup_id:
            return BackupInfo(
                backup_id,
                path,
                size,
                None,
                problem=_("The manifest does not match its checksum."),
            )
        return BackupInfo(backup_id, path, size, manifest)

    # -- the schedule --------------------------------------------------------------

    def due(self, now: datetime | None = None) -> Kind | None:
        """What the schedule says should run at ``now``, if anything.

        The latest scheduled moment at or before ``now`` (looking back up to a
        week, so that a machine that was off catches up) is due unless a
        backup was made since; its day says full or incremental.
        """
        now = (now or self._now()).astimezone(SAO_PAULO)
        schedule = self.schedule()
        slot = latest_slot(schedule, now)
        if slot is None:
            return None
        made = [
            info.manifest.created_at
            for info in self._recent(incremental=False)
            if info.manifest is not None
        ]
        if any(created >= slot for created in made):
            return None
        return "full" if weekday_of(slot) in schedule.full_days else "incremental"

    def run_due(
        self, actor: User, progress: Progress | None = None
    ) -> BackupResult | None:
        """Make the backup the schedule asks for now; ``None`` if none is due."""
        self._require(actor)
        kind = self.due()
        if kind is None:
            log.info("nothing due now (%s)", self.schedule().describe())
            return None
        return self.run(actor, kind, progress)

    # -- making a backup -----------------------------------------------------------

    def run(
        self, actor: User, kind: Kind = "full", progress: Progress | None = None
    ) -> BackupResult:
        """Make a backup now.

        An incremental backup follows the newest backup in the folder; with
        none, or with an earlier archive of its chain missing, a full backup
        is made instead and the result says so.

        Raises:
            PermissionDenied: ``actor`` may not make backups.
            StoreError: another backup runs, or the backup failed (a file
                could not be read, the disk is full); nothing that looks like
                a backup is left behind, and the log says what failed.
        """
        self._require(actor)
        if kind not in ("full", "incremental"):
            raise ValidationError(_("A backup is full or incremental."), field="kind")
        report = progress or _ignore
        with self._exclusive():
            report(_("Preparing the backup..."), 0, 0)
            self.folder.mkdir(parents=True, exist_ok=True)
            if self._remove_leftovers():
                report(_("Removed what an interrupted backup had left behind."), 0, 0)
            earlier = self._recent(incremental=kind == "incremental")
            parent = None
            fell_back = False
            if kind == "incremental":
                usable = [info for info in earlier if not info.missing]
                parent = usable[-1].manifest if usable else None
                if parent is None:
                    kind, fell_back = "full", True
                    log.warning("no usable full backup: making a full one")
                    report(
                        _("There is no full backup to follow; making a full one."),
                        0,
                        0,
                    )
            writer = _Writer(self, kind, parent, earlier, report)
            return writer.run(actor, fell_back)

    def _remove_leftovers(self) -> list[str]:
        """Delete what killed backups left; called with the backup lock held."""
        removed: list[str] = []
        staging = self.root / STAGING
        if staging.is_dir():
            for leftover in staging.iterdir():
                removed.append(leftover.name)
                if leftover.is_dir():
                    shutil.rmtree(leftover, ignore_errors=True)
                else:
                    with contextlib.suppress(OSError):
                        leftover.unlink()
        if self.folder.is_dir():
            for leftover in self.folder.glob(f".*{PARTIAL_SUFFIX}"):
                removed.append(leftover.name)
                with contextlib.suppress(OSError):
                    leftover.unlink()
        if removed:
            log.warning(
                "removed the leftovers of an interrupted backup: %s",
                ", ".join(sorted(removed)),
            )
        return removed

    def _new_id(self, kind: Kind, now: datetime) -> str:
        """YYYYMMDD-HHMMSS-full|incr, with -N for the Nth backup of that second.

        N counts both kinds, so that the ids alone tell the order in which
        the backups were made.
        """
        stamp = f"{now:%Y%m%d-%H%M%S}"
        label = "full" if kind == "full" else "incr"
        taken = {self._id_of(path) for path in self._archives()}
        number_ = 1 + sum(1 for i in taken if i.startswith(f"{stamp}-"))
        while True:
            backup_id = f"{stamp}-{label}" + (f"-{number_}" if number_ > 1 else "")
            if backup_id not in taken:
                return backup_id
            number_ += 1

    def _excluded(self) -> set[str]:
        """Top-level names of the data directory that are not data.

        ``backups/`` is left out even when backups go elsewhere: archives
        made before the folder changed would otherwise be backed up again.
        """
        excluded = {*_NOT_DATA, DEFAULT_FOLDER}
        try:
            inside = self.folder.resolve().relative_to(self.root.resolve())
        except ValueError:
            inside = None
        if inside is not None and inside.parts:
            excluded.add(inside.parts[0])
        return excluded

    def data_files(self) -> list[str]:
        """The data directory's files a backup copies, tables first.

        Paths are relative and use "/"; the lock files, the log, staging and
        backup folders, symbolic links and files still being written
        (``.*.tmp``, ``.*.part``) are left out.
        """
        excluded = self._excluded()
        found: list[str] = []

        def walk(folder: str, prefix: str) -> None:
            # os.scandir tells files from folders without a stat per file:
            # this runs while the store's lock is held.
            with os.scandir(folder) as entries:
                for entry in entries:
                    name = entry.name
                    if not prefix and (name in excluded or _is_log(name)):
                        continue
                    if entry.is_dir(follow_symlinks=False):
                        walk(entry.path, f"{prefix}{name}/")
                    elif entry.is_file(follow_symlinks=False) and not (
                        name.startswith(".") and name.endswith(_IN_FLIGHT)
                    ):
                        found.append(prefix + name)

        walk(str(self.root), "")
        found.sort(key=lambda rel: (rel.startswith(f"{DATAFILES}/"), rel))
        return found

    # -- verifying -----------------------------------------------------------------

    def verify(
        self,
        backup_id: str,
        actor: User | None = None,
        progress: Progress | None = None,
    ) -> VerifyReport:
        """Re-read every archive of the backup's chain and check every hash.

        Reports each problem rather than stopping at the first: a damaged
        manifest, a member whose size or SHA-256 differs, a member missing or
        not promised, an archive cut short, an earlier archive of the chain
        missing or disagreeing with the later ones.
        """
        self._require(actor, optional=True)
        report = progress or _ignore
        target = self.find(backup_id)
        infos = {info.id: info for info in self.list()}
        problems: list[Problem] = []
        chain = target.manifest.chain if target.manifest else [backup_id]
        checked: list[str] = []
        members = size = 0
        total = sum(infos[i].size for i in chain if i in infos)
        done = 0
        manifests: dict[str, Manifest] = {}
        for archive_id in chain:
            info = infos.get(archive_id)
            if info is None:
                problems.append(
                    Problem(
                        archive_id,
                        "",
                        "chain",
                        _(
                            "The archive {id}, which this backup needs, is not in "
                            "the folder.",
                            id=archive_id,
                        ),
                    )
                )
                continue
            report(_("Checking the archive {id}...", id=archive_id), done, total)

            def step(read: int, base: int = done, name: str = archive_id) -> None:
                report(_("Checking the archive {id}...", id=name), base + read, total)

            result = check_archive(info.path, archive_id, step)
            done += info.size
            checked.append(archive_id)
            members += result.members
            size += result.bytes
            problems += result.problems
            if result.manifest is not None:
                manifests[archive_id] = result.manifest
        problems += _chain_problems(chain, manifests)
        report(_("Check finished."), total, total)
        outcome = "ok" if not problems else f"{len(problems)} problems"
        log.info("verified %s (chain %s): %s", backup_id, ",".join(chain), outcome)
        for problem in problems:
            log.warning(
                "verify %s: %s %s %s",
                backup_id,
                problem.archive,
                problem.member,
                problem.code,
            )
        return VerifyReport(backup_id, checked, members, size, problems)

    # -- restoring -----------------------------------------------------------------

    def restore(
        self,
        actor: User,
        backup_id: str,
        target: Path,
        progress: Progress | None = None,
    ) -> RestoreReport:
        """Rebuild a data directory in ``target`` from the backup's chain.

        The full backup and the incrementals after it are read in order; each
        file comes from the archive that holds its content, and is checked
        against its SHA-256 as it is written. The files are gathered in a
        hidden folder beside ``target`` and renamed into place only when all
        are there, so a failed restore leaves no half-built data directory.

        Raises:
            ValidationError: ``target`` is not an empty or new folder, or it
                is inside the data directory.
            StoreError: an archive of the chain is missing or damaged.
        """
        self._require(actor)
        report = progress or _ignore
        target = Path(target).expanduser().absolute()
        self.check_restore_target(target)
        with self._exclusive():
            info = self.find(backup_id)
            if info.manifest is None or info.missing:
                raise StoreError(
                    _(
                        "The backup {id} cannot be restored: {reason}",
                        id=backup_id,
                        reason=info.problem
                        or _(
                            "the archives {ids} are missing.",
                            ids=", ".join(info.missing),
                        ),
                    )
                )
            log.info("restore of %s into %s started by %s", backup_id, target, actor.id)
            work = target.parent / f".{target.name}.restoring-{backup_id}"
            try:
                result = self._restore_into(info.manifest, work, report)
                report(_("Putting the restored data directory in place..."), 1, 1)
                if target.exists():
                    target.rmdir()
                work.rename(target)
                fsync_folder(target.parent)
            except BaseException as error:
                shutil.rmtree(work, ignore_errors=True)
                log.exception("restore of %s into %s failed", backup_id, target)
                if isinstance(
                    error, OSError | EOFError | tarfile.TarError | zlib.error
                ):
                    reason = getattr(error, "strerror", None) or error
                    raise StoreError(
                        _(
                            "The restore failed: {reason}. Nothing was left in {path}.",
                            reason=reason,
                            path=target,
                        )
                    ) from error
                raise
        result.target = target
        log.info(
            "restored %s into %s: %s files, %s records",
            backup_id,
            target,
            result.files,
            result.records,
        )
        report(_("Restore finished: {path}", path=target), 1, 1)
        return result

    def check_restore_target(self, target: Path) -> None:
        """Refuse a target that is not a new or empty folder outside the data."""
        target = Path(target).expanduser().absolute()
        if target.exists() and (not target.is_dir() or any(target.iterdir())):
            raise ValidationError(
                _(
                    "The folder {path} is not empty; choose a new or empty folder.",
                    path=target,
                ),
                field="to",
            )
        resolved = target.resolve()
        root = self.root.resolve()
        if resolved == root or root in resolved.parents:
            raise ValidationError(
                _(
                    "Restore into a folder outside the data directory {root}.",
                    root=root,
                ),
                field="to",
            )

    def _restore_into(
        self, manifest: Manifest, work: Path, report: Progress
    ) -> RestoreReport:
        if work.exists():
            shutil.rmtree(work)
        work.mkdir(parents=True, mode=0o700)
        wanted = {entry.path: entry for entry in manifest.files}
        total = sum(entry.size for entry in manifest.files)
        restored: set[str] = set()
        done = 0
        folders: set[Path] = {work}
        for archive_id in manifest.chain:
            path = self.folder / f"{ARCHIVE_PREFIX}{archive_id}{ARCHIVE_SUFFIX}"
            report(_("Restoring from the archive {id}...", id=archive_id), done, total)
            with contextlib.closing(_members(path)) as members:
                for relative, written in _restore_members(
                    members, archive_id, wanted, work, folders
                ):
                    restored.add(relative)
                    done += written
                    report(
                        _("Restoring from the archive {id}...", id=archive_id),
                        done,
                        total,
                    )
        absent = sorted(set(wanted) - restored)
        if absent:
            raise StoreError(
                _(
                    "The backup's archives lack {count} of its files, such as "
                    "{path}; nothing was restored.",
                    count=len(absent),
                    path=absent[0],
                )
            )
        (work / DATAFILES).mkdir(exist_ok=True, mode=0o700)
        report(_("Counting the restored records..."), done, total)
        tables = _count_tables(work, [e.path for e in manifest.files])
        expected = {(t.file, t.table): t.records for t in manifest.tables}
        if tables != expected:
            raise StoreError(
                _("The restored tables do not hold the records the backup lists.")
            )
        report(_("Writing the restored files to disk..."), done, total)
        _fsync_all([work / path for path in restored], folders)
        return RestoreReport(
            manifest.id,
            work,
            list(manifest.chain),
            len(restored),
            total,
            len(tables),
            sum(tables.values()),
        )

    # -- copying and pruning ---------------------------------------------------------

    def copy(
        self,
        actor: User,
        backup_id: str,
        folder: Path,
        progress: Progress | None = None,
    ) -> list[Path]:
        """Copy the backup's archive, and the earlier ones it needs, to ``folder``.

        Each copy is written under a temporary name and renamed when whole.

        Returns:
            The copies' paths, full backup first.
        """
        self._require(actor)
        report = progress or _ignore
        folder = Path(folder).expanduser()
        if not folder.is_dir():
            raise ValidationError(
                _("The folder {path} does not exist.", path=folder), field="folder"
            )
        info = self.find(backup_id)
        if info.manifest is None or info.missing:
            raise StoreError(
                _(
                    "The backup {id} is damaged or incomplete; it was not copied.",
                    id=backup_id,
                )
            )
        sources = [
            self.folder / f"{ARCHIVE_PREFIX}{archive_id}{ARCHIVE_SUFFIX}"
            for archive_id in info.manifest.chain
        ]
        total = sum(source.stat().st_size for source in sources)
        done = 0
        copies: list[Path] = []
        for source in sources:
            target = folder / source.name
            if target.resolve() == source.resolve():
                copies.append(target)
                continue
            report(_("Copying {name}...", name=source.name), done, total)
            try:
                _copy_durably(source, target)
            except OSError as error:
                log.exception("copy of %s to %s failed", source.name, folder)
                raise StoreError(
                    _(
                        "The archive could not be copied to {path}: {reason}.",
                        path=folder,
                        reason=error.strerror or error,
                    )
                ) from error
            done += source.stat().st_size
            copies.append(target)
        report(_("Copy finished."), total, total)
        log.info("backup %s copied to %s by %s", backup_id, folder, actor.id)
        return copies

    def prune(
        self,
        actor: User,
        *,
        keep_daily: int,
        keep_weekly: int,
        dry_run: bool = False,
    ) -> PrunePlan:
        """Delete the backups a retention policy does not keep.

        The newest backup of each of the last ``keep_daily`` days that have
        backups is kept, and the newest of each of the last ``keep_weekly``
        weeks; then every archive a kept incremental needs. The rest is
        deleted newest first, so that even a prune cut short never leaves an
        incremental without its full backup.

        Raises:
            ValidationError: a negative count, or a policy that keeps nothing.
        """
        self._require(actor)
        if keep_daily < 0 or keep_weekly < 0:
            raise ValidationError(
                _("The number of backups to keep cannot be negative."), field="keep"
            )
        if keep_daily == 0 and keep_weekly == 0:
            raise ValidationError(
                _(
                    "This policy would keep no backup; keep at least one daily or "
                    "one weekly backup."
                ),
                field="keep",
            )
        with self._exclusive():
            plan = plan_retention(self.list(), keep_daily, keep_weekly)
            plan.dry_run = dry_run
            if dry_run:
                return plan
            for info in plan.deleted:
                info.path.unlink(missing_ok=True)
                log.info("pruned %s (by %s)", info.id, actor.id)
            if plan.deleted:
                fsync_folder(self.folder)
        return plan


# -- retention and schedule, as pure functions -------------------------------------


def plan_retention(
    infos: Iterable[BackupInfo], keep_daily: int, keep_weekly: int
) -> PrunePlan:
    """Which of ``infos`` a policy keeps; see ``Backups.prune``."""
    readable = [info for info in infos if info.manifest is not None]
    kept: dict[str, list[str]] = {
        info.id: ["unreadable"] for info in infos if info.manifest is None
    }
    newest_first = sorted(readable, key=lambda i: i.manifest.sequence, reverse=True)

    def keep_newest(period: Callable[[datetime], Any], count: int, reason: str) -> None:
        seen: list[Any] = []
        for info in newest_first:
            key = period(info.manifest.created_at.astimezone(SAO_PAULO))
            if key in seen:
                continue
            if len(seen) == count:
                break
            seen.append(key)
            kept.setdefault(info.id, []).append(reason)

    keep_newest(lambda at: at.date(), keep_daily, "daily")
    keep_newest(lambda at: at.isocalendar()[:2], keep_weekly, "weekly")
    by_id = {info.id: info for info in readable}
    for info_id in list(kept):
        info = by_id.get(info_id)
        if info is None:
            continue
        for ancestor in info.manifest.chain[:-1]:
            if ancestor in by_id and "chain" not in kept.get(ancestor, []):
                kept.setdefault(ancestor, []).append("chain")
    deleted = [info for info in newest_first if info.id not in kept]
    return PrunePlan(kept=kept, deleted=deleted, dry_run=False)


def latest_slot(schedule: Schedule, now: datetime) -> datetime | None:
    """The latest scheduled moment at or before ``now``, within a week."""
    for days_back in range(8):
        day = (now - timedelta(days=days_back)).date()
        if weekday_of(day) not in schedule.days:
            continue
        slot = datetime(
            day.year,
            day.month,
            day.day,
            schedule.hour,
            schedule.minute,
            tzinfo=SAO_PAULO,
        )
        if slot <= now:
            return slot
    return None


# -- writing an archive ----------------------------------------------------------


def _made_order(backup_id: str) -> tuple[str, int, str]:
    """Sort key of a backup id: its second, then its number in that second."""
    if not _ID.match(backup_id):
        return ("", 0, backup_id)
    date_, time_, label, *number_ = backup_id.split("-")
    return (f"{date_}{time_}", int(number_[0]) if number_ else 1, label)


class _Writer:
    """One backup being made: snapshot, then archive, then rename."""

    def __init__(
        self,
        backups: Backups,
        kind: Kind,
        parent: Manifest | None,
        earlier: list[BackupInfo],
        report: Progress,
    ) -> None:
        self.backups = backups
        self.kind = kind
        self.parent = parent
        # The readable backups already in the folder, oldest first.
        self.earlier = [info.manifest for info in earlier if info.manifest]
        self.report = report
        self.created_at = backups._now()
        self.id = backups._new_id(kind, self.created_at)
        self.staging = backups.root / STAGING / self.id
        folder = backups.folder
        self.final = folder / f"{ARCHIVE_PREFIX}{self.id}{ARCHIVE_SUFFIX}"
        self.temp = folder / f".{self.final.name}{PARTIAL_SUFFIX}"
        self.body = folder / f".{self.id}.body{PARTIAL_SUFFIX}"

    def run(self, actor: User, fell_back: bool) -> BackupResult:
        started = time.perf_counter()
        log.info(
            "backup %s (%s) started by %s into %s",
            self.id,
            self.kind,
            actor.id,
            self.backups.folder,
        )
        try:
            files, lock_seconds = self._snapshot(self._known_signatures())
            manifest = self._archive(files)
            self.report(_("Closing the archive..."), 1, 1)
            self._finish(manifest)
        except BaseException as error:
            self._discard()
            log.exception("backup %s failed", self.id)
            if isinstance(error, OSError):
                raise StoreError(_failure_sentence(error)) from error
            raise
        finally:
            shutil.rmtree(self.staging, ignore_errors=True)
            with contextlib.suppress(OSError):
                self.staging.parent.rmdir()
        archive_bytes = self.final.stat().st_size
        seconds = time.perf_counter() - started
        log.info(
            "backup %s finished: %s files (%s stored), %s tables, %s records, "
            "%s bytes archived in %.2f s, lock held %.1f ms",
            self.id,
            len(manifest.files),
            len(manifest.stored),
            len(manifest.tables),
            manifest.records,
            archive_bytes,
            seconds,
            lock_seconds * 1000,
        )
        result = BackupResult(
            manifest, self.final, archive_bytes, seconds, lock_seconds, fell_back
        )
        self.report(_("Backup {id} finished successfully.", id=self.id), 1, 1)
        return result

    def _snapshot(self, known: dict[str, list[int]]) -> tuple[list[_Staged], float]:
        """Hard-link every data file into staging while holding the store's lock.

        A file whose inode, size and modification time are those the parent
        backup saw has not been replaced since (the store replaces, never
        rewrites in place), so an incremental does not even link it. The
        links are numbered in one flat folder: creating and removing the
        data directory's sub-folders would cost more than the links.
        """
        self.report(_("Taking a snapshot of the data directory..."), 0, 0)
        self.staging.mkdir(parents=True)
        root = str(self.backups.root)
        staging = str(self.staging)
        parent = {e.path for e in self.parent.files} if self.parent else set()
        files: list[_Staged] = []
        with self.backups.repository.transaction(), _no_collection():
            locked = time.perf_counter()
            for number_, relative in enumerate(self.backups.data_files()):
                source = f"{root}/{relative}"
                try:
                    stat = os.stat(source)
                except FileNotFoundError:
                    continue
                if relative in parent and known.get(relative) == _signature(stat):
                    files.append(_Staged(relative, "", stat))
                    continue
                destination = f"{staging}/{number_}"
                try:
                    os.link(source, destination)
                except FileNotFoundError:
                    continue
                except OSError:
                    # A file system without hard links: a copy made under the
                    # lock is as consistent, only slower.
                    shutil.copy2(source, destination)
                files.append(_Staged(relative, destination, stat))
            lock_seconds = time.perf_counter() - locked
        self.report(
            _(
                "Snapshot taken ({files}); the helpdesk is free again.",
                files=count_words(len(files), "file"),
            ),
            0,
            0,
        )
        log.info(
            "backup %s: snapshot of %s files, lock held %.1f ms",
            self.id,
            len(files),
            lock_seconds * 1000,
        )
        return files, lock_seconds

    def _archive(self, files: list[_Staged]) -> Manifest:
        """Hash, count and compress the staged files; return the manifest.

        Record counts come from the newest earlier manifest when a file's
        SHA-256 is one it counted (same bytes, same records); only new
        content is parsed. Parsing holds the GIL, so it is done here rather
        than on a thread of its own, which measured slower: the threads
        handed the GIL back and forth while the compressing ones waited.
        """
        parent_files = {e.path: e for e in self.parent.files} if self.parent else {}
        counted = self._known_counts()
        self.signatures = {s.relative: _signature(s.stat) for s in files}
        unread = {staged.relative for staged in files if not staged.path}
        total = sum(s.stat.st_size for s in files if s.relative not in unread) or 1
        done = 0
        entries: list[FileEntry] = []
        tables: list[TableEntry] = []
        mtime = int(self.created_at.timestamp())
        in_datafiles = False
        step = _("Backing up the tables...")
        self.report(step, 0, total)
        with open(self.body, "wb") as raw:
            body = _GzipMembers(raw, COMPRESSION_LEVEL)
            try:
                for relative, path, stat in files:
                    if relative.startswith(f"{DATAFILES}/") and not in_datafiles:
                        in_datafiles = True
                        self.report(_tables_done(), done, total)
                        step = _("Backing up the files in datafiles...")
                        self.report(step, done, total)
                    previous = parent_files.get(relative)
                    if relative in unread and previous is not None:
                        entry, content = previous, None
                    else:
                        entry, content = self._store(
                            relative, path, stat, previous, body, mtime
                        )
                        done += stat.st_size
                        self.report(step, done, total)
                    entries.append(entry)
                    if not relative.endswith(".json"):
                        continue
                    known_tables = counted.get(entry.sha256)
                    if known_tables is not None:
                        tables += [TableEntry(relative, t, n) for t, n in known_tables]
                    else:
                        tables += _tables_of(relative, content or _read(path))
                self.report(
                    _("File backup complete, moving on to the next step...")
                    if in_datafiles
                    else _tables_done(),
                    done,
                    total,
                )
                body.close()
            except BaseException:
                body.abort()
                raise
            self.body_size = body.size
        present = {entry.path for entry in entries}
        return Manifest(
            id=self.id,
            kind=self.kind,
            sequence=max((m.sequence for m in self.earlier), default=0) + 1,
            created_at=self.created_at,
            chain=[*(self.parent.chain if self.parent else []), self.id],
            parent=self.parent.id if self.parent else None,
            software_version=software_version(),
            files=entries,
            tables=tables,
            deleted=sorted(set(parent_files) - present),
        )

    def _known_counts(self) -> dict[str, list[tuple[str, int]]]:
        """The tables and record counts of each JSON content counted before."""
        newest = self.parent or (self.earlier[-1] if self.earlier else None)
        if newest is None:
            return {}
        by_file: dict[str, list[tuple[str, int]]] = {}
        for table in newest.tables:
            by_file.setdefault(table.file, []).append((table.table, table.records))
        return {
            entry.sha256: by_file.get(entry.path, [])
            for entry in newest.files
            if entry.path.endswith(".json")
        }

    def _store(
        self,
        relative: str,
        path: str,
        stat: os.stat_result,
        previous: FileEntry | None,
        body: _GzipMembers,
        mtime: int,
    ) -> tuple[FileEntry, bytes | None]:
        """Hash one staged file, and add it to the archive if it changed."""
        try:
            handle = open(path, "rb")  # noqa: SIM115 - closed below
        except OSError as error:
            raise _Unreadable(relative, error) from error
        with handle:
            if stat.st_size > _BIG_FILE and not relative.endswith(".json"):
                return self._store_streaming(
                    relative, handle, stat, previous, body, mtime
                )
            try:
                content = handle.read()
            except OSError as error:
                raise _Unreadable(relative, error) from error
        digest = hashlib.sha256(content).hexdigest()
        if previous is not None and previous.sha256 == digest:
            return previous, content
        body.write(_member_header(DATA_PREFIX + relative, len(content), mtime))
        body.write(content)
        body.write(_padding(len(content)))
        return FileEntry(relative, len(content), digest, self.id), content

    def _store_streaming(
        self,
        relative: str,
        handle: IO[bytes],
        stat: os.stat_result,
        previous: FileEntry | None,
        body: _GzipMembers,
        mtime: int,
    ) -> tuple[FileEntry, None]:
        """A large attachment: hash it first, then copy it in pieces if new."""
        digest = hashlib.sha256()
        try:
            while piece := handle.read(_CHUNK):
                digest.update(piece)
        except OSError as error:
            raise _Unreadable(relative, error) from error
        hexdigest = digest.hexdigest()
        if previous is not None and previous.sha256 == hexdigest:
            return previous, None
        handle.seek(0)
        body.write(_member_header(DATA_PREFIX + relative, stat.st_size, mtime))
        copied = 0
        while piece := handle.read(_CHUNK):
            body.write(piece)
            copied += len(piece)
        if copied != stat.st_size:
            raise _Unreadable(relative, OSError(f"{relative} changed while copied"))
        body.write(_padding(copied))
        return FileEntry(relative, copied, hexdigest, self.id), None

    def _known_signatures(self) -> dict[str, list[int]]:
        """What the last backup saw of each file, if it is this chain's parent."""
        if self.parent is None:
            return {}
        try:
            cache = orjson.loads((self.backups.folder / SIGNATURES).read_bytes())
        except (OSError, ValueError):
            return {}
        if cache.get("id") != self.parent.id or cache.get("root") != str(
            self.backups.root.resolve()
        ):
            return {}
        return cache.get("files", {})

    def _finish(self, manifest: Manifest) -> None:
        """Put the describing members in front of the body; fsync; rename."""
        raw = orjson.dumps(manifest.to_dict(), option=orjson.OPT_INDENT_2)
        checksum = f"{hashlib.sha256(raw).hexdigest()}  {MANIFEST}\n".encode()
        mtime = int(self.created_at.timestamp())
        head = b"".join(
            (
                _member_header(MANIFEST, len(raw), mtime),
                raw,
                _padding(len(raw)),
                _member_header(MANIFEST_SUM, len(checksum), mtime),
                checksum,
                _padding(len(checksum)),
            )
        )
        # Two zero blocks end a tar archive; the record padding after them
        # makes its length a multiple of 10 KiB, as tar itself writes it.
        length = len(head) + self.body_size + 2 * tarfile.BLOCKSIZE
        tail = bytes(2 * tarfile.BLOCKSIZE + (-length) % tarfile.RECORDSIZE)
        with open(self.temp, "wb") as archive:
            archive.write(zlib.compress(head, COMPRESSION_LEVEL, 31))
            with open(self.body, "rb") as body:
                shutil.copyfileobj(body, archive, _CHUNK)
            archive.write(zlib.compress(tail, COMPRESSION_LEVEL, 31))
            archive.flush()
            os.fsync(archive.fileno())
        os.replace(self.temp, self.final)
        fsync_folder(self.final.parent)
        self.body.unlink(missing_ok=True)
        self._keep_signatures()

    def _keep_signatures(self) -> None:
        """Remember each file's inode, size and time for the next incremental.

        Only a shortcut: without it the next incremental hashes every file.
        """
        cache = {
            "id": self.id,
            "root": str(self.backups.root.resolve()),
            "files": self.signatures,
        }
        path = self.backups.folder / SIGNATURES
        temp = path.with_name(f".{path.name}.{os.getpid()}{PARTIAL_SUFFIX}")
        try:
            temp.write_bytes(orjson.dumps(cache))
            os.replace(temp, path)
        except OSError:
            log.warning("could not keep the file signatures of %s", self.id)
            temp.unlink(missing_ok=True)

    def _discard(self) -> None:
        for path in (self.temp, self.body):
            with contextlib.suppress(OSError):
                path.unlink()


class _Staged(NamedTuple):
    """A data file's link in the staging folder ("" if unchanged), and its state.

    ``stat`` is the data file's own, taken under the lock: the signature the
    next incremental compares with.
    """

    relative: str
    path: str
    stat: os.stat_result


class _Unreadable(OSError):
    """A data file that could not be read; names it for the log and the user."""

    def __init__(self, relative: str, error: OSError) -> None:
        super().__init__(error.errno, error.strerror or str(error))
        self.relative = relative


def _tables_done() -> str:
    return _("Table backup complete, moving on to the next step...")


def _failure_sentence(error: OSError) -> str:
    reason = error.strerror or str(error)
    if isinstance(error, _Unreadable):
        return _(
            "The backup was not made: the file {path} could not be read ({reason}).",
            path=error.relative,
            reason=reason,
        )
    if error.errno == 28:
        return _(
            "The backup was not made: the disk is full. Free some space or "
            "choose another backup folder."
        )
    return _(
        "The backup was not made: {reason}. Details are in the log.", reason=reason
    )


class _GzipMembers:
    """A gzip file written as consecutive members, compressed by several threads.

    RFC 1952 lets a gzip file hold several members one after another, and
    every reader decompresses them as one stream. Compressing fixed-size
    pieces independently lets the pieces be compressed in parallel while the
    calling thread reads and hashes the next files (zlib releases the GIL);
    they are written in order.
    """

    def __init__(self, raw: IO[bytes], level: int, workers: int | None = None) -> None:
        self._raw = raw
        self._level = level
        self._pieces: list[bytes] = []
        self._length = 0
        count = workers or max(1, min(4, os.cpu_count() or 1))
        self._pool = ThreadPoolExecutor(max_workers=count, thread_name_prefix="gzip")
        self._pending: deque[Future[bytes]] = deque()
        self._limit = 2 * count
        self.size = 0

    def write(self, data: bytes) -> None:
        self._pieces.append(data)
        self._length += len(data)
        self.size += len(data)
        if self._length >= _CHUNK:
            self._flush()

    def _flush(self) -> None:
        joined = self._pieces[0] if len(self._pieces) == 1 else b"".join(self._pieces)
        self._pieces.clear()
        self._length = 0
        view = memoryview(joined)
        # A large attachment is cut so that all threads share its work.
        for start in range(0, len(view), 4 * _CHUNK):
            self._submit(view[start : start + 4 * _CHUNK])

    def _submit(self, piece: bytes | memoryview) -> None:
        self._pending.append(self._pool.submit(zlib.compress, piece, self._level, 31))
        while len(self._pending) > self._limit:
            self._raw.write(self._pending.popleft().result())

    def close(self) -> None:
        if self._pieces:
            self._flush()
        while self._pending:
            self._raw.write(self._pending.popleft().result())
        self._pool.shutdown()

    def abort(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._pending.clear()


def _member_header(name: str, size: int, mtime: int) -> bytes:
    """A tar header for a regular file; owner and time fixed for reproducibility.

    The data directory's names are short and ASCII: their ustar header is
    built here directly, byte for byte what ``tarfile`` writes, in a tenth of
    the time (it counts on a first full backup's critical path). Other names
    and sizes go through ``tarfile``, which adds a pax header when needed.
    """
    raw = name.encode("utf-8", "surrogateescape")
    if len(raw) <= 100 and raw.isascii() and size < 8**11 and mtime < 8**11:
        head = b"".join(
            (
                raw.ljust(100, b"\x00"),
                b"0000600\x00" + b"0000000\x00" * 2,
                b"%011o\x00%011o\x00" % (size, mtime),
                b" " * 8,
                b"0",
                bytes(100),
                b"ustar\x0000",
                bytes(32 + 32 + 8 + 8 + 155 + 12),
            )
        )
        return b"%s%06o\x00 %s" % (head[:148], sum(head), head[156:])
    info = tarfile.TarInfo(name)
    info.size = size
    info.mtime = mtime
    info.mode = 0o600
    info.type = tarfile.REGTYPE
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    return info.tobuf(tarfile.PAX_FORMAT, "utf-8", "surrogateescape")


def _padding(size: int) -> bytes:
    return bytes(-size % tarfile.BLOCKSIZE)


def _signature(stat: os.stat_result) -> list[int]:
    return [stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns]


def _tables_of(relative: str, content: bytes) -> list[TableEntry]:
    """The TinyDB tables of a JSON file, with their record counts."""
    try:
        # The parsed tree has no cycles and is dropped at once: a collection
        # during the parse would only walk it for nothing.
        with _no_collection():
            data = orjson.loads(content) if content else {}
            tables = (
                [
                    TableEntry(relative, name, len(records))
                    for name, records in data.items()
                    if isinstance(records, dict)
                ]
                if isinstance(data, dict)
                else []
            )
            del data
    except orjson.JSONDecodeError:
        log.warning("%s is not valid JSON; backed up as a plain file", relative)
        return []
    return tables


@contextlib.contextmanager
def _no_collection() -> Iterator[None]:
    """No garbage collection pause while consoles wait for the store's lock.

    The snapshot makes no reference cycles; a full collection of a large
    process could otherwise stretch the lock's few milliseconds tenfold.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _read(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


def _is_log(name: str) -> bool:
    return name == "sac.log" or name.startswith("sac.log.")


def _ignore(step: str, done: int, total: int) -> None:
    pass


# -- reading archives ---------------------------------------------------------------


def _safe_relative(name: str) -> Path:
    """A member's path, refused if it would leave the folder it is restored in."""
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise StoreError(_("The archive holds an unsafe path: {path}", path=name))
    return Path(*path.parts)


def _members(path: Path) -> Iterator[tuple[str, IO[bytes]]]:
    """Each regular member of an archive with a reader of its content, in order.

    The archive is read as a stream, once, from start to end.
    """
    with (
        gzip.open(path, "rb") as stream,
        tarfile.open(fileobj=stream, mode="r|") as archive,
    ):
        for member in archive:
            if not member.isfile():
                raise tarfile.TarError(f"{member.name} is not a regular file")
            reader = archive.extractfile(member)
            assert reader is not None
            yield member.name, reader


def read_manifest(path: Path) -> tuple[Manifest, bytes, str]:
    """An archive's manifest, its raw bytes, and the checksum recorded beside it.

    Reads only the first two members: a few kilobytes of the archive.

    Raises:
        ValueError: the archive does not start with a manifest and its sum.
        OSError, EOFError: the archive cannot be read.
    """
    members = _members(path)
    try:
        name, reader = next(members)
        if name != MANIFEST:
            raise ValueError(f"first member is {name}, not {MANIFEST}")
        raw = reader.read()
        name, reader = next(members)
        if name != MANIFEST_SUM:
            raise ValueError(f"second member is {name}, not {MANIFEST_SUM}")
        recorded = reader.read().decode("ascii", "replace").split(" ")[0]
    except (StopIteration, tarfile.TarError, zlib.error) as error:
        raise ValueError(f"not a backup archive: {error}") from error
    finally:
        members.close()
    return Manifest.from_dict(orjson.loads(raw)), raw, recorded


@dataclass
class _ArchiveCheck:
    manifest: Manifest | None
    members: int
    bytes: int
    problems: list[Problem]


def check_archive(
    path: Path, archive_id: str, progress: Callable[[int], None] | None = None
) -> _ArchiveCheck:
    """Re-read one archive and compare every member with its manifest.

    Args:
        path: the archive.
        archive_id: the id its name gives it, which its manifest must repeat.
        progress: called with the compressed bytes read so far.
    """
    problems: list[Problem] = []
    manifest: Manifest | None = None
    expected: dict[str, FileEntry] = {}
    seen: set[str] = set()
    members = size = 0
    current = ""
    raw = b""
    with open(path, "rb") as compressed:
        try:
            with (
                gzip.open(compressed, "rb") as stream,
                tarfile.open(fileobj=stream, mode="r|") as archive,
            ):
                for member in archive:
                    current = member.name
                    members += 1
                    reader = archive.extractfile(member) if member.isfile() else None
                    if reader is None:
                        problems.append(
                            Problem(
                                archive_id,
                                current,
                                "unexpected",
                                _("{member} is not a regular file.", member=current),
                            )
                        )
                        continue
                    if members == 1 and current == MANIFEST:
                        raw = reader.read()
                        size += len(raw)
                        continue
                    if members == 2 and current == MANIFEST_SUM:
                        recorded = reader.read().decode("ascii", "replace")
                        manifest = _check_manifest(
                            archive_id, raw, recorded.split(" ")[0], problems
                        )
                        if manifest is not None:
                            expected = {e.path: e for e in manifest.stored}
                        continue
                    if members <= 2:
                        problems.append(
                            Problem(
                                archive_id,
                                current,
                                "manifest",
                                _(
                                    "The archive does not start with its manifest "
                                    "and its checksum."
                                ),
                            )
                        )
                    relative = current.removeprefix(DATA_PREFIX)
                    entry = expected.get(relative)
                    digest, length = _hash_reader(reader)
                    size += length
                    if progress is not None:
                        progress(compressed.tell())
                    if not current.startswith(DATA_PREFIX) or entry is None:
                        if manifest is not None:
                            problems.append(
                                Problem(
                                    archive_id,
                                    current,
                                    "unexpected",
                                    _(
                                        "{member} is in the archive but not in its "
                                        "manifest.",
                                        member=current,
                                    ),
                                )
                            )
                        continue
                    if relative in seen:
                        problems.append(
                            Problem(
                                archive_id,
                                current,
                                "unexpected",
                                _("{member} is in the archive twice.", member=current),
                            )
                        )
                    seen.add(relative)
                    if digest != entry.sha256 or length != entry.size:
                        problems.append(
                            Problem(
                                archive_id,
                                current,
                                "mismatch",
                                _(
                                    "{member} differs from the manifest: its size or "
                                    "SHA-256 does not match.",
                                    member=current,
                                ),
                            )
                        )
                # Read to the very end, so that the last gzip member's
                # checksum is checked too, after tar's end-of-archive blocks.
                while stream.read(_CHUNK):
                    pass
        except (OSError, EOFError, tarfile.TarError, zlib.error) as error:
            problems.append(
                Problem(
                    archive_id,
                    current,
                    "damaged",
                    _(
                        "The archive is damaged or cut short after {member}: {reason}",
                        member=current or MANIFEST,
                        reason=error,
                    ),
                )
            )
    if manifest is None and not any(p.code == "manifest" for p in problems):
        problems.append(
            Problem(
                archive_id,
                MANIFEST,
                "manifest",
                _("The archive's manifest is missing or cannot be read."),
            )
        )
    for relative in sorted(set(expected) - seen):
        problems.append(
            Problem(
                archive_id,
                DATA_PREFIX + relative,
                "missing",
                _(
                    "{member} is in the manifest but not in the archive.",
                    member=DATA_PREFIX + relative,
                ),
            )
        )
    return _ArchiveCheck(manifest, members, size, problems)


def _check_manifest(
    archive_id: str, raw: bytes, recorded: str, problems: list[Problem]
) -> Manifest | None:
    """Parse the manifest; note a checksum or id that does not match."""
    if hashlib.sha256(raw).hexdigest() != recorded:
        problems.append(
            Problem(
                archive_id,
                MANIFEST,
                "manifest",
                _("The manifest does not match its checksum."),
            )
        )
    try:
        manifest = Manifest.from_dict(orjson.loads(raw))
    except (ValueError, KeyError, TypeError):
        problems.append(
            Problem(
                archive_id,
                MANIFEST,
                "manifest",
                _("The archive's manifest is missing or cannot be read."),
            )
        )
        return None
    if manifest.id != archive_id:
        problems.append(
            Problem(
                archive_id,
                MANIFEST,
                "manifest",
                _(
                    "The manifest names the backup {other}, not {id}.",
                    other=manifest.id,
                    id=archive_id,
                ),
            )
        )
    return manifest


def _chain_problems(chain: list[str], manifests: dict[str, Manifest]) -> list[Problem]:
    """Each archive of a chain must hold what the later ones say it holds."""
    problems: list[Problem] = []
    for position, archive_id in enumerate(chain):
        manifest = manifests.get(archive_id)
        if manifest is not None and manifest.chain != chain[: position + 1]:
            problems.append(
                Problem(
                    archive_id,
                    MANIFEST,
                    "chain",
                    _(
                        "The archive {id} belongs to another chain of backups.",
                        id=archive_id,
                    ),
                )
            )
    last = manifests.get(chain[-1])
    if last is None:
        return problems
    for entry in last.files:
        holder = manifests.get(entry.stored_in)
        if entry.stored_in not in chain:
            problems.append(
                Problem(
                    last.id,
                    DATA_PREFIX + entry.path,
                    "chain",
                    _(
                        "{member} is said to be in {id}, which is not in the chain.",
                        member=DATA_PREFIX + entry.path,
                        id=entry.stored_in,
                    ),
                )
            )
            continue
        if holder is None:
            continue
        held = next((e for e in holder.stored if e.path == entry.path), None)
        if held is None or held.sha256 != entry.sha256:
            problems.append(
                Problem(
                    entry.stored_in,
                    DATA_PREFIX + entry.path,
                    "chain",
                    _(
                        "{member} in {id} is not the version the backup needs.",
                        member=DATA_PREFIX + entry.path,
                        id=entry.stored_in,
                    ),
                )
            )
    return problems


def _restore_members(
    members: Iterator[tuple[str, IO[bytes]]],
    archive_id: str,
    wanted: dict[str, FileEntry],
    work: Path,
    folders: set[Path],
) -> Iterator[tuple[str, int]]:
    """Write the files whose content this archive holds; yield each one."""
    for name, reader in members:
        if name in (MANIFEST, MANIFEST_SUM):
            continue
        relative = name.removeprefix(DATA_PREFIX)
        entry = wanted.get(relative)
        if entry is None or entry.stored_in != archive_id:
            continue
        destination = work / _safe_relative(relative)
        destination.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        folders.add(destination.parent)
        yield relative, _copy_checked(reader, destination, entry)


def _hash_reader(reader: IO[bytes]) -> tuple[str, int]:
    digest = hashlib.sha256()
    length = 0
    while piece := reader.read(_CHUNK):
        digest.update(piece)
        length += len(piece)
    return digest.hexdigest(), length


def _copy_checked(reader: IO[bytes], destination: Path, entry: FileEntry) -> int:
    """Write one restored file, refusing it if its hash is not the manifest's."""
    digest = hashlib.sha256()
    length = 0
    fd = os.open(destination, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as writer:
        while piece := reader.read(_CHUNK):
            digest.update(piece)
            writer.write(piece)
            length += len(piece)
    if digest.hexdigest() != entry.sha256 or length != entry.size:
        raise StoreError(
            _(
                "The archive {id} is damaged: {path} does not match its SHA-256. "
                "Nothing was restored.",
                id=entry.stored_in,
                path=entry.path,
            )
        )
    return length


def _fsync_all(files: Iterable[Path], folders: Iterable[Path]) -> None:
    """Make restored files durable before they are renamed into place.

    Many fsyncs at once let the file system commit them together; one after
    another, a restore of thousands of attachments would take minutes.
    """

    def sync(path: Path) -> None:
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    with ThreadPoolExecutor(16, thread_name_prefix="fsync") as pool:
        list(pool.map(sync, files))
        list(pool.map(sync, sorted(folders, key=lambda p: -len(p.parts))))


def _count_tables(root: Path, paths: Iterable[str]) -> dict[tuple[str, str], int]:
    counts: dict[tuple[str, str], int] = {}
    for relative in paths:
        if relative.endswith(".json"):
            content = (root / relative).read_bytes()
            for table in _tables_of(relative, content):
                counts[table.file, table.table] = table.records
    return counts


def _copy_durably(source: Path, target: Path) -> None:
    temp = target.with_name(f".{target.name}.{threading.get_ident()}{PARTIAL_SUFFIX}")
    try:
        with open(source, "rb") as reader, open(temp, "wb") as writer:
            shutil.copyfileobj(reader, writer, _CHUNK)
            writer.flush()
            os.fsync(writer.fileno())
        os.replace(temp, target)
        fsync_folder(target.parent)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
