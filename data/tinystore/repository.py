"""Reading and writing the helpdesk's records in the data directory.

The repository knows files and records, not rules: the ``Helpdesk`` decides
who may do what and calls this to keep the result. See the package
docstring for the layout.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import uuid
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from tinydb import Query
from tinydb.table import Document

from data.models import (
    Attachment,
    Interaction,
    LoginAttempts,
    Notification,
    Organisation,
    User,
)
from data.text import fold
from data.tinystore.files import Files, fsync_folder

SHARD_SIZE = 200

_COUNTERS = "meta.json"
_USERS = "users.json"
_ORGANISATIONS = "organisations.json"


def shard_of(protocol: int) -> str:
    return f"interactions/{protocol // SHARD_SIZE:05d}.json"


def search_of(protocol: int) -> str:
    return f"search/{protocol // SHARD_SIZE:05d}.json"


def org_index_of(organisation_id: int) -> str:
    return f"index/org-{organisation_id}.json"


def open_index_of(organisation_id: int) -> str:
    return f"index/open-{organisation_id}.json"


def notifications_of(user_id: int) -> str:
    return f"notifications/user-{user_id}.json"


def search_document(interaction: Interaction) -> dict[str, str]:
    """What text search reads: subject and description, folded."""
    return {"text": fold(f"{interaction.subject}\n{interaction.description}")}


def summary_of(interaction: Interaction) -> dict[str, Any]:
    """The row that lists, boxes and the queue show for an interaction."""
    data = interaction.to_dict(exclude=("description", "timeline", "attachments"))
    data["attachment_count"] = len(interaction.attachments)
    data["pauses"] = [
        [start.isoformat(), end.isoformat() if end else None]
        for start, end in interaction.pauses()
    ]
    return data


class TinyRepository:
    """The records of one data directory, kept in TinyDB files.

    Args:
        root: the data directory; created if missing.
        cache_limit: bytes of parsed JSON a process keeps in memory.
    """

    def __init__(self, root: Path, *, cache_limit: int = 96 * 1024 * 1024) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        (self.root / "datafiles").mkdir(exist_ok=True)
        self.files = Files(self.root, cache_limit)
        self.files.on_begin(self._recover)

    # -- transactions and recovery --------------------------------------------

    def transaction(self) -> contextlib.AbstractContextManager[None]:
        """Hold the write lock for a whole read-modify-write."""
        return self.files.transaction()

    def _recover(self) -> None:
        """Bring the files of a change a killed writer left half-done in line.

        Runs at the start of every outermost transaction. The shards are
        the truth: the journalled protocols' search text and summary rows
        are rebuilt from them, and only files that differ are rewritten, so
        a journal whose clearing was lost costs a few comparisons.
        """
        pending = self._journalled()
        if not pending:
            return
        found = [
            interaction
            for protocol in pending
            # None: killed before the shard was written, so nothing was
            # acknowledged and no row was written (rows follow the shard).
            if (interaction := self.get_interaction(protocol)) is not None
        ]
        self._merge(self._changes(found, with_search=True))
        self._journal([])

    def _journalled(self) -> list[int]:
        entries = (self.files.read(_COUNTERS) or {}).get("journal", {})
        return [
            protocol
            for entry in entries.values()
            # "protocol": one entry per change, as stores written before
            # 0.1.0's batch changes kept them.
            for protocol in entry.get("protocols", [entry.get("protocol")])
            if protocol is not None
        ]

    def _journal(self, protocols: list[int]) -> None:
        """Name the protocols a change is about to touch; ``[]`` when done.

        The same write of meta.json moves the protocol counter past them, so
        a new interaction's number is taken, and its change journalled, in
        one durable write. The entry is on disk, folder and all, before any
        other file of the change is replaced. Clearing it may be lost in a
        power cut: the next writer then re-checks those protocols, finds
        their files in line and rewrites nothing.
        """
        meta = self.files.read(_COUNTERS) or {}
        counters = dict(meta.get("counters", {}).get("1", {}))
        if protocols:
            counters["protocol"] = max(counters.get("protocol", 1), max(protocols) + 1)
        self.files.write(
            self.root / _COUNTERS,
            {
                **meta,
                "counters": {"1": counters},
                "journal": {"1": {"protocols": protocols}} if protocols else {},
            },
            rename="now" if protocols else "may be lost",
        )

    # -- counters and settings ------------------------------------------------

    def next_id(self, name: str, start: int = 1) -> int:
        """Allocate the next number of the sequence ``name``; never reused."""
        counters = self.files.table(_COUNTERS, "counters")
        with self.transaction():
            current = counters.get(doc_id=1) or {}
            value = max(current.get(name, start), start)
            counters.upsert(Document({**current, name: value + 1}, doc_id=1))
        return value

    def peek_id(self, name: str, start: int = 1) -> int:
        """The number ``next_id`` would hand out now, without taking it.

        A new interaction takes the protocol it read here, under the same
        lock, when ``put_interaction`` keeps it.
        """
        current = self.files.table(_COUNTERS, "counters").get(doc_id=1) or {}
        return max(current.get(name, start), start)

    def setting(self, key: str, default: Any = None) -> Any:
        document = self.files.table(_COUNTERS, "settings").get(Query().key == key)
        return default if document is None else document["value"]

    def put_setting(self, key: str, value: Any) -> None:
        with self.transaction():
            self.files.table(_COUNTERS, "settings").upsert(
                {"key": key, "value": value}, Query().key == key
            )

    # -- people ---------------------------------------------------------------

    def get_user(self, user_id: int) -> User | None:
        document = self.files.table(_USERS, "users").get(doc_id=user_id)
        return None if document is None else User.from_dict(dict(document))

    def user_by_email(self, email: str) -> User | None:
        found = self.files.table(_USERS, "users").get(Query().email == email)
        return None if found is None else User.from_dict(dict(found))

    def users(self) -> list[User]:
        return [User.from_dict(dict(doc)) for doc in self.files.table(_USERS, "users")]

    def put_user(self, user: User) -> None:
        with self.transaction():
            self.files.table(_USERS, "users").upsert(
                Document(user.to_dict(), doc_id=user.id)
            )

    def attempts(self, email: str) -> LoginAttempts:
        found = self.files.table(_USERS, "login_attempts").get(Query().email == email)
        return LoginAttempts(email) if found is None else LoginAttempts.from_dict(found)

    def put_attempts(self, attempts: LoginAttempts) -> None:
        with self.transaction():
            self.files.table(_USERS, "login_attempts").upsert(
                attempts.to_dict(), Query().email == attempts.email
            )

    def put_session(self, token_hash: str, user_id: int, created_at: datetime) -> None:
        with self.transaction():
            self.files.table(_USERS, "sessions").insert(
                {
                    "token": token_hash,
                    "user_id": user_id,
                    "created_at": created_at.isoformat(),
                }
            )

    def session_user(self, token_hash: str) -> int | None:
        found = self.files.table(_USERS, "sessions").get(Query().token == token_hash)
        return None if found is None else found["user_id"]

    def delete_sessions(
        self, *, user_id: int | None = None, token_hash: str = ""
    ) -> None:
        sessions = self.files.table(_USERS, "sessions")
        with self.transaction():
            if user_id is not None:
                sessions.remove(Query().user_id == user_id)
            if token_hash:
                sessions.remove(Query().token == token_hash)

    # -- organisations --------------------------------------------------------

    def get_organisation(self, organisation_id: int) -> Organisation | None:
        document = self.files.table(_ORGANISATIONS, "organisations").get(
            doc_id=organisation_id
        )
        return None if document is None else Organisation.from_dict(dict(document))

    def organisations(self) -> list[Organisation]:
        table = self.files.table(_ORGANISATIONS, "organisations")
        return [Organisation.from_dict(dict(doc)) for doc in table]

    def put_organisation(self, organisation: Organisation) -> None:
        with self.transaction():
            self.files.table(_ORGANISATIONS, "organisations").upsert(
                Document(organisation.to_dict(), doc_id=organisation.id)
            )

    # -- interactions ---------------------------------------------------------

    def get_interaction(self, protocol: int) -> Interaction | None:
        document = self.files.table(shard_of(protocol)).get(doc_id=protocol)
        if document is None:
            return None
        return Interaction.from_dict(dict(document))

    def put_interaction(self, interaction: Interaction) -> None:
        """Keep ``interaction`` and its summary rows, as one journalled change.

        A new interaction's protocol is taken here: the counter moves past
        it in the journal's write, so a number is handed out only with the
        interaction that carries it. Each file is written once, and a file
        the change leaves as it was (the search text of an interaction
        already kept, the queue of a closed one) is not written at all.
        """
        self._apply([interaction], with_search=True)

    def put_interactions(self, interactions: Sequence[Interaction]) -> None:
        """Keep several changed interactions as one journalled change.

        Each shard and index file they touch is rewritten once, not once per
        interaction: concluding hundreds of answers after a long holiday
        costs a few files, not hundreds of durable writes. Their subject and
        description are not read again: a change never touches them.
        """
        if interactions:
            self._apply(interactions, with_search=False)

    def _apply(self, interactions: Sequence[Interaction], *, with_search: bool) -> None:
        with self.transaction():
            self._journal([interaction.protocol for interaction in interactions])
            self._merge(self._changes(interactions, with_search=with_search))
            self._journal([])

    def bulk_load(self, interactions: Iterable[Interaction]) -> int:
        """Keep many new interactions at once, writing each file once.

        For demo data, imports and benchmarks: a shard or index file is
        rewritten once per call instead of once per interaction. The
        protocol counter moves past the highest protocol loaded. Like every
        change, it is journalled: a load killed half-way is completed from
        the shards by the next writer.

        Returns:
            How many interactions were kept.

        Raises:
            ValueError: a protocol already handed out is among them; a bulk
                load never overwrites.
        """
        changes = self._changes(interactions, with_search=True)
        loaded = [
            int(key)
            for relative, (documents, _) in changes.items()
            if relative.startswith("interactions/")
            for key in documents
        ]
        if not loaded:
            return 0
        with self.transaction():
            if min(loaded) < self.peek_id("protocol"):
                raise ValueError(
                    f"protocol {min(loaded)} is already handed out; "
                    "bulk loads only add new interactions"
                )
            self._journal(loaded)
            self._merge(changes)
            self._journal([])
        return len(loaded)

    @staticmethod
    def _changes(
        interactions: Iterable[Interaction], *, with_search: bool
    ) -> dict[str, tuple[dict[str, Any], set[str]]]:
        """Per file: the documents to put in it and the keys to take out."""
        changes: dict[str, tuple[dict[str, Any], set[str]]] = {}

        def put(relative: str, key: str, document: dict[str, Any]) -> None:
            changes.setdefault(relative, ({}, set()))[0][key] = document

        for interaction in interactions:
            key = str(interaction.protocol)
            put(shard_of(interaction.protocol), key, interaction.to_dict())
            if with_search:
                put(search_of(interaction.protocol), key, search_document(interaction))
            row = summary_of(interaction)
            put(org_index_of(interaction.organisation_id), key, row)
            queue = open_index_of(interaction.organisation_id)
            if interaction.status.is_open:
                put(queue, key, row)
            else:
                changes.setdefault(queue, ({}, set()))[1].add(key)
        return changes

    def _merge(self, changes: dict[str, tuple[dict[str, Any], set[str]]]) -> None:
        """Rewrite each changed file once, with its documents put and taken out.

        A file where every document put is already there as it is, and none
        taken out is present, is left alone.
        """
        for relative, (documents, removed) in changes.items():
            current = self.files.read(relative) or {}
            table = current.get("_default", {})
            gone = removed.intersection(table)
            fresh = {
                key: document
                for key, document in documents.items()
                if table.get(key) != document
            }
            if not fresh and not gone:
                continue
            merged = {key: value for key, value in table.items() if key not in gone}
            merged.update(fresh)
            self.files.write(self.root / relative, {**current, "_default": merged})

    def rows(
        self, *, organisation_id: int | None = None, open_only: bool = False
    ) -> list[dict[str, Any]]:
        """Summary rows: one organisation's, every open one, or all.

        The rows are the parse cache's own dictionaries: read them, never
        change them.
        """
        if organisation_id is not None:
            relative = (open_index_of if open_only else org_index_of)(organisation_id)
            return self._raw_rows(relative)
        pattern = "open-*.json" if open_only else "org-*.json"
        return [
            row
            for path in sorted((self.root / "index").glob(pattern))
            for row in self._raw_rows(f"index/{path.name}")
        ]

    def _raw_rows(self, relative: str) -> list[dict[str, Any]]:
        data = self.files.read(relative) or {}
        return list(data.get("_default", {}).values())

    def matching(self, protocols: Iterable[int], folded_text: str) -> set[int]:
        """Which of ``protocols`` have ``folded_text`` in subject or description.

        Reads only the search files of the shards those protocols live in,
        which hold nothing but the folded text.
        """
        by_shard: dict[str, list[int]] = {}
        for protocol in protocols:
            by_shard.setdefault(search_of(protocol), []).append(protocol)
        found: set[int] = set()
        for shard, members in by_shard.items():
            documents = (self.files.read(shard) or {}).get("_default", {})
            for protocol in members:
                document = documents.get(str(protocol))
                if document is not None and folded_text in document["text"]:
                    found.add(protocol)
        return found

    def all_interactions(self) -> Iterator[Interaction]:
        """Every interaction, in protocol order (exports, reports, checks)."""
        folder = self.root / "interactions"
        for path in sorted(folder.glob("*.json")):
            documents = (self.files.read(f"interactions/{path.name}") or {}).get(
                "_default", {}
            )
            for key in sorted(documents, key=int):
                yield Interaction.from_dict(dict(documents[key]))

    # -- notifications --------------------------------------------------------

    def add_notification(self, notification: Notification) -> None:
        with self.transaction():
            self.files.table(notifications_of(notification.user_id)).upsert(
                Document(notification.to_dict(), doc_id=notification.id)
            )

    def notifications(self, user_id: int) -> list[Notification]:
        table = self.files.table(notifications_of(user_id))
        return [Notification.from_dict(dict(doc)) for doc in table]

    def mark_read(self, user_id: int, ids: Iterable[int]) -> None:
        table = self.files.table(notifications_of(user_id))
        with self.transaction():
            table.update({"read": True}, doc_ids=list(ids))

    # -- attachments ----------------------------------------------------------

    def save_attachment(
        self, source: Path, *, name: str, added_by: int, at: datetime
    ) -> Attachment:
        """Copy ``source`` under a generated name and describe it.

        The user's file name is recorded, never used on disk.
        """
        attachment_id = uuid.uuid4().hex
        target = self.attachment_path(attachment_id)
        target.parent.mkdir(parents=True, exist_ok=True)
        # ".part", not ".tmp": attachments are copied without the lock, so
        # the sweep of leftover ".tmp" files must not take them.
        temp = target.with_name(f".{attachment_id}.part")
        digest = hashlib.sha256()
        size = 0
        with open(source, "rb") as reader, open(temp, "wb") as writer:
            while chunk := reader.read(1024 * 1024):
                digest.update(chunk)
                writer.write(chunk)
                size += len(chunk)
            writer.flush()
            os.fsync(writer.fileno())
        os.replace(temp, target)
        fsync_folder(target.parent)
        return Attachment(
            id=attachment_id,
            name=name,
            size=size,
            sha256=digest.hexdigest(),
            added_at=at,
            added_by=added_by,
        )

    def attachment_path(self, attachment_id: str) -> Path:
        return self.root / "datafiles" / attachment_id[:2] / attachment_id

    def copy_attachment(self, attachment: Attachment, target: Path) -> None:
        shutil.copyfile(self.attachment_path(attachment.id), target)
