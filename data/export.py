"""A customer's copy of its own data (Cópia da base).

An organisation asks for it with an interaction of category Cópia da base,
and an administrator (or someone granted the backup permission) answers with
one ZIP archive holding that organisation's data and nothing else:

    README.txt / LEIA-ME.txt   what the archive holds, in the reader's language
    manifest.json              when, for whom, and every file with its SHA-256
    organisation.json          the organisation's record
    users.json                 its people, without any password or its hash,
                               each with their notifications
    interactions.json          its interactions with their timelines, internal
                               notes and other staff-only events left out
    attachments/PROTOCOL/NAME  the files attached to those interactions

No program code, no other organisation's records, no session or login
records. This is also how a customer exercises the rights of access and
portability of Brazil's data protection law (LGPD, Lei 13.709/2018,
articles 18 and 19): a complete copy in an open, machine-readable format.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson

from data.backup import may_back_up, software_version
from data.deadlines import SAO_PAULO
from data.errors import NotFound, PermissionDenied, StoreError, ValidationError
from data.i18n import _
from data.models import Category, Interaction, User
from data.tinystore.files import fsync_folder

log = logging.getLogger("sac.export")

_UNSAFE = re.compile(r'[\x00-\x1f/\\:*?"<>|]+')


@dataclass
class ExportResult:
    """One organisation's data copy, written.

    ``missing`` names the attachments whose file was absent or did not match
    its SHA-256; they are listed in the archive's manifest too.
    """

    path: Path
    organisation_id: int
    organisation_name: str
    interactions: int
    attachments: int
    users: int
    bytes: int
    missing: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "organisation_id": self.organisation_id,
            "organisation_name": self.organisation_name,
            "interactions": self.interactions,
            "attachments": self.attachments,
            "users": self.users,
            "bytes": self.bytes,
            "missing": self.missing,
        }


def export_organisation(
    store: Any,
    actor: User,
    organisation_id: int,
    folder: Path,
    *,
    protocol: int | None = None,
) -> ExportResult:
    """Write the data copy of one organisation into ``folder``.

    Args:
        store: the local helpdesk (``data.helpdesk.Helpdesk``).
        actor: who exports: an administrator or someone granted backups.
        organisation_id: whose data.
        folder: an existing folder; the archive gets a new name in it.
        protocol: the Cópia da base interaction this answers, if any; it must
            be of that category and belong to the organisation.

    Raises:
        PermissionDenied: ``actor`` may not export data.
        NotFound: no such organisation, or no such interaction of it.
        ValidationError: ``folder`` does not exist, or the interaction is
            not a data-copy request.
    """
    repository = store.repository
    current = repository.get_user(actor.id)
    if not may_back_up(current):
        log.warning("data copy refused to user %s", actor.id)
        raise PermissionDenied(
            _("Only an administrator or someone allowed to make backups can do this.")
        )
    organisation = repository.get_organisation(organisation_id)
    if organisation is None:
        raise NotFound(_("There is no organisation number {id}.", id=organisation_id))
    folder = Path(folder).expanduser()
    if not folder.is_dir():
        raise ValidationError(
            _("The folder {path} does not exist.", path=folder), field="to"
        )
    if protocol is not None:
        _check_request(repository.get_interaction(protocol), organisation_id, protocol)

    now = store.clock().astimezone(SAO_PAULO)
    people = [u for u in repository.users() if u.organisation_id == organisation_id]
    interactions = [
        interaction
        for row in sorted(
            repository.rows(organisation_id=organisation_id),
            key=lambda row: row["protocol"],
        )
        if (interaction := repository.get_interaction(row["protocol"])) is not None
        and interaction.organisation_id == organisation_id
    ]
    target = folder / f"{_('data-copy')}-{organisation_id}-{now:%Y%m%d-%H%M%S}.zip"
    temp = folder / f".{target.name}.partial"
    writer = _CopyWriter(temp, now)
    try:
        result = writer.write(repository, organisation, people, interactions, now)
        os.replace(temp, target)
        fsync_folder(folder)
    except OSError as error:
        temp.unlink(missing_ok=True)
        log.exception("data copy of organisation %s failed", organisation_id)
        raise StoreError(
            _(
                "The data copy could not be written in {path}: {reason}.",
                path=folder,
                reason=error.strerror or error,
            )
        ) from error
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    result.path = target
    result.bytes = target.stat().st_size
    log.info(
        "data copy of organisation %s%s exported by %s to %s: %s interactions, "
        "%s attachments, %s missing",
        organisation_id,
        f" (protocol {protocol})" if protocol is not None else "",
        actor.id,
        target,
        result.interactions,
        result.attachments,
        len(result.missing),
    )
    return result


def _check_request(
    interaction: Interaction | None, organisation_id: int, protocol: int
) -> None:
    if interaction is None or interaction.organisation_id != organisation_id:
        raise NotFound(
            _(
                "The organisation has no interaction with protocol {protocol}.",
                protocol=protocol,
            )
        )
    if interaction.category is not Category.DATA_COPY:
        raise ValidationError(
            _(
                "Interaction {protocol} is not a request for a copy of the data.",
                protocol=protocol,
            ),
            field="protocol",
        )


class _CopyWriter:
    """Fills one ZIP archive, recording each file's size and SHA-256."""

    def __init__(self, path: Path, now: datetime) -> None:
        self.path = path
        self.stamp = now.timetuple()[:6]
        self.files: list[dict[str, Any]] = []
        self.missing: list[str] = []

    def write(
        self,
        repository: Any,
        organisation: Any,
        people: list[User],
        interactions: list[Interaction],
        now: datetime,
    ) -> ExportResult:
        names = {person.id: person.name for person in people}
        with zipfile.ZipFile(self.path, "w", zipfile.ZIP_DEFLATED) as archive:
            self.archive = archive
            self._json("organisation.json", organisation.to_dict())
            self._json(
                "users.json",
                [_person(person, repository) for person in people],
            )
            documents, attachments = [], 0
            for interaction in interactions:
                document, count = self._interaction(repository, interaction, names)
                documents.append(document)
                attachments += count
            self._json("interactions.json", documents)
            manifest = {
                "exported_at": now.isoformat(),
                "organisation": {"id": organisation.id, "name": organisation.name},
                "software": {"name": "sac-console", "version": software_version()},
                "counts": {
                    "users": len(people),
                    "interactions": len(interactions),
                    "attachments": attachments,
                },
                "files": self.files,
                "missing_attachments": self.missing,
            }
            self._text(_("README.txt"), _readme(organisation.name, now, self.missing))
            self._json("manifest.json", manifest)
        with open(self.path, "rb") as handle:
            os.fsync(handle.fileno())
        return ExportResult(
            self.path,
            organisation.id,
            organisation.name,
            len(interactions),
            attachments,
            len(people),
            0,
            list(self.missing),
        )

    def _interaction(
        self, repository: Any, interaction: Interaction, names: dict[int, str]
    ) -> tuple[dict[str, Any], int]:
        document = interaction.to_dict()
        # What the customer reads in the console, and no more: staff-only
        # events (notes, assignments, forwards) stay behind.
        document["timeline"] = [
            {**event.to_dict(), "actor": _actor(event.actor_id, names)}
            for event in interaction.public_timeline()
        ]
        taken: set[str] = set()
        for attachment, entry in zip(
            interaction.attachments, document["attachments"], strict=True
        ):
            name = _file_name(attachment.name, taken)
            member = f"attachments/{interaction.protocol}/{name}"
            source = repository.attachment_path(attachment.id)
            if self._file(member, source, attachment.sha256):
                entry["file"] = member
            else:
                entry["file"] = None
                self.missing.append(member)
        return document, len(interaction.attachments)

    def _file(self, member: str, source: Path, sha256: str) -> bool:
        """Copy an attachment in; ``False`` if it is absent or not what was kept."""
        try:
            content = source.read_bytes()
        except FileNotFoundError:
            log.warning("attachment file %s is missing", source.name)
            return False
        if hashlib.sha256(content).hexdigest() != sha256:
            log.warning("attachment file %s does not match its SHA-256", source.name)
            return False
        info = zipfile.ZipInfo(member, self.stamp)
        info.compress_type = zipfile.ZIP_DEFLATED
        self.archive.writestr(info, content)
        self.files.append({"path": member, "size": len(content), "sha256": sha256})
        return True

    def _json(self, member: str, data: Any) -> None:
        self._bytes(member, orjson.dumps(data, option=orjson.OPT_INDENT_2) + b"\n")

    def _text(self, member: str, text: str) -> None:
        self._bytes(member, text.encode("utf-8"))

    def _bytes(self, member: str, payload: bytes) -> None:
        info = zipfile.ZipInfo(member, self.stamp)
        info.compress_type = zipfile.ZIP_DEFLATED
        self.archive.writestr(info, payload)
        if member != "manifest.json":
            self.files.append(
                {
                    "path": member,
                    "size": len(payload),
                    "sha256": hashlib.sha256(payload).hexdigest(),
                }
            )


def _person(person: User, repository: Any) -> dict[str, Any]:
    data = person.public().to_dict()
    # Not even an empty field: the copy holds nothing about passwords.
    del data["password_hash"]
    data["notifications"] = [
        {**notification.to_dict(), "text": notification.text}
        for notification in repository.notifications(person.id)
    ]
    return data


def _actor(actor_id: int | None, names: dict[int, str]) -> str:
    if actor_id is None:
        return _("automatic")
    return names.get(actor_id) or _("Backsite support team")


def _file_name(name: str, taken: set[str]) -> str:
    """The user's file name made safe for any system, and unique in its folder."""
    cleaned = _UNSAFE.sub("_", Path(name.replace("\\", "/")).name).strip(" .")
    cleaned = cleaned or _("attachment")
    stem, dot, suffix = cleaned.rpartition(".")
    if not dot:
        stem, suffix = cleaned, ""
    candidate, number = cleaned, 1
    while candidate.casefold() in taken:
        number += 1
        candidate = f"{stem} ({number}){dot}{suffix}"
    taken.add(candidate.casefold())
    return candidate


def _readme(name: str, now: datetime, missing: list[str]) -> str:
    lines = [
        _("Copy of the data of {name}", name=name),
        "",
        _(
            "Made on {date} by Backsite's customer service.",
            date=f"{now:%d/%m/%Y %H:%M}",
        ),
        "",
        _(
            "This archive holds the data your organisation entered in, or the "
            "platform generated for it in, Backsite's customer service:"
        ),
        _("- organisation.json: your organisation's record;"),
        _("- users.json: your people and their notifications (no passwords);"),
        _(
            "- interactions.json: your interactions and their history, without "
            "the support team's internal notes;"
        ),
        _("- attachments/: the files attached to each interaction, by protocol;"),
        _("- manifest.json: every file with its size and SHA-256, to check them."),
        "",
        _(
            "It holds no program code and no data of any other organisation. "
            "The files are JSON, an open format any system can read, as the "
            "rights of access and portability of the LGPD (Law 13,709/2018, "
            "articles 18 and 19) ask."
        ),
    ]
    if len(missing) == 1:
        lines += [
            "",
            _(
                "One attachment could not be included because its file was "
                "missing or damaged; it is listed in manifest.json."
            ),
        ]
    elif missing:
        lines += [
            "",
            _(
                "{count} attachments could not be included because their files "
                "were missing or damaged; they are listed in manifest.json.",
                count=len(missing),
            ),
        ]
    return "\n".join(lines) + "\n"
