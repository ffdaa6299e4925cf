"""Every role against every action of the Store: who may, who is refused, how.

The table below is the rule, written by hand from the issue and the
customer's guide, not read from the code: customers act on their own
organisation's interactions only, and another organisation's look absent;
agents handle interactions but administer nothing; administrators do
everything staff do and administer; a deactivated account does nothing at
all, even with the ``User`` it logged in with still in hand.

Each cell runs on a fresh store. A refusal must be the expected error, carry
a sentence, and leave the store as it was; an allowed call must succeed.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property, partial
from pathlib import Path
from typing import Any

import pytest
from contract_kit import PASSWORD, START

from data.errors import NotFound, PermissionDenied, SacError, ValidationError
from data.models import (
    Category,
    Interaction,
    Kind,
    Organisation,
    Permission,
    Product,
    Role,
    Stage,
    User,
)
from data.store import Box, Draft, Query, Store

ALLOW = "allow"  # the call succeeds
DENY = "deny"  # PermissionDenied
HIDDEN = "hidden"  # NotFound: another organisation's data looks absent
INVALID = "invalid"  # ValidationError: the role may act, but not in this form

ROLES = ("customer", "outsider", "agent", "backup", "admin", "deactivated")

# customer: a customer of the organisation the interactions belong to, and
# their author; outsider: a customer of another organisation; backup: an
# agent granted the backup permission; deactivated: an administrator whose
# account was deactivated after logging in.
MATRIX = """
action                    customer outsider agent   backup  admin   deactivated
change_password           allow    allow    allow   allow   allow   deny
add_user                  deny     deny     deny    deny    allow   deny
get_user                  deny     deny     allow   allow   allow   deny
get_user:self             allow    allow    allow   allow   allow   deny
list_users                deny     deny     allow   allow   allow   deny
grant                     deny     deny     deny    deny    allow   deny
revoke                    deny     deny     deny    deny    allow   deny
unlock                    deny     deny     deny    deny    allow   deny
reset_password            deny     deny     deny    deny    allow   deny
deactivate                deny     deny     deny    deny    allow   deny
locked_accounts           deny     deny     deny    deny    allow   deny
create_organisation       deny     deny     deny    deny    allow   deny
update_organisation       deny     deny     deny    deny    allow   deny
get_organisation          allow    hidden   allow   allow   allow   deny
list_organisations        allow    allow    allow   allow   allow   deny
set_stage                 deny     deny     deny    deny    allow   deny
create_interaction        allow    allow    invalid invalid invalid deny
create_interaction:behalf deny     deny     allow   allow   allow   deny
create_interaction:toward deny     deny     allow   allow   allow   deny
get_interaction           allow    hidden   allow   allow   allow   deny
list_interactions         allow    allow    allow   allow   allow   deny
queue_counts              deny     deny     allow   allow   allow   deny
start                     deny     deny     allow   allow   allow   deny
assign                    deny     deny     allow   allow   allow   deny
answer                    deny     deny     allow   allow   allow   deny
add_info                  allow    hidden   deny    deny    deny    deny
accept                    allow    hidden   deny    deny    deny    deny
reject                    allow    hidden   deny    deny    deny    deny
cancel                    allow    hidden   deny    deny    deny    deny
add_note                  deny     deny     allow   allow   allow   deny
forward                   deny     deny     allow   allow   allow   deny
add_attachment            allow    hidden   allow   allow   allow   deny
save_attachment           allow    hidden   allow   allow   allow   deny
canned_answers            deny     deny     allow   allow   allow   deny
save_canned_answer        deny     deny     allow   allow   allow   deny
delete_canned_answer      deny     deny     allow   allow   allow   deny
schedule_update           deny     deny     deny    deny    allow   deny
report                    deny     deny     deny    deny    allow   deny
notifications             allow    allow    allow   allow   allow   deny
unread_count              allow    allow    allow   allow   allow   deny
mark_read                 allow    allow    allow   allow   allow   deny
"""

EXPECTED_ERROR = {DENY: PermissionDenied, HIDDEN: NotFound, INVALID: ValidationError}


def read_matrix(text: str) -> dict[str, dict[str, str]]:
    """The table above as {action: {role: outcome}}."""
    header, *lines = text.strip().splitlines()
    roles = header.split()[1:]
    assert tuple(roles) == ROLES
    table = {}
    for line in lines:
        action, *outcomes = line.split()
        assert len(outcomes) == len(roles), line
        assert set(outcomes) <= {ALLOW, DENY, HIDDEN, INVALID}, line
        table[action] = dict(zip(roles, outcomes, strict=True))
    return table


EXPECTED = read_matrix(MATRIX)


def next_monday(today: date) -> date:
    day = today + timedelta(days=7)
    return day + timedelta(days=-day.weekday() % 7)


@dataclass
class World:
    """A store with one person of each role and what the actions act on.

    The things acted on are made when an action first needs them, by the
    people entitled to make them, before the call under test.
    """

    store: Store
    admin: User
    agent: User
    backup: User
    customer: User
    target: User
    outsider: User
    deactivated: User
    organisation: Organisation
    folder: Path

    def draft(self, **changes: Any) -> Draft:
        fields: dict[str, Any] = {
            "category": Category.SAC,
            "kind": Kind.REQUEST,
            "subject": "Segunda via do boleto",
            "description": "Preciso da segunda via do boleto de maio.",
        }
        fields.update(changes)
        return Draft(**fields)

    @cached_property
    def opened(self) -> Interaction:
        """A request the customer opened; nobody has handled it yet."""
        return self.store.create_interaction(self.customer, self.draft())

    @cached_property
    def asked(self) -> Interaction:
        """A request the support team asked the customer about."""
        protocol = self.store.create_interaction(self.customer, self.draft()).protocol
        return self.store.answer(self.agent, protocol, "Qual o mês?", ask=True)

    @cached_property
    def answered(self) -> Interaction:
        """A request the support team answered; the customer may judge it."""
        protocol = self.store.create_interaction(self.customer, self.draft()).protocol
        return self.store.answer(self.agent, protocol, "Segue a segunda via.")

    @cached_property
    def attachment(self) -> Path:
        path = self.folder / "boleto.txt"
        path.write_text("linha digitável 0000", encoding="utf-8")
        return path

    @cached_property
    def with_file(self) -> Interaction:
        draft = self.draft(attachments=[self.attachment])
        return self.store.create_interaction(self.customer, draft)

    @cached_property
    def update_request(self) -> Interaction:
        draft = self.draft(
            category=Category.UPDATE,
            subject="Atualizar o GPE",
            description="Queremos a versão nova do GPE.",
            wished_date=next_monday(START.date()),
        )
        return self.store.create_interaction(self.customer, draft)

    @cached_property
    def canned_id(self) -> int:
        return self.store.save_canned_answer(self.agent, "Boleto", "Segue.").id

    @cached_property
    def notification_ids(self) -> list[int]:
        return [n.id for n in self.store.notifications(self.admin)]

    @cached_property
    def downloads(self) -> Path:
        folder = self.folder / "downloads"
        folder.mkdir()
        return folder

    def state(self) -> dict[str, Any]:
        """Everything an action could change, as the administrator reads it.

        Interactions are read per organisation (both ways), so that a store
        holding many others' reads only this test's.
        """
        store, admin = self.store, self.admin
        protocols = set()
        for organisation_id in (self.organisation.id, self.outsider.organisation_id):
            for box in (Box.RECEIVED, Box.SENT):
                query = Query(box=box, organisation_id=organisation_id, limit=500)
                page = store.list_interactions(admin, query)
                protocols |= {row.protocol for row in page.rows}
        for customer in (self.customer, self.outsider):
            page = store.list_interactions(customer, Query(box=Box.RECEIVED))
            protocols |= {row.protocol for row in page.rows}
        return {
            "users": [u.to_dict() for u in store.list_users(admin)],
            "organisations": [o.to_dict() for o in store.list_organisations(admin)],
            "interactions": [
                store.get_interaction(admin, protocol).to_dict()
                for protocol in sorted(protocols)
            ],
            "canned": [a.to_dict() for a in store.canned_answers(admin)],
            "notifications": {
                u.id: [n.to_dict() for n in store.notifications(u)]
                for u in (self.customer, self.agent, self.admin)
            },
            "locked": store.locked_accounts(admin),
        }


# Each action as a call the test makes: the outer function prepares what the
# action needs; the call it returns is the one under test.
Call = Callable[[], Any]
ACTIONS: dict[str, Callable[[World, User], Call]] = {
    "change_password": lambda w, who: partial(
        w.store.change_password, who, PASSWORD, "outra-chave-bem-longa-9173"
    ),
    "add_user": lambda w, who: partial(
        w.store.add_user,
        who,
        name="Gustavo Pereira",
        email="gustavo.pereira@backsite.com.br",
        role=Role.AGENT,
        password=PASSWORD,
    ),
    "get_user": lambda w, who: partial(w.store.get_user, who, w.target.id),
    "get_user:self": lambda w, who: partial(w.store.get_user, who, who.id),
    "list_users": lambda w, who: partial(w.store.list_users, who),
    "grant": lambda w, who: partial(w.store.grant, who, w.agent.id, Permission.BACKUP),
    "revoke": lambda w, who: partial(
        w.store.revoke, who, w.backup.id, Permission.BACKUP
    ),
    "unlock": lambda w, who: partial(w.store.unlock, who, w.target.email),
    "reset_password": lambda w, who: partial(
        w.store.reset_password, who, w.target.id, "provisoria-98765"
    ),
    "deactivate": lambda w, who: partial(w.store.deactivate, who, w.target.id),
    "locked_accounts": lambda w, who: partial(w.store.locked_accounts, who),
    "create_organisation": lambda w, who: partial(
        w.store.create_organisation,
        who,
        name="Câmara de Cubatão",
        products=[Product("GPE", "Gestão de Processos Eletrônicos")],
        domains=["cubatao.sp.leg.br"],
    ),
    "update_organisation": lambda w, who: partial(
        w.store.update_organisation, who, w.organisation.id, pdc=False
    ),
    "get_organisation": lambda w, who: partial(
        w.store.get_organisation, who, w.organisation.id
    ),
    "list_organisations": lambda w, who: partial(w.store.list_organisations, who),
    "set_stage": lambda w, who: partial(
        w.store.set_stage,
        who,
        w.organisation.id,
        Stage.TRAINING,
        date(2025, 5, 12),
        "Turma de segunda",
    ),
    "create_interaction": lambda w, who: partial(
        w.store.create_interaction, who, w.draft()
    ),
    "create_interaction:behalf": lambda w, who: partial(
        w.store.create_interaction, who, w.draft(on_behalf_of=w.customer.id)
    ),
    "create_interaction:toward": lambda w, who: partial(
        w.store.create_interaction,
        who,
        w.draft(towards_organisation=w.organisation.id),
    ),
    "get_interaction": lambda w, who: partial(
        w.store.get_interaction, who, w.opened.protocol
    ),
    "list_interactions": lambda w, who: partial(
        w.store.list_interactions, who, Query(box=Box.RECEIVED)
    ),
    "queue_counts": lambda w, who: partial(w.store.queue_counts, who),
    "start": lambda w, who: partial(w.store.start, who, w.opened.protocol),
    "assign": lambda w, who: partial(
        w.store.assign, who, w.opened.protocol, w.agent.id
    ),
    "answer": lambda w, who: partial(
        w.store.answer, who, w.opened.protocol, "Segue a segunda via."
    ),
    "add_info": lambda w, who: partial(
        w.store.add_info, who, w.asked.protocol, "O mês é maio."
    ),
    "accept": lambda w, who: partial(w.store.accept, who, w.answered.protocol),
    "reject": lambda w, who: partial(
        w.store.reject, who, w.answered.protocol, "Faltou o código de barras."
    ),
    "cancel": lambda w, who: partial(w.store.cancel, who, w.opened.protocol),
    "add_note": lambda w, who: partial(
        w.store.add_note, who, w.opened.protocol, "Cliente liga toda semana."
    ),
    "forward": lambda w, who: partial(
        w.store.forward, who, w.opened.protocol, "Para o financeiro.", team="Fin"
    ),
    "add_attachment": lambda w, who: partial(
        w.store.add_attachment, who, w.opened.protocol, w.attachment
    ),
    "save_attachment": lambda w, who: partial(
        w.store.save_attachment,
        who,
        w.with_file.protocol,
        w.with_file.attachments[0].id,
        w.downloads,
    ),
    "canned_answers": lambda w, who: partial(w.store.canned_answers, who),
    "save_canned_answer": lambda w, who: partial(
        w.store.save_canned_answer, who, "Acesso", "Enviamos um novo acesso."
    ),
    "delete_canned_answer": lambda w, who: partial(
        w.store.delete_canned_answer, who, w.canned_id
    ),
    "schedule_update": lambda w, who: partial(
        w.store.schedule_update,
        who,
        w.update_request.protocol,
        w.update_request.wished_date,
    ),
    "report": lambda w, who: partial(w.store.report, who),
    "notifications": lambda w, who: partial(w.store.notifications, who),
    "unread_count": lambda w, who: partial(w.store.unread_count, who),
    "mark_read": lambda w, who: partial(w.store.mark_read, who, w.notification_ids),
}


def make_user(store: Store, admin: User, role: Role, name: str, email: str) -> User:
    return store.add_user(admin, name=name, email=email, role=role, password=PASSWORD)


@pytest.fixture
def world(store: Store, admin: User, tmp_path: Path) -> World:
    organisation = store.create_organisation(
        admin, name="Porto Seguro Logística", pdc=True, domains=["portolog.com.br"]
    )
    other = store.create_organisation(
        admin, name="Vale Verde Alimentos", domains=["valeverde.com.br"]
    )

    def customer(name: str, email: str, organisation_id: int) -> User:
        return store.add_user(
            admin,
            name=name,
            email=email,
            role=Role.CUSTOMER,
            password=PASSWORD,
            organisation_id=organisation_id,
        )

    agent = make_user(
        store, admin, Role.AGENT, "Bruno Carvalho", "bruno.carvalho@backsite.com.br"
    )
    backup = make_user(
        store, admin, Role.AGENT, "Fábio Nogueira", "fabio.nogueira@backsite.com.br"
    )
    store.grant(admin, backup.id, Permission.BACKUP)
    leaving = make_user(
        store, admin, Role.ADMIN, "Helena Prado", "helena.prado@backsite.com.br"
    )
    # The deactivated administrator logged in before the deactivation and
    # still holds the ``User`` the login gave.
    deactivated = store.login(leaving.email, PASSWORD).user
    store.deactivate(admin, leaving.id)
    return World(
        store=store,
        admin=admin,
        agent=agent,
        backup=store.get_user(admin, backup.id),
        customer=customer(
            "Ana Beatriz Souza", "ana.souza@portolog.com.br", organisation.id
        ),
        target=customer("Elisa Rocha", "elisa.rocha@portolog.com.br", organisation.id),
        outsider=customer(
            "Diego Ferreira", "diego.ferreira@valeverde.com.br", other.id
        ),
        deactivated=deactivated,
        organisation=organisation,
        folder=tmp_path,
    )


def assert_sentence(message: str) -> None:
    """A refusal a person can read: a capitalised sentence, not a repr."""
    assert message[:1].isupper(), message
    assert message.endswith((".", "!")), message
    assert len(message.split()) >= 4, message
    assert "Error" not in message and "<" not in message, message


CELLS = [(action, role) for action in EXPECTED for role in ROLES]


@pytest.mark.parametrize(("action", "role"), CELLS, ids=[f"{a}-{r}" for a, r in CELLS])
def test_the_permission_matrix(world: World, action: str, role: str) -> None:
    expected = EXPECTED[action][role]
    actor = getattr(world, role)
    call = ACTIONS[action](world, actor)

    if expected == ALLOW:
        call()
        return
    before = world.state()
    with pytest.raises(SacError) as refused:
        call()
    # isinstance: a deactivated account's SessionEnded is a PermissionDenied.
    assert isinstance(refused.value, EXPECTED_ERROR[expected]), (
        f"{role} {action}: expected {expected}, got "
        f"{type(refused.value).__name__}: {refused.value.message}"
    )
    assert_sentence(refused.value.message)
    assert world.state() == before


def test_the_matrix_has_a_row_for_every_action_of_the_store() -> None:
    acting = {
        name
        for name, member in inspect.getmembers(Store, inspect.isfunction)
        if list(inspect.signature(member).parameters)[1:2] == ["actor"]
    }
    rows = {action.split(":")[0] for action in EXPECTED}

    assert rows == acting
    assert set(ACTIONS) == set(EXPECTED)


def test_another_organisations_data_is_absent_from_what_a_customer_lists(
    world: World,
) -> None:
    opened = world.opened
    outsider = world.outsider

    assert world.organisation.id not in {
        o.id for o in world.store.list_organisations(outsider)
    }
    for box in Box:
        page = world.store.list_interactions(outsider, Query(box=box))
        assert opened.protocol not in [row.protocol for row in page.rows]
    assert world.store.notifications(outsider) == []
