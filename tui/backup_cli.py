"""The ``sac backup`` commands: backups, restores, retention and data copies.

    sac backup run --full | --incremental | --due [--to DIR] [--quiet]
    sac backup list [--folder DIR]
    sac backup verify ID [--folder DIR]
    sac backup restore ID --to DIR [--folder DIR]
    sac backup prune --keep-daily N --keep-weekly N [--dry-run] [--folder DIR]
    sac backup schedule [--days DAYS] [--hour HH[:MM]] [--full-days DAYS]
    sac backup folder [DIR]
    sac backup export ORGANISATION_ID --to DIR [--protocol P]

Every command takes ``--data-dir`` and ``--json``. Those that change
something act for a person (``--as EMAIL``, password from ``SAC_PASSWORD``)
who must be an administrator or hold the backup permission; ``list`` and
``verify`` only read archives the caller can already read. ``verify`` exits
with 1 when anything is wrong, so that a script notices.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from data.deadlines import SAO_PAULO
from data.i18n import _

DAY_NAMES = {
    "0": 0,
    "sun": 0,
    "sunday": 0,
    "dom": 0,
    "domingo": 0,
    "1": 1,
    "mon": 1,
    "monday": 1,
    "seg": 1,
    "segunda": 1,
    "2": 2,
    "tue": 2,
    "tuesday": 2,
    "ter": 2,
    "terca": 2,
    "terça": 2,
    "3": 3,
    "wed": 3,
    "wednesday": 3,
    "qua": 3,
    "quarta": 3,
    "4": 4,
    "thu": 4,
    "thursday": 4,
    "qui": 4,
    "quinta": 4,
    "5": 5,
    "fri": 5,
    "friday": 5,
    "sex": 5,
    "sexta": 5,
    "6": 6,
    "sat": 6,
    "saturday": 6,
    "sab": 6,
    "sáb": 6,
    "sabado": 6,
    "sábado": 6,
}
EVERY_DAY = {"every-day", "everyday", "all", "todos", "todos-os-dias"}
NO_DAY = {"none", "off", "nenhum", "desligado"}


def weekdays(value: str) -> frozenset[int]:
    """An argparse type: "0,3,5", "dom,qua", "every-day" or "none"."""
    text = value.strip().lower()
    if text in EVERY_DAY:
        return frozenset(range(7))
    if text in NO_DAY:
        return frozenset()
    days = set()
    for part in text.replace(" ", ",").split(","):
        if not part:
            continue
        if part not in DAY_NAMES:
            raise argparse.ArgumentTypeError(
                _(
                    "{value} is not a day of the week; use 0 (Sunday) to 6 "
                    "(Saturday), names such as dom or mon, or every-day.",
                    value=part,
                )
            )
        days.add(DAY_NAMES[part])
    return frozenset(days)


def time_of_day(value: str) -> tuple[int, int]:
    """An argparse type: "23" or "23:30"."""
    hour, _sep, minute = value.strip().partition(":")
    try:
        result = int(hour), int(minute or 0)
    except ValueError:
        result = (-1, -1)
    if not (0 <= result[0] <= 23 and 0 <= result[1] <= 59):
        raise argparse.ArgumentTypeError(
            _("{value} is not a time; write it as HH or HH:MM.", value=value)
        )
    return result


def count(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = -1
    if number < 0:
        raise argparse.ArgumentTypeError(
            _("{value} is not a number of backups.", value=value)
        )
    return number


def add_backup_commands(
    commands: Any, common: argparse.ArgumentParser, acting: argparse.ArgumentParser
) -> None:
    """Add ``sac backup ...`` to the ``sac`` command's subparsers.

    Args:
        commands: the subparsers of the ``sac`` parser.
        common: the parent parser with ``--data-dir``, ``--json``, ``--lang``.
        acting: the parent parser with the required ``--as EMAIL``.
    """
    parser_class = type(common)
    backup = commands.add_parser(
        "backup", help=_("system backups, restores and customers' data copies")
    )
    sub = backup.add_subparsers(
        dest="backup_command", required=True, parser_class=parser_class
    )

    run = sub.add_parser("run", parents=[common, acting], help=_("make a backup now"))
    kind = run.add_mutually_exclusive_group(required=True)
    kind.add_argument("--full", action="store_true", help=_("copy everything"))
    kind.add_argument(
        "--incremental",
        action="store_true",
        help=_("copy what changed since the last backup"),
    )
    kind.add_argument(
        "--due",
        action="store_true",
        help=_("do what the schedule says for now (for cron or systemd)"),
    )
    run.add_argument(
        "--to",
        "--folder",
        dest="folder",
        type=Path,
        metavar="DIR",
        help=_("where the archives go (default: the backup_folder setting)"),
    )
    run.add_argument(
        "--quiet", action="store_true", help=_("print nothing unless it fails")
    )

    listing = sub.add_parser(
        "list", parents=[common], help=_("list the backups and what they hold")
    )
    listing.add_argument("--folder", type=Path, metavar="DIR")

    verify = sub.add_parser(
        "verify",
        parents=[common],
        help=_("re-read a backup and its chain, checking every hash"),
    )
    verify.add_argument("backup_id", metavar="ID")
    verify.add_argument("--folder", type=Path, metavar="DIR")

    restore = sub.add_parser(
        "restore",
        parents=[common, acting],
        help=_("rebuild a data directory from a backup"),
    )
    restore.add_argument("backup_id", metavar="ID")
    restore.add_argument(
        "--to",
        dest="target",
        type=Path,
        required=True,
        metavar="DIR",
        help=_("a new or empty folder"),
    )
    restore.add_argument("--folder", type=Path, metavar="DIR")

    prune = sub.add_parser(
        "prune",
        parents=[common, acting],
        help=_("delete the backups a retention policy does not keep"),
    )
    prune.add_argument("--keep-daily", type=count, required=True, metavar="N")
    prune.add_argument("--keep-weekly", type=count, required=True, metavar="N")
    prune.add_argument(
        "--dry-run", action="store_true", help=_("show what would go; delete nothing")
    )
    prune.add_argument("--folder", type=Path, metavar="DIR")

    schedule = sub.add_parser(
        "schedule",
        parents=[common],
        help=_("show or change when backups run by themselves"),
    )
    schedule.add_argument(
        "--days", type=weekdays, help=_("0-6 (0 is Sunday), names, or every-day")
    )
    schedule.add_argument(
        "--hour", type=time_of_day, metavar="HH[:MM]", help=_("time of day")
    )
    schedule.add_argument(
        "--full-days", type=weekdays, help=_("the days whose backup is full")
    )
    schedule.add_argument(
        "--as", dest="actor", metavar="EMAIL", help=_("who changes it")
    )

    folder = sub.add_parser(
        "folder", parents=[common], help=_("show or change where backups go")
    )
    folder.add_argument("path", nargs="?", type=Path, metavar="DIR")
    folder.add_argument("--as", dest="actor", metavar="EMAIL", help=_("who changes it"))

    export = sub.add_parser(
        "export",
        parents=[common, acting],
        help=_("write one organisation's copy of its data (Cópia da base)"),
    )
    export.add_argument("organisation_id", type=int, metavar="ORGANISATION_ID")
    export.add_argument("--to", dest="target", type=Path, required=True, metavar="DIR")
    export.add_argument(
        "--protocol", type=int, help=_("the Cópia da base interaction it answers")
    )


def run_backup_command(args: argparse.Namespace, root: Path) -> int:
    """Run one ``sac backup`` command on the data directory ``root``."""
    handler = {
        "run": _run,
        "list": _list,
        "verify": _verify,
        "restore": _restore,
        "prune": _prune,
        "schedule": _schedule,
        "folder": _folder,
        "export": _export,
    }[args.backup_command]
    return handler(args, root)


# -- commands -------------------------------------------------------------------


def _backups(args: argparse.Namespace, root: Path) -> Any:
    from data.backup import Backups
    from tui.cli import open_store

    return Backups(open_store(root), getattr(args, "folder", None))


def _actor(backups: Any, email: str | None) -> Any:
    from tui.cli import Refusal, act_as

    if not email:
        raise Refusal(_("Say who changes it with --as EMAIL."))
    return act_as(backups.store, email)


def _run(args: argparse.Namespace, root: Path) -> int:
    backups = _backups(args, root)
    actor = _actor(backups, args.actor)
    printer = _StepPrinter(quiet=args.quiet or args.json)
    if args.due:
        result = backups.run_due(actor, printer)
        if result is None:
            if not args.quiet:
                _emit(
                    args,
                    {"due": None, "schedule": backups.schedule().to_dict()},
                    _(
                        "No backup is due now. {schedule}",
                        schedule=backups.schedule().describe(),
                    ),
                )
            return 0
    else:
        kind = "full" if args.full else "incremental"
        result = backups.run(actor, kind, printer)
    if not args.quiet:
        lines = result.summary()
        if result.fell_back_to_full:
            lines.insert(0, _("There is no full backup to follow; making a full one."))
        lines.append(_("Archive: {path}", path=result.path))
        _emit(args, result.to_dict(), "\n".join(lines))
    return 0


def _list(args: argparse.Namespace, root: Path) -> int:
    from data.backup import count_words, kind_label
    from data.words import natural_size

    backups = _backups(args, root)
    infos = backups.list()
    lines = [_("Backups in {folder}:", folder=backups.folder)] if infos else []
    for info in infos:
        if info.manifest is None:
            lines.append(f"  {info.id}  {info.problem}")
            continue
        manifest = info.manifest
        state = (
            _("needs {ids}, which are missing", ids=", ".join(info.missing))
            if info.missing
            else _("restorable")
        )
        lines.append(
            f"  {info.id}  {kind_label(manifest.kind):<11}  "
            f"{manifest.created_at:%d/%m/%Y %H:%M}  "
            f"{natural_size(info.size):>9}  "
            f"{count_words(len(manifest.tables), 'table')}, "
            f"{count_words(manifest.records, 'record')} · {state}"
        )
    if not infos:
        lines.append(_("There are no backups in {folder} yet.", folder=backups.folder))
    _emit(
        args,
        {"folder": str(backups.folder), "backups": [i.to_dict() for i in infos]},
        "\n".join(lines),
    )
    return 0


def _verify(args: argparse.Namespace, root: Path) -> int:
    from data.words import natural_size

    backups = _backups(args, root)
    report = backups.verify(args.backup_id, None, _StepPrinter(quiet=True))
    if report.ok:
        text = _(
            "Backup {id} checked: {members} members in {archives} archives, "
            "{size}; no problem found.",
            id=report.id,
            members=report.members,
            archives=len(report.archives),
            size=natural_size(report.bytes),
        )
    else:
        lines = [
            _(
                "Backup {id} has {count} problems:",
                id=report.id,
                count=len(report.problems),
            )
        ]
        lines += [f"  {p.archive}: {p.message}" for p in report.problems]
        text = "\n".join(lines)
    _emit(args, report.to_dict(), text)
    return 0 if report.ok else 1


def _restore(args: argparse.Namespace, root: Path) -> int:
    backups = _backups(args, root)
    actor = _actor(backups, args.actor)
    report = backups.restore(
        actor, args.backup_id, args.target, _StepPrinter(quiet=args.json)
    )
    _emit(
        args,
        report.to_dict(),
        _(
            "Backup {id} restored in {path}: {files} files, {tables} tables, "
            "{records} records. Open it with: sac --data-dir {path}",
            id=report.id,
            path=report.target,
            files=report.files,
            tables=report.tables,
            records=report.records,
        ),
    )
    return 0


def _prune(args: argparse.Namespace, root: Path) -> int:
    backups = _backups(args, root)
    actor = _actor(backups, args.actor)
    plan = backups.prune(
        actor,
        keep_daily=args.keep_daily,
        keep_weekly=args.keep_weekly,
        dry_run=args.dry_run,
    )
    reasons = {
        "daily": _("daily"),
        "weekly": _("weekly"),
        "chain": _("needed by a kept incremental"),
        "unreadable": _("unreadable; check it by hand"),
    }
    lines = [_("Kept:")]
    lines += [
        f"  {backup_id} ({', '.join(reasons[r] for r in why)})"
        for backup_id, why in sorted(plan.kept.items())
    ]
    lines.append(_("Would delete:") if plan.dry_run else _("Deleted:"))
    lines += [f"  {info.id}" for info in plan.deleted] or [f"  {_('nothing')}"]
    _emit(args, plan.to_dict(), "\n".join(lines))
    return 0


def _schedule(args: argparse.Namespace, root: Path) -> int:
    from dataclasses import replace

    backups = _backups(args, root)
    schedule = backups.schedule()
    changes: dict[str, Any] = {}
    if args.days is not None:
        changes["days"] = args.days
        if args.full_days is None:
            changes["full_days"] = schedule.full_days & args.days
    if args.hour is not None:
        changes["hour"], changes["minute"] = args.hour
    if args.full_days is not None:
        changes["full_days"] = args.full_days
    if changes:
        actor = _actor(backups, args.actor)
        schedule = backups.set_schedule(actor, replace(schedule, **changes))
        text = _("Schedule saved: {schedule}", schedule=schedule.describe())
    else:
        text = schedule.describe()
    due = backups.due()
    _emit(args, {**schedule.to_dict(), "due_now": due}, text)
    return 0


def _folder(args: argparse.Namespace, root: Path) -> int:
    backups = _backups(args, root)
    if args.path is not None:
        actor = _actor(backups, args.actor)
        backups.set_folder(actor, args.path)
    _emit(
        args,
        {"folder": str(backups.folder)},
        _("Backups go to {folder}", folder=backups.folder),
    )
    return 0


def _export(args: argparse.Namespace, root: Path) -> int:
    from data.export import export_organisation
    from data.words import natural_size

    backups = _backups(args, root)
    actor = _actor(backups, args.actor)
    result = export_organisation(
        backups.store,
        actor,
        args.organisation_id,
        args.target,
        protocol=args.protocol,
    )
    lines = [
        _(
            "Data copy of {name} written in {path} ({size}): {interactions} "
            "interactions, {attachments} attachments, {users} people.",
            name=result.organisation_name,
            path=result.path,
            size=natural_size(result.bytes),
            interactions=result.interactions,
            attachments=result.attachments,
            users=result.users,
        )
    ]
    if result.missing:
        lines.append(
            _(
                "Attachments whose file is missing or damaged: {names}",
                names=", ".join(result.missing),
            )
        )
    _emit(args, result.to_dict(), "\n".join(lines))
    return 0


# -- output -------------------------------------------------------------------------


class _StepPrinter:
    """Prints each new step of a long operation on its own line, with the time."""

    def __init__(self, *, quiet: bool) -> None:
        self.quiet = quiet
        self.last = ""

    def __call__(self, step: str, done: int, total: int) -> None:
        if self.quiet or step == self.last:
            return
        self.last = step
        print(f"{datetime.now(SAO_PAULO):%H:%M:%S} {step}", flush=True)


def _emit(args: argparse.Namespace, data: Any, text: str) -> None:
    from tui.cli import emit

    emit(args, data, text)
    sys.stdout.flush()
