"""The ``sac`` command: the console, and scripting commands for the same store.

``sac`` alone opens the console; ``sac demo`` opens it on a throwaway store
full of demo data; the other commands act on a data directory for scripts,
cron jobs and tests. Textual is imported only when the console opens, so a
scripting command starts quickly.
"""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

from data.errors import SacError, ValidationError
from data.i18n import N_, _, language_from_environment, set_language

log = logging.getLogger("sac.cli")

CATEGORY_NAMES = {
    "sac": "sac",
    "support": "support",
    "suporte": "support",
    "pdc": "pdc",
    "update": "update",
    "atualizacao": "update",
    "atualização": "update",
    "data-copy": "data_copy",
    "copia-da-base": "data_copy",
    "cópia-da-base": "data_copy",
}
KIND_NAMES = {
    "request": "request",
    "solicitacao": "request",
    "solicitação": "request",
    "complaint": "complaint",
    "reclamacao": "complaint",
    "reclamação": "complaint",
    "compliment": "compliment",
    "elogio": "compliment",
    "suggestion": "suggestion",
    "sugestao": "suggestion",
    "sugestão": "suggestion",
}
SEVERITY_NAMES = {
    "critical": "critical",
    "critica": "critical",
    "crítica": "critical",
    "medium": "medium",
    "media": "medium",
    "média": "medium",
}
ROLE_NAMES = {
    "customer": "customer",
    "cliente": "customer",
    "agent": "agent",
    "agente": "agent",
    "admin": "admin",
}
GENDER_NAMES = {
    "female": "female",
    "feminino": "female",
    "male": "male",
    "masculino": "male",
    "other": "other",
    "outro": "other",
    "undisclosed": "undisclosed",
    "prefiro-nao-informar": "undisclosed",
}


class Refusal(Exception):
    """A command-line mistake, said in one line."""


def default_data_dir() -> Path:
    """Where the store lives: ``SAC_DATA_DIR``, else the platform's data folder."""
    configured = os.environ.get("SAC_DATA_DIR")
    if configured:
        return Path(configured).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("sac", "Backsite"))


def choice(names: dict[str, str], what: str) -> Callable[[str], str]:
    """An argparse type that accepts English and Portuguese names."""

    def convert(value: str) -> str:
        key = value.strip().lower()
        if key not in names:
            accepted = ", ".join(sorted(set(names)))
            raise argparse.ArgumentTypeError(
                _(
                    "{value} is not a {what}; use one of: {accepted}.",
                    value=value,
                    what=what,
                    accepted=accepted,
                )
            )
        return names[key]

    return convert


def iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("{value} is not a date; write it as YYYY-MM-DD.", value=value)
        ) from None


class Parser(argparse.ArgumentParser):
    """An argument parser whose mistakes fit on one line of stderr."""

    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"sac: {message}\n")
        raise SystemExit(2)


def build_parser() -> Parser:
    common = Parser(add_help=False)
    common.add_argument("--data-dir", type=Path, help=_("the data directory"))
    common.add_argument(
        "--json", action="store_true", help=_("machine-readable output")
    )
    common.add_argument("--lang", choices=["pt_BR", "en"], help=_("interface language"))
    acting = Parser(add_help=False)
    acting.add_argument(
        "--as",
        dest="actor",
        metavar="EMAIL",
        required=True,
        help=_("who acts (password from SAC_PASSWORD or a prompt)"),
    )

    parser = Parser(
        prog="sac",
        parents=[common],
        description=_("Backsite's customer service console."),
    )
    commands = parser.add_subparsers(dest="command", parser_class=Parser)

    init = commands.add_parser(
        "init", parents=[common], help=_("create a data directory and its first admin")
    )
    init.add_argument("--admin-email", required=True)
    init.add_argument("--admin-name", required=True)

    commands.add_parser(
        "demo", parents=[common], help=_("open the console on a throwaway demo store")
    )

    user = commands.add_parser("user", help=_("manage users"))
    user_commands = user.add_subparsers(
        dest="user_command", required=True, parser_class=Parser
    )
    add = user_commands.add_parser(
        "add", parents=[common, acting], help=_("create a user")
    )
    add.add_argument("--name", required=True)
    add.add_argument("--email", required=True)
    add.add_argument("--role", required=True, type=choice(ROLE_NAMES, _("role")))
    add.add_argument("--organisation", help=_("organisation name (customers)"))
    add.add_argument("--phone", default="")
    add.add_argument(
        "--gender", default="undisclosed", type=choice(GENDER_NAMES, _("gender"))
    )

    new = commands.add_parser(
        "new", parents=[common, acting], help=_("open an interaction")
    )
    new.add_argument(
        "--category", required=True, type=choice(CATEGORY_NAMES, _("category"))
    )
    new.add_argument("--kind", default="request", type=choice(KIND_NAMES, _("kind")))
    new.add_argument("--subject", required=True)
    new.add_argument("--description", required=True)
    new.add_argument("--severity", type=choice(SEVERITY_NAMES, _("severity")))
    new.add_argument("--on-site", action="store_true")
    new.add_argument("--date", type=iso_date, help=_("wished update date"))
    new.add_argument("--attach", nargs="+", type=Path, default=[], metavar="FILE")
    new.add_argument(
        "--for",
        dest="on_behalf",
        metavar="EMAIL",
        help=_("record it on a customer's behalf (staff)"),
    )

    listing = commands.add_parser(
        "list", parents=[common, acting], help=_("list interactions")
    )
    listing.add_argument("--box", choices=["sent", "received", "queue"])
    listing.add_argument("--limit", type=int, default=50)
    listing.add_argument("--search", default="")

    show = commands.add_parser(
        "show", parents=[common, acting], help=_("show an interaction")
    )
    show.add_argument("protocol", type=int)

    reject = commands.add_parser(
        "reject", parents=[common, acting], help=_("reject the handling, with a reason")
    )
    reject.add_argument("protocol", type=int)
    reject.add_argument("--reason", required=True)

    accept = commands.add_parser(
        "accept", parents=[common, acting], help=_("accept the handling")
    )
    accept.add_argument("protocol", type=int)

    answer = commands.add_parser(
        "answer", parents=[common, acting], help=_("answer an interaction (staff)")
    )
    answer.add_argument("protocol", type=int)
    answer.add_argument("--text", required=True)
    answer.add_argument(
        "--ask", action="store_true", help=_("ask the customer for information instead")
    )
    from tui.backup_cli import add_backup_commands

    add_backup_commands(commands, common, acting)
    return parser


def read_password(prompt: str, variable: str = "SAC_PASSWORD") -> str:
    """A password from the environment, else typed at a prompt."""
    value = os.environ.get(variable)
    if value is None and variable != "SAC_PASSWORD":
        value = os.environ.get("SAC_PASSWORD")
    if value is not None:
        return value
    if not sys.stdin.isatty():
        raise Refusal(_("Set SAC_PASSWORD or run the command in a terminal."))
    return getpass.getpass(prompt)


def setup_logging(root: Path) -> None:
    root.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(root / "sac.log", encoding="utf-8")
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(name)s %(process)d %(message)s")
    )
    logger = logging.getLogger("sac")
    logger.handlers[:] = [handler]
    logger.setLevel(logging.INFO)
    logger.propagate = False


def open_store(root: Path) -> Any:
    from data.helpdesk import Helpdesk

    return Helpdesk(root)


def act_as(store: Any, email: str) -> Any:
    password = read_password(_("Password for {email}: ", email=email))
    session = store.login(email, password)
    # A command acts once; it keeps no session open behind it.
    store.logout(session.token)
    return session.user


def emit(args: argparse.Namespace, data: Any, text: str) -> None:
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    else:
        print(text)


def interaction_json(store: Any, interaction: Any) -> dict[str, Any]:
    data = interaction.to_dict()
    deadline = store.deadline(interaction)
    data["deadline"] = {
        "state": deadline.state.value,
        "due_at": deadline.due_at.isoformat(),
        "words": deadline.words,
    }
    return data


def describe(store: Any, interaction: Any) -> str:
    from tui.plain import interaction_text

    return interaction_text(store, interaction)


# -- commands -----------------------------------------------------------------


def cmd_init(args: argparse.Namespace, root: Path) -> int:
    from data.models import Role

    store = open_store(root)
    if store.repository.users():
        raise Refusal(_("{root} already has users; use sac user add.", root=root))
    password = read_password(_("Password for the first administrator: "))
    admin = store.add_user(
        None,
        name=args.admin_name,
        email=args.admin_email,
        role=Role.ADMIN,
        password=password,
    )
    emit(
        args,
        {"data_dir": str(root), "admin": admin.to_dict()},
        _(
            "Data directory {root} ready; administrator {email} created.",
            root=root,
            email=admin.email,
        ),
    )
    return 0


def cmd_user_add(args: argparse.Namespace, root: Path) -> int:
    from data.models import Gender, Role

    store = open_store(root)
    actor = act_as(store, args.actor)
    organisation_id = None
    if args.organisation:
        matches = [
            o
            for o in store.list_organisations(actor)
            if o.name.casefold() == args.organisation.strip().casefold()
        ]
        if not matches:
            raise Refusal(
                _("There is no organisation named {name}.", name=args.organisation)
            )
        organisation_id = matches[0].id
    password = read_password(_("Password for the new user: "), "SAC_NEW_PASSWORD")
    user = store.add_user(
        actor,
        name=args.name,
        email=args.email,
        role=Role(args.role),
        password=password,
        organisation_id=organisation_id,
        phone=args.phone,
        gender=Gender(args.gender),
    )
    emit(args, user.to_dict(), _("User {email} created.", email=user.email))
    return 0


def cmd_new(args: argparse.Namespace, root: Path) -> int:
    from data.models import Category, Kind, Severity
    from data.store import Draft

    store = open_store(root)
    actor = act_as(store, args.actor)
    on_behalf = None
    if args.on_behalf:
        from data.validation import normalise_email

        wanted = normalise_email(args.on_behalf, field="for")
        found = [u for u in store.list_users(actor) if u.email == wanted]
        if not found:
            raise Refusal(
                _("There is no customer with the e-mail {email}.", email=args.on_behalf)
            )
        on_behalf = found[0].id
    draft = Draft(
        category=Category(args.category),
        kind=Kind(args.kind),
        subject=args.subject,
        description=args.description,
        severity=Severity(args.severity) if args.severity else None,
        on_site=args.on_site,
        wished_date=args.date,
        attachments=list(args.attach),
        on_behalf_of=on_behalf,
    )
    interaction = store.create_interaction(actor, draft)
    emit(
        args,
        interaction_json(store, interaction),
        _(
            "Interaction created with protocol {protocol}.",
            protocol=interaction.protocol,
        ),
    )
    return 0


def cmd_list(args: argparse.Namespace, root: Path) -> int:
    from data.store import Box, Query
    from tui.plain import page_text

    store = open_store(root)
    actor = act_as(store, args.actor)
    box = (
        Box(args.box) if args.box else (Box.QUEUE if actor.role.is_staff else Box.SENT)
    )
    page = store.list_interactions(
        actor, Query(box=box, text=args.search, limit=args.limit)
    )
    data = {
        "box": box.value,
        "total": page.total,
        "rows": [
            {
                "protocol": row.protocol,
                "created_at": row.created_at.isoformat(),
                "category": row.category.value,
                "kind": row.kind.value,
                "subject": row.subject,
                "status": row.status.value,
                "rejection_count": row.rejection_count,
                "deadline": row.deadline.words,
            }
            for row in page.rows
        ],
    }
    emit(args, data, page_text(page))
    return 0


def cmd_show(args: argparse.Namespace, root: Path) -> int:
    store = open_store(root)
    actor = act_as(store, args.actor)
    interaction = store.get_interaction(actor, args.protocol)
    emit(args, interaction_json(store, interaction), describe(store, interaction))
    return 0


def _acting(method: str, done: str) -> Callable[[argparse.Namespace, Path], int]:
    def command(args: argparse.Namespace, root: Path) -> int:
        store = open_store(root)
        actor = act_as(store, args.actor)
        extra: dict[str, Any] = {}
        if method == "reject":
            extra = {"reason": args.reason}
        elif method == "answer":
            extra = {"text": args.text, "ask": args.ask}
        interaction = getattr(store, method)(actor, args.protocol, **extra)
        emit(
            args,
            interaction_json(store, interaction),
            _(
                done,
                protocol=interaction.protocol,
                status=interaction.status.label,
                count=interaction.rejection_count,
            ),
        )
        return 0

    return command


COMMANDS: dict[str, Callable[[argparse.Namespace, Path], int]] = {
    "init": cmd_init,
    "new": cmd_new,
    "list": cmd_list,
    "show": cmd_show,
    "reject": _acting(
        "reject",
        N_("Interaction {protocol} rejected ({count} rejections); now {status}."),
    ),
    "accept": _acting("accept", N_("Interaction {protocol} accepted; now {status}.")),
    "answer": _acting("answer", N_("Interaction {protocol} is now {status}.")),
}


def run_console(root: Path, *, demo: bool = False, language: str | None = None) -> int:
    """Open the console; the configuration file may choose its language.

    The language is settled before the interface is imported, because the
    screens' key descriptions are translated when their classes are made.
    """
    from tui.config import load_config

    config = load_config()
    if config.language and not language:
        set_language(config.language)
    from tui.app import run

    return run(root, config, demo=demo)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``sac`` command; returns the exit code."""
    args = build_parser().parse_args(argv)
    set_language(args.lang or language_from_environment(os.environ))
    command = args.command
    if command == "demo":
        root = args.data_dir or Path(tempfile.mkdtemp(prefix="sac-demo-"))
    else:
        root = (args.data_dir or default_data_dir()).expanduser()
    setup_logging(root)
    try:
        if command is None:
            return run_console(root, language=args.lang)
        if command == "demo":
            from data.demo import populate

            store = open_store(root)
            if not store.repository.users():
                populate(store)
            return run_console(root, demo=True, language=args.lang)
        if command == "user":
            return cmd_user_add(args, root)
        if command == "backup":
            from tui.backup_cli import run_backup_command

            return run_backup_command(args, root)
        return COMMANDS[command](args, root)
    except SacError as error:
        where = (
            f" ({error.field})"
            if isinstance(error, ValidationError) and error.field
            else ""
        )
        log.info("command %s refused: %s", command, error.message)
        sys.stderr.write(f"sac: {error.message}{where}\n")
        return 1
    except Refusal as error:
        sys.stderr.write(f"sac: {error}\n")
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
