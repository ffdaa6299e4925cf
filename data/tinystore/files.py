"""Durable TinyDB files: atomic replacement, a parse cache, one lock.

Stock TinyDB rewrites its JSON file in place, so a process killed mid-write
leaves it unreadable, and two processes overwrite each other's changes. Here
every write goes to a new file in the same folder, is flushed and fsynced,
and replaces the old one with ``os.replace``; the folder is fsynced before the
transaction that wrote it returns. Readers therefore always see a whole file,
old or new, and never take a lock.

Parsed files are cached by their inode, size and modification time: a file
that another process replaced has a new inode, so the cache cannot serve a
stale copy. The cache is bounded so that a long-running console that once
searched everything does not keep everything.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections import OrderedDict
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

import orjson
from filelock import FileLock
from tinydb import TinyDB
from tinydb.storages import Storage

from data.errors import SacError

Signature = tuple[int, int, int]
Rename = Literal["at commit", "now", "may be lost"]

TEMP_SUFFIX = ".tmp"


class ParseCache:
    """Parsed JSON files, least recently used dropped past ``limit`` bytes.

    Args:
        limit: the total size, in bytes of JSON on disk, kept parsed.
    """

    def __init__(self, limit: int = 96 * 1024 * 1024) -> None:
        self.limit = limit
        self._entries: OrderedDict[Path, tuple[Signature, Any, int]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, path: Path, signature: Signature) -> Any | None:
        with self._lock:
            entry = self._entries.get(path)
            if entry is None or entry[0] != signature:
                return None
            self._entries.move_to_end(path)
            return entry[1]

    def put(self, path: Path, signature: Signature, data: Any, size: int) -> None:
        with self._lock:
            old = self._entries.pop(path, None)
            if old is not None:
                self._size -= old[2]
            self._entries[path] = (signature, data, size)
            self._size += size
            while self._size > self.limit and len(self._entries) > 1:
                _, (_, _, dropped) = self._entries.popitem(last=False)
                self._size -= dropped

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._size = 0


def fsync_folder(folder: Path) -> None:
    """Make a rename inside ``folder`` durable."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomically(path: Path, payload: bytes) -> Signature:
    """Replace ``path`` with ``payload`` so that a crash leaves old or new.

    The folder itself is not fsynced here; the caller does it once per
    transaction (see ``Files.commit``).

    Returns:
        The new file's cache signature.
    """
    temp = path.with_name(
        f".{path.name}.{os.getpid()}.{threading.get_ident()}{TEMP_SUFFIX}"
    )
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        view = memoryview(payload)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        os.fsync(fd)
        stat = os.fstat(fd)
    except BaseException:
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    os.close(fd)
    os.replace(temp, path)
    return (stat.st_ino, stat.st_size, stat.st_mtime_ns)


def read_json(path: Path, cache: ParseCache) -> tuple[Any | None, Signature | None]:
    """Read and parse ``path`` through ``cache``; ``(None, None)`` if absent."""
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed below, fstat needs it open
    except FileNotFoundError:
        return None, None
    with handle:
        stat = os.fstat(handle.fileno())
        signature = (stat.st_ino, stat.st_size, stat.st_mtime_ns)
        cached = cache.get(path, signature)
        if cached is not None:
            return cached, signature
        raw = handle.read()
    data = orjson.loads(raw) if raw else None
    if data is not None:
        cache.put(path, signature, data, len(raw))
    return data, signature


class AtomicStorage(Storage):
    """A TinyDB storage whose writes are atomic and whose reads are cached."""

    def __init__(self, path: Path, files: Files) -> None:
        super().__init__()
        self.path = path
        self._files = files

    def read(self) -> dict[str, dict[str, Any]] | None:
        data, _ = read_json(self.path, self._files.cache)
        return data

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        self._files.write(self.path, data)

    def close(self) -> None:
        pass


class Files:
    """Every TinyDB file of one data directory, and the lock that guards writes.

    ``transaction()`` takes the cross-process lock (and a thread lock, since
    the console writes from worker threads), drops TinyDB's per-table caches,
    and on the way out fsyncs every folder written to. It nests: an inner
    transaction joins the outer one.

    Args:
        root: the data directory.
        cache_limit: bytes of parsed JSON kept in memory.
    """

    def __init__(self, root: Path, cache_limit: int = 96 * 1024 * 1024) -> None:
        self.root = root
        self.cache = ParseCache(cache_limit)
        self._databases: dict[Path, TinyDB] = {}
        self._process_lock = FileLock(root / "sac.lock", thread_local=False)
        self._thread_lock = threading.RLock()
        self._depth = 0
        self._dirty_folders: set[Path] = set()
        self._on_begin: list[Any] = []
        self._swept = False

    def database(self, relative: str) -> TinyDB:
        """The TinyDB of the file at ``relative`` below the data directory."""
        path = self.root / relative
        database = self._databases.get(path)
        if database is None:
            database = TinyDB(path, storage=lambda p: AtomicStorage(p, self))
            self._databases[path] = database
        return database

    def table(self, relative: str, name: str = "_default") -> Any:
        """A TinyDB table with its query cache turned off.

        Another process may change the file at any time, so a cached query
        result could be stale; the parse cache below already makes repeated
        reads cheap.
        """
        return self.database(relative).table(name, cache_size=0)

    def read(self, relative: str) -> Any | None:
        """The parsed JSON of a file (``None`` if absent), through the cache."""
        data, _ = read_json(self.root / relative, self.cache)
        return data

    def write(self, path: Path, data: Any, *, rename: Rename = "at commit") -> None:
        """Atomically replace ``path`` with ``data`` as JSON.

        The file's bytes are always on disk before it replaces the old one.
        ``rename`` says when the replacement itself (an entry in the folder)
        must be on disk: "at commit" (with the rest of the transaction),
        "now" (before the next file is written: a journal entry that the
        later files rely on), or "may be lost" (a write that is harmless to
        lose in a power cut, such as clearing a journal whose work is done).
        """
        path.parent.mkdir(parents=True, exist_ok=True)
        payload = orjson.dumps(data)
        try:
            signature = write_atomically(path, payload)
        except BaseException:
            self.cache.clear()
            raise
        self.cache.put(path, signature, data, len(payload))
        if rename == "now" or (rename == "at commit" and not self._depth):
            fsync_folder(path.parent)
        elif rename == "at commit":
            self._dirty_folders.add(path.parent)

    def on_begin(self, callback: Any) -> None:
        """Run ``callback()`` at the start of every outermost transaction."""
        self._on_begin.append(callback)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Hold the data directory's write lock for a whole read-modify-write."""
        with self._thread_lock:
            outermost = self._depth == 0
            if outermost:
                self._process_lock.acquire()
            self._depth += 1
            try:
                if outermost:
                    self._forget_table_state()
                    if not self._swept:
                        self.remove_leftovers()
                        self._swept = True
                    for callback in self._on_begin:
                        callback()
                yield
            except SacError:
                # A refusal: the rules said no before anything was changed,
                # or after changes that were written (and cached) whole; the
                # records changed in place are copies (each model copies its
                # lists). Keeping the cache spares the next staff list a
                # re-parse of every index: a second at 100,000 interactions.
                raise
            except BaseException:
                # A failed step may have changed cached data in place before
                # its write; nothing cached can be trusted any more.
                self.cache.clear()
                raise
            finally:
                self._depth -= 1
                if outermost:
                    try:
                        for folder in self._dirty_folders:
                            fsync_folder(folder)
                    finally:
                        self._dirty_folders.clear()
                        self._process_lock.release()

    def _forget_table_state(self) -> None:
        for database in self._databases.values():
            for table in database._tables.values():
                table._next_id = None
                table.clear_cache()

    def remove_leftovers(self) -> int:
        """Delete temporary files a killed writer left behind; count them.

        Called with the lock held, once per process: every JSON write happens
        under the lock, so no live writer owns one of these files.
        """
        removed = 0
        for temp in self.root.rglob(f".*{TEMP_SUFFIX}"):
            with contextlib.suppress(OSError):
                temp.unlink()
                removed += 1
        return removed
