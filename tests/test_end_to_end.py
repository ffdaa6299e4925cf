"""The real `sac` in a real pseudo-terminal, driven by keystrokes alone.

A customer logs in, opens a Reclamação with an attachment, and, once an
agent has answered it, rejects the answer with a reason. What happened is
read back from the store afterwards, the way the next console would see it.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import pty
import select
import struct
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Callable
from pathlib import Path

from data.helpdesk import Helpdesk
from data.models import Kind, Role, Status
from data.store import Box, Query

PASSWORD = "Balcao-de-atendimento-7"
ROOT = Path(__file__).resolve().parent.parent


class Terminal:
    """`sac` running in an 80x24 pseudo-terminal; everything it prints is kept."""

    def __init__(self, data_dir: Path, config: Path) -> None:
        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        env = {
            **os.environ,
            "TERM": "xterm-256color",
            "LANG": "pt_BR.UTF-8",
            "SAC_CONFIG": str(config),
            "COLUMNS": "80",
            "LINES": "24",
        }
        env.pop("TEXTUAL", None)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tui.cli", "--data-dir", str(data_dir)],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            cwd=ROOT,
            start_new_session=True,
        )
        os.close(slave)
        self.output = bytearray()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            ready, _, _ = select.select([self.master], [], [], 0.2)
            if not ready:
                if self.process.poll() is not None:
                    return
                continue
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                return
            if not chunk:
                return
            self.output.extend(chunk)

    def type(self, text: str, pause: float = 0.05) -> None:
        for char in text:
            os.write(self.master, char.encode())
            time.sleep(pause)

    def press(self, *keys: str, pause: float = 0.4) -> None:
        codes = {
            "enter": "\r",
            "tab": "\t",
            "escape": "\x1b",
            "down": "\x1b[B",
            "up": "\x1b[A",
            "ctrl+s": "\x13",
            "ctrl+q": "\x11",
        }
        for key in keys:
            os.write(self.master, codes.get(key, key).encode())
            time.sleep(pause)

    def close(self) -> int:
        self.press("ctrl+q")
        try:
            return self.process.wait(timeout=20)
        finally:
            os.close(self.master)


def wait_for(condition: Callable[[], object], timeout: float = 30) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("the console did not get there in time")


def test_a_customer_opens_a_complaint_with_an_attachment_and_rejects_the_answer(
    tmp_path: Path,
) -> None:
    data_dir = tmp_path / "data"
    store = Helpdesk(data_dir)
    admin = store.add_user(
        None,
        name="Ana Souza",
        email="ana@backsite.com.br",
        role=Role.ADMIN,
        password=PASSWORD,
    )
    santos = store.create_organisation(
        admin, name="Prefeitura de Santos", domains=["santos.sp.gov.br"]
    )
    agent = store.add_user(
        admin,
        name="Bruno Lima",
        email="bruno@backsite.com.br",
        role=Role.AGENT,
        password=PASSWORD,
    )
    customer = store.add_user(
        admin,
        name="Carla Dias",
        email="carla@santos.sp.gov.br",
        role=Role.CUSTOMER,
        password=PASSWORD,
        organisation_id=santos.id,
    )
    screenshot = tmp_path / "erro.png"
    screenshot.write_bytes(b"\x89PNG a screenshot of the error message")
    config = tmp_path / "config.toml"
    config.write_text(f'attachment_folder = "{tmp_path}"\n', encoding="utf-8")

    terminal = Terminal(data_dir, config)
    try:
        time.sleep(3)  # Python and Textual starting up
        terminal.type(customer.email)
        terminal.press("enter")
        terminal.type(PASSWORD)
        terminal.press("enter", pause=3)  # argon2 takes its time

        terminal.press("n", pause=1.5)  # Nova interação; Categoria is SAC
        terminal.press("tab", "enter", "down", "enter")  # Tipo: Reclamação
        terminal.press("ctrl+s", pause=1)  # Avançar
        terminal.type("Remessas não abrem")
        terminal.press("tab")
        terminal.type("Desde ontem nenhuma remessa digital abre no GPE.")
        terminal.press("tab")
        terminal.type(str(screenshot))
        terminal.press("enter", pause=1.5)  # adds the attachment
        terminal.press("ctrl+s", pause=3)  # Enviar: the detail opens

        def sent() -> list:
            page = store.list_interactions(customer, Query(box=Box.SENT))
            return page.rows

        rows = wait_for(sent)
        protocol = rows[0].protocol
        store.answer(agent, protocol, "Reiniciamos o serviço de remessas.")

        terminal.press("escape", pause=1.5)  # Listagem
        terminal.press("r", pause=1.5)  # refresh: the answer shows
        terminal.press("enter", pause=2)  # Ver detalhe
        terminal.press("x", pause=1.5)  # Rejeitar
        terminal.type("As remessas continuam sem abrir.")
        terminal.press("ctrl+s", pause=1.5)  # the reason is given
        terminal.press("enter", pause=2)  # and the rejection confirmed

        wait_for(lambda: store.get_interaction(customer, protocol).rejection_count == 1)
    finally:
        code = terminal.close()

    interaction = store.get_interaction(customer, protocol)
    assert code == 0
    assert interaction.kind is Kind.COMPLAINT
    assert interaction.subject == "Remessas não abrem"
    assert interaction.status is Status.IN_PROGRESS
    assert interaction.rejection_count == 1
    assert interaction.timeline[-1].text == "As remessas continuam sem abrir."
    [attachment] = interaction.attachments
    assert attachment.name == "erro.png"
    assert attachment.sha256 == hashlib.sha256(screenshot.read_bytes()).hexdigest()
    # The console left the alternate screen: the terminal is given back clean.
    assert b"\x1b[?1049l" in terminal.output
