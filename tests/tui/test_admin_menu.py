"""Administração: reached by Ctrl+A by administrators only; its four parts."""

from __future__ import annotations

import pytest
from admin_support import (
    open_admin,
    settle,
    text_of,
)

from screens.admin import AdminScreen
from screens.interactions import InteractionsScreen
from screens.organisations import OrganisationsScreen
from screens.reports import ReportsScreen
from screens.updates import UpdatesScreen
from screens.users import UsersScreen


async def test_a_customer_is_not_offered_the_administration(
    make_app, signed_in, people
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await signed_in(people.customer)(pilot)
        screen = app.screen
        assert isinstance(screen, InteractionsScreen)
        assert "list.admin" not in {
            active.binding.id for active in screen.active_bindings.values()
        }

        await pilot.press("ctrl+a")
        await settle(pilot)

        assert app.screen is screen


async def test_ctrl_a_opens_the_administration_for_an_administrator(
    make_app, signed_in, people
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await signed_in(people.admin)(pilot)
        await app.push_screen(InteractionsScreen())
        await settle(pilot)
        bindings = {a.binding.id: a for a in app.screen.active_bindings.values()}
        assert bindings["list.admin"].enabled

        await pilot.press("ctrl+a")
        await settle(pilot)

        assert isinstance(app.screen, AdminScreen)


@pytest.mark.parametrize(
    ("key", "screen_type"),
    [
        ("o", OrganisationsScreen),
        ("a", UpdatesScreen),
        ("u", UsersScreen),
        ("r", ReportsScreen),
    ],
)
async def test_each_part_opens_by_its_letter_and_esc_comes_back(
    make_app, signed_in, people, key, screen_type
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_admin(pilot, signed_in, people.admin, key)
        assert isinstance(app.screen, screen_type)

        await pilot.press("escape")
        await settle(pilot)

        assert isinstance(app.screen, AdminScreen)


async def test_the_arrows_and_enter_open_a_part_too(
    make_app, signed_in, people
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_admin(pilot, signed_in, people.admin)
        await pilot.press("down", "down", "enter")
        await settle(pilot)

        assert isinstance(app.screen, UsersScreen)


async def test_the_menu_says_what_waits(make_app, signed_in, people, store) -> None:
    from datetime import date

    from data.models import Category, Kind
    from data.store import Draft

    store.create_interaction(
        people.customer,
        Draft(
            Category.UPDATE,
            Kind.REQUEST,
            "Atualizar o GPE",
            "Queremos a versão nova.",
            wished_date=date(2026, 3, 17),
        ),
    )
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_admin(pilot, signed_in, people.admin)
        summary = text_of(screen, "#admin-summary")

    assert "sem data confirmada: 1" in summary
    assert "Contas bloqueadas: 0" in summary


def test_snapshot_menu(snap_compare, make_app, signed_in, people) -> None:
    async def run_before(pilot) -> None:
        await open_admin(pilot, signed_in, people.admin)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run_before)
