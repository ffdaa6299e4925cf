"""Nova Interação: the two steps, attachments, refusals, leaving, snapshots."""

from __future__ import annotations

import hashlib
import sys
import types
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from tests_tui_support import type_ahead, type_text
from textual.screen import Screen
from textual.widgets import Checkbox, Input, OptionList, Select, TextArea

from data.helpdesk import Helpdesk, Settings
from data.models import Category, Kind, Severity
from data.store import Box, Query
from screens.interactions import InteractionsScreen
from screens.new_interaction import NewInteractionScreen
from tui.app import SacApp
from tui.config import Config
from widgets.attachments import AttachmentField, PathInput, complete_path
from widgets.confirm import ConfirmScreen
from widgets.fields import FieldError
from widgets.file_picker import FilePickerScreen, FileTree

SCREENSHOT = b"\x89PNG fake screenshot of the error message\n"


class FakeDetailScreen(Screen[None]):
    """Stands in for the detail screen, so these tests see only this form."""

    def __init__(self, protocol: int) -> None:
        super().__init__()
        self.protocol = protocol


@pytest.fixture(autouse=True)
def detail_screen(monkeypatch: pytest.MonkeyPatch) -> None:
    module = types.ModuleType("screens.detail")
    module.DetailScreen = FakeDetailScreen  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "screens.detail", module)


@pytest.fixture
def files(tmp_path: Path) -> Path:
    """The attachment folder, with a screenshot of an error in it."""
    folder = tmp_path / "files"
    folder.mkdir()
    (folder / "erro-na-remessa.png").write_bytes(SCREENSHOT)
    return folder


@pytest.fixture
def app(make_app: Any, files: Path) -> SacApp:
    return make_app(config=Config(attachment_folder=files))


# -- helpers --------------------------------------------------------------------


async def settle(pilot: Any) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def open_form(pilot: Any, signed_in: Any, user: Any) -> NewInteractionScreen:
    await signed_in(user)(pilot)
    await pilot.press("n")
    await settle(pilot)
    assert isinstance(pilot.app.screen, NewInteractionScreen)
    return pilot.app.screen


async def choose(pilot: Any, selector: str, label: str) -> None:
    """Open a select with Enter, type the start of the label, Enter again."""
    pilot.app.screen.query_one(selector, Select).focus()
    await pilot.press("enter")
    await type_text(pilot, label[:3])
    await pilot.press("enter")
    await pilot.pause()


async def fill(pilot: Any, subject: str, description: str) -> None:
    """Step 2 has the focus in Assunto; Tab goes on to Descrição."""
    await type_text(pilot, subject)
    await pilot.press("tab")
    await type_text(pilot, description)


async def picker_loaded(pilot: Any) -> FilePickerScreen:
    """The picker lists its folder in a worker that never ends: wait for it."""
    picker = pilot.app.screen
    assert isinstance(picker, FilePickerScreen)
    tree = picker.query_one(FileTree)
    for _attempt in range(100):
        if tree.root.children:
            break
        await pilot.pause(0.01)
    return picker


async def attach(pilot: Any, path: Path | str) -> None:
    await pilot.press("ctrl+t")
    pilot.app.screen.query_one("#attachment-path", Input).value = str(path)
    await pilot.press("enter")
    await settle(pilot)


def error_of(screen: Screen, field: str) -> str:
    row = screen.query_one(f"#row-{field}")
    return str(row.query_one(FieldError).render())


def interactions_of(store: Helpdesk, user: Any) -> list[Any]:
    page = store.list_interactions(user, Query(box=Box.SENT))
    return [store.get_interaction(user, row.protocol) for row in page.rows]


# -- creating ---------------------------------------------------------------------


async def test_a_complaint_with_an_attachment_is_created_and_shown(
    app: SacApp, signed_in: Any, people: Any, store: Helpdesk, files: Path
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await open_form(pilot, signed_in, people.customer)
        await choose(pilot, "#kind", "Reclamação")
        await pilot.press("ctrl+s")
        await fill(pilot, "Remessa não abre", "Erro ao abrir.")
        await attach(pilot, files / "erro-na-remessa.png")
        listing = app.screen.query_one("#attachment-list", OptionList)
        assert str(listing.get_option_at_index(0).prompt).startswith(
            "erro-na-remessa.png · "
        )

        await pilot.press("ctrl+s")
        await settle(pilot)

        [created] = interactions_of(store, people.customer)
        assert (created.category, created.kind) == (Category.SAC, Kind.COMPLAINT)
        assert created.subject == "Remessa não abre"
        assert created.description == "Erro ao abrir."
        [attachment] = created.attachments
        assert attachment.name == "erro-na-remessa.png"
        assert attachment.sha256 == hashlib.sha256(SCREENSHOT).hexdigest()
        assert isinstance(app.screen, FakeDetailScreen)
        assert app.screen.protocol == created.protocol
        messages = [notification.message for notification in app._notifications]
        assert f"Interação criada com o protocolo {created.protocol}" in messages


async def test_subject_and_description_typed_ahead_land_in_their_fields(
    app: SacApp, signed_in: Any, people: Any, store: Helpdesk
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_form(pilot, signed_in, people.customer)
        await type_ahead(pilot, "ctrl+s", "Remessa não abre", "enter", "Erro ao abrir.")

        assert screen.query_one("#subject", Input).value == "Remessa não abre"
        assert screen.query_one("#description", TextArea).text == "Erro ao abrir."

        await type_ahead(pilot, "ctrl+s")
        [created] = interactions_of(store, people.customer)
        assert (created.subject, created.description) == (
            "Remessa não abre",
            "Erro ao abrir.",
        )


async def test_support_records_severity_and_on_site_attendance(
    app: SacApp, signed_in: Any, people: Any, store: Helpdesk
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_form(pilot, signed_in, people.customer)
        await choose(pilot, "#category", "Suporte")
        await pilot.press("ctrl+s")
        await fill(pilot, "Servidor parado", "Ninguém entra.")
        await choose(pilot, "#severity", "Crítica")
        screen.query_one("#on-site", Checkbox).focus()
        await pilot.press("space")
        await pilot.press("ctrl+s")
        await settle(pilot)

        [created] = interactions_of(store, people.customer)
        assert created.category is Category.SUPPORT
        assert created.severity is Severity.CRITICAL
        assert created.on_site is True


async def test_support_without_severity_is_refused_next_to_it(
    app: SacApp, signed_in: Any, people: Any, store: Helpdesk
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_form(pilot, signed_in, people.customer)
        await choose(pilot, "#category", "Suporte")
        await pilot.press("ctrl+s")
        await fill(pilot, "Servidor parado", "Ninguém entra.")
        await pilot.press("ctrl+s")
        await settle(pilot)

        assert error_of(screen, "severity") == "Escolha a severidade: crítica ou média."
        assert app.focused is screen.query_one("#severity")
        assert interactions_of(store, people.customer) == []


async def test_an_empty_subject_is_refused_and_the_description_kept(
    app: SacApp, signed_in: Any, people: Any, store: Helpdesk
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_form(pilot, signed_in, people.customer)
        await pilot.press("ctrl+s")
        await fill(pilot, "", "Texto que não se perde.")
        await pilot.press("ctrl+s")
        await settle(pilot)

        assert error_of(screen, "subject") == "Preencha o campo Assunto."
        assert app.focused is screen.query_one("#subject")
        description = screen.query_one("#description", TextArea)
        assert description.text == "Texto que não se perde."
        assert interactions_of(store, people.customer) == []


async def test_an_update_on_a_thursday_is_refused_with_the_rule(
    app: SacApp, signed_in: Any, people: Any, store: Helpdesk
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_form(pilot, signed_in, people.customer)
        await choose(pilot, "#category", "Atualização")
        await pilot.press("ctrl+s")
        await fill(pilot, "Atualizar o GPE", "Versão nova.")
        screen.query_one("#wished-date", Input).focus()
        await type_text(pilot, "19/03/2026")  # a Thursday
        await pilot.press("ctrl+s")
        await settle(pilot)

        assert error_of(screen, "wished_date") == (
            "As atualizações acontecem de segunda a quarta-feira, com pelo menos "
            "7 dias de antecedência: escolha 17/03/2026 ou depois, de segunda a "
            "quarta."
        )
        assert app.focused is screen.query_one("#wished-date")
        assert interactions_of(store, people.customer) == []

        # A Monday two weeks ahead is fine, and nothing had to be typed again.
        screen.query_one("#wished-date", Input).value = "23/03/2026"
        await pilot.press("ctrl+s")
        await settle(pilot)
        [created] = interactions_of(store, people.customer)
        assert created.wished_date == date(2026, 3, 23)
        assert created.subject == "Atualizar o GPE"


async def test_a_date_that_is_not_one_is_refused_as_soon_as_it_is_left(
    app: SacApp, signed_in: Any, people: Any
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_form(pilot, signed_in, people.customer)
        await choose(pilot, "#category", "Atualização")
        await pilot.press("ctrl+s")
        screen.query_one("#wished-date", Input).focus()
        await type_text(pilot, "31/02/2026")
        await pilot.press("tab")
        await pilot.pause()

        assert error_of(screen, "wished_date") == (
            "31/02/2026 não é uma data: digite no formato dd/mm/aaaa, como 16/03/2026."
        )


# -- the two steps ----------------------------------------------------------------


async def test_pdc_is_offered_only_to_an_organisation_with_the_contract(
    make_app: Any, signed_in: Any, people: Any
) -> None:
    for user, offered in ((people.customer, True), (people.other, False)):
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await open_form(pilot, signed_in, user)
            category = screen.query_one("#category", Select)
            values = [value for _label, value in category._options]
            assert (Category.PDC.value in values) is offered


async def test_voltar_reopens_step_one_and_keeps_what_was_typed(
    app: SacApp, signed_in: Any, people: Any
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_form(pilot, signed_in, people.customer)
        await pilot.press("ctrl+s")
        assert screen.query_one("#category", Select).disabled
        await type_text(pilot, "Relatório por setor")

        await pilot.press("f2")
        assert not screen.query_one("#step2").display
        assert app.focused is screen.query_one("#category")
        await choose(pilot, "#kind", "Sugestão")
        await pilot.press("ctrl+s")

        assert screen.query_one("#subject", Input).value == "Relatório por setor"
        assert screen.query_one("#kind", Select).value == Kind.SUGGESTION.value


# -- attachments ------------------------------------------------------------------


async def test_a_missing_file_is_refused_when_added(
    app: SacApp, signed_in: Any, people: Any, files: Path
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_form(pilot, signed_in, people.customer)
        await pilot.press("ctrl+s")
        await attach(pilot, files / "nao-existe.pdf")

        missing = files / "nao-existe.pdf"
        assert error_of(screen, "attachments") == f"O arquivo {missing} não existe."
        assert screen.query_one(AttachmentField).paths == []


async def test_a_folder_is_refused_when_added(
    app: SacApp, signed_in: Any, people: Any, files: Path
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_form(pilot, signed_in, people.customer)
        await pilot.press("ctrl+s")
        await attach(pilot, files)

        assert error_of(screen, "attachments") == (
            f"{files} é uma pasta; anexe os arquivos um a um."
        )


async def test_a_file_over_the_limit_is_refused_when_added(
    store: Helpdesk, signed_in: Any, people: Any, files: Path
) -> None:
    limited = Helpdesk(
        store.root, settings=Settings(attachment_limit=10), clock=store.clock
    )
    app = SacApp(limited, clock=store.clock, config=Config(attachment_folder=files))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_form(pilot, signed_in, people.customer)
        await pilot.press("ctrl+s")
        await attach(pilot, "erro-na-remessa.png")  # relative to the folder

        assert error_of(screen, "attachments") == (
            f"erro-na-remessa.png tem {len(SCREENSHOT)} Bytes; "
            "cada anexo pode ter no máximo 10 Bytes."
        )
        assert screen.query_one(AttachmentField).paths == []


async def test_delete_removes_the_selected_attachment(
    app: SacApp, signed_in: Any, people: Any, files: Path
) -> None:
    (files / "log.txt").write_text("erro 500\n")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_form(pilot, signed_in, people.customer)
        await pilot.press("ctrl+s")
        await attach(pilot, files / "erro-na-remessa.png")
        await attach(pilot, files / "log.txt")
        listing = screen.query_one("#attachment-list", OptionList)
        listing.focus()
        listing.highlighted = 0
        await pilot.press("delete")

        assert screen.query_one(AttachmentField).paths == [files / "log.txt"]
        assert listing.option_count == 1


async def test_tab_completes_a_typed_path(
    app: SacApp, signed_in: Any, people: Any, files: Path
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_form(pilot, signed_in, people.customer)
        await pilot.press("ctrl+s", "ctrl+t")
        await type_text(pilot, "err")
        await settle(pilot)
        await pilot.press("tab")

        path_input = screen.query_one("#attachment-path", PathInput)
        assert path_input.value == "erro-na-remessa.png"
        assert app.focused is path_input


def test_completion_lists_the_typed_folder(files: Path) -> None:
    (files / "relatorios").mkdir()
    (files / ".oculto").write_text("")
    assert complete_path("rel", files) == "relatorios/"
    assert complete_path("relatorios", files) == "relatorios/"
    assert complete_path(f"{files}/e", files) == f"{files}/erro-na-remessa.png"
    assert complete_path(".", files) == ".oculto"
    assert complete_path("x", files) is None
    assert complete_path("nada/x", files) is None


async def test_the_file_picker_adds_the_file_chosen_with_enter(
    app: SacApp, signed_in: Any, people: Any, files: Path
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_form(pilot, signed_in, people.customer)
        await pilot.press("ctrl+s", "ctrl+o")
        await picker_loaded(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)

        assert app.screen is screen
        assert screen.query_one(AttachmentField).paths == [
            files / "erro-na-remessa.png"
        ]


async def test_esc_closes_the_file_picker_without_adding(
    app: SacApp, signed_in: Any, people: Any
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_form(pilot, signed_in, people.customer)
        await pilot.press("ctrl+s", "ctrl+o")
        await picker_loaded(pilot)
        await pilot.press("escape")
        await pilot.pause()

        assert app.screen is screen
        assert screen.query_one(AttachmentField).paths == []


# -- leaving ----------------------------------------------------------------------


async def test_esc_with_text_asks_and_keep_editing_keeps_it(
    app: SacApp, signed_in: Any, people: Any
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_form(pilot, signed_in, people.customer)
        await pilot.press("ctrl+s")
        await type_text(pilot, "Rascunho")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert "Descartar esta interação?" in str(
            app.screen.query_one("#confirm-question").render()
        )

        await pilot.press("enter")  # "Continuar editando" has the focus
        await pilot.pause()
        assert app.screen is screen
        assert screen.query_one("#subject", Input).value == "Rascunho"

        await pilot.press("escape", "right", "enter")  # "Descartar"
        await pilot.pause()
        assert isinstance(app.screen, InteractionsScreen)


async def test_esc_without_text_just_closes(
    app: SacApp, signed_in: Any, people: Any
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await open_form(pilot, signed_in, people.customer)
        await pilot.press("ctrl+s", "escape")
        await pilot.pause()
        assert isinstance(app.screen, InteractionsScreen)


# -- snapshots at 80x24 -------------------------------------------------------------


def test_snapshot_step_one(
    snap_compare: Any, app: SacApp, signed_in: Any, people: Any
) -> None:
    async def run_before(pilot: Any) -> None:
        await open_form(pilot, signed_in, people.customer)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_snapshot_step_two_support_with_an_attachment(
    snap_compare: Any, app: SacApp, signed_in: Any, people: Any, files: Path
) -> None:
    async def run_before(pilot: Any) -> None:
        await open_form(pilot, signed_in, people.customer)
        await choose(pilot, "#category", "Suporte")
        await choose(pilot, "#kind", "Reclamação")
        await pilot.press("ctrl+s")
        await fill(pilot, "GPE não abre as remessas", "Desde ontem nada abre.")
        await attach(pilot, files / "erro-na-remessa.png")

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_snapshot_discard_question(
    snap_compare: Any, app: SacApp, signed_in: Any, people: Any
) -> None:
    async def run_before(pilot: Any) -> None:
        await open_form(pilot, signed_in, people.customer)
        await pilot.press("ctrl+s")
        await type_text(pilot, "Rascunho")
        await pilot.press("escape")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
