"""Relatórios: figures per month and severity, the period, the CSV export."""

from __future__ import annotations

from datetime import datetime

import pytest
from admin_support import (
    cells,
    open_admin,
    settle,
    text_of,
)
from tests_tui_support import type_text
from textual.widgets import DataTable, Input

from data.deadlines import SAO_PAULO
from data.helpdesk import Helpdesk
from data.models import Category, Kind, Severity
from data.reports import to_csv
from data.store import Draft
from widgets.dialogs import PromptDialog
from widgets.fields import FieldError

FEBRUARY = datetime(2026, 2, 9, 10, 0, tzinfo=SAO_PAULO)


@pytest.fixture
def february(store, people) -> list[int]:
    """Two interactions that arrived in February; one rejected once."""
    earlier = Helpdesk(store.root, clock=lambda: FEBRUARY)
    medium = earlier.create_interaction(
        people.customer,
        Draft(
            Category.SUPPORT,
            Kind.REQUEST,
            "Lentidão no GPE",
            "As remessas demoram a abrir.",
            severity=Severity.MEDIUM,
        ),
    )
    earlier.answer(people.agent, medium.protocol, "Ajustamos o índice.")
    earlier.reject(people.customer, medium.protocol, "Continua lento.")
    pdc = earlier.create_interaction(
        people.customer,
        Draft(Category.PDC, Kind.SUGGESTION, "Novo relatório", "Por setor, por favor."),
    )
    return [medium.protocol, pdc.protocol]


def table_rows(screen) -> list[list[str]]:
    return cells(screen.query_one("#report-table", DataTable))


async def test_the_figures_per_month_and_severity(
    make_app, signed_in, people, opened, february
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_admin(pilot, signed_in, people.admin, "r")
        rows = table_rows(screen)
        status = text_of(screen, "#reports-status")

    assert rows == [
        ["02/2026", "—", "1", "—", "1", "0,00"],
        ["02/2026", "Média", "1", "100%", "0", "1,00"],
        ["03/2026", "—", "2", "—", "0", "0,00"],
        ["03/2026", "Crítica", "1", "100%", "0", "0,00"],
    ]
    assert status == "Interações no período: 5."


async def test_t_shows_the_counts_per_kind_then_per_category(
    make_app, signed_in, people, opened, february
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_admin(pilot, signed_in, people.admin, "r")
        await pilot.press("t")
        kinds = table_rows(screen)
        kind_title = text_of(screen, "#view-title")
        await pilot.press("t")
        categories = table_rows(screen)
        headers = [
            str(column.label)
            for column in screen.query_one("#report-table", DataTable).columns.values()
        ]
        await pilot.press("t")
        back = table_rows(screen)

    # Solicitações, Reclamações, Elogios, Sugestões
    assert kinds[0] == ["02/2026", "—", "0", "0", "0", "1"]
    assert kinds[3] == ["03/2026", "Crítica", "0", "1", "0", "0"]
    assert kind_title.startswith("Interações por tipo")
    # SAC, Suporte, PDC, Atualização, Cópia da base
    assert headers[2:] == ["SAC", "Suporte", "PDC", "Atualização", "Cópia da base"]
    assert categories[0] == ["02/2026", "—", "0", "0", "1", "0", "0"]
    assert categories[2] == ["03/2026", "—", "2", "0", "0", "0", "0"]
    assert back[0][2:] == ["1", "—", "1", "0,00"]


async def test_the_period_keeps_only_its_months(
    make_app, signed_in, people, opened, february
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_admin(pilot, signed_in, people.admin, "r")
        await pilot.press("f")
        assert app.focused is screen.query_one("#since", Input)
        await type_text(pilot, "03/2026")
        await pilot.press("enter")
        assert app.focused is screen.query_one("#until", Input)
        await pilot.press("enter")
        await settle(pilot)
        march = [row[0] for row in table_rows(screen)]

        screen.query_one("#since", Input).value = ""
        screen.query_one("#until", Input).value = "02/2026"
        screen.query_one("#until", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        february_only = [row[0] for row in table_rows(screen)]

    assert march == ["03/2026", "03/2026"]
    assert february_only == ["02/2026", "02/2026"]


@pytest.mark.parametrize(
    ("since", "until", "refusal"),
    [
        (
            "13/2026",
            "",
            "13/2026 não é um mês: digite no formato mm/aaaa, como 03/2026.",
        ),
        ("03/2026", "02/2026", "O período termina antes de começar."),
    ],
    ids=["not-a-month", "backwards"],
)
async def test_a_wrong_period_is_refused_in_words(
    make_app, signed_in, people, opened, since, until, refusal
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_admin(pilot, signed_in, people.admin, "r")
        before = table_rows(screen)
        screen.query_one("#since", Input).value = since
        screen.query_one("#until", Input).value = until
        screen.query_one("#until", Input).focus()
        await pilot.press("enter")
        await settle(pilot)

        error = str(screen.query_one("#period-error", FieldError).render())
        assert error == refusal
        assert table_rows(screen) == before


async def test_e_exports_the_rows_as_csv_where_asked(
    make_app, signed_in, people, opened, february, store, tmp_path
) -> None:
    folder = tmp_path / "relatorios"
    folder.mkdir()
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_admin(pilot, signed_in, people.admin, "r")
        await pilot.press("e")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, PromptDialog)
        field = dialog.query_one("#prompt-text", Input)
        field.value = str(tmp_path / "nao-existe")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is dialog
        assert str(dialog.query_one(FieldError).render()) == (
            f"A pasta {tmp_path / 'nao-existe'} não existe."
        )

        field.value = str(folder)
        await pilot.press("enter")
        await settle(pilot)
        status = text_of(screen, "#reports-status")

    written = folder / "sac-relatorio-2026-03.csv"
    assert status == f"Relatório salvo em {written}."
    assert written.read_bytes().decode("utf-8") == to_csv(store.report(people.admin))
    lines = written.read_bytes().decode("utf-8").splitlines()
    assert lines[0].startswith("month,severity,total,answered,answered_on_time")
    assert lines[2].startswith("2026-02,medium,1,1,1,1.000,0,1,1.000")
    assert len(lines) == 5


async def test_the_file_is_named_after_the_periods_last_month(
    make_app, signed_in, people, opened, february, store, tmp_path
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_admin(pilot, signed_in, people.admin, "r")
        screen.query_one("#until", Input).value = "02/2026"
        screen.query_one("#until", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        app.screen.query_one("#prompt-text", Input).value = str(tmp_path)
        await pilot.press("enter")
        await settle(pilot)

    written = tmp_path / "sac-relatorio-2026-02.csv"
    until = datetime(2026, 3, 1, tzinfo=SAO_PAULO)
    assert written.read_bytes().decode("utf-8") == to_csv(
        store.report(people.admin, until=until)
    )


async def test_o_narrows_the_figures_to_one_organisation(
    make_app, signed_in, people, opened, february, store, tmp_path
) -> None:
    store.create_interaction(
        people.other,
        Draft(Category.SAC, Kind.SUGGESTION, "Agenda online", "Marcar pelo site."),
    )
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_admin(pilot, signed_in, people.admin, "r")
        assert text_of(screen, "#reports-status") == "Interações no período: 6."
        # The options come by name: Câmara de São Vicente, Prefeitura de Santos.
        await pilot.press("o", "enter", "down", "enter")
        await settle(pilot)
        rows = table_rows(screen)
        status = text_of(screen, "#reports-status")
        await pilot.press("e")
        await settle(pilot)
        app.screen.query_one("#prompt-text", Input).value = str(tmp_path)
        await pilot.press("enter")
        await settle(pilot)

    assert rows == [["03/2026", "—", "1", "—", "0", "0,00"]]
    assert status == "Interações no período: 1."
    written = tmp_path / "sac-relatorio-2026-03-camara-de-sao-vicente.csv"
    assert written.read_bytes().decode("utf-8") == to_csv(
        store.report(people.admin, organisation_id=people.other.organisation_id)
    )


# -- how it looks --------------------------------------------------------------


def test_snapshot_reports(
    snap_compare, make_app, signed_in, people, opened, february
) -> None:
    async def run_before(pilot) -> None:
        await open_admin(pilot, signed_in, people.admin, "r")

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run_before)


def test_snapshot_reports_per_category(
    snap_compare, make_app, signed_in, people, opened, february
) -> None:
    async def run_before(pilot) -> None:
        await open_admin(pilot, signed_in, people.admin, "r")
        await pilot.press("t", "t")
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run_before)
