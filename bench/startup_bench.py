"""What starting `sac` costs, beside a bare Python started the same way.

    python bench/startup_bench.py [--repeat 7]

Prints the median wall time of: a bare interpreter; a scripting command
(`sac list --help`, which must not import Textual); importing the console
(everything `sac` loads before its first frame); and the console itself up to
its first screen (Textual's headless run of the login screen). The baseline
is measured in the same run, so compare the differences, not the seconds.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

FIRST_SCREEN = """
import asyncio, tempfile
from pathlib import Path
from data.helpdesk import Helpdesk
from tui.app import SacApp

async def main():
    app = SacApp(Helpdesk(Path(tempfile.mkdtemp())))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()

asyncio.run(main())
"""

CASES = {
    "bare python": [sys.executable, "-c", "pass"],
    "sac list --help (no Textual)": [sys.executable, "-m", "tui.cli", "list", "--help"],
    "import the console": [
        sys.executable,
        "-c",
        "import tui.app, screens.login, screens.interactions",
    ],
    "console up to its first screen": [sys.executable, "-c", FIRST_SCREEN],
}


def median_run(command: list[str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def textual_loaded_by_scripting() -> bool:
    probe = (
        "import sys, tui.cli; tui.cli.build_parser(); print('textual' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout.strip() == "True"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    baseline = None
    print(f"{'what':<34}{'median':>10}{'over bare python':>20}")
    for name, command in CASES.items():
        seconds = median_run(command, args.repeat)
        baseline = seconds if baseline is None else baseline
        print(
            f"{name:<34}{seconds * 1000:>8.0f}ms{(seconds - baseline) * 1000:>18.0f}ms"
        )
    print(f"scripting commands import Textual: {textual_loaded_by_scripting()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
