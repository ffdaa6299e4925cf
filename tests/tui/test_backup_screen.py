"""Backup do sistema by keyboard: the entry, a run, the schedule, the list.

These tests use a store of their own whose files are the same bytes in
every run (no salted password hashes, no session tokens, attachment ids from
a counter), so that the snapshots show the same sizes every time; people
enter the console without a password, as ``signed_in`` would after a login.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from tests_tui_support import type_text
from textual.widgets import Checkbox, DataTable, Input, ProgressBar, RichLog, Static

from data.backup import Backups
from data.deadlines import SAO_PAULO
from data.errors import PermissionDenied
from data.helpdesk import Helpdesk
from data.models import Category, Kind, Organisation, Permission, Product, Role, User
from data.store import Draft
from screens.backup import BackupScreen, ConfirmRestore, FolderDialog, current_job
from tui.app import SacApp
from tui.config import Config

Pilot = Any
START = datetime(2026, 3, 10, 10, 0, tzinfo=SAO_PAULO)  # as in conftest.py
ADMIN, CUSTOMER, AGENT = 1, 2, 3


@pytest.fixture
def desk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Helpdesk:
    """An administrator, a customer, an agent and three interactions."""
    counter = iter(range(1, 10_000))
    monkeypatch.setattr(uuid, "uuid4", lambda: uuid.UUID(int=next(counter)))
    monkeypatch.setenv("HOME", str(tmp_path))
    store = Helpdesk(tmp_path / "data", clock=lambda: START)
    repository = store.repository
    repository.put_organisation(
        Organisation(
            1,
            "Prefeitura de Santos",
            START,
            products=[Product("GPE", "Gestão de Processos Eletrônicos")],
            domains=["santos.sp.gov.br"],
        )
    )
    for user in (
        User(ADMIN, "Ana Souza", "ana@backsite.com.br", Role.ADMIN, START),
        User(
            CUSTOMER,
            "Carla Dias",
            "carla@santos.sp.gov.br",
            Role.CUSTOMER,
            START,
            organisation_id=1,
        ),
        User(AGENT, "Bruno Lima", "bruno@backsite.com.br", Role.AGENT, START),
    ):
        repository.put_user(user)
    attachment = tmp_path / "log-de-erro.txt"
    attachment.write_text("ERRO Remessas digitais: tempo esgotado\n" * 30)
    customer = repository.get_user(CUSTOMER)
    for number, kind in enumerate((Kind.REQUEST, Kind.COMPLAINT, Kind.SUGGESTION)):
        store.create_interaction(
            customer,
            Draft(
                Category.SAC,
                kind,
                f"Remessas do GPE, caso {number + 1}",
                "O GPE não abre as remessas digitais desde a atualização.",
                attachments=[attachment],
            ),
        )
    return store


def console(store: Helpdesk) -> SacApp:
    return SacApp(store, clock=lambda: START, config=Config())


def person(store: Helpdesk, user_id: int) -> User:
    return store.repository.get_user(user_id).public()


def enter_as(store: Helpdesk, user_id: int) -> Callable[[Pilot], Awaitable[None]]:
    async def run_before(pilot: Pilot) -> None:
        pilot.app.signed_in(person(store, user_id), "")
        await settle(pilot)

    return run_before


async def settle(pilot: Pilot) -> None:
    """Let every worker finish and every message be handled."""
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def open_backup(pilot: Pilot, store: Helpdesk, user_id: int) -> BackupScreen:
    await enter_as(store, user_id)(pilot)
    await pilot.press("ctrl+b")
    await settle(pilot)
    assert isinstance(pilot.app.screen, BackupScreen)
    return pilot.app.screen


def text_of(app: SacApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def log_lines(app: SacApp) -> list[str]:
    return [strip.text for strip in app.screen.query_one("#job-log", RichLog).lines]


# -- who sees it ------------------------------------------------------------------


async def test_only_admins_and_people_granted_backup_see_the_entry(
    desk: Helpdesk,
) -> None:
    async def sees_it(user_id: int) -> bool:
        app = console(desk)
        async with app.run_test(size=(80, 24)) as pilot:
            await enter_as(desk, user_id)(pilot)
            binding = app.screen.active_bindings.get("ctrl+b")
            shown = binding is not None and binding.enabled
            await pilot.press("ctrl+b")
            await settle(pilot)
            assert isinstance(app.screen, BackupScreen) is shown
            return shown

    assert not await sees_it(CUSTOMER)
    assert not await sees_it(AGENT)
    assert await sees_it(ADMIN)
    desk.grant(person(desk, ADMIN), AGENT, Permission.BACKUP)
    assert await sees_it(AGENT)


async def test_a_customer_who_reaches_the_screen_is_refused(desk: Helpdesk) -> None:
    app = console(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await enter_as(desk, CUSTOMER)(pilot)
        await app.push_screen(BackupScreen())
        await settle(pilot)
        await pilot.press("b", "i", "t")
        await settle(pilot)

        assert "permissão de backup" in text_of(app, "#refused")
        assert current_job(app) is None
    assert Backups(desk).list() == []
    with pytest.raises(PermissionDenied):
        Backups(desk).run(person(desk, CUSTOMER), "full")


# -- a run ----------------------------------------------------------------------------


async def test_back_up_now_shows_each_step_the_bar_and_the_summary(
    desk: Helpdesk,
) -> None:
    app = console(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_backup(pilot, desk, ADMIN)
        assert "Nenhum backup foi feito ainda." in text_of(app, "#last-backup")
        await pilot.press("b")
        await settle(pilot)

        lines = log_lines(app)
        assert lines[0] == "10:00:00 Backup completo do sistema"
        assert (
            "10:00:00 Backup das tabelas concluído, indo para o próximo passo..."
            in (lines)
        )
        bar = screen.query_one("#job-bar", ProgressBar)
        assert bar.total and bar.progress == bar.total
        summary = text_of(app, "#job-summary").splitlines()
        archive = Backups(desk).list()[0]
        assert summary[0] == f"Backup {archive.id} finalizado com sucesso."
        assert summary[1].startswith("Foi feito o backup de ")
        assert summary[3] == "Foi feito o backup de 3 arquivos da pasta datafiles."
        assert summary[4].startswith("Total do backup gerado: ")
        assert summary[5] == f"Arquivo compactado: ~/data/backups/{archive.path.name}"
        assert screen.query_one("#backup-table", DataTable).row_count == 1
        assert "Último backup: 10/03/2026 10:00 (completo" in text_of(
            app, "#last-backup"
        )


async def test_the_backup_goes_on_when_the_screen_is_left_and_comes_back(
    desk: Helpdesk, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = threading.Event()
    real_run = Backups.run

    def held_run(self: Backups, actor: User, kind: str, progress: Any) -> Any:
        progress("Esperando a vez...", 1, 10)
        assert gate.wait(30)
        return real_run(self, actor, kind, progress)

    monkeypatch.setattr(Backups, "run", held_run)
    app = console(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        try:
            await leave_and_come_back(pilot, gate)
        finally:
            gate.set()


async def leave_and_come_back(pilot: Pilot, gate: threading.Event) -> None:
    app = pilot.app
    await open_backup(pilot, app.store, ADMIN)
    await pilot.press("b")
    await pilot.pause(0.3)
    assert "10:00:00 Esperando a vez..." in log_lines(app)

    await pilot.press("escape")
    await pilot.pause()
    assert not isinstance(app.screen, BackupScreen)
    job = current_job(app)
    assert job is not None and job.running

    await pilot.press("ctrl+b")
    await pilot.pause(0.3)
    assert isinstance(app.screen, BackupScreen)
    assert "10:00:00 Esperando a vez..." in log_lines(app)
    assert app.screen.query_one("#job-bar", ProgressBar).progress == 1
    # While it runs, a second backup waits its turn.
    assert app.screen.query_one("#full").disabled
    await pilot.press("b")
    assert current_job(app) is job

    gate.set()
    await settle(pilot)
    assert not job.running
    assert "Total do backup gerado:" in text_of(app, "#job-summary")
    assert not app.screen.query_one("#full").disabled


async def test_the_archive_is_copied_to_a_chosen_folder(
    desk: Helpdesk, tmp_path: Path
) -> None:
    pendrive = tmp_path / "pendrive"
    pendrive.mkdir()
    app = console(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_backup(pilot, desk, ADMIN)
        await pilot.press("b")
        await settle(pilot)

        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, FolderDialog)
        field = app.screen.query_one("#folder", Input)
        field.value = str(tmp_path / "nao-existe")
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert isinstance(app.screen, FolderDialog)
        assert "não existe" in str(app.screen.query_one("FieldError").render())

        field.value = str(pendrive)
        await pilot.press("enter")
        await settle(pilot)

        assert len(list(pendrive.glob("sac-backup-*.tar.gz"))) == 1
        assert "Copiado para:" in text_of(app, "#job-summary")


async def test_a_failed_backup_is_told_in_words(
    desk: Helpdesk, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full_disk(*args: object) -> None:
        raise OSError(28, "No space left on device")

    import data.backup

    monkeypatch.setattr(data.backup.shutil, "copyfileobj", full_disk)
    app = console(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_backup(pilot, desk, ADMIN)
        await pilot.press("b")
        await settle(pilot)

        summary = screen.query_one("#job-summary", Static)
        assert "o disco está cheio" in str(summary.render())
        assert summary.has_class("-error")
        assert screen.query_one("#backup-table", DataTable).row_count == 0


# -- the schedule -----------------------------------------------------------------


async def edit_schedule(pilot: Pilot) -> None:
    """Monday, Wednesday and Friday at 21:30, full on Friday, then Ctrl+S."""
    screen = pilot.app.screen
    await pilot.press("t")
    await pilot.pause()
    assert pilot.app.focused is screen.query_one("#every-day", Checkbox)
    await pilot.press("space")  # "every day" off: every day unticked
    for day in ("#day-1", "#day-3", "#full-5"):
        screen.query_one(day, Checkbox).focus()
        await pilot.press("space")
    hour = screen.query_one("#hour", Input)
    hour.value = ""
    hour.focus()
    await type_text(pilot, "21:30")
    await pilot.press("ctrl+s")
    await settle(pilot)


async def test_the_schedule_is_edited_and_kept_in_the_store(desk: Helpdesk) -> None:
    app = console(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_backup(pilot, desk, ADMIN)
        assert screen.query_one("#every-day", Checkbox).value
        await edit_schedule(pilot)

        schedule = Backups(desk).schedule()
        assert schedule.days == {1, 3, 5}
        assert schedule.full_days == {5}
        assert (schedule.hour, schedule.minute) == (21, 30)
        assert not screen.query_one("#every-day", Checkbox).value
        assert screen.query_one("#day-5", Checkbox).value  # a full day is a day
        assert "Agendamento salvo: Segunda, Quarta, Sexta às 21:30" in text_of(
            app, "#schedule-status"
        )


async def test_a_wrong_time_is_refused_under_its_field_and_nothing_is_saved(
    desk: Helpdesk,
) -> None:
    app = console(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_backup(pilot, desk, ADMIN)
        await pilot.press("t")
        hour = screen.query_one("#hour", Input)
        hour.value = ""
        hour.focus()
        await type_text(pilot, "25:00")
        await pilot.press("ctrl+s")
        await settle(pilot)

        assert "HH:MM" in str(screen.query_one("#field-hour FieldError").render())
        assert hour.value == "25:00"
    assert Backups(desk).schedule().hour == 23


# -- earlier backups --------------------------------------------------------------


async def test_an_earlier_backup_is_verified_and_restored_into_a_new_folder(
    desk: Helpdesk, tmp_path: Path
) -> None:
    admin = person(desk, ADMIN)
    made = Backups(desk).run(admin, "full")
    busy = tmp_path / "ocupada"
    busy.mkdir()
    (busy / "algo.txt").write_text("já tem coisa")
    target = tmp_path / "restaurada"
    app = console(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_backup(pilot, desk, ADMIN)
        await pilot.press("t", "t")
        await settle(pilot)
        assert app.focused is screen.query_one("#backup-table", DataTable)
        assert made.id in text_of(app, "#list-status")

        await pilot.press("v")
        await settle(pilot)
        assert "nenhum problema encontrado" in text_of(app, "#job-summary")

        await pilot.press("t", "t", "r")
        await pilot.pause()
        assert isinstance(app.screen, FolderDialog)
        field = app.screen.query_one("#folder", Input)
        field.value = str(busy)
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert "não está vazia" in str(app.screen.query_one("FieldError").render())

        field.value = str(target)
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert isinstance(app.screen, ConfirmRestore)
        await pilot.press("enter")  # the safe answer has the focus: nothing
        await pilot.pause()
        assert not target.exists()

        await pilot.press("r")
        await pilot.pause()
        app.screen.query_one("#folder", Input).value = str(target)
        await pilot.press("enter")
        await pilot.pause(0.2)
        await pilot.press("right", "enter")
        await settle(pilot)

        assert "restaurado em ~/restaurada" in text_of(app, "#job-summary")
    restored = Helpdesk(target)
    assert restored.get_interaction(admin, 2) == desk.get_interaction(admin, 2)


# -- snapshots ------------------------------------------------------------------------


def test_backup_run_snapshot(snap_compare, desk: Helpdesk) -> None:
    async def run_before(pilot: Pilot) -> None:
        await open_backup(pilot, desk, ADMIN)
        await pilot.press("b")
        await settle(pilot)

    assert snap_compare(console(desk), terminal_size=(80, 24), run_before=run_before)


def test_backup_schedule_snapshot(snap_compare, desk: Helpdesk) -> None:
    async def run_before(pilot: Pilot) -> None:
        await open_backup(pilot, desk, ADMIN)
        await edit_schedule(pilot)
        pilot.app.screen.set_focus(None)
        await pilot.pause()

    assert snap_compare(console(desk), terminal_size=(80, 24), run_before=run_before)


def test_backup_refused_snapshot(snap_compare, desk: Helpdesk) -> None:
    async def run_before(pilot: Pilot) -> None:
        await enter_as(desk, CUSTOMER)(pilot)
        await pilot.app.push_screen(BackupScreen())
        await settle(pilot)

    assert snap_compare(console(desk), terminal_size=(80, 24), run_before=run_before)
