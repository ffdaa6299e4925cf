"""The permission matrix through the ``sac`` command, as a script would run it.

Each role runs each command that acts, in its own process, on a copy of the
same store. An allowed command exits 0; a refused one exits 1 with one
sentence on stderr and leaves the store as it was. The table is the rule,
written by hand; the library's own matrix is tests/contract/
test_permission_matrix.py.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from data.helpdesk import Helpdesk
from data.models import Category, Kind, Permission, Role
from data.store import Draft

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "granito-violeta-2718"
SUBJECT = "Segunda via do boleto de maio"

ROLES = ("customer", "outsider", "agent", "backup", "admin", "deactivated")
EMAILS = {
    "admin": "carla.mendes@backsite.com.br",
    "agent": "bruno.carvalho@backsite.com.br",
    "backup": "fabio.nogueira@backsite.com.br",
    "deactivated": "helena.prado@backsite.com.br",
    "customer": "ana.souza@portolog.com.br",
    "outsider": "diego.ferreira@valeverde.com.br",
}

# allow: exit 0. The refusals exit 1 with one line on stderr that says why:
# deny (the role may not), hidden (another organisation's protocol looks
# absent), invalid (the role may, but not in this form), login (a
# deactivated account cannot even log in).
MATRIX = """
command      customer outsider agent   backup  admin   deactivated
user-add     deny     deny     deny    deny    allow   login
new          allow    allow    invalid invalid invalid login
new-for      deny     deny     allow   allow   allow   login
list         allow    allow    allow   allow   allow   login
show         allow    hidden   allow   allow   allow   login
answer       deny     deny     allow   allow   allow   login
accept       allow    hidden   deny    deny    deny    login
reject       allow    hidden   deny    deny    deny    login
backup-run   deny     deny     deny    allow   allow   login
"""

# What each refusal says, in English (the commands run with --lang en).
SAYS = {
    "deny": "Only ",
    "hidden": "There is no interaction with protocol",
    "invalid": "Staff open interactions for a customer or towards an organisation.",
    "login": "Wrong e-mail or password.",
}

# Commands that only read: even when allowed they change nothing.
READING = {"list", "show"}


def read_matrix(text: str) -> dict[str, dict[str, str]]:
    header, *lines = text.strip().splitlines()
    assert tuple(header.split()[1:]) == ROLES
    table = {}
    for line in lines:
        command, *outcomes = line.split()
        assert set(outcomes) <= {"allow", *SAYS}, line
        table[command] = dict(zip(ROLES, outcomes, strict=True))
    return table


EXPECTED = read_matrix(MATRIX)


def arguments(command: str, protocols: dict[str, int]) -> list[str]:
    """The command line of each command, without who runs it."""
    return {
        "user-add": [
            "user",
            "add",
            "--name",
            "Gustavo Pereira",
            "--email",
            "gustavo.pereira@backsite.com.br",
            "--role",
            "agente",
        ],
        "new": [
            "new",
            "--category",
            "sac",
            "--subject",
            "Certidão negativa",
            "--description",
            "Preciso da certidão negativa de débitos.",
        ],
        "new-for": [
            "new",
            "--category",
            "sac",
            "--subject",
            "Certidão negativa",
            "--description",
            "Pedido feito por telefone.",
            "--for",
            EMAILS["customer"],
        ],
        "list": ["list", "--box", "sent"],
        "show": ["show", str(protocols["opened"])],
        "answer": ["answer", str(protocols["opened"]), "--text", "Segue a via."],
        "accept": ["accept", str(protocols["answered"])],
        "reject": [
            "reject",
            str(protocols["answered"]),
            "--reason",
            "Faltou o código de barras.",
        ],
        "backup-run": ["backup", "run", "--full", "--quiet"],
    }[command]


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    """One store with a person of each role, copied for every test."""
    root = tmp_path_factory.mktemp("cli-matrix") / "data"
    store = Helpdesk(root)
    admin = store.add_user(
        None,
        name="Carla Mendes",
        email=EMAILS["admin"],
        role=Role.ADMIN,
        password=PASSWORD,
    )
    ours = store.create_organisation(
        admin, name="Porto Seguro Logística", domains=["portolog.com.br"]
    )
    theirs = store.create_organisation(
        admin, name="Vale Verde Alimentos", domains=["valeverde.com.br"]
    )
    people = [
        ("Bruno Carvalho", "agent", Role.AGENT, None),
        ("Fábio Nogueira", "backup", Role.AGENT, None),
        ("Helena Prado", "deactivated", Role.ADMIN, None),
        ("Ana Beatriz Souza", "customer", Role.CUSTOMER, ours.id),
        ("Diego Ferreira", "outsider", Role.CUSTOMER, theirs.id),
    ]
    made = {}
    for name, role, kind, organisation_id in people:
        made[role] = store.add_user(
            admin,
            name=name,
            email=EMAILS[role],
            role=kind,
            password=PASSWORD,
            organisation_id=organisation_id,
        )
    store.grant(admin, made["backup"].id, Permission.BACKUP)
    store.deactivate(admin, made["deactivated"].id)
    draft = Draft(Category.SAC, Kind.REQUEST, SUBJECT, "Preciso da segunda via.")
    opened = store.create_interaction(made["customer"], draft)
    answered = store.create_interaction(made["customer"], draft)
    store.answer(made["agent"], answered.protocol, "Segue a segunda via.")
    return root, {"opened": opened.protocol, "answered": answered.protocol}


def state(root: Path) -> dict[str, Any]:
    """What a command could change, read straight from the files."""
    repository = Helpdesk(root).repository
    users = repository.users()
    backups = root / "backups"
    return {
        "users": [user.to_dict() for user in users],
        "organisations": [o.to_dict() for o in repository.organisations()],
        "interactions": [i.to_dict() for i in repository.all_interactions()],
        "notifications": [
            [n.to_dict() for n in repository.notifications(user.id)] for user in users
        ],
        "backups": sorted(p.name for p in backups.iterdir())
        if backups.is_dir()
        else [],
    }


def sac(root: Path, role: str, args: list[str]) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "SAC_PASSWORD": PASSWORD,
        "SAC_NEW_PASSWORD": "nova-chave-bem-longa-4821",
    }
    command = [
        sys.executable,
        "-m",
        "tui.cli",
        *args,
        "--data-dir",
        str(root),
        "--as",
        EMAILS[role],
        "--lang",
        "en",
    ]
    return subprocess.run(
        command,
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
        stdin=subprocess.DEVNULL,
    )


CELLS = [(command, role) for command in EXPECTED for role in ROLES]


@pytest.mark.parametrize(("command", "role"), CELLS, ids=[f"{c}-{r}" for c, r in CELLS])
def test_each_role_runs_each_command(
    template: tuple[Path, dict[str, int]], tmp_path: Path, command: str, role: str
) -> None:
    source, protocols = template
    root = tmp_path / "data"
    shutil.copytree(source, root)
    expected = EXPECTED[command][role]
    before = state(root)

    ran = sac(root, role, arguments(command, protocols))

    if expected == "allow":
        assert ran.returncode == 0, ran.stderr
        assert ran.stderr == ""
        changed = state(root) != before
        assert changed is (command not in READING)
        return
    assert ran.returncode == 1, (ran.stdout, ran.stderr)
    lines = ran.stderr.splitlines()
    assert len(lines) == 1, ran.stderr
    assert lines[0].startswith("sac: " + SAYS[expected]), lines[0]
    assert lines[0].rstrip().endswith("."), lines[0]
    assert ran.stdout == ""
    assert state(root) == before


def test_a_customer_of_another_organisation_lists_none_of_ours(
    template: tuple[Path, dict[str, int]], tmp_path: Path
) -> None:
    source, protocols = template
    root = tmp_path / "data"
    shutil.copytree(source, root)

    for box in ("sent", "received"):
        ran = sac(root, "outsider", ["list", "--box", box, "--json"])
        assert ran.returncode == 0, ran.stderr
        assert SUBJECT not in ran.stdout
        assert f'"protocol": {protocols["opened"]}' not in ran.stdout
