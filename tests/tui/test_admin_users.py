"""Usuários: new accounts, backup permission, unlocking, passwords, deactivation."""

from __future__ import annotations

import pytest
from admin_support import (
    cells,
    open_admin,
    settle,
    text_of,
)
from conftest import PASSWORD
from tests_tui_support import type_text
from textual.widgets import DataTable, Input, Select

from data.errors import AccountLocked, AuthenticationError, PermissionDenied
from data.models import Permission, Role
from data.passwords import MAX_FAILURES
from screens.change_password import ChangePasswordScreen
from screens.interactions import InteractionsScreen
from screens.login import LoginScreen
from screens.users import SafeConfirm, UserForm
from widgets.dialogs import PromptDialog
from widgets.fields import FieldError

TEMPORARY = "provisoria-tamarindo-41"
CHOSEN = "minha-senha-de-jacaranda-77"

# Staff first, then customers, each by name.
ORDER = ["Ana Souza", "Bruno Lima", "Carla Dias", "Otávio Reis"]


async def choose(pilot, name: str) -> None:
    for _ in range(ORDER.index(name)):
        await pilot.press("down")
    await settle(pilot)


def lock(store, email: str) -> None:
    """Fail the login until the account locks."""
    for _ in range(MAX_FAILURES):
        with pytest.raises(AuthenticationError):
            store.login(email, "senha-errada-000")
    with pytest.raises(AccountLocked):
        store.login(email, PASSWORD)


def user_named(store, admin, name: str):
    return next(u for u in store.list_users(admin) if u.name == name)


def field_error(screen, field: str) -> str:
    return str(screen.query_one(f"#field-{field}").query_one(FieldError).render())


async def test_the_list_shows_role_state_and_backup_permission(
    make_app, signed_in, people, store
) -> None:
    lock(store, people.customer.email)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_admin(pilot, signed_in, people.admin, "u")
        rows = cells(screen.query_one("#user-table", DataTable))
        await choose(pilot, "Carla Dias")
        facts = text_of(screen, "#user-facts")

    assert rows == [
        ["Ana Souza", "ana@backsite.com.br", "Administrador", "Ativa", "Sim"],
        ["Bruno Lima", "bruno@backsite.com.br", "Agente", "Ativa", "—"],
        ["Carla Dias", "carla@santos.sp.gov.br", "Cliente", "Bloqueada", "—"],
        ["Otávio Reis", "otavio@saovicente.sp.leg.br", "Cliente", "Ativa", "—"],
    ]
    assert facts.startswith("Organização: Prefeitura de Santos · Telefone: ")
    assert "Bloqueada até 10/03/2026 10:05" in facts


async def test_an_agent_is_created_by_keyboard(
    make_app, signed_in, people, store
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_admin(pilot, signed_in, people.admin, "u")
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, UserForm)
        assert not form.query_one("#field-organisation").display

        await type_text(pilot, "Daniela Rocha")
        await pilot.press("enter")
        await type_text(pilot, "daniela@backsite.com.br")
        await pilot.press("enter")
        assert form.query_one("#role", Select).value == Role.AGENT.value
        form.query_one("#password", Input).focus()
        await type_text(pilot, TEMPORARY)
        await pilot.press("enter")
        await settle(pilot)

        assert not isinstance(app.screen, UserForm)
        status = text_of(app.screen, "#users-status")

    created = next(
        u for u in store.list_users(people.admin) if u.name == "Daniela Rocha"
    )
    assert (created.email, created.role) == ("daniela@backsite.com.br", Role.AGENT)
    assert created.organisation_id is None
    assert status == "Daniela Rocha já pode entrar como Agente."
    assert store.login("daniela@backsite.com.br", TEMPORARY).user.id == created.id


async def test_a_customer_is_created_in_a_chosen_organisation(
    make_app, signed_in, people, store
) -> None:
    camara = next(
        o for o in store.list_organisations(people.admin) if o.name.startswith("Câm")
    )
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_admin(pilot, signed_in, people.admin, "u")
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        form.query_one("#name", Input).value = "Eduardo Pinto"
        form.query_one("#email", Input).value = "eduardo@gmail.com"
        form.query_one("#role", Select).value = Role.CUSTOMER.value
        await pilot.pause()
        assert form.query_one("#field-organisation").display
        form.query_one("#organisation", Select).value = camara.id
        form.query_one("#password", Input).value = TEMPORARY
        await pilot.press("ctrl+s")
        await settle(pilot)

    created = next(
        u for u in store.list_users(people.admin) if u.name == "Eduardo Pinto"
    )
    assert created.role is Role.CUSTOMER
    assert created.organisation_id == camara.id


async def test_a_weak_password_is_refused_under_it_and_nothing_is_created(
    make_app, signed_in, people, store
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_admin(pilot, signed_in, people.admin, "u")
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        form.query_one("#name", Input).value = "Daniela Rocha"
        form.query_one("#email", Input).value = "daniela@backsite.com.br"
        form.query_one("#password", Input).value = "senha123"
        await pilot.press("ctrl+s")
        await settle(pilot)

        assert app.screen is form
        assert field_error(form, "password")
        assert app.focused is form.query_one("#password", Input)
        assert form.query_one("#name", Input).value == "Daniela Rocha"

    assert len(store.list_users(people.admin)) == 4


async def test_b_grants_and_revokes_the_backup_permission(
    make_app, signed_in, people, store
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_admin(pilot, signed_in, people.admin, "u")
        await choose(pilot, "Bruno Lima")

        await pilot.press("b")
        await settle(pilot)
        granted = store.get_user(people.admin, people.agent.id)
        cell = cells(screen.query_one("#user-table", DataTable))[1][4]
        status = text_of(screen, "#users-status")
        assert granted.can(Permission.BACKUP)
        assert cell == "Sim"
        assert status == "Bruno Lima agora pode fazer backups."

        await pilot.press("b")
        await settle(pilot)
        status = text_of(screen, "#users-status")

    assert not store.get_user(people.admin, people.agent.id).can(Permission.BACKUP)
    assert status == "Bruno Lima não pode mais fazer backups."


async def test_b_is_offered_for_agents_only(make_app, signed_in, people) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_admin(pilot, signed_in, people.admin, "u")
        offered = {}
        for name in ORDER:
            offered[name] = screen.check_action("backup", ())
            await pilot.press("down")
            await settle(pilot)

    assert offered == {
        "Ana Souza": False,
        "Bruno Lima": True,
        "Carla Dias": False,
        "Otávio Reis": False,
    }


async def test_u_unlocks_a_locked_account(make_app, signed_in, people, store) -> None:
    lock(store, people.customer.email)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_admin(pilot, signed_in, people.admin, "u")
        assert not screen.check_action("unlock", ())
        await choose(pilot, "Carla Dias")
        assert screen.check_action("unlock", ())

        await pilot.press("u")
        await settle(pilot)
        state = cells(screen.query_one("#user-table", DataTable))[2][3]
        status = text_of(screen, "#users-status")

    assert state == "Ativa"
    assert status == "carla@santos.sp.gov.br foi desbloqueado e pode entrar de novo."
    assert store.login(people.customer.email, PASSWORD).user.id == people.customer.id


async def test_a_reset_password_must_be_replaced_at_the_next_login(
    make_app, signed_in, people, store
) -> None:
    carla = store.login(people.customer.email, PASSWORD)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_admin(pilot, signed_in, people.admin, "u")
        await choose(pilot, "Carla Dias")
        await pilot.press("p")
        await settle(pilot)
        assert isinstance(app.screen, PromptDialog)
        await type_text(pilot, TEMPORARY)
        await pilot.press("enter")
        await settle(pilot)
        status = text_of(screen, "#users-status")
        facts = text_of(screen, "#user-facts")

    assert status == (
        "Senha provisória definida; Carla Dias escolherá uma nova no próximo acesso."
    )
    assert "Precisa escolher uma nova senha" in facts
    with pytest.raises(PermissionDenied):
        store.resume(carla.token)

    # Carla logs in with the temporary password and must choose her own.
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        assert isinstance(app.screen, LoginScreen)
        await type_text(pilot, people.customer.email)
        await pilot.press("enter")
        await type_text(pilot, TEMPORARY)
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ChangePasswordScreen)

        await type_text(pilot, TEMPORARY)
        await pilot.press("enter")
        await type_text(pilot, CHOSEN)
        await pilot.press("enter")
        await type_text(pilot, CHOSEN + "x")
        await pilot.press("enter")
        await settle(pilot)
        assert field_error(screen, "repeat") == (
            "As duas senhas novas não são iguais; digite-as de novo."
        )

        await pilot.press("backspace", "enter")
        await settle(pilot)
        assert isinstance(app.screen, InteractionsScreen)

    again = store.login(people.customer.email, CHOSEN)
    assert not again.user.must_change_password


async def test_the_change_refuses_a_wrong_temporary_password(
    make_app, people, store
) -> None:
    store.reset_password(people.admin, people.customer.id, TEMPORARY)
    session = store.login(people.customer.email, TEMPORARY)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        app.signed_in(session.user, session.token)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ChangePasswordScreen)
        screen.query_one("#current", Input).value = "nao-e-esta-senha"
        screen.query_one("#password", Input).value = CHOSEN
        screen.query_one("#repeat", Input).value = CHOSEN
        screen.query_one("#repeat", Input).focus()
        await pilot.press("enter")
        await settle(pilot)

        assert app.screen is screen
        assert field_error(screen, "current") == "A senha atual não confere."
        assert app.focused is screen.query_one("#current", Input)

        await pilot.press("ctrl+l")
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)

    assert store.login(people.customer.email, TEMPORARY).user.must_change_password


async def test_deactivating_asks_first_and_ends_the_sessions_at_once(
    make_app, signed_in, people, store
) -> None:
    bruno = store.login(people.agent.email, PASSWORD)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_admin(pilot, signed_in, people.admin, "u")
        await choose(pilot, "Bruno Lima")

        await pilot.press("ctrl+d")
        await settle(pilot)
        assert isinstance(app.screen, SafeConfirm)
        await pilot.press("enter")  # the safe answer has the focus
        await settle(pilot)
        assert store.get_user(people.admin, people.agent.id).active

        await pilot.press("ctrl+d")
        await settle(pilot)
        await pilot.press("left", "enter")
        await settle(pilot)
        state = cells(screen.query_one("#user-table", DataTable))[1][3]
        status = text_of(screen, "#users-status")
        offered = screen.check_action("deactivate", ())

    assert not store.get_user(people.admin, people.agent.id).active
    with pytest.raises(PermissionDenied):
        store.resume(bruno.token)
    with pytest.raises(PermissionDenied):
        store.queue_counts(bruno.user)
    assert state == "Inativa"
    assert status == "A conta de Bruno Lima foi desativada."
    assert offered is False


async def test_an_administrator_cannot_deactivate_themselves(
    make_app, signed_in, people
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_admin(pilot, signed_in, people.admin, "u")
        assert screen.chosen().id == people.admin.id
        assert not screen.check_action("deactivate", ())


# -- how it looks --------------------------------------------------------------


def test_snapshot_users(snap_compare, make_app, signed_in, people, store) -> None:
    store.grant(people.admin, people.agent.id, Permission.BACKUP)
    lock(store, people.customer.email)

    async def run_before(pilot) -> None:
        await open_admin(pilot, signed_in, people.admin, "u")
        await choose(pilot, "Carla Dias")

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run_before)


def test_snapshot_new_user_form(snap_compare, make_app, signed_in, people) -> None:
    async def run_before(pilot) -> None:
        await open_admin(pilot, signed_in, people.admin, "u")
        await pilot.press("n")
        await settle(pilot)
        pilot.app.screen.query_one("#role", Select).value = Role.CUSTOMER.value
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run_before)


def test_snapshot_deactivate_question(
    snap_compare, make_app, signed_in, people
) -> None:
    async def run_before(pilot) -> None:
        await open_admin(pilot, signed_in, people.admin, "u")
        await choose(pilot, "Bruno Lima")
        await pilot.press("ctrl+d")
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run_before)


def test_snapshot_temporary_password(snap_compare, make_app, signed_in, people) -> None:
    async def run_before(pilot) -> None:
        await open_admin(pilot, signed_in, people.admin, "u")
        await choose(pilot, "Carla Dias")
        await pilot.press("p")
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run_before)


def test_snapshot_change_password(snap_compare, make_app, people, store) -> None:
    store.reset_password(people.admin, people.customer.id, TEMPORARY)

    async def run_before(pilot) -> None:
        session = store.login(people.customer.email, TEMPORARY)
        pilot.app.signed_in(session.user, session.token)
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run_before)
