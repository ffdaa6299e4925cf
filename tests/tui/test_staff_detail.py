"""The support team's detail: take, assign, answer, ask, note, forward."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

from tests_tui_support import type_text
from textual.containers import Grid
from textual.screen import ModalScreen
from textual.widgets import Input, Select, Static, TextArea
from textual.worker import WorkerState

from data.deadlines import SAO_PAULO, DeadlineState
from data.models import Category, EventKind, Kind, Severity, Status
from data.store import Draft
from screens.staff_detail import StaffDetailScreen
from screens.staff_dialogs import AnswerDialog, ChooseDialog, ForwardDialog
from widgets.dialogs import PromptDialog

NIGHT = datetime(2026, 3, 10, 23, 30, tzinfo=SAO_PAULO)

# -- helpers ------------------------------------------------------------------


async def settle(pilot: Any) -> None:
    """Wait for the store calls; a worker waiting on a dialog goes on waiting."""
    app = pilot.app
    waiting = ("detail-action", "queue-on-behalf", "answer-canned")
    for _attempt in range(500):
        await pilot.pause()
        modal = isinstance(app.screen, ModalScreen)
        busy = [
            worker
            for worker in app.workers
            if worker.state in (WorkerState.PENDING, WorkerState.RUNNING)
            and not (modal and worker.group in waiting)
        ]
        if not busy:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"still busy: {busy}")


async def open_detail(pilot: Any, signed_in: Any, user: Any, protocol: int) -> Any:
    await signed_in(user)(pilot)
    pilot.app.push_screen(StaffDetailScreen(protocol))
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, StaffDetailScreen)
    return screen


def text(widget: Static) -> str:
    return str(widget.render())


def basic(screen: StaffDetailScreen) -> dict[str, str]:
    """The Básico tab as label → value."""
    cells = [text(cell) for cell in screen.query_one("#basic-fields", Grid).children]
    pairs = zip(cells[::2], cells[1::2], strict=True)
    return {label.rstrip(":"): value for label, value in pairs}


def history(screen: StaffDetailScreen) -> str:
    return "\n".join(text(event) for event in screen.query(".event"))


def status_line(screen: StaffDetailScreen) -> str:
    return text(screen.query_one("#detail-status", Static))


def offered(screen: StaffDetailScreen) -> set[str]:
    """The actions the keys of the screen would run now."""
    return {
        active.binding.action
        for active in screen.active_bindings.values()
        if active.enabled
    }


def dialog_error(app: Any, selector: str) -> str:
    return text(app.screen.query_one(selector, Static))


async def answer_with(pilot: Any, key: str, words: str) -> None:
    await pilot.press(key)
    await settle(pilot)
    assert isinstance(pilot.app.screen, AnswerDialog)
    await type_text(pilot, words)
    await pilot.press("ctrl+s")
    await settle(pilot)


# -- reading ------------------------------------------------------------------


async def test_staff_read_who_the_customer_is_and_who_handles_it(
    make_app, signed_in, store, people, opened
) -> None:
    store.add_note(people.agent, opened[0], "Cliente liga todo dia; paciência.")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_detail(pilot, signed_in, people.admin, opened[0])

        fields = basic(screen)
        assert fields["Organização"] == "Prefeitura de Santos"
        assert fields["Cliente"] == "Carla Dias · (13) 3568-7961"
        assert fields["Responsável"] == "Bruno Lima"
        assert fields["Situação"] == "Respondida"
        await pilot.press("4")
        await pilot.pause()
        assert "Nota interna: Cliente liga todo dia; paciência." in history(screen)
        # Staff neither accept nor reject in the customer's place.
        assert not offered(screen) & {"accept", "reject", "add_info", "cancel"}


async def test_critical_out_of_hours_shows_the_on_call_phone_above_the_tabs(
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
        screen = await open_detail(pilot, signed_in, people.agent, night.protocol)

        banner = screen.query_one("#staff-on-call", Static)
        assert banner.display
        assert text(banner).splitlines()[0] == (
            "Crítica aberta fora do horário comercial: "
            "telefone de plantão (13) 97413-0738"
        )
        # With the guide's own sentence, in place of Básico's box.
        assert "deve ser feito pelo telefone de plantão (13) 97413-0738" in (
            text(banner)
        )
        assert not screen.query_one("#on-call", Static).display
        await pilot.press("4")
        await pilot.pause()
        assert banner.display  # whichever tab is open


async def test_in_business_hours_there_is_no_on_call_banner(
    make_app, signed_in, people, opened
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_detail(pilot, signed_in, people.agent, opened[0])
        assert not screen.query_one("#staff-on-call", Static).display


# -- taking and assigning -----------------------------------------------------


async def test_taking_makes_it_mine_and_starts_the_handling(
    make_app, signed_in, store, people, opened
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_detail(pilot, signed_in, people.agent, opened[1])
        assert basic(screen)["Responsável"] == "Ninguém"
        assert "take" in offered(screen)

        await pilot.press("t")
        await settle(pilot)

        assert basic(screen)["Responsável"] == "Você"
        assert basic(screen)["Situação"] == "Em atendimento"
        assert "take" not in offered(screen)
        assert status_line(screen).startswith("A interação agora é sua")
    seen = store.get_interaction(people.customer, opened[1])
    assert seen.status is Status.IN_PROGRESS
    assert seen.assignee_id == people.agent.id
    assert any(n.protocol == opened[1] for n in store.notifications(people.customer))


async def test_assigning_chooses_an_active_member_of_the_team_by_name(
    make_app, signed_in, store, people, opened
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_detail(pilot, signed_in, people.agent, opened[1])
        await pilot.press("g")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ChooseDialog)
        # Only the team: the customers are not offered.
        offered_names = [choice.label for choice in dialog.shown]
        assert offered_names == ["Ana Souza", "Bruno Lima"]

        await type_text(pilot, "ana")
        assert [choice.label for choice in dialog.shown] == ["Ana Souza"]
        await pilot.press("enter")
        await settle(pilot)

        assert app.screen is screen
        assert basic(screen)["Responsável"] == "Ana Souza"
        assert status_line(screen) == "Atribuída a Ana Souza."
    assert store.get_interaction(people.admin, opened[1]).assignee_id == (
        people.admin.id
    )
    assert any("atribuída a você" in n.text for n in store.notifications(people.admin))


# -- answering ----------------------------------------------------------------


async def test_an_answer_reaches_the_customer_and_counts_as_first_response(
    make_app, signed_in, store, people, opened
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_detail(pilot, signed_in, people.agent, opened[1])
        await answer_with(pilot, "r", "Obrigado pelo elogio!")

        assert app.screen is screen
        assert basic(screen)["Situação"] == "Respondida"
        assert basic(screen)["Prazo"] == "respondida no prazo"
        assert status_line(screen) == (
            "Resposta enviada: a interação está Respondida e o cliente foi avisado."
        )
        assert "answer" not in offered(screen)
    seen = store.get_interaction(people.customer, opened[1])
    assert seen.status is Status.ANSWERED
    assert seen.first_response_at is not None
    assert [e.text for e in seen.timeline if e.kind is EventKind.ANSWERED] == [
        "Obrigado pelo elogio!"
    ]
    messages = [n.text for n in store.notifications(people.customer)]
    assert f"A interação {opened[1]} foi respondida." in messages


async def test_an_empty_answer_is_refused_in_the_dialog(
    make_app, signed_in, store, people, opened
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_detail(pilot, signed_in, people.agent, opened[1])
        await answer_with(pilot, "r", "")

        assert isinstance(app.screen, AnswerDialog)
        assert dialog_error(app, "#answer-error") == "Preencha o campo Resposta."
    assert store.get_interaction(people.agent, opened[1]).status is Status.ANALYSIS


async def test_a_refused_answer_keeps_its_text_even_after_closing_the_dialog(
    make_app, signed_in, store, people, opened
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_detail(pilot, signed_in, people.agent, opened[1])
        # Meanwhile someone else answers and the customer concludes it.
        store.answer(people.admin, opened[1], "Respondido por outra pessoa.")
        store.accept(people.customer, opened[1])

        await answer_with(pilot, "r", "Minha resposta")
        assert isinstance(app.screen, AnswerDialog)
        assert dialog_error(app, "#answer-error") == (
            "Esta interação está concluída; abra uma nova se precisar."
        )
        assert app.screen.query_one("#answer-text", TextArea).text == ("Minha resposta")

        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        await pilot.press("r")
        await settle(pilot)
        assert app.screen.query_one("#answer-text", TextArea).text == ("Minha resposta")


async def test_asking_for_information_pauses_the_deadline(
    make_app, signed_in, store, people, opened
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_detail(pilot, signed_in, people.agent, opened[2])
        await answer_with(pilot, "p", "Quais setores usam o relatório?")

        assert basic(screen)["Situação"] == "Aguardando cliente"
        assert basic(screen)["Prazo"] == "pausada"
        assert status_line(screen) == (
            "Pedido enviado: a interação está Aguardando cliente e o prazo "
            "está pausado."
        )
        assert "ask_customer" not in offered(screen)
        assert "answer" in offered(screen)
    seen = store.get_interaction(people.customer, opened[2])
    assert seen.status is Status.AWAITING_CUSTOMER
    assert seen.first_response_at is None
    assert store.deadline(seen).state is DeadlineState.PAUSED


# -- ready answers ------------------------------------------------------------


async def test_a_ready_answer_fills_the_answer(
    make_app, signed_in, store, people, opened
) -> None:
    store.save_canned_answer(
        people.admin, "Elogio", "Agradecemos o seu elogio; ele foi repassado à equipe."
    )
    store.save_canned_answer(people.admin, "Acesso", "Seu acesso foi liberado.")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_detail(pilot, signed_in, people.agent, opened[1])
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("ctrl+r")
        await pilot.pause()
        # Past the prompt and "Acesso": the second by title.
        await pilot.press("down", "down", "enter")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, AnswerDialog)
        area = dialog.query_one("#answer-text", TextArea)
        assert area.text == "Agradecemos o seu elogio; ele foi repassado à equipe."
        assert app.focused is area
        assert text(dialog.query_one("#answer-busy", Static)) == (
            'Resposta pronta "Elogio" usada.'
        )
        await pilot.press("ctrl+s")
        await settle(pilot)
    seen = store.get_interaction(people.customer, opened[1])
    assert seen.timeline[-1].text == (
        "Agradecemos o seu elogio; ele foi repassado à equipe."
    )


async def test_the_text_written_is_saved_as_a_ready_answer(
    make_app, signed_in, store, people, opened
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_detail(pilot, signed_in, people.agent, opened[1])
        await pilot.press("r")
        await settle(pilot)
        answer = app.screen
        assert answer.query_one("#canned", Select).disabled  # none kept yet
        await type_text(pilot, "Vamos agendar o treinamento.")
        await pilot.press("ctrl+g")
        await settle(pilot)
        assert isinstance(app.screen, PromptDialog)
        await type_text(pilot, "Treinamento")
        await pilot.press("enter")
        await settle(pilot)

        assert app.screen is answer
        assert text(answer.query_one("#answer-busy", Static)) == (
            'Resposta pronta "Treinamento" salva.'
        )
        canned = answer.query_one("#canned", Select)
        assert not canned.disabled
        # What was written stays, ready to send.
        assert answer.query_one("#answer-text", TextArea).text == (
            "Vamos agendar o treinamento."
        )
    kept = store.canned_answers(people.agent)
    assert [(a.title, a.text) for a in kept] == [
        ("Treinamento", "Vamos agendar o treinamento.")
    ]


# -- notes and forwards -------------------------------------------------------


async def test_an_internal_note_never_reaches_the_customer(
    make_app, signed_in, store, people, opened
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_detail(pilot, signed_in, people.agent, opened[1])
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, PromptDialog)
        await type_text(pilot, "Conferir com o consultor antes.")
        await pilot.press("ctrl+s")
        await settle(pilot)

        assert status_line(screen) == ("Nota interna adicionada; o cliente não a vê.")
        await pilot.press("4")
        await pilot.pause()
        assert "Nota interna: Conferir com o consultor antes." in history(screen)
    customer_view = store.get_interaction(people.customer, opened[1])
    assert all(e.kind is not EventKind.NOTE for e in customer_view.timeline)
    staff_view = store.get_interaction(people.agent, opened[1])
    assert staff_view.timeline[-1].kind is EventKind.NOTE


async def test_forwarding_keeps_the_route_in_the_timeline(
    make_app, signed_in, store, people, opened
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_detail(pilot, signed_in, people.agent, opened[1])

        # To an agent and a team.
        await pilot.press("f")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ForwardDialog)
        dialog.query_one("#forward-agent", Select).value = people.admin.id
        dialog.query_one("#forward-team", Input).value = "Suporte N2"
        dialog.query_one("#forward-note", TextArea).focus()
        await type_text(pilot, "Precisa de acesso ao servidor.")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        assert status_line(screen) == "Tramitada para Ana Souza (Suporte N2)."
        assert basic(screen)["Equipe"] == "Suporte N2"
        assert basic(screen)["Responsável"] == "Ana Souza"

        # Then to a team only.
        await pilot.press("f")
        await settle(pilot)
        app.screen.query_one("#forward-team", Input).value = "Desenvolvimento"
        app.screen.query_one("#forward-note", TextArea).focus()
        await type_text(pilot, "Erro no relatório.")
        await pilot.press("ctrl+s")
        await settle(pilot)

        await pilot.press("4")
        await pilot.pause()
        lines = history(screen)
        assert "Tramitada: a fila → Ana Souza (Suporte N2)" in lines
        assert "Despacho: Precisa de acesso ao servidor." in lines
        assert "Tramitada: Ana Souza (Suporte N2) → Desenvolvimento" in lines
    timeline = store.get_interaction(people.agent, opened[1]).timeline
    route = [e.data for e in timeline if e.kind is EventKind.FORWARDED]
    assert [(r["to_user"], r["to_team"]) for r in route] == [
        (people.admin.id, "Suporte N2"),
        (None, "Desenvolvimento"),
    ]
    # Forwards are the team's business: the customer never reads them.
    customer_view = store.get_interaction(people.customer, opened[1])
    assert all(e.kind is not EventKind.FORWARDED for e in customer_view.timeline)


async def test_a_forward_without_a_note_is_refused_and_keeps_the_choice(
    make_app, signed_in, store, people, opened
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_detail(pilot, signed_in, people.agent, opened[1])
        await pilot.press("f")
        await settle(pilot)
        app.screen.query_one("#forward-team", Input).value = "Suporte N2"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ForwardDialog)
        assert dialog_error(app, "#forward-error") == "Preencha o campo Despacho."
        assert app.focused is app.screen.query_one("#forward-note")

        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        await pilot.press("f")
        await settle(pilot)
        assert app.screen.query_one("#forward-team", Input).value == "Suporte N2"
    timeline = store.get_interaction(people.agent, opened[1]).timeline
    assert all(e.kind is not EventKind.FORWARDED for e in timeline)


async def test_a_concluded_interaction_offers_only_the_note(
    make_app, signed_in, store, people, opened
) -> None:
    store.accept(people.customer, opened[0])
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_detail(pilot, signed_in, people.agent, opened[0])
        staff_keys = {"take", "assign", "answer", "ask_customer", "note", "forward"}
        assert offered(screen) & staff_keys == {"note"}


# -- snapshots ----------------------------------------------------------------


def test_snapshot_staff_basic_tab(
    snap_compare, make_app, signed_in, store, people
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
    store.assign(people.admin, night.protocol, people.agent.id)
    store.clock = lambda: datetime(2026, 3, 11, 0, 30, tzinfo=SAO_PAULO)

    async def run_before(pilot: Any) -> None:
        await open_detail(pilot, signed_in, people.agent, night.protocol)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run_before)


def test_snapshot_answer_dialog(
    snap_compare, make_app, signed_in, store, people, opened
) -> None:
    store.save_canned_answer(people.admin, "Elogio", "Agradecemos o seu elogio.")

    async def run_before(pilot: Any) -> None:
        await open_detail(pilot, signed_in, people.agent, opened[1])
        await pilot.press("r")
        await settle(pilot)
        await type_text(pilot, "Obrigado pelo retorno!")

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run_before)


def test_snapshot_forward_dialog(
    snap_compare, make_app, signed_in, store, people, opened
) -> None:
    async def run_before(pilot: Any) -> None:
        await open_detail(pilot, signed_in, people.agent, opened[1])
        await pilot.press("f")
        await settle(pilot)
        app = pilot.app
        app.screen.query_one("#forward-team", Input).value = "Suporte N2"
        app.screen.query_one("#forward-note", TextArea).focus()
        await type_text(pilot, "Precisa de acesso ao servidor.")

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run_before)
