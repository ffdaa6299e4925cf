"""The support team's queue: order, counts, filters, search, boxes, on behalf."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any

import pytest
from conftest import PASSWORD, START
from tests_tui_support import type_text
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Select, Static
from textual.worker import WorkerState

from data.deadlines import SAO_PAULO
from data.helpdesk import Helpdesk
from data.models import Category, EventKind, Kind, Severity, Status
from data.store import Box, Draft, Query
from screens.login import LoginScreen
from screens.new_interaction import NewInteractionScreen
from screens.queue import QueueScreen, StaffBoxesScreen, counts_line, short_name
from screens.staff_detail import StaffDetailScreen
from screens.staff_dialogs import AnswerDialog, ChooseDialog
from tui.config import Config

# -- the store ------------------------------------------------------------------


def open_at(store: Helpdesk, at: datetime, author: Any, draft: Draft) -> int:
    """Open ``draft`` as if at ``at``; the store's clock goes back to START."""
    store.clock = lambda: at
    try:
        return store.create_interaction(author, draft).protocol
    finally:
        store.clock = lambda: START


@pytest.fixture
def queue(store: Helpdesk, people: Any, opened: list[int]) -> dict[str, int]:
    """A critical one opened at night (late now), a medium one, a SAC request.

    With ``opened``: a critical one answered on time, a compliment and a
    suggestion, both in Análise.
    """
    night = datetime(2026, 3, 10, 5, 0, tzinfo=SAO_PAULO)
    late = open_at(
        store,
        night,
        people.customer,
        Draft(
            Category.SUPPORT,
            Kind.COMPLAINT,
            "Remessas paradas no setor de protocolo",
            "Nenhuma remessa sai do setor de protocolo desde a madrugada.",
            severity=Severity.CRITICAL,
        ),
    )
    medium = open_at(
        store,
        START - timedelta(hours=1),
        people.other,
        Draft(
            Category.SUPPORT,
            Kind.COMPLAINT,
            "Relatório lento",
            "O relatório de processos parados demora muitos minutos.",
            severity=Severity.MEDIUM,
        ),
    )
    store.assign(people.admin, medium, people.agent.id)
    return {"late": late, "medium": medium}


# -- helpers --------------------------------------------------------------------


async def settle(pilot: Any) -> None:
    """Wait for the store calls; a worker waiting on a dialog goes on waiting."""
    app = pilot.app
    waiting = ("detail-action", "queue-on-behalf", "boxes-on-behalf")
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


async def open_queue(pilot: Any, signed_in: Any, user: Any) -> QueueScreen:
    await signed_in(user)(pilot)
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, QueueScreen)
    return screen


def shown(screen: Any) -> list[int]:
    return [row.protocol for row in screen.rows]


def text(widget: Static) -> str:
    return str(widget.render())


async def choose(pilot: Any, screen: QueueScreen, name: str, value: Any) -> None:
    screen.query_one(f"#queue-{name}", Select).value = value
    await settle(pilot)


# -- what the queue shows ---------------------------------------------------------


async def test_staff_land_on_the_queue_late_first_with_the_counts(
    make_app, signed_in, people, opened, queue
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_queue(pilot, signed_in, people.agent)

        # Late first; then by how soon the deadline runs out; the answered
        # one (deadline met) last.
        assert shown(screen) == [
            queue["late"],
            queue["medium"],
            opened[1],
            opened[2],
            opened[0],
        ]
        assert text(screen.query_one("#queue-counts", Static)) == (
            "Crítica: 1 atrasada"
        )
        table = screen.query_one(DataTable)
        first = table.get_row_at(0)
        # Opened at 05:00: critical out of business hours, flagged.
        assert str(first[0]) == f"⚠ {queue['late']}"
        assert str(first[1]) == "Crítica"
        assert str(first[3]) == "Pref. Santos"
        assert str(first[4]).startswith("atrasada há")
        assert str(table.get_row_at(1)[0]) == str(queue["medium"])
        row = text(screen.query_one("#queue-row", Static))
        assert row.splitlines() == [
            "⚠ aberta fora do horário comercial · "
            "Remessas paradas no setor de protocolo",
            "1 de 5 · Análise · sem responsável · Suporte/Reclamação"
            " · Prefeitura de Santos · 10/03/2026 05:00",
        ]


async def test_plain_glyphs_flag_with_an_exclamation_mark(
    make_app, signed_in, people, queue
) -> None:
    app = make_app(config=Config(glyphs=False))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_queue(pilot, signed_in, people.agent)
        assert str(screen.query_one(DataTable).get_row_at(0)[0]) == (
            f"! {queue['late']}"
        )


async def test_customers_still_land_on_their_list(make_app, signed_in, people) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await signed_in(people.customer)(pilot)
        assert not isinstance(app.screen, QueueScreen)


def test_counts_name_every_severity_with_something_late_or_due() -> None:
    from data.store import QueueCounts

    counts = QueueCounts(
        late={"critical": 2, "": 1}, due_soon={"critical": 1, "medium": 3}
    )
    assert counts_line(counts).plain == (
        "Crítica: 2 atrasadas · 1 vence logo │ Média: 3 vencem logo │ "
        "Outras: 1 atrasada"
    )
    assert counts_line(QueueCounts({}, {})).plain == (
        "Nenhuma interação atrasada ou vencendo logo."
    )


def test_counts_too_wide_for_the_line_are_grouped_by_state() -> None:
    from data.store import QueueCounts

    counts = QueueCounts(late={"critical": 4, "medium": 4, "": 11}, due_soon={"": 1})
    by_severity = (
        "Crítica: 4 atrasadas │ Média: 4 atrasadas │ "
        "Outras: 11 atrasadas · 1 vence logo"
    )
    assert counts_line(counts, width=len(by_severity)).plain == by_severity
    # 79 cells: one more than the line has at 80 columns.
    assert counts_line(counts, width=78).plain == (
        "Atrasadas: 4 críticas, 4 médias, 11 outras · Vencem logo: 1 outra"
    )


async def test_the_counts_keep_to_one_line_at_80_columns_and_regroup_when_wider(
    make_app, signed_in, people, opened, queue, monkeypatch
) -> None:
    from data.store import QueueCounts

    many = QueueCounts(late={"critical": 4, "medium": 4, "": 11}, due_soon={"": 1})
    app = make_app()
    monkeypatch.setattr(app.store, "queue_counts", lambda *args, **kwargs: many)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_queue(pilot, signed_in, people.agent)
        counts = screen.query_one("#queue-counts", Static)
        assert text(counts).startswith("Atrasadas: 4 críticas")
        assert counts.size.height == 1

        await pilot.resize_terminal(120, 30)
        await settle(pilot)
        assert text(counts).startswith("Crítica: 4 atrasadas │")


def test_organisation_names_are_shortened_recognisably() -> None:
    assert short_name("Prefeitura Municipal de Santos", 12) == "Pref. Santos"
    assert short_name("Univesp - Universidade Virtual do Estado", 12) == "Univesp"
    assert short_name("Porto Vivo Logística Ltda.", 12) == "Porto Vivo…"
    assert short_name("Prefeitura de Santos", 12) == "Pref. Santos"
    assert short_name("Câmara Municipal de São Vicente", 20) == "Câm. São Vicente"


# -- filters and search -----------------------------------------------------------


async def test_m_shows_mine_and_u_the_unassigned(
    make_app, signed_in, people, opened, queue
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_queue(pilot, signed_in, people.agent)

        await pilot.press("m")
        await settle(pilot)
        # The answered one became the agent's by answering it.
        assert shown(screen) == [queue["medium"], opened[0]]

        await pilot.press("u")
        await settle(pilot)
        assert shown(screen) == [queue["late"], opened[1], opened[2]]

        await pilot.press("u")  # again: everyone's
        await settle(pilot)
        assert len(shown(screen)) == 5
        # The counts stay those of the whole queue.
        assert text(screen.query_one("#queue-counts", Static)) == (
            "Crítica: 1 atrasada"
        )


async def test_filter_by_severity_category_and_organisation(
    make_app, signed_in, store, people, opened, queue
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_queue(pilot, signed_in, people.agent)

        await choose(pilot, screen, "severity", Severity.CRITICAL.value)
        assert shown(screen) == [queue["late"], opened[0]]

        await choose(pilot, screen, "severity", Select.NULL)
        await choose(pilot, screen, "category", Category.SAC.value)
        assert shown(screen) == [opened[1], opened[2]]

        await choose(pilot, screen, "category", Select.NULL)
        organisation = str(people.other.organisation_id)
        await choose(pilot, screen, "organisation", organisation)
        assert shown(screen) == [queue["medium"]]

        await pilot.press("c")
        await settle(pilot)
        assert len(shown(screen)) == 5
        assert screen.query_one("#queue-organisation", Select).value is Select.NULL


async def test_filter_by_kind_and_status(
    make_app, signed_in, people, opened, queue
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_queue(pilot, signed_in, people.agent)
        await choose(pilot, screen, "kind", Kind.COMPLIMENT.value)
        assert shown(screen) == [opened[1]]
        await choose(pilot, screen, "kind", Select.NULL)
        await choose(pilot, screen, "status", Status.ANSWERED.value)
        assert shown(screen) == [opened[0]]


async def test_slash_searches_ignoring_accents_and_esc_clears(
    make_app, signed_in, people, opened, queue
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_queue(pilot, signed_in, people.agent)
        await pilot.press("slash")
        assert app.focused.id == "queue-search"
        await type_text(pilot, "relatorio")
        await pilot.press("enter")
        await settle(pilot)
        assert shown(screen) == [queue["medium"], opened[2]]
        assert app.focused is screen.query_one(DataTable)

        await pilot.press("escape")
        await settle(pilot)
        assert len(shown(screen)) == 5
        assert screen.query_one("#queue-search", Input).value == ""


async def test_the_next_page_loads_at_the_end(
    make_app, signed_in, store, people, monkeypatch
) -> None:
    import screens.queue as module

    for number in range(7):
        store.create_interaction(
            people.customer,
            Draft(Category.SAC, Kind.REQUEST, f"Pedido {number}", "Um pedido."),
        )
    monkeypatch.setattr(module, "PAGE_SIZE", 3)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_queue(pilot, signed_in, people.agent)
        assert len(screen.rows) == 3 and screen.total == 7
        await pilot.press("G")
        await settle(pilot)
        assert len(screen.rows) == 6
        await pilot.press("G")
        await settle(pilot)
        assert len(screen.rows) == 7
        await pilot.press("g")
        assert screen.current_protocol() == screen.rows[0].protocol


# -- going places -----------------------------------------------------------------


async def test_enter_opens_the_teams_detail_and_esc_comes_back_refreshed(
    make_app, signed_in, store, people, opened, queue
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_queue(pilot, signed_in, people.agent)
        await pilot.press("j")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, StaffDetailScreen)
        assert app.screen.protocol == queue["medium"]

        store.answer(people.agent, queue["medium"], "Já otimizamos o relatório.")
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        # Answered on time, it moved to the end, where the cursor follows it.
        assert shown(screen)[-2:] == [opened[0], queue["medium"]] or shown(screen)[
            -2:
        ] == [queue["medium"], opened[0]]
        assert screen.current_protocol() == queue["medium"]


async def test_l_shows_received_and_sent_and_comes_back(
    make_app, signed_in, store, people, opened
) -> None:
    sent = store.create_interaction(
        people.agent,
        Draft(
            Category.SAC,
            Kind.REQUEST,
            "Agendar reunião de levantamento",
            "Vamos marcar a reunião de levantamento de requisitos.",
            towards_organisation=people.customer.organisation_id,
        ),
    )
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        queue_screen = await open_queue(pilot, signed_in, people.agent)
        await pilot.press("l")
        await settle(pilot)
        boxes = app.screen
        assert isinstance(boxes, StaffBoxesScreen)
        assert boxes.box is Box.RECEIVED
        assert sorted(row.protocol for row in boxes.rows) == sorted(opened)

        await pilot.press("t")
        await settle(pilot)
        assert [row.protocol for row in boxes.rows] == [sent.protocol]
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, StaffDetailScreen)

        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is queue_screen


async def test_a_notification_opens_the_teams_detail_and_admins_reach_the_backup(
    make_app, signed_in, people, queue
) -> None:
    from screens.backup import BackupScreen
    from screens.notifications import NotificationsScreen

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_queue(pilot, signed_in, people.agent)
        backup = app.screen.active_bindings.get("ctrl+b")
        assert backup is None or not backup.enabled
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, NotificationsScreen)
        # "Interaction N was assigned to you."
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, StaffDetailScreen)
        assert app.screen.protocol == queue["medium"]

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_queue(pilot, signed_in, people.admin)
        await pilot.press("ctrl+b")
        await settle(pilot)
        assert isinstance(app.screen, BackupScreen)


async def test_ctrl_a_opens_the_administration_for_admins_only(
    make_app, signed_in, people
) -> None:
    from screens.admin import AdminScreen

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        queue_screen = await open_queue(pilot, signed_in, people.agent)
        await pilot.press("ctrl+a")
        await settle(pilot)
        assert app.screen is queue_screen

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_queue(pilot, signed_in, people.admin)
        await pilot.press("ctrl+a")
        await settle(pilot)
        assert isinstance(app.screen, AdminScreen)


# -- on behalf ----------------------------------------------------------------------


async def choose_whom(pilot: Any, typed: str) -> ChooseDialog:
    await pilot.press("o")
    await settle(pilot)
    dialog = pilot.app.screen
    assert isinstance(dialog, ChooseDialog)
    await type_text(pilot, typed)
    return dialog


async def write_request(pilot: Any, subject: str, description: str) -> None:
    """Step 1 as it comes (SAC, Solicitação), then step 2 and send."""
    await pilot.press("ctrl+s")
    await pilot.pause()
    await type_text(pilot, subject)
    await pilot.press("tab")
    await type_text(pilot, description)
    await pilot.press("ctrl+s")
    await settle(pilot)


async def test_recorded_on_behalf_the_customer_is_the_author(
    make_app, signed_in, store, people
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_queue(pilot, signed_in, people.agent)
        dialog = await choose_whom(pilot, "carla")
        assert [choice.label for choice in dialog.shown] == ["Carla Dias"]
        await pilot.press("enter")
        await settle(pilot)

        form = app.screen
        assert isinstance(form, NewInteractionScreen)
        assert text(form.query_one("#row-for .form-label")) == "Em nome de"
        assert text(form.query_one("#for-whom", Static)) == (
            "Carla Dias · Prefeitura de Santos"
        )
        await write_request(
            pilot, "Liberar acesso ao GPE", "A cliente ligou pedindo acesso novo."
        )
        assert isinstance(app.screen, StaffDetailScreen)
        protocol = app.screen.protocol

    recorded = store.get_interaction(people.agent, protocol)
    assert recorded.author_id == people.customer.id
    assert recorded.organisation_id == people.customer.organisation_id
    on_behalf = [e for e in recorded.timeline if e.kind is EventKind.RECORDED_ON_BEHALF]
    assert [(e.actor_id, e.data["customer_id"]) for e in on_behalf] == [
        (people.agent.id, people.customer.id)
    ]
    # The customer finds it among their own.
    page = store.list_interactions(people.customer, Query(box=Box.SENT))
    assert protocol in [row.protocol for row in page.rows]


async def test_opened_towards_an_organisation_lands_in_its_received(
    make_app, signed_in, store, people
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_queue(pilot, signed_in, people.agent)
        dialog = await choose_whom(pilot, "camara")
        # The organisation, and its people (Otávio) under customers.
        labels = [choice.label for choice in dialog.shown]
        assert labels == ["Otávio Reis", "Câmara de São Vicente"]
        await pilot.press("down", "enter")
        await settle(pilot)

        form = app.screen
        assert isinstance(form, NewInteractionScreen)
        assert text(form.query_one("#row-for .form-label")) == "Para"
        assert text(form.query_one("#for-whom", Static)) == "Câmara de São Vicente"
        await write_request(
            pilot,
            "Agendar reunião de levantamento",
            "Vamos marcar a reunião de levantamento de requisitos.",
        )
        assert isinstance(app.screen, StaffDetailScreen)

    page = store.list_interactions(people.other, Query(box=Box.RECEIVED))
    assert [row.subject for row in page.rows] == ["Agendar reunião de levantamento"]
    assert any("Nova interação" in n.text for n in store.notifications(people.other))


async def test_esc_in_the_choice_opens_nothing(make_app, signed_in, people) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_queue(pilot, signed_in, people.agent)
        await choose_whom(pilot, "zzz")
        assert text(app.screen.query_one("#choose-count", Static)) == (
            "Nada corresponde ao que foi digitado."
        )
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen


# -- the newcomer -------------------------------------------------------------------


async def test_a_newcomer_finds_the_most_urgent_answers_it_and_the_customer_sees_it(
    make_app, store, people, opened, queue
) -> None:
    """By keyboard alone, from the login screen to the customer's side."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        assert isinstance(app.screen, LoginScreen)
        await type_text(pilot, people.agent.email)
        await pilot.press("enter")
        await type_text(pilot, PASSWORD)
        await pilot.press("enter")
        await settle(pilot)

        screen = app.screen
        assert isinstance(screen, QueueScreen)
        assert screen.current_protocol() == queue["late"]  # the first row
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, StaffDetailScreen)

        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, AnswerDialog)
        await type_text(pilot, "Reiniciamos o serviço de remessas; já funciona.")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, StaffDetailScreen)

        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        assert screen.rows[0].protocol != queue["late"]

    seen = store.get_interaction(people.customer, queue["late"])
    assert seen.status is Status.ANSWERED
    assert seen.timeline[-1].text == "Reiniciamos o serviço de remessas; já funciona."
    messages = [n.text for n in store.notifications(people.customer)]
    assert f"A interação {queue['late']} foi respondida." in messages


# -- snapshots ------------------------------------------------------------------------


def test_snapshot_queue(snap_compare, make_app, signed_in, people, opened, queue):
    assert snap_compare(
        make_app(), terminal_size=(80, 24), run_before=signed_in(people.agent)
    )


def test_snapshot_choose_on_behalf(
    snap_compare, make_app, signed_in, people, opened, queue
):
    async def run_before(pilot: Any) -> None:
        await signed_in(people.agent)(pilot)
        await pilot.press("o")
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run_before)


def test_snapshot_form_on_behalf(snap_compare, make_app, signed_in, people, queue):
    async def run_before(pilot: Any) -> None:
        await signed_in(people.agent)(pilot)
        await choose_whom(pilot, "carla")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("ctrl+s")  # on to step 2
        await settle(pilot)
        await type_text(pilot, "Liberar acesso ao GPE")

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run_before)


async def test_names_with_brackets_are_shown_as_written(
    make_app, signed_in, store, people, opened
) -> None:
    consortium = store.create_organisation(people.admin, name="Consórcio [Litoral] Sul")
    app = make_app()
    async with app.run_test(size=(120, 24)) as pilot:
        screen = await open_queue(pilot, signed_in, people.agent)
        await choose(pilot, screen, "organisation", str(consortium.id))
        select = screen.query_one("#queue-organisation", Select)
        shown_label = select.query_one("#label", Static)
        assert text(shown_label).startswith("Consórcio [Litoral] Sul")
