"""Solicitações de atualização: the calendar, approving, moving, refusals."""

from __future__ import annotations

from datetime import date

import pytest
from admin_support import (
    cells,
    open_admin,
    settle,
    text_of,
)
from tests_tui_support import type_text
from textual.widgets import DataTable, Input, Static

from data.models import Category, Kind
from data.store import Draft
from screens.updates import MonthCalendar, MoveDialog
from widgets.dialogs import ConfirmDialog
from widgets.fields import FieldError

TUESDAY = date(2026, 3, 17)
WEDNESDAY = date(2026, 3, 18)


def update_request(store, customer, day: date, subject: str = "Atualizar o GPE"):
    draft = Draft(
        Category.UPDATE,
        Kind.REQUEST,
        subject,
        "Queremos a versão nova do GPE.",
        wished_date=day,
    )
    return store.create_interaction(customer, draft).protocol


@pytest.fixture
def requests(store, people) -> dict[str, int]:
    """Three requests of Santos (17 and 18 March), one of São Vicente (25)."""
    return {
        "tuesday": update_request(store, people.customer, TUESDAY),
        "wednesday": update_request(store, people.customer, WEDNESDAY),
        "wednesday_too": update_request(store, people.customer, WEDNESDAY),
        "other": update_request(store, people.other, date(2026, 3, 25)),
    }


def cell(screen, day: date) -> Static:
    calendar = screen.query_one(MonthCalendar)
    index = (day - calendar.first_shown()).days
    return calendar.query_one(f"#cell-{index}", Static)


def day_rows(screen) -> list[list[str]]:
    return cells(screen.query_one("#day-requests", DataTable))


async def test_each_day_shows_its_requests_and_mondays_to_wednesdays_stand_out(
    make_app, signed_in, people, requests
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_admin(pilot, signed_in, people.admin, "a")
        tuesday = str(cell(screen, TUESDAY).render())
        wednesday = str(cell(screen, WEDNESDAY).render())
        classes = {
            day: cell(screen, date(2026, 3, day)).classes for day in (16, 17, 18, 19)
        }
        title = text_of(screen, "#month-title")

    assert tuesday.splitlines() == ["17", f"{requests['tuesday']} Prefeitura de Santos"]
    assert wednesday.splitlines() == ["18", f"{requests['wednesday']} +1"]
    assert "-window" in classes[16] and "-window" in classes[18]
    assert "-window" not in classes[19]
    assert "-waiting" in classes[17]
    assert title.startswith("março de 2026")
    assert "Terça, 10/03/2026: nenhuma solicitação de atualização" in title


async def test_the_arrows_move_between_days_and_pgup_pgdn_between_months(
    make_app, signed_in, people, requests
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_admin(pilot, signed_in, people.admin, "a")
        calendar = screen.query_one(MonthCalendar)
        assert app.focused is calendar
        assert calendar.day == date(2026, 3, 10)

        await pilot.press("down")
        assert calendar.day == TUESDAY
        assert day_rows(screen) == [
            [
                str(requests["tuesday"]),
                "Prefeitura de Santos",
                "17/03/2026",
                "—",
                "Análise",
            ]
        ]
        await pilot.press("right")
        assert [row[0] for row in day_rows(screen)] == [
            str(requests["wednesday"]),
            str(requests["wednesday_too"]),
        ]
        await pilot.press("pagedown")
        assert calendar.day == date(2026, 4, 18)
        assert text_of(screen, "#month-title").startswith("abril de 2026")
        await pilot.press("pageup", "pageup")
        assert calendar.day == date(2026, 2, 18)
        await pilot.press("home")
        assert calendar.day == date(2026, 3, 10)
        await pilot.press("p")
        assert calendar.day == TUESDAY


async def test_approving_keeps_the_day_asked_and_tells_the_customer(
    make_app, signed_in, people, requests, store
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_admin(pilot, signed_in, people.admin, "a")
        await pilot.press("down", "a")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("enter")
        await settle(pilot)

        status = text_of(screen, "#updates-status")
        confirmed = day_rows(screen)[0][3]
        classes = cell(screen, TUESDAY).classes

    protocol = requests["tuesday"]
    assert store.get_interaction(people.admin, protocol).scheduled_for == TUESDAY
    assert status == (
        f"A atualização do protocolo {protocol} está confirmada para 17/03/2026; "
        "o cliente foi avisado."
    )
    assert confirmed == "17/03/2026"
    assert "-confirmed" in classes
    told = [n for n in store.notifications(people.customer) if n.protocol == protocol]
    assert [n.values.get("date") for n in told] == ["17/03/2026"]
    assert "confirmed" in told[0].message


async def test_not_now_changes_nothing(
    make_app, signed_in, people, requests, store
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_admin(pilot, signed_in, people.admin, "a")
        await pilot.press("down", "a")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)

    interaction = store.get_interaction(people.admin, requests["tuesday"])
    assert interaction.scheduled_for is None


async def test_moving_to_another_tuesday_tells_the_customer(
    make_app, signed_in, people, requests, store
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_admin(pilot, signed_in, people.admin, "a")
        await pilot.press("down", "right", "enter")
        assert app.focused is screen.query_one("#day-requests", DataTable)
        await pilot.press("down", "m")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, MoveDialog)
        date_field = dialog.query_one("#wished_date", Input)
        assert date_field.value == "18/03/2026"
        date_field.value = ""
        await type_text(pilot, "24/03/2026")
        await pilot.press("tab")
        await type_text(pilot, "Feriado local na quarta")
        await pilot.press("enter")
        await settle(pilot)

        calendar = screen.query_one(MonthCalendar)
        rows = day_rows(screen)
        status = text_of(screen, "#updates-status")

    protocol = requests["wednesday_too"]
    moved = store.get_interaction(people.admin, protocol)
    assert moved.scheduled_for == date(2026, 3, 24)
    assert moved.timeline[-1].text == "Feriado local na quarta"
    assert calendar.day == date(2026, 3, 24)
    assert rows == [
        [str(protocol), "Prefeitura de Santos", "18/03/2026", "24/03/2026", "Análise"]
    ]
    assert "foi remarcada para 24/03/2026" in status
    told = [n for n in store.notifications(people.customer) if n.protocol == protocol]
    assert "moved" in told[0].message
    untouched = store.get_interaction(people.admin, requests["wednesday"])
    assert untouched.scheduled_for is None


@pytest.mark.parametrize(
    ("typed", "refusal"),
    [
        (
            "19/03/2026",
            "As atualizações acontecem de segunda a quarta-feira, com pelo menos 7 "
            "dias de antecedência: escolha 17/03/2026 ou depois, de segunda a quarta.",
        ),
        (
            "11/03/2026",
            "As atualizações acontecem de segunda a quarta-feira, com pelo menos 7 "
            "dias de antecedência: escolha 17/03/2026 ou depois, de segunda a quarta.",
        ),
        (
            "quinta",
            "quinta não é uma data: digite no formato dd/mm/aaaa, como 16/03/2026.",
        ),
    ],
    ids=["thursday", "too-soon", "not-a-date"],
)
async def test_a_day_outside_the_rule_is_refused_in_words(
    make_app, signed_in, people, requests, store, typed, refusal
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_admin(pilot, signed_in, people.admin, "a")
        await pilot.press("down", "m")
        await settle(pilot)
        dialog = app.screen
        dialog.query_one("#wished_date", Input).value = typed
        await pilot.press("ctrl+s")
        await settle(pilot)

        assert app.screen is dialog
        error = dialog.query_one("#field-wished_date").query_one(FieldError)
        assert str(error.render()) == refusal
        assert dialog.query_one("#wished_date", Input).value == typed

    interaction = store.get_interaction(people.admin, requests["tuesday"])
    assert interaction.scheduled_for is None
    assert store.notifications(people.customer) == []


# -- how it looks --------------------------------------------------------------


def test_snapshot_calendar(
    snap_compare, make_app, signed_in, people, requests, store
) -> None:
    store.schedule_update(people.admin, requests["tuesday"], TUESDAY)

    async def run_before(pilot) -> None:
        await open_admin(pilot, signed_in, people.admin, "a")
        await pilot.press("down", "right")
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run_before)


def test_snapshot_move_refused_on_a_thursday(
    snap_compare, make_app, signed_in, people, requests
) -> None:
    async def run_before(pilot) -> None:
        await open_admin(pilot, signed_in, people.admin, "a")
        await pilot.press("down", "m")
        await settle(pilot)
        pilot.app.screen.query_one("#wished_date", Input).value = "19/03/2026"
        await pilot.press("ctrl+s")
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run_before)
