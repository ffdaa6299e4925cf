"""Logging in and signing up, by keyboard, as a customer would."""

from __future__ import annotations

from typing import Any

from tests_tui_support import type_ahead, type_text
from textual.widgets import Input

from data.models import Role
from screens.interactions import InteractionsScreen
from screens.login import LoginScreen
from screens.register import RegisterScreen
from widgets.fields import FieldError

PASSWORD = "Balcao-de-atendimento-7"


async def log_in(pilot: Any, email: str, password: str) -> None:
    await type_text(pilot, email)
    await pilot.press("enter")
    await type_text(pilot, password)
    await pilot.press("enter")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def login_error(app: Any) -> str:
    return str(app.screen.query_one("#login-error", FieldError).render())


async def test_a_customer_logs_in_and_lands_on_the_list(make_app, people) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, people.customer.email, PASSWORD)
        assert isinstance(app.screen, InteractionsScreen)
        assert app.user.email == people.customer.email


async def test_a_wrong_password_is_refused_in_words_and_keeps_the_email(
    make_app, people
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, people.customer.email, "nao-e-esta")
        assert isinstance(app.screen, LoginScreen)
        assert login_error(app) == "E-mail ou senha incorretos."
        assert app.screen.query_one("#email", Input).value == people.customer.email
        # The password field is emptied and focused for the next try.
        assert app.screen.query_one("#password", Input).value == ""
        assert app.focused.id == "password"


async def test_an_unknown_email_gets_the_same_words(make_app, people) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, "ninguem@santos.sp.gov.br", PASSWORD)
        assert login_error(app) == "E-mail ou senha incorretos."


async def test_five_failures_lock_the_account_with_a_wait_in_words(
    make_app, people
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await type_text(pilot, people.customer.email)
        for _attempt in range(5):
            password = app.screen.query_one("#password", Input)
            password.focus()
            await type_text(pilot, "errada-de-novo")
            await pilot.press("enter")
            await app.workers.wait_for_complete()
            await pilot.pause()
        assert "Tente novamente em 5 minutos" in login_error(app)

        app.screen.query_one("#password", Input).focus()
        await type_text(pilot, PASSWORD)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen), "locked even with the password"
        assert "Tente novamente em" in login_error(app)


async def test_empty_fields_are_asked_for_without_calling_the_store(
    make_app, people
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter", "enter")
        await pilot.pause()
        assert login_error(app) == "Digite seu e-mail e sua senha."


async def test_sign_up_creates_the_account_and_logs_in(make_app, people, store) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, RegisterScreen)
        await type_text(pilot, "Joana Prado")
        await pilot.press("enter")
        await type_text(pilot, "joana@santos.sp.gov.br")
        await pilot.press("enter")
        await pilot.press("tab")  # past the gender, kept at "Prefiro não informar"
        await type_text(pilot, "Remessa-digital-2026")
        await pilot.press("enter")
        await type_text(pilot, "13 3568 2835")
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()

        assert isinstance(app.screen, InteractionsScreen)
        joana = store.repository.user_by_email("joana@santos.sp.gov.br")
        assert joana.role is Role.CUSTOMER
        assert joana.phone == "(13) 3568-2835"
        assert joana.organisation_id == people.customer.organisation_id


async def test_a_refused_sign_up_says_why_next_to_the_field_and_keeps_the_rest(
    make_app, people, store
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+n")
        await pilot.pause()
        screen = app.screen
        screen.query_one("#name", Input).value = "Joana Prado"
        screen.query_one("#email", Input).value = "joana@santos.sp.gov.br"
        screen.query_one("#password", Input).value = "12345678"
        screen.query_one("#phone", Input).value = "(13) 3568-2835"
        await pilot.click("#create")
        await app.workers.wait_for_complete()
        await pilot.pause()

        error = screen.query_one("#field-password FieldError", FieldError)
        assert "mais usadas" in str(error.render())
        assert app.focused.id == "password"
        assert screen.query_one("#name", Input).value == "Joana Prado"
        assert screen.query_one("#phone", Input).value == "(13) 3568-2835"
        assert store.repository.user_by_email("joana@santos.sp.gov.br") is None


async def test_the_password_hint_rates_the_password_as_it_is_typed(
    make_app, people
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+n")
        await pilot.pause()
        app.screen.query_one("#password", Input).focus()
        await type_text(pilot, "senha")
        await app.workers.wait_for_complete()
        await pilot.pause()
        weak = str(app.screen.query_one("#strength").render())
        await type_text(pilot, "-de-verdade-comprida-9")
        await app.workers.wait_for_complete()
        await pilot.pause()
        strong = str(app.screen.query_one("#strength").render())
        assert weak.count("█") < strong.count("█")


def test_login_screen_snapshot(snap_compare, make_app, people) -> None:
    app = make_app(
        demo_accounts=[
            ("Cliente", "carla@santos.sp.gov.br"),
            ("Agente", "bruno@backsite.com.br"),
        ],
        demo_password=PASSWORD,
    )
    assert snap_compare(app, terminal_size=(80, 24))


def test_register_screen_snapshot(snap_compare, make_app, people) -> None:
    assert snap_compare(make_app(), terminal_size=(80, 24), press=["ctrl+n"])


def test_keys_screen_snapshot(snap_compare, make_app, people) -> None:
    # F1 over the login screen: its keys and their ids for remapping.
    assert snap_compare(make_app(), terminal_size=(80, 24), press=["f1"])


async def test_f1_lists_the_screens_keys_and_escape_closes_it(make_app, people) -> None:
    from screens.keys import KeysScreen

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, KeysScreen)
        table = app.screen.query_one("DataTable")
        ids = {table.get_row_at(row)[2] for row in range(table.row_count)}
        assert {"login.register", "app.quit", "app.keys"} <= ids
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen)


async def test_an_email_and_password_typed_ahead_land_in_their_fields(
    make_app, people
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await type_ahead(pilot, people.customer.email, "enter", PASSWORD, "enter")

        assert isinstance(app.screen, InteractionsScreen)
        assert app.user.email == people.customer.email


async def test_a_wrong_password_typed_ahead_never_shows_in_the_email_field(
    make_app, people
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await type_ahead(pilot, people.customer.email, "enter", "nao-e-esta", "enter")

        assert login_error(app) == "E-mail ou senha incorretos."
        assert app.screen.query_one("#email", Input).value == people.customer.email


async def test_a_sign_up_typed_ahead_in_one_burst_creates_the_account(
    make_app, people, store
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+n")
        await pilot.pause()
        await type_ahead(
            pilot,
            "Joana Prado",
            "enter",
            "joana@santos.sp.gov.br",
            "enter",
            "tab",
            "Remessa-digital-2026",
            "enter",
            "13 3568 2835",
            "enter",
        )

        assert isinstance(app.screen, InteractionsScreen)
        joana = store.repository.user_by_email("joana@santos.sp.gov.br")
        assert joana.name == "Joana Prado"
        assert joana.phone == "(13) 3568-2835"
