"""Backups beside ``tar czf`` on the same data directory, in one run.

    python bench/backup_bench.py                    # 10,000 interactions
    python bench/backup_bench.py --sizes 2000       # a quick look
    python bench/backup_bench.py --levels 1 3 6     # gzip levels side by side

For each size a data directory is built the way the demo builds one: the
store bench's organisations and people, ``generate_interactions`` with real
attachment files, ``TinyRepository.bulk_load``. Then, taking turns so that a
busy machine slows both alike:

- ``tar czf`` of the data directory, and a full backup of it into an empty
  folder (the first backup ever: every table is parsed to count its
  records). Target: the backup's throughput at least 0.8 times tar's.
- an incremental backup after a day's work: new interactions with their
  attachments, one organisation at a time, until the files that differ from
  the last backup hold at least 1% of the data directory's bytes (the
  index files an interaction touches make the smallest change larger than
  1% on small stores; the figure printed is the real one). Target: at most
  a tenth of the full backup's time.

Also printed: how long the store's lock was held (how long a console may
wait), the archives' sizes, and the full backup again with an earlier
backup in the folder, whose record counts it reuses (the weekly case).

The machines are shared and noisy: compare the ratios, measured side by
side in one run, more than the seconds.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import data.backup as engine  # noqa: E402
from bench.store_bench import NOW, people  # noqa: E402
from data.backup import Backups  # noqa: E402
from data.demo import generate_interactions  # noqa: E402
from data.helpdesk import Helpdesk  # noqa: E402
from data.models import Role, User  # noqa: E402

FULL_TARGET = 0.8
INCREMENTAL_TARGET = 0.1


@dataclass
class Case:
    """A built data directory and what the backups need to run on it."""

    store: Helpdesk
    admin: User
    data_bytes: int
    files: int
    next_protocol: int
    rng: random.Random
    organisations: list[Any]
    customers: list[User]
    agents: list[User]


def build(size: int, folder: Path) -> Case:
    """A data directory of ``size`` interactions, with real attachments."""
    organisations, customers, agents = people()
    store = Helpdesk(folder / "data", clock=lambda: NOW)
    repository = store.repository
    for organisation in organisations:
        repository.put_organisation(organisation)
    admin = User(9000, "Administrador", "admin@backsite.com.br", Role.ADMIN, NOW)
    for user in [*agents, *customers, admin]:
        repository.put_user(user)
    repository.bulk_load(
        generate_interactions(
            random.Random(size),
            count=size,
            start_protocol=1,
            organisations=organisations,
            customers=customers,
            agents=agents,
            now=NOW,
            days=1500,
            real_files=True,
            repository=repository,
        )
    )
    sizes = [path.stat().st_size for path in _files(store.root)]
    return Case(
        store,
        admin,
        sum(sizes),
        len(sizes),
        size + 1,
        random.Random(size + 1),
        organisations,
        customers,
        agents,
    )


def _files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]


def fingerprint(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in _files(root)
    }


def a_days_work(case: Case) -> tuple[int, int]:
    """New interactions, one organisation at a time, until 1% of bytes differ.

    Returns:
        The bytes and the number of files that now differ.
    """
    root = case.store.root
    before = fingerprint(root)
    changed_bytes = changed_files = 0
    while changed_bytes < case.data_bytes / 100:
        organisation = case.rng.choice(case.organisations)
        members = [c for c in case.customers if c.organisation_id == organisation.id]
        case.store.repository.bulk_load(
            generate_interactions(
                case.rng,
                count=3,
                start_protocol=case.next_protocol,
                organisations=[organisation],
                customers=members,
                agents=case.agents,
                now=NOW,
                days=1,
                real_files=True,
                repository=case.store.repository,
            )
        )
        case.next_protocol += 3
        after = fingerprint(root)
        differing = [
            name for name, digest in after.items() if before.get(name) != digest
        ]
        changed_files = len(differing)
        changed_bytes = sum((root / name).stat().st_size for name in differing)
    return changed_bytes, changed_files


def tar_czf(root: Path, target: Path) -> float:
    started = time.perf_counter()
    subprocess.run(
        ["tar", "czf", str(target), "-C", str(root.parent), root.name], check=True
    )
    return time.perf_counter() - started


def full_backup(case: Case, folder: Path) -> Any:
    shutil.rmtree(folder, ignore_errors=True)
    return Backups(case.store, folder=folder).run(case.admin, "full")


def measure(case: Case, work: Path, repeat: int) -> dict[str, Any]:
    """Every figure for one data directory."""
    tar_times, full_times, full_results = [], [], []
    for turn in range(repeat):
        # Taking turns, and starting with each in turn, spreads the noise.
        order = ("tar", "ours") if turn % 2 == 0 else ("ours", "tar")
        for which in order:
            if which == "tar":
                tar_times.append(tar_czf(case.store.root, work / "tar.tgz"))
            else:
                result = full_backup(case, work / "cold")
                full_times.append(result.seconds)
                full_results.append(result)
    tar_bytes = (work / "tar.tgz").stat().st_size

    warm_folder = work / "warm"
    full_backup(case, warm_folder)
    warm = Backups(case.store, folder=warm_folder)
    warm_times = [warm.run(case.admin, "full").seconds for _ in range(repeat)]

    incremental_times, incremental_results, changes = [], [], []
    for _ in range(repeat):
        changes.append(a_days_work(case))
        result = warm.run(case.admin, "incremental")
        incremental_times.append(result.seconds)
        incremental_results.append(result)
    return {
        "tar": statistics.median(tar_times),
        "tar_bytes": tar_bytes,
        "full": statistics.median(full_times),
        "full_bytes": full_results[-1].archive_bytes,
        "full_lock": max(r.lock_seconds for r in full_results),
        "warm": statistics.median(warm_times),
        "incremental": statistics.median(incremental_times),
        "incremental_bytes": statistics.median(
            r.archive_bytes for r in incremental_results
        ),
        "incremental_lock": max(r.lock_seconds for r in incremental_results),
        "changed_bytes": statistics.median(c[0] for c in changes),
        "changed_files": statistics.median(c[1] for c in changes),
    }


def report(size: int, case: Case, figures: dict[str, Any]) -> bool:
    mb = case.data_bytes / 1e6
    tar_speed = mb / figures["tar"]
    full_speed = mb / figures["full"]
    full_ratio = full_speed / tar_speed
    incremental_ratio = figures["incremental"] / figures["full"]
    full_met = full_ratio >= FULL_TARGET
    incremental_met = incremental_ratio <= INCREMENTAL_TARGET
    print(
        f"\n{size:,} interactions: {mb:.1f} MB in {case.files:,} files "
        f"(gzip level {engine.COMPRESSION_LEVEL}, {os.cpu_count()} CPUs)"
    )
    print(f"  {'':<38}{'seconds':>9}{'MB/s':>8}{'archive':>10}")
    print(
        f"  {'tar czf':<38}{figures['tar']:>9.3f}{tar_speed:>8.1f}"
        f"{figures['tar_bytes'] / 1e6:>8.2f}MB"
    )
    print(
        f"  {'full backup, first (counts parsed)':<38}{figures['full']:>9.3f}"
        f"{full_speed:>8.1f}{figures['full_bytes'] / 1e6:>8.2f}MB"
    )
    print(
        f"  {'full backup, weekly (counts reused)':<38}{figures['warm']:>9.3f}"
        f"{mb / figures['warm']:>8.1f}"
    )
    changed = figures["changed_bytes"]
    print(
        f"  {'incremental after a day':<38}{figures['incremental']:>9.3f}"
        f"{'':>8}{figures['incremental_bytes'] / 1e6:>8.2f}MB"
    )
    print(
        f"    the day changed {figures['changed_files']:.0f} files, "
        f"{changed / 1e6:.2f} MB: {100 * changed / case.data_bytes:.1f}% of the data"
    )
    print(
        f"  store lock held at most {1000 * figures['full_lock']:.0f} ms (full), "
        f"{1000 * figures['incremental_lock']:.0f} ms (incremental)"
    )
    print(
        f"  full throughput / tar's   {full_ratio:6.2f}  target >= {FULL_TARGET}"
        f"  {'yes' if full_met else 'NO'}"
    )
    print(
        f"  incremental / full time   {incremental_ratio:6.3f}  target <= "
        f"{INCREMENTAL_TARGET}  {'yes' if incremental_met else 'NO'}"
    )
    return full_met and incremental_met


def compare_levels(case: Case, work: Path, levels: list[int], repeat: int) -> None:
    """Full backups at each gzip level beside tar czf (gzip's level 6)."""
    print("\n  gzip level   full s   tar s   ratio   archive MB   tar MB")
    chosen = engine.COMPRESSION_LEVEL
    try:
        for level in levels:
            engine.COMPRESSION_LEVEL = level
            ours, tars = [], []
            for _ in range(repeat):
                tars.append(tar_czf(case.store.root, work / "tar.tgz"))
                ours.append(full_backup(case, work / "levels").seconds)
            size = next((work / "levels").glob("*.tar.gz")).stat().st_size
            tar = statistics.median(tars)
            full = statistics.median(ours)
            print(
                f"  {level:>10}{full:>9.3f}{tar:>8.3f}{tar / full:>8.2f}"
                f"{size / 1e6:>13.2f}{(work / 'tar.tgz').stat().st_size / 1e6:>9.2f}"
            )
    finally:
        engine.COMPRESSION_LEVEL = chosen


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--levels", type=int, nargs="*", default=[])
    args = parser.parse_args()
    met_all = True
    for size in args.sizes:
        with tempfile.TemporaryDirectory(prefix="sac-backup-bench-") as folder:
            work = Path(folder)
            started = time.perf_counter()
            case = build(size, work)
            print(f"(built {size:,} in {time.perf_counter() - started:.0f} s)")
            if args.levels:
                compare_levels(case, work, args.levels, args.repeat)
            met_all &= report(size, case, measure(case, work, args.repeat))
    print("\nevery target met" if met_all else "\nsome targets NOT met")
    return 0 if met_all else 1


if __name__ == "__main__":
    raise SystemExit(main())
