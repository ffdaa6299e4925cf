"""Organizações: the list, creating and editing one, its implementation stages."""

from __future__ import annotations

from datetime import date

from admin_support import (
    cells,
    open_admin,
    settle,
    text_of,
)
from tests_tui_support import type_text
from textual.widgets import Checkbox, DataTable, Input, Select

from data.models import Product, Stage
from screens.organisations import OrganisationForm, StageDialog
from widgets.fields import FieldError, QuietTextArea


def organisation_named(store, admin, name):
    return next(o for o in store.list_organisations(admin) if o.name == name)


async def choose_santos(pilot) -> None:
    # Sorted by name: Câmara de São Vicente, then Prefeitura de Santos.
    await pilot.press("down")
    await settle(pilot)


async def test_the_list_shows_products_pdc_stage_and_consultant(
    make_app, signed_in, people, store
) -> None:
    santos = organisation_named(store, people.admin, "Prefeitura de Santos")
    store.update_organisation(people.admin, santos.id, consultant_id=people.agent.id)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_admin(pilot, signed_in, people.admin, "o")
        rows = cells(screen.query_one("#org-table", DataTable))
        await choose_santos(pilot)
        facts = text_of(screen, "#org-facts")

    assert rows == [
        ["Câmara de São Vicente", "—", "Não", "Levantamento", "—"],
        ["Prefeitura de Santos", "GPE", "Sim", "Levantamento", "Bruno Lima"],
    ]
    assert "GPE – Gestão de Processos Eletrônicos" in facts
    assert "santos.sp.gov.br" in facts


async def test_an_organisation_is_created_by_keyboard(
    make_app, signed_in, people, store
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_admin(pilot, signed_in, people.admin, "o")
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, OrganisationForm)
        assert app.focused is form.query_one("#name", Input)

        await type_text(pilot, "Camara de Cubatao")
        await pilot.press("tab")
        assert app.focused is form.query_one("#products", QuietTextArea)
        form.query_one(
            "#products", QuietTextArea
        ).text = (
            "GPE – Gestão de Processos Eletrônicos\nPortal - Portal da Transparência"
        )
        await pilot.press("tab", "space", "tab")
        await type_text(pilot, "cubatao.sp.leg.br")
        await pilot.press("tab", "enter")
        await pilot.pause()
        await pilot.press("down", "down", "enter")
        await pilot.pause()
        assert form.query_one("#consultant", Select).value == people.agent.id
        await pilot.press("ctrl+s")
        await settle(pilot)

        assert not isinstance(app.screen, OrganisationForm)
        status = text_of(app.screen, "#orgs-status")
        names = [row[0] for row in cells(app.screen.query_one("#org-table"))]

    created = organisation_named(store, people.admin, "Camara de Cubatao")
    assert created.products == [
        Product("GPE", "Gestão de Processos Eletrônicos"),
        Product("Portal", "Portal da Transparência"),
    ]
    assert created.pdc
    assert created.domains == ["cubatao.sp.leg.br"]
    assert created.consultant_id == people.agent.id
    assert created.stage is Stage.SURVEY
    assert "Camara de Cubatao" in names
    assert status == "Organização Camara de Cubatao criada."


async def test_a_wrong_domain_is_refused_in_words_and_nothing_is_lost(
    make_app, signed_in, people, store
) -> None:
    before = store.list_organisations(people.admin)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_admin(pilot, signed_in, people.admin, "o")
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        form.query_one("#name", Input).value = "Câmara de Cubatão"
        form.query_one("#domains", Input).value = "cubatao"
        await pilot.press("ctrl+s")
        await settle(pilot)

        assert app.screen is form
        error = str(form.query_one("#field-domains").query_one(FieldError).render())
        assert error == (
            "cubatao não é um domínio de e-mail; escreva-o como empresa.com.br."
        )
        assert app.focused is form.query_one("#domains", Input)
        assert form.query_one("#name", Input).value == "Câmara de Cubatão"

    assert store.list_organisations(people.admin) == before


async def test_a_taken_name_is_refused_under_the_name(
    make_app, signed_in, people, store
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_admin(pilot, signed_in, people.admin, "o")
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        form.query_one("#name", Input).value = "prefeitura de santos"
        await pilot.press("ctrl+s")
        await settle(pilot)

        error = str(form.query_one("#field-name").query_one(FieldError).render())
        assert error == "Já existe uma organização com este nome."


async def test_an_organisation_is_edited(make_app, signed_in, people, store) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_admin(pilot, signed_in, people.admin, "o")
        await choose_santos(pilot)
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, OrganisationForm)
        products = form.query_one("#products", QuietTextArea)
        assert products.text == "GPE – Gestão de Processos Eletrônicos"
        assert form.query_one("#pdc", Checkbox).value is True

        form.query_one("#name", Input).value = "Prefeitura Municipal de Santos"
        products.text += "\nBs Studio: plataforma de desenvolvimento"
        form.query_one("#domains", Input).value = "santos.sp.gov.br, SANTOS.gov.br"
        await pilot.press("ctrl+s")
        await settle(pilot)
        status = text_of(app.screen, "#orgs-status")

    edited = organisation_named(store, people.admin, "Prefeitura Municipal de Santos")
    assert [p.code for p in edited.products] == ["GPE", "Bs Studio"]
    assert edited.products[1].description == "plataforma de desenvolvimento"
    assert edited.domains == ["santos.sp.gov.br", "santos.gov.br"]
    assert edited.pdc
    assert status == "Organização Prefeitura Municipal de Santos salva."


async def test_the_stage_changes_with_its_date_and_the_history_shows_in_order(
    make_app, signed_in, people, store
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_admin(pilot, signed_in, people.admin, "o")
        await choose_santos(pilot)

        await pilot.press("s")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, StageDialog)
        assert dialog.query_one("#stage", Select).value == Stage.TRAINING.value
        assert dialog.query_one("#started_on", Input).value == "10/03/2026"
        dialog.query_one("#started_on", Input).value = ""
        dialog.query_one("#started_on", Input).focus()
        await type_text(pilot, "17/03/2026")
        await pilot.press("tab")
        await type_text(pilot, "Turma da manha")
        await pilot.press("enter")
        await settle(pilot)

        await pilot.press("s")
        await settle(pilot)
        assert app.screen.query_one("#stage", Select).value == (
            Stage.ASSISTED_OPERATION.value
        )
        app.screen.query_one("#started_on", Input).value = "06/04/2026"
        await pilot.press("ctrl+s")
        await settle(pilot)

        history = cells(screen.query_one("#stage-history", DataTable))
        row = cells(screen.query_one("#org-table", DataTable))[1]
        status = text_of(screen, "#orgs-status")

    assert history == [
        ["10/03/2026", "Levantamento", "—", "Ana Souza"],
        ["17/03/2026", "Treinamento", "Turma da manha", "Ana Souza"],
        ["06/04/2026", "Operação assistida", "—", "Ana Souza"],
    ]
    assert row[3] == "Operação assistida"
    assert status == "Prefeitura de Santos agora está em Operação assistida."
    santos = organisation_named(store, people.admin, "Prefeitura de Santos")
    assert [(c.stage, c.started_on) for c in santos.stage_history] == [
        (Stage.SURVEY, date(2026, 3, 10)),
        (Stage.TRAINING, date(2026, 3, 17)),
        (Stage.ASSISTED_OPERATION, date(2026, 4, 6)),
    ]


async def test_a_start_date_that_is_not_a_date_is_refused_in_words(
    make_app, signed_in, people, store
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_admin(pilot, signed_in, people.admin, "o")
        await pilot.press("s")
        await settle(pilot)
        dialog = app.screen
        dialog.query_one("#started_on", Input).value = "31/02/2026"
        await pilot.press("ctrl+s")
        await settle(pilot)

        assert app.screen is dialog
        error = dialog.query_one("#field-started_on").query_one(FieldError)
        assert str(error.render()) == (
            "31/02/2026 não é uma data: digite no formato dd/mm/aaaa, como 16/03/2026."
        )

    assert all(o.stage is Stage.SURVEY for o in store.list_organisations(people.admin))


# -- how it looks --------------------------------------------------------------


def test_snapshot_organisations(
    snap_compare, make_app, signed_in, people, store
) -> None:
    santos = organisation_named(store, people.admin, "Prefeitura de Santos")
    store.update_organisation(people.admin, santos.id, consultant_id=people.agent.id)
    store.set_stage(
        people.admin, santos.id, Stage.TRAINING, date(2026, 3, 17), "Turma da manhã"
    )

    async def run_before(pilot) -> None:
        await open_admin(pilot, signed_in, people.admin, "o")
        await choose_santos(pilot)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run_before)


def test_snapshot_organisation_form(snap_compare, make_app, signed_in, people) -> None:
    async def run_before(pilot) -> None:
        await open_admin(pilot, signed_in, people.admin, "o")
        await choose_santos(pilot)
        await pilot.press("e")
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run_before)


def test_snapshot_stage_dialog(snap_compare, make_app, signed_in, people) -> None:
    async def run_before(pilot) -> None:
        await open_admin(pilot, signed_in, people.admin, "o")
        await choose_santos(pilot)
        await pilot.press("s")
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run_before)
