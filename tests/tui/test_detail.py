"""Detalhes da Interação: reading an interaction and acting on it by keyboard."""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path
from typing import Any

from textual.containers import Grid
from textual.screen import ModalScreen
from textual.widgets import Input, Static, TabbedContent, TextArea
from textual.worker import WorkerState

from data.deadlines import SAO_PAULO
from data.models import Category, Kind, Severity, Status
from data.store import Draft
from screens.detail import DetailScreen
from screens.interactions import InteractionsScreen
from tui.config import Config
from widgets.dialogs import ConfirmDialog, PromptDialog
from widgets.fields import FieldError

NIGHT = datetime(2026, 3, 10, 23, 30, tzinfo=SAO_PAULO)


# -- helpers ------------------------------------------------------------------


async def settle(pilot: Any) -> None:
    """Wait for the store calls to end; a worker waiting on a dialog goes on."""
    app = pilot.app
    for _attempt in range(500):
        await pilot.pause()
        modal = isinstance(app.screen, ModalScreen)
        busy = [
            worker
            for worker in app.workers
            if worker.state in (WorkerState.PENDING, WorkerState.RUNNING)
            and not (modal and worker.group == "detail-action")
        ]
        if not busy:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"still busy: {busy}")


async def type_text(pilot: Any, text: str) -> None:
    for char in text:
        await pilot.press(char)


async def open_from_list(pilot: Any, protocol: int, key: str = "v") -> DetailScreen:
    """Move the list's cursor to ``protocol`` and open it with ``key``."""
    screen = pilot.app.screen
    assert isinstance(screen, InteractionsScreen)
    row = [summary.protocol for summary in screen.rows].index(protocol)
    for _step in range(row):
        await pilot.press("down")
    await pilot.press(key)
    await settle(pilot)
    assert isinstance(pilot.app.screen, DetailScreen)
    return pilot.app.screen


async def open_directly(pilot: Any, protocol: int) -> DetailScreen:
    pilot.app.push_screen(DetailScreen(protocol))
    await settle(pilot)
    return pilot.app.screen


def text(widget: Static) -> str:
    return str(widget.render())


def basic(screen: DetailScreen) -> dict[str, str]:
    """The Básico tab as label → value."""
    cells = [text(cell) for cell in screen.query_one("#basic-fields", Grid).children]
    pairs = zip(cells[::2], cells[1::2], strict=True)
    return {label.rstrip(":"): value for label, value in pairs}


def history(screen: DetailScreen) -> str:
    return "\n".join(text(event) for event in screen.query(".event"))


def status_line(screen: DetailScreen) -> str:
    return text(screen.query_one("#detail-status", Static))


def offered(screen: DetailScreen) -> set[str]:
    """The detail's actions the footer shows right now."""
    return {
        active.binding.action
        for active in screen.active_bindings.values()
        if active.enabled and active.binding.show
    }


def field_error(app: Any) -> str:
    return text(app.screen.query_one("#prompt-error", FieldError))


# -- reading ------------------------------------------------------------------


async def test_v_opens_the_detail_of_the_highlighted_interaction(
    make_app, signed_in, people, opened
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await signed_in(people.customer)(pilot)
        screen = await open_from_list(pilot, opened[0], "v")

        fields = basic(screen)
        assert fields["Protocolo"] == str(opened[0])
        assert fields["Data"] == "10/03/2026 10:00"
        assert fields["Categoria"] == "Suporte"
        assert fields["Tipo"] == "Reclamação"
        assert fields["Assunto"] == "GPE não abre as remessas"
        assert fields["Quantidade de rejeições"] == "0"
        assert fields["Situação"] == "Respondida"
        assert fields["Prazo"] == "respondida no prazo"
        assert fields["Severidade"] == "Crítica"
        assert "Detalhes da Interação" in text(screen.query_one("#title", Static))


async def test_enter_opens_the_detail_too(make_app, signed_in, people, opened) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await signed_in(people.customer)(pilot)
        screen = await open_from_list(pilot, opened[1], "enter")

        assert basic(screen)["Assunto"] == "Ótimo treinamento"
        assert basic(screen)["Situação"] == "Análise"


async def test_the_history_shows_the_agents_answer_as_the_backsite_team(
    make_app, signed_in, people, opened
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await signed_in(people.customer)(pilot)
        screen = await open_from_list(pilot, opened[0])
        await pilot.press("4")
        await pilot.pause()

        assert screen.query_one(TabbedContent).active == "history"
        lines = history(screen)
        assert "Respondida: Corrigimos o servidor; tente de novo." in lines
        assert "10/03/2026 10:00 · Equipe Backsite" in lines
        assert "10/03/2026 10:00 · Você" in lines  # who opened it
        assert "Bruno Lima" not in lines


async def test_an_internal_note_never_reaches_the_customer(
    make_app, signed_in, store, people, opened
) -> None:
    store.add_note(people.agent, opened[0], "Cliente liga todo dia; paciência.")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await signed_in(people.customer)(pilot)
        screen = await open_from_list(pilot, opened[0])

        assert "paciência" not in history(screen)
        assert "Nota interna" not in history(screen)


async def test_staff_read_internal_notes_and_names(
    make_app, signed_in, store, people, opened
) -> None:
    store.add_note(people.agent, opened[0], "Cliente liga todo dia; paciência.")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await signed_in(people.admin)(pilot)
        screen = await open_directly(pilot, opened[0])

        lines = history(screen)
        assert "Nota interna: Cliente liga todo dia; paciência." in lines
        assert "Bruno Lima" in lines and "Carla Dias" in lines
        # Staff neither accept nor reject in the customer's place.
        assert not offered(screen) & {"accept", "reject", "add_info", "cancel"}


async def test_tabs_switch_with_numbers_and_arrows(
    make_app, signed_in, people, opened
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await signed_in(people.customer)(pilot)
        screen = await open_from_list(pilot, opened[0])
        tabs = screen.query_one(TabbedContent)

        seen = [tabs.active]
        for key in ("right", "right", "right", "right", "left", "3", "1"):
            await pilot.press(key)
            await pilot.pause()
            seen.append(tabs.active)
        assert seen == [
            "basic",
            "description",
            "attachments",
            "history",
            "basic",
            "history",
            "attachments",
            "basic",
        ]
        await pilot.press("2")
        await pilot.pause()
        description = screen.query_one("#description-text", Static)
        assert text(description) == (
            "Desde a atualização de ontem nenhuma remessa digital abre."
        )


async def test_an_unknown_protocol_says_so(make_app, signed_in, people) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await signed_in(people.customer)(pilot)
        screen = await open_directly(pilot, 9999)

        assert status_line(screen) == "Não existe interação com o protocolo 9999."
        assert not screen.query_one(TabbedContent).display


async def test_another_organisations_interaction_is_not_found(
    make_app, signed_in, people, opened
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await signed_in(people.other)(pilot)
        screen = await open_directly(pilot, opened[0])

        assert status_line(screen) == (
            f"Não existe interação com o protocolo {opened[0]}."
        )


async def test_critical_out_of_hours_shows_the_on_call_phone(
    make_app, signed_in, store, people
) -> None:
    store.clock = lambda: NIGHT
    night = store.create_interaction(
        people.customer,
        Draft(
            Category.SUPPORT,
            Kind.COMPLAINT,
            "Sistema fora do ar",
            "Nenhum usuário consegue entrar no GPE.",
            severity=Severity.CRITICAL,
        ),
    )
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await signed_in(people.customer)(pilot)
        screen = await open_directly(pilot, night.protocol)

        on_call = screen.query_one("#on-call", Static)
        assert on_call.display
        assert "telefone de plantão (13) 97413-0738" in text(on_call)


async def test_business_hours_show_no_on_call_phone(
    make_app, signed_in, people, opened
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await signed_in(people.customer)(pilot)
        screen = await open_directly(pilot, opened[0])

        assert not screen.query_one("#on-call", Static).display


async def test_esc_goes_back_to_the_list_on_the_same_row(
    make_app, signed_in, people, opened
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await signed_in(people.customer)(pilot)
        await open_from_list(pilot, opened[0])
        await pilot.press("escape")
        await settle(pilot)

        screen = app.screen
        assert isinstance(screen, InteractionsScreen)
        assert screen.current_protocol() == opened[0]


# -- acting -------------------------------------------------------------------


async def test_adding_the_information_asked_resumes_the_handling(
    make_app, signed_in, store, people, opened
) -> None:
    store.answer(people.agent, opened[1], "Qual versão do GPE vocês usam?", ask=True)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await signed_in(people.customer)(pilot)
        screen = await open_from_list(pilot, opened[1])
        assert basic(screen)["Situação"] == "Aguardando cliente"
        assert "add_info" in offered(screen)

        await pilot.press("i")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, PromptDialog)
        assert "Qual versão do GPE vocês usam?" in text(
            dialog.query_one(".prompt-note")
        )

        await pilot.press("ctrl+s")  # nothing typed yet
        await settle(pilot)
        assert app.screen is dialog
        assert field_error(app) == "Preencha o campo Informação."

        await type_text(pilot, "Versão 2.4.47")
        await pilot.press("ctrl+s")
        await settle(pilot)

        assert app.screen is screen
        assert basic(screen)["Situação"] == "Em atendimento"
        assert "add_info" not in offered(screen)
        assert "Informação adicionada: Versão 2.4.47" in history(screen)
        assert status_line(screen) == (
            "Informação enviada; a equipe de atendimento retoma o atendimento."
        )


async def test_accepting_the_answer_concludes_it(
    make_app, signed_in, people, opened
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await signed_in(people.customer)(pilot)
        screen = await open_from_list(pilot, opened[0])
        assert {"accept", "reject"} <= offered(screen)

        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("enter")
        await settle(pilot)

        assert basic(screen)["Situação"] == "Concluída"
        assert not offered(screen) & {"accept", "reject"}


async def test_saying_no_to_the_confirmation_changes_nothing(
    make_app, signed_in, store, people, opened
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await signed_in(people.customer)(pilot)
        screen = await open_from_list(pilot, opened[0])
        await pilot.press("y")
        await pilot.pause()
        await pilot.press("escape")
        await settle(pilot)

        assert app.screen is screen
        assert basic(screen)["Situação"] == "Respondida"
    assert store.get_interaction(people.customer, opened[0]).status is Status.ANSWERED


async def test_rejecting_asks_the_reason_then_confirms_and_counts_it(
    make_app, signed_in, store, people, opened
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await signed_in(people.customer)(pilot)
        screen = await open_from_list(pilot, opened[0])
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, PromptDialog)

        await pilot.press("ctrl+s")  # an empty reason
        await settle(pilot)
        assert isinstance(app.screen, PromptDialog)
        assert field_error(app) == "Preencha o campo Motivo."

        await type_text(pilot, "Continua sem abrir")
        await pilot.press("ctrl+s")
        await settle(pilot)
        confirm = app.screen
        assert isinstance(confirm, ConfirmDialog)
        assert text(confirm.query_one(".question", Static)) == (
            f"Rejeitar o atendimento do protocolo {opened[0]}?"
        )
        await pilot.press("enter")
        await settle(pilot)

        assert app.screen is screen
        assert basic(screen)["Quantidade de rejeições"] == "1"
        assert basic(screen)["Situação"] == "Em atendimento"
        assert "Atendimento rejeitado: Continua sem abrir" in history(screen)
    assert store.get_interaction(people.customer, opened[0]).rejection_count == 1


async def test_a_reason_typed_is_kept_when_the_rejection_is_not_confirmed(
    make_app, signed_in, people, opened
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await signed_in(people.customer)(pilot)
        screen = await open_from_list(pilot, opened[0])
        await pilot.press("x")
        await pilot.pause()
        await type_text(pilot, "Ainda falha")
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("escape")  # "Não" at the confirmation
        await settle(pilot)
        assert basic(screen)["Situação"] == "Respondida"

        await pilot.press("x")
        await pilot.pause()
        assert app.screen.query_one("#prompt-text", TextArea).text == "Ainda falha"


async def test_the_author_cancels_an_interaction_in_analysis(
    make_app, signed_in, store, people, opened
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await signed_in(people.customer)(pilot)
        screen = await open_from_list(pilot, opened[1])
        assert "cancel" in offered(screen)
        assert not offered(screen) & {"accept", "reject", "add_info"}

        await pilot.press("ctrl+d")
        await pilot.pause()
        confirm = app.screen
        assert isinstance(confirm, ConfirmDialog)
        assert f"protocolo {opened[1]}" in text(confirm.query_one(".question", Static))
        await pilot.press("enter")
        await settle(pilot)

        assert basic(screen)["Situação"] == "Cancelada"
        assert "cancel" not in offered(screen)
    assert store.get_interaction(people.customer, opened[1]).status is Status.CANCELLED


async def test_an_answered_interaction_cannot_be_cancelled(
    make_app, signed_in, store, people, opened
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await signed_in(people.customer)(pilot)
        screen = await open_from_list(pilot, opened[0])
        assert "cancel" not in offered(screen)
        await pilot.press("ctrl+d")
        await settle(pilot)

        assert app.screen is screen
    assert store.get_interaction(people.customer, opened[0]).status is Status.ANSWERED


async def test_a_refusal_from_the_store_is_shown_in_words(
    make_app, signed_in, store, people, opened
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await signed_in(people.customer)(pilot)
        screen = await open_from_list(pilot, opened[0])
        # Someone accepts it elsewhere while the detail is open.
        store.accept(people.customer, opened[0])
        await pilot.press("y")
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)

        assert status_line(screen) == (
            "Esta interação está concluída; abra uma nova se precisar."
        )
        assert basic(screen)["Situação"] == "Concluída"


async def test_an_attachment_is_saved_in_the_folder_chosen(
    make_app, signed_in, store, people, tmp_path: Path
) -> None:
    source = tmp_path / "erro-remessa.png"
    source.write_bytes(b"\x89PNG fake screenshot" * 100)
    interaction = store.create_interaction(
        people.customer,
        Draft(
            Category.SAC,
            Kind.COMPLAINT,
            "Erro ao abrir remessa",
            "A tela de remessas mostra um erro; segue o print.",
            attachments=[source],
        ),
    )
    target = tmp_path / "downloads"
    app = make_app(config=Config(attachment_folder=target))
    async with app.run_test(size=(80, 24)) as pilot:
        await signed_in(people.customer)(pilot)
        screen = await open_from_list(pilot, interaction.protocol)
        await pilot.press("3")
        await pilot.pause()
        row = screen.query_one("#attachment-table").get_row_at(0)
        assert [str(cell) for cell in row] == [
            "erro-remessa.png",
            "2,0 kB",
            "10/03/2026 10:00",
        ]

        await pilot.press("s")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, PromptDialog)
        assert dialog.query_one("#prompt-text", Input).value == str(target)
        await pilot.press("enter")  # the folder does not exist yet
        await settle(pilot)
        assert app.screen is dialog
        assert field_error(app) == f"A pasta {target} não existe."

        target.mkdir()
        await pilot.press("enter")  # what was typed is still there
        await settle(pilot)

        assert app.screen is screen
        saved = target / "erro-remessa.png"
        assert saved.read_bytes() == source.read_bytes()
        assert text(screen.query_one("#attachments-hint", Static)) == (
            f"Salvo em {saved}."
        )


async def test_no_attachments_says_so_and_offers_no_saving(
    make_app, signed_in, people, opened
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await signed_in(people.customer)(pilot)
        screen = await open_from_list(pilot, opened[0])
        await pilot.press("3")
        await pilot.pause()

        hint = text(screen.query_one("#attachments-hint", Static))
        assert hint == "Esta interação não tem anexos."
        assert "save_attachment" not in offered(screen)


# -- how it looks -------------------------------------------------------------


def detail_of_answered(signed_in, people, opened, *keys: str) -> Any:
    async def run_before(pilot: Any) -> None:
        await signed_in(people.customer)(pilot)
        await open_from_list(pilot, opened[0])
        for key in keys:
            await pilot.press(key)
        await settle(pilot)

    return run_before


def test_snapshot_basic_tab(snap_compare, make_app, signed_in, people, opened) -> None:
    assert snap_compare(
        make_app(),
        terminal_size=(80, 24),
        run_before=detail_of_answered(signed_in, people, opened),
    )


def test_snapshot_description_tab(
    snap_compare, make_app, signed_in, people, opened
) -> None:
    assert snap_compare(
        make_app(),
        terminal_size=(80, 24),
        run_before=detail_of_answered(signed_in, people, opened, "2"),
    )


def test_snapshot_attachments_tab(
    snap_compare, make_app, signed_in, store, people, opened, tmp_path: Path
) -> None:
    screenshot = tmp_path / "remessas-com-erro.png"
    screenshot.write_bytes(b"\x89PNG" + bytes(48_000))
    store.add_attachment(people.customer, opened[0], screenshot)
    assert snap_compare(
        make_app(),
        terminal_size=(80, 24),
        run_before=detail_of_answered(signed_in, people, opened, "3"),
    )


def test_snapshot_history_tab(
    snap_compare, make_app, signed_in, people, opened
) -> None:
    assert snap_compare(
        make_app(),
        terminal_size=(80, 24),
        run_before=detail_of_answered(signed_in, people, opened, "4"),
    )


def test_snapshot_reject_reason_dialog(
    snap_compare, make_app, signed_in, people, opened
) -> None:
    assert snap_compare(
        make_app(),
        terminal_size=(80, 24),
        run_before=detail_of_answered(signed_in, people, opened, "x"),
    )
