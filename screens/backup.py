"""Backup do sistema: the schedule, a backup made now, and earlier backups.

An administrator, or someone granted the backup permission, comes here from
the interaction list (Ctrl+B). Three tabs:

- Fazer backup: b makes a full backup, i an incremental one; each step shows
  in a log as it happens, under a progress bar, and at the end a summary
  (tables, records, files, total size, the archive's path); c copies the
  archive to another folder. Verifying, restoring and copying show their
  progress here too.
- Agendamento: the days of the week, the time, the days whose backup is
  full, and the folder the archives go to; Ctrl+S saves.
- Backups anteriores: every archive, with v to verify it and r to restore
  it into a new folder.

The work runs in a thread owned by the application, not by this screen, so
the person can go back to the list and return to find the log still moving.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import (
    Button,
    Checkbox,
    DataTable,
    Footer,
    Input,
    Label,
    ProgressBar,
    RichLog,
    Static,
    TabbedContent,
    TabPane,
)

from data.backup import (
    WEEKDAYS,
    BackupInfo,
    BackupResult,
    Backups,
    RestoreReport,
    Schedule,
    VerifyReport,
    count_words,
    kind_label,
    may_back_up,
    weekday_name,
)
from data.errors import SacError, ValidationError
from data.i18n import _
from data.words import natural_size
from widgets.fields import LabelledInput
from widgets.header import AppHeader

log = logging.getLogger("sac.tui")

_JOBS: WeakKeyDictionary[App[Any], BackupJob] = WeakKeyDictionary()


def home_relative(path: Path) -> str:
    """A path with the home folder written "~", shorter on an 80-column screen."""
    try:
        return f"~/{Path(path).relative_to(Path.home())}"
    except ValueError:
        return str(path)


# -- the work, owned by the application -----------------------------------------


class BackupJob:
    """A backup, verify, restore or copy running in a thread of the application.

    It keeps its log lines and progress so that any screen can show them, and
    tells the screens watching it when something changed.

    Args:
        kind: "backup", "verify", "restore" or "copy".
        title: what is being done, as the log's first line says it.
    """

    def __init__(self, kind: str, title: str) -> None:
        self.kind = kind
        self.title = title
        self.lines: list[str] = []
        self.done = 0
        self.total = 0
        self.running = True
        self.result: Any = None
        self.error = ""
        self._watchers: list[Callable[[BackupJob], None]] = []

    def watch(self, callback: Callable[[BackupJob], None]) -> None:
        self._watchers.append(callback)

    def unwatch(self, callback: Callable[[BackupJob], None]) -> None:
        if callback in self._watchers:
            self._watchers.remove(callback)

    def step(self, line: str, done: int, total: int) -> None:
        """Record progress; called on the event loop."""
        if line:
            self.lines.append(line)
        if total > 1:
            self.done, self.total = done, total
        self._tell()

    def finish(self, result: Any, error: str) -> None:
        """Record the outcome; called on the event loop."""
        self.running = False
        self.result = result
        self.error = error
        if not error and self.total:
            self.done = self.total
        self._tell()

    def _tell(self) -> None:
        for callback in list(self._watchers):
            callback(self)


def current_job(app: App[Any]) -> BackupJob | None:
    """The application's latest backup work, running or finished."""
    return _JOBS.get(app)


def start_job(
    app: App[Any], kind: str, title: str, work: Callable[[Any], Any]
) -> BackupJob:
    """Run ``work(progress)`` in a thread of ``app`` and return its job.

    The worker belongs to the application, so leaving the screen does not
    stop it. Refusals (``SacError``) become the job's error sentence; any
    other failure is logged with its cause and told in words.
    """
    job = BackupJob(kind, title)
    _JOBS[app] = job
    clock = getattr(app, "clock", None)

    def stamp(line: str) -> str:
        instant = clock() if clock is not None else None
        return f"{instant:%H:%M:%S} {line}" if instant is not None else line

    def run() -> None:
        last = {"at": 0.0, "step": ""}

        def progress(step: str, done: int, total: int) -> None:
            # Every new step is a line of the log; repeated steps only move
            # the bar, at most ten times a second, to spare a slow link.
            now = time.monotonic()
            if step == last["step"] and now - last["at"] < 0.1:
                return
            line = stamp(step) if step != last["step"] else ""
            last.update(at=now, step=step)
            _call(app, job.step, line, done, total)

        result: Any = None
        error = ""
        try:
            result = work(progress)
        except SacError as refusal:
            error = refusal.message
        except Exception as failure:
            log.exception("backup work %r failed", title)
            error = _(
                "Something went wrong: {reason}. Details are in the log file.",
                reason=type(failure).__name__,
            )
        _call(app, job.finish, result, error)

    job.step(stamp(title), 0, 0)
    app.run_worker(run, thread=True, group="backup", name=kind, exit_on_error=False)
    return job


def _call(app: App[Any], function: Callable[..., None], *args: Any) -> None:
    # The console may have closed while the work went on; the log file has it.
    with contextlib.suppress(RuntimeError):
        app.call_from_thread(function, *args)


# -- dialogs ------------------------------------------------------------------------


class FolderDialog(ModalScreen[Path | None]):
    """Asks for a folder; a refusal shows under the field and keeps the text.

    Args:
        title: the dialog's name, on its border.
        label: what the field asks for.
        note: a sentence to read before answering.
        value: the field's initial text.
        check: runs in a thread with the chosen path; a ``SacError`` it raises
            is shown under the field.
    """

    DEFAULT_CSS = """
    FolderDialog { align: center middle; }
    FolderDialog > Vertical {
        width: 74; max-width: 100%; height: auto;
        border: round $primary; border-title-color: $text; padding: 0 1;
    }
    FolderDialog .note { color: $text-muted; margin-bottom: 1; }
    FolderDialog LabelledInput Label { width: 10; }
    FolderDialog LabelledInput FieldError { padding: 0 0 0 10; }
    FolderDialog .buttons { margin-top: 1; }
    """

    BINDINGS = [Binding("escape", "cancel", _("Cancel"), id="folder.cancel")]

    def __init__(
        self,
        title: str,
        label: str,
        *,
        note: str = "",
        value: str = "",
        check: Callable[[Path], None] | None = None,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.label = label
        self.note = note
        self.value = value
        self.check = check

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = self.title_text
            if self.note:
                yield Static(self.note, classes="note", markup=False)
            yield LabelledInput(self.label, field="folder", value=self.value)
            with Horizontal(classes="buttons"):
                yield Button(_("Continue"), id="ok", variant="primary")
                yield Button(_("Cancel"), id="cancel")
        yield Footer()

    def on_mount(self) -> None:
        field = self.query_one("#folder", Input)
        field.focus()
        field.cursor_position = len(field.value)

    @on(Input.Submitted, "#folder")
    @on(Button.Pressed, "#ok")
    def submit(self) -> None:
        self.choose(self.query_one("#folder", Input).value)

    @work(exclusive=True, group="folder")
    async def choose(self, text: str) -> None:
        field = self.query_one(LabelledInput)
        if not text.strip():
            field.show_error(_("Type a folder."))
            return
        path = Path(text.strip()).expanduser()
        if self.check is not None:
            try:
                await self.app.call(self.check, path)
            except SacError as refusal:
                field.show_error(refusal.message)
                return
        self.dismiss(path)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmRestore(ModalScreen[bool]):
    """Asks before a restore; the safe answer has the focus first."""

    DEFAULT_CSS = """
    ConfirmRestore { align: center middle; }
    ConfirmRestore > Vertical {
        width: 74; max-width: 100%; height: auto;
        border: round $warning; padding: 0 1;
    }
    ConfirmRestore .buttons { margin-top: 1; }
    """

    BINDINGS = [
        Binding("escape", "keep", _("Cancel"), id="confirm_restore.cancel"),
        Binding("left", "app.focus_previous", show=False, id="confirm_restore.left"),
        Binding("right", "app.focus_next", show=False, id="confirm_restore.right"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.question, markup=False)
            with Horizontal(classes="buttons"):
                yield Button(_("Cancel"), id="keep", variant="primary")
                yield Button(_("Restore"), id="restore", variant="warning")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#keep", Button).focus()

    @on(Button.Pressed, "#restore")
    def restore(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#keep")
    def action_keep(self) -> None:
        self.dismiss(False)


# -- the screen ---------------------------------------------------------------------


class BackupScreen(Screen[None]):
    """Backup do sistema: b backs up now, the tabs hold the schedule and the list."""

    DEFAULT_CSS = """
    TabbedContent { height: 1fr; }
    TabPane { padding: 0 1; }
    #run-intro { height: auto; margin-bottom: 1; }
    #run-intro.-hidden { display: none; }
    #job { height: 1fr; }
    #job.-idle { display: none; }
    .bullet { padding-left: 2; }
    #run-intro .hint { padding: 0; margin-top: 1; }
    #last-backup { height: auto; }
    #run-buttons { height: 1; margin-bottom: 1; }
    #run-buttons Button { margin-right: 2; min-width: 12; }
    #job-title { text-style: bold; height: 1; }
    #job-bar { height: 1; margin-bottom: 1; }
    #job-bar Bar { width: 1fr; }
    #job-log {
        height: 1fr; min-height: 3; border: none; background: $surface;
        scrollbar-size-vertical: 1;
    }
    #job-summary { height: auto; margin-top: 1; }
    #job-summary.-error { color: $text-error; }
    #schedule-title { height: 1; margin-bottom: 1; }
    #schedule-title Label { padding: 0 1; text-style: bold; }
    #weekdays {
        grid-size: 8 3; grid-columns: 10 9 9 9 9 9 9 9; grid-rows: 1;
        height: 3; margin-bottom: 1;
    }
    #weekdays Label { color: $text-muted; padding: 0 1; }
    #weekdays .day-name { width: 9; padding: 0; color: $text; }
    #weekdays Checkbox { width: 5; }
    #schedule-buttons { height: 1; margin-bottom: 1; }
    #schedule-status { height: auto; margin-top: 1; padding: 0 1; }
    #backup-table { height: 1fr; }
    #list-status { height: auto; color: $text-muted; }
    #refused { padding: 1 2; color: $text-error; }
    """

    BINDINGS = [
        Binding("b", "backup('full')", _("Back up now"), id="backup.now"),
        Binding(
            "i",
            "backup('incremental')",
            _("Incremental"),
            show=False,
            id="backup.incremental",
        ),
        Binding("ctrl+s", "save_schedule", _("Save"), id="backup.save"),
        Binding("v", "verify", _("Verify"), id="backup.verify"),
        Binding("r", "restore", _("Restore"), id="backup.restore"),
        Binding("c", "copy", _("Copy to…"), id="backup.copy"),
        Binding("t", "next_tab", _("Next tab"), id="backup.next_tab", show=False),
        Binding("escape", "back", _("Back to the list"), id="backup.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.infos: list[BackupInfo] = []
        self.folder: Path | None = None
        self.shown_lines = 0
        self.job: BackupJob | None = None
        self._backups: Backups | None = None

    @property
    def backups(self) -> Backups:
        """The engine over the console's store (made when first needed)."""
        if self._backups is None:
            self._backups = Backups(self.app.store)
        return self._backups

    @property
    def allowed(self) -> bool:
        return may_back_up(self.app.user)

    # -- layout ---------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield AppHeader(_("System backup"))
        if not self.allowed:
            yield Static(
                _(
                    "Only an administrator or someone allowed to make backups "
                    "can do this."
                ),
                id="refused",
            )
            yield Footer()
            return
        with TabbedContent(id="backup-tabs"):
            with TabPane(_("Back up"), id="run-pane"):
                yield from self.compose_run()
            with TabPane(_("Schedule"), id="schedule-pane"):
                yield from self.compose_schedule()
            with TabPane(_("Earlier backups"), id="list-pane"):
                yield DataTable(
                    cursor_type="row", zebra_stripes=True, id="backup-table"
                )
                yield Static("", id="list-status")
        yield Footer()

    def compose_run(self) -> ComposeResult:
        with Vertical(id="run-intro"):
            yield Static(_("The backup copies:"))
            yield Static("• " + _("every table of the data folder;"), classes="bullet")
            yield Static(
                "• " + _("everything in the folder datafiles (the attachments)."),
                classes="bullet",
            )
            yield Static(
                _(
                    "b makes a full backup; i an incremental one, with only what "
                    "changed since the last backup."
                ),
                classes="hint",
            )
            yield Static("", id="last-backup", classes="hint")
        with Horizontal(id="run-buttons"):
            yield Button(_("Back up now"), id="full", variant="primary")
            yield Button(_("Incremental"), id="incremental")
            yield Button(_("Copy to…"), id="copy", disabled=True)
        with Vertical(id="job", classes="-idle"):
            yield Static("", id="job-title")
            yield ProgressBar(total=1, show_eta=False, id="job-bar")
            yield RichLog(
                id="job-log", max_lines=2000, wrap=True, markup=False, highlight=False
            )
            yield Static("", id="job-summary")

    def compose_schedule(self) -> ComposeResult:
        with Horizontal(id="schedule-title"):
            yield Label(_("Schedule backup for:"))
            yield Checkbox(_("Every day of the week"), id="every-day", compact=True)
        with Grid(id="weekdays"):
            yield Label("")
            for day in WEEKDAYS:
                yield Label(weekday_name(day), classes="day-name")
            yield Label(_("Backup"))
            for day in WEEKDAYS:
                yield Checkbox("", id=f"day-{day}", compact=True)
            yield Label(_("Full"))
            for day in WEEKDAYS:
                yield Checkbox("", id=f"full-{day}", compact=True)
        yield LabelledInput(_("Time"), field="hour", max_length=5, placeholder="23:00")
        yield LabelledInput(_("Backup folder"), field="folder")
        with Horizontal(id="schedule-buttons", classes="buttons"):
            yield Button(_("Save"), id="save", variant="primary")
        yield Static(
            _(
                "On full days the backup copies everything; on the others only "
                "what changed. Automatic backups run through the command sac "
                "backup run --due (cron or systemd)."
            ),
            classes="hint",
            id="schedule-hint",
        )
        yield Static("", id="schedule-status")

    def on_mount(self) -> None:
        if not self.allowed:
            return
        table = self.query_one("#backup-table", DataTable)
        table.add_column(_("Date"), key="date", width=16)
        table.add_column(_("Type"), key="kind", width=11)
        table.add_column(_("Size"), key="size", width=9)
        table.add_column(_("Records"), key="records", width=9)
        table.add_column(_("State"), key="state", width=16)
        # Inline, so that the app's rule for compact inputs does not widen it.
        self.query_one("#hour", Input).styles.width = 7
        self.load_settings()
        self.load_list()
        job = current_job(self.app)
        if job is not None:
            self.attach(job)
        self.query_one("#full", Button).focus()

    def on_unmount(self) -> None:
        if self.job is not None:
            self.job.unwatch(self.job_changed)

    # -- the job --------------------------------------------------------------

    def attach(self, job: BackupJob) -> None:
        """Show ``job``'s log and progress, and follow it from now on."""
        if self.job is not None:
            self.job.unwatch(self.job_changed)
        self.job = job
        self.shown_lines = 0
        self.query_one("#job-log", RichLog).clear()
        self.query_one("#job-summary", Static).update("")
        self.query_one("#run-intro").set_class(True, "-hidden")
        self.query_one("#job").set_class(False, "-idle")
        job.watch(self.job_changed)
        self.job_changed(job)

    def job_changed(self, job: BackupJob) -> None:
        logbook = self.query_one("#job-log", RichLog)
        if self.shown_lines < len(job.lines):
            for line in job.lines[self.shown_lines :]:
                logbook.write(Text(line))
            self.shown_lines = len(job.lines)
        bar = self.query_one("#job-bar", ProgressBar)
        if job.total:
            bar.update(total=job.total, progress=job.done)
        self.query_one("#job-title", Static).update(
            job.title if job.running else _("{title} (finished)", title=job.title)
        )
        if not job.running:
            self.show_outcome(job)
            self.load_list()
        self.query_one("#full", Button).disabled = job.running
        self.query_one("#incremental", Button).disabled = job.running
        self.query_one("#copy", Button).disabled = not isinstance(
            job.result, BackupResult
        )
        self.refresh_bindings()

    def show_outcome(self, job: BackupJob) -> None:
        summary = self.query_one("#job-summary", Static)
        summary.set_class(bool(job.error), "-error")
        if job.error:
            summary.update(job.error)
            return
        result = job.result
        if isinstance(result, BackupResult):
            lines = result.summary()
            lines.append(_("Archive: {path}", path=home_relative(result.path)))
            lines.append(_("Press c to copy it to another folder."))
        elif isinstance(result, VerifyReport):
            lines = [self.verify_sentence(result)]
            lines += [f"• {p.message}" for p in result.problems[:5]]
            if len(result.problems) > 5:
                lines.append(
                    _(
                        "…and {count} more, in the log file.",
                        count=len(result.problems) - 5,
                    )
                )
        elif isinstance(result, RestoreReport):
            lines = [
                _(
                    "Backup {id} restored in {path}: {tables}, with {records}.",
                    id=result.id,
                    path=home_relative(result.target),
                    tables=count_words(result.tables, "table"),
                    records=count_words(result.records, "record"),
                ),
                _(
                    "Open it with: sac --data-dir {path}",
                    path=home_relative(result.target),
                ),
            ]
        elif isinstance(result, list):
            lines = [_("Copied to:")] + [f"• {home_relative(p)}" for p in result]
        else:
            lines = []
        summary.update(Text("\n".join(lines)))

    @staticmethod
    def verify_sentence(report: VerifyReport) -> str:
        if report.ok:
            return _(
                "Backup {id} checked: {members} members in {archives} archives, "
                "{size}; no problem found.",
                id=report.id,
                members=report.members,
                archives=len(report.archives),
                size=natural_size(report.bytes),
            )
        return _(
            "Backup {id} has {count} problems:",
            id=report.id,
            count=len(report.problems),
        )

    def begin(self, kind: str, title: str, work: Callable[[Any], Any]) -> None:
        """Start work in the application's thread and show it in the first tab."""
        running = current_job(self.app)
        if running is not None and running.running:
            self.notify(_("Wait for the work under way to finish."), severity="warning")
            return
        self.query_one(TabbedContent).active = "run-pane"
        self.attach(start_job(self.app, kind, title, work))

    # -- loading --------------------------------------------------------------

    @work(exclusive=True, group="backup-settings")
    async def load_settings(self) -> None:
        backups = self.backups
        try:
            schedule, folder = await self.app.call(
                lambda: (backups.schedule(), backups.folder)
            )
        except SacError as refusal:
            self.query_one("#schedule-status", Static).update(refusal.message)
            return
        self.show_schedule(schedule)
        self.query_one("#folder", Input).value = home_relative(folder)

    def show_schedule(self, schedule: Schedule) -> None:
        with self.prevent(Checkbox.Changed):
            for day in WEEKDAYS:
                self.query_one(f"#day-{day}", Checkbox).value = day in schedule.days
                self.query_one(f"#full-{day}", Checkbox).value = (
                    day in schedule.full_days
                )
            self.query_one("#every-day", Checkbox).value = schedule.every_day
        self.query_one(
            "#hour", Input
        ).value = f"{schedule.hour:02d}:{schedule.minute:02d}"
        self.query_one("#schedule-status", Static).update(
            _("Now: {schedule}", schedule=schedule.describe())
        )

    @work(exclusive=True, group="backup-list")
    async def load_list(self) -> None:
        status = self.query_one("#list-status", Static)
        backups, user = self.backups, self.app.user
        try:
            self.infos, self.folder = await self.app.call(
                lambda: (backups.list(user), backups.folder)
            )
        except SacError as refusal:
            status.update(refusal.message)
            return
        table = self.query_one("#backup-table", DataTable)
        keep = table.cursor_row
        table.clear()
        for info in reversed(self.infos):
            table.add_row(*self.row(info), key=info.id)
        if self.infos:
            table.move_cursor(row=min(keep, len(self.infos) - 1))
            self.show_selected()
        else:
            status.update(
                _(
                    "There are no backups in {folder} yet.",
                    folder=home_relative(self.folder),
                )
            )
        self.show_last_backup()
        self.refresh_bindings()

    def show_last_backup(self) -> None:
        last = next((i for i in reversed(self.infos) if i.manifest), None)
        text = (
            _(
                "Last backup: {date} ({kind}, {size}).",
                date=f"{last.manifest.created_at:%d/%m/%Y %H:%M}",
                kind=kind_label(last.manifest.kind).lower(),
                size=natural_size(last.size),
            )
            if last is not None and last.manifest is not None
            else _("No backup was made yet.")
        )
        self.query_one("#last-backup", Static).update(text)

    def show_selected(self) -> None:
        """Say which backup the cursor is on, and what is wrong with it."""
        info = self.selected()
        if info is None or self.folder is None:
            return
        lines = [
            _(
                "Backup {id} · {count} in {folder}",
                id=info.id,
                count=count_words(len(self.infos), "backup"),
                folder=home_relative(self.folder),
            )
        ]
        if info.problem:
            lines.append(info.problem)
        elif info.missing:
            lines.append(
                _("It needs {ids}, which are missing.", ids=", ".join(info.missing))
            )
        self.query_one("#list-status", Static).update("\n".join(lines))

    @staticmethod
    def row(info: BackupInfo) -> list[Any]:
        manifest = info.manifest
        if manifest is None:
            unreadable = Text(_("unreadable"), "red")
            return [info.id[:16], "", natural_size(info.size), "", unreadable]
        if info.missing:
            state = Text(_("incomplete"), "red")
        else:
            state = Text(_("restorable"), "green")
        return [
            f"{manifest.created_at:%d/%m/%Y %H:%M}",
            kind_label(manifest.kind),
            natural_size(info.size),
            f"{manifest.records:,}".replace(",", "."),
            state,
        ]

    def selected(self) -> BackupInfo | None:
        table = self.query_one("#backup-table", DataTable)
        if not self.infos or table.cursor_row >= len(self.infos):
            return None
        return list(reversed(self.infos))[table.cursor_row]

    # -- the schedule form ------------------------------------------------------

    @on(Checkbox.Changed, "#every-day")
    def every_day_changed(self, event: Checkbox.Changed) -> None:
        with self.prevent(Checkbox.Changed):
            for day in WEEKDAYS:
                self.query_one(f"#day-{day}", Checkbox).value = event.value
                if not event.value:
                    self.query_one(f"#full-{day}", Checkbox).value = False

    @on(Checkbox.Changed)
    def day_changed(self, event: Checkbox.Changed) -> None:
        name = event.checkbox.id or ""
        kind, _dash, number = name.partition("-")
        if kind not in ("day", "full"):
            return
        with self.prevent(Checkbox.Changed):
            # A full day is a backup day; a day without backup has no full one.
            if kind == "full" and event.value:
                self.query_one(f"#day-{number}", Checkbox).value = True
            if kind == "day" and not event.value:
                self.query_one(f"#full-{number}", Checkbox).value = False
            every = all(self.query_one(f"#day-{d}", Checkbox).value for d in WEEKDAYS)
            self.query_one("#every-day", Checkbox).value = every

    def schedule_from_form(self) -> Schedule:
        text = self.query_one("#hour", Input).value.strip()
        hour, _sep, minute = text.partition(":")
        try:
            hour_value, minute_value = int(hour), int(minute or 0)
        except ValueError:
            hour_value = minute_value = -1
        schedule = Schedule(
            days=frozenset(
                d for d in WEEKDAYS if self.query_one(f"#day-{d}", Checkbox).value
            ),
            hour=hour_value,
            minute=minute_value,
            full_days=frozenset(
                d for d in WEEKDAYS if self.query_one(f"#full-{d}", Checkbox).value
            ),
        )
        return schedule.check()

    @on(Button.Pressed, "#save")
    def action_save_schedule(self) -> None:
        self.save_schedule()

    @work(exclusive=True, group="backup-settings")
    async def save_schedule(self) -> None:
        hour = self.query_one("#field-hour", LabelledInput)
        folder_field = self.query_one("#field-folder", LabelledInput)
        hour.clear_error()
        folder_field.clear_error()
        try:
            schedule = self.schedule_from_form()
        except ValidationError as refusal:
            target = folder_field if refusal.field == "folder" else hour
            if refusal.field in ("days", "full_days"):
                self.query_one("#schedule-status", Static).update(refusal.message)
            else:
                target.show_error(refusal.message)
            return
        backups, user = self.backups, self.app.user
        chosen = Path(folder_field.value.strip()).expanduser()

        def save() -> Schedule:
            if chosen != backups.folder:
                backups.set_folder(user, chosen)
            return backups.set_schedule(user, schedule)

        try:
            saved = await self.app.call(save)
        except ValidationError as refusal:
            if refusal.field == "folder":
                folder_field.show_error(refusal.message)
            else:
                hour.show_error(refusal.message)
            return
        except SacError as refusal:
            self.query_one("#schedule-status", Static).update(refusal.message)
            return
        self.query_one("#schedule-status", Static).update(
            _("Schedule saved: {schedule}", schedule=saved.describe())
        )
        self.load_list()

    # -- actions --------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("back", "next_tab"):
            return True
        if not self.allowed:
            return False
        if not self.is_mounted or not self.query(TabbedContent):
            return True
        pane = self.query_one(TabbedContent).active
        running = self.job is not None and self.job.running
        if action == "backup":
            # Not in the list's footer, which has room only for its own keys.
            if pane == "list-pane":
                return False
            return None if running else True
        if action == "save_schedule":
            return pane == "schedule-pane"
        if action in ("verify", "restore"):
            if pane != "list-pane":
                return False
            return None if running or self.selected() is None else True
        if action == "copy":
            if pane == "list-pane":
                return None if running or self.selected() is None else True
            if pane == "run-pane":
                job = self.job
                return job is not None and isinstance(job.result, BackupResult)
            return False
        return True

    @on(TabbedContent.TabActivated)
    def tab_changed(self, event: TabbedContent.TabActivated) -> None:
        # The keys of a tab work at once, without a Tab to reach its content.
        first = {
            "run-pane": "#full",
            "schedule-pane": "#every-day",
            "list-pane": "#backup-table",
        }.get(event.pane.id or "")
        if first is not None and not (
            self.focused is not None and event.pane in self.focused.ancestors
        ):
            target = self.query_one(first)
            if target.focusable:
                target.focus()
        self.refresh_bindings()

    @on(DataTable.RowHighlighted)
    def row_changed(self) -> None:
        self.show_selected()
        self.refresh_bindings()

    @on(Button.Pressed, "#full")
    def full_pressed(self) -> None:
        self.action_backup("full")

    @on(Button.Pressed, "#incremental")
    def incremental_pressed(self) -> None:
        self.action_backup("incremental")

    @on(Button.Pressed, "#copy")
    def copy_pressed(self) -> None:
        self.action_copy()

    def action_backup(self, kind: str) -> None:
        title = (
            _("Full backup of the system")
            if kind == "full"
            else _("Incremental backup of the system")
        )
        user = self.app.user
        self.begin("backup", title, partial(self.backups.run, user, kind))

    def action_verify(self) -> None:
        info = self.selected()
        if info is None:
            return
        title = _("Checking the backup {id}", id=info.id)
        self.begin(
            "verify",
            title,
            lambda progress: self.backups.verify(info.id, self.app.user, progress),
        )

    def action_restore(self) -> None:
        info = self.selected()
        if info is not None:
            self.ask_restore(info)

    @work(group="backup-dialog")
    async def ask_restore(self, info: BackupInfo) -> None:
        suggestion = self.backups.root.parent / f"{self.backups.root.name}-{info.id}"
        target = await self.app.push_screen_wait(
            FolderDialog(
                _("Restore the backup {id}", id=info.id),
                _("Folder"),
                note=_(
                    "The backup is rebuilt as a whole data directory in a new or "
                    "empty folder; the data in use now is not touched."
                ),
                value=home_relative(suggestion),
                check=self.backups.check_restore_target,
            )
        )
        if target is None:
            return
        confirmed = await self.app.push_screen_wait(
            ConfirmRestore(
                _(
                    "Restore the backup {id} of {date} in {path}?",
                    id=info.id,
                    date=info.manifest.created_at.strftime("%d/%m/%Y %H:%M")
                    if info.manifest
                    else "",
                    path=home_relative(target),
                )
            )
        )
        if not confirmed:
            return
        user = self.app.user
        self.begin(
            "restore",
            _("Restoring the backup {id}", id=info.id),
            lambda progress: self.backups.restore(user, info.id, target, progress),
        )

    def action_copy(self) -> None:
        pane = self.query_one(TabbedContent).active
        backup_id = None
        if pane == "list-pane":
            info = self.selected()
            backup_id = info.id if info is not None else None
        elif self.job is not None and isinstance(self.job.result, BackupResult):
            backup_id = self.job.result.id
        if backup_id is not None:
            self.ask_copy(backup_id)

    @work(group="backup-dialog")
    async def ask_copy(self, backup_id: str) -> None:
        def must_exist(path: Path) -> None:
            if not path.is_dir():
                raise ValidationError(
                    _("The folder {path} does not exist.", path=path), field="folder"
                )

        target = await self.app.push_screen_wait(
            FolderDialog(
                _("Copy the backup {id}", id=backup_id),
                _("Folder"),
                note=_(
                    "The archive is copied with the earlier ones it needs, so "
                    "that the copy can be restored on its own."
                ),
                value=home_relative(Path.home()),
                check=must_exist,
            )
        )
        if target is None:
            return
        user = self.app.user
        self.begin(
            "copy",
            _("Copying the backup {id}", id=backup_id),
            lambda progress: self.backups.copy(user, backup_id, target, progress),
        )

    def action_next_tab(self) -> None:
        if self.allowed:
            tabs = self.query_one(TabbedContent)
            panes = ["run-pane", "schedule-pane", "list-pane"]
            tabs.active = panes[(panes.index(tabs.active) + 1) % len(panes)]

    def action_back(self) -> None:
        self.app.pop_screen()
