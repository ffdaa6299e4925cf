"""The local store beside stock TinyDB, on the same documents, in one run.

    python bench/store_bench.py                   # 1,000, 10,000 and 100,000
    python bench/store_bench.py --sizes 1000      # a quick look

For each size the same realistic interactions (Portuguese subjects and
descriptions, timelines of several events, a share with attachments) are
kept twice: in the local store's data directory, and as stock TinyDB with
its JSONStorage, one document per interaction. Each operation is timed on
both, on a fresh instance (files in the page cache, nothing parsed yet), and
the median of a few runs is printed with the ratio and the target. Peak
memory is measured in a child process per store that opens it and shows a
customer's first page.

The targets are the issue's, for 100,000 interactions: the size a vendor's
helpdesk reaches in a few years, and the one the verdict is about. The
smaller sizes show how each figure grows; their ratios are printed and
marked too, but at 1,000 the fixed costs dominate, and two figures printed
under each table show them: the fsyncs our durable create waits for (stock
TinyDB's insert makes none), and the peak of a process that loads the same
code and opens nothing, a floor no store goes below (at 1,000, more than
half of stock's whole peak).

The machines are shared and noisy: compare the ratios, measured side by side
in one run, more than the seconds.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tinydb import Query as TinyQuery  # noqa: E402
from tinydb import TinyDB  # noqa: E402

from data.deadlines import SAO_PAULO  # noqa: E402
from data.demo import generate_interactions  # noqa: E402
from data.helpdesk import Helpdesk  # noqa: E402
from data.models import (  # noqa: E402
    Category,
    Kind,
    Organisation,
    Product,
    Role,
    User,
)
from data.store import Box, Draft, Query  # noqa: E402
from data.text import fold  # noqa: E402

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=SAO_PAULO)
TARGET_SIZE = 100_000
ORGANISATIONS = 40
CUSTOMERS = 400
SEARCH_WORD = "remessa"


@dataclass
class Target:
    """What the issue asks: ours at most ``ratio`` times stock's figure."""

    name: str
    ratio: float


TARGETS = {
    "create": Target("create one interaction (durable)", 1 / 20),
    "first_page": Target("open + a customer's newest 50 Enviados", 1 / 5),
    "by_protocol": Target("one interaction by protocol", 1 / 20),
    "search": Target("text search, subject and description", 1 / 2),
    "memory": Target("peak memory, open + first page", 1 / 2),
}


def people() -> tuple[list[Organisation], list[User], list[User]]:
    """Organisations, customers and agents, made without hashing passwords."""
    since = datetime(2021, 1, 4, 9, 0, tzinfo=SAO_PAULO)
    organisations = [
        Organisation(
            id=number,
            name=f"Prefeitura Municipal {number}",
            created_at=since,
            pdc=number % 3 == 0,
            products=[Product("GPE", "Gestão de Processos Eletrônicos")],
        )
        for number in range(1, ORGANISATIONS + 1)
    ]
    agents = [
        User(
            number,
            f"Agente {number}",
            f"agente{number}@backsite.com.br",
            Role.AGENT,
            since,
        )
        for number in range(1, 9)
    ]
    customers = [
        User(
            100 + number,
            f"Cliente {number}",
            f"cliente{number}@org.com.br",
            Role.CUSTOMER,
            since,
            organisation_id=organisations[number % ORGANISATIONS].id,
        )
        for number in range(CUSTOMERS)
    ]
    return organisations, customers, agents


def build(size: int, folder: Path) -> dict[str, Any]:
    """Both stores with the same ``size`` interactions; returns what to ask."""
    organisations, customers, agents = people()
    interactions = list(
        generate_interactions(
            random.Random(size),
            count=size,
            start_protocol=1,
            organisations=organisations,
            customers=customers,
            agents=agents,
            now=NOW,
            days=1500,
        )
    )
    ours = Helpdesk(folder / "ours", clock=lambda: NOW)
    for organisation in organisations:
        ours.repository.put_organisation(organisation)
    for user in [*agents, *customers]:
        ours.repository.put_user(user)
    ours.repository.bulk_load(interactions)

    stock_path = folder / "stock.json"
    documents = {str(i.protocol): i.to_dict() for i in interactions}
    with TinyDB(stock_path) as stock:
        stock.storage.write({"_default": documents})

    # The customer with the most interactions: the heaviest first page.
    authors: dict[int, int] = {}
    customer_ids = {customer.id for customer in customers}
    for interaction in interactions:
        if interaction.author_id in customer_ids:
            authors[interaction.author_id] = authors.get(interaction.author_id, 0) + 1
    customer_id = max(authors, key=authors.__getitem__)
    return {
        "ours": folder / "ours",
        "stock": stock_path,
        "customer": customer_id,
        "agent": agents[0].id,
        "protocol": size // 2,
        "bytes": stock_path.stat().st_size,
    }


def median_seconds(action: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def stock_first_page(path: Path, customer_id: int) -> list[dict[str, Any]]:
    with TinyDB(path) as stock:
        found = stock.search(
            (TinyQuery().author_id == customer_id)
            & (TinyQuery().direction == "to_vendor")
        )
        return sorted(found, key=lambda d: d["protocol"], reverse=True)[:50]


def ours_first_page(root: Path, customer_id: int) -> Any:
    store = Helpdesk(root, clock=lambda: NOW)
    customer = store.repository.get_user(customer_id)
    return store.list_interactions(customer, Query(box=Box.SENT, limit=50))


def measure(
    size: int, case: dict[str, Any], repeat: int
) -> tuple[dict[str, tuple[float, float]], dict[str, float]]:
    """Every figure for one size: name -> (ours, stock); and the floors.

    The floors are the fixed costs under the figures: the fsyncs our durable
    create waits for, and the memory of a process that loads the same code
    and opens nothing.
    """
    figures: dict[str, tuple[float, float]] = {}
    floors: dict[str, float] = {}
    root, stock_path = case["ours"], case["stock"]

    store = Helpdesk(root, clock=lambda: NOW)
    customer = store.repository.get_user(case["customer"])
    agent = store.repository.get_user(case["agent"])
    draft = Draft(
        Category.SAC,
        Kind.COMPLAINT,
        "Remessa digital não chega",
        "A remessa digital enviada ontem não chegou ao setor de destino. " * 4,
    )
    stock_document = store.repository.get_interaction(case["protocol"]).to_dict()
    with TinyDB(stock_path) as stock:
        stock_create = median_seconds(
            lambda: stock.insert(dict(stock_document)), max(3, repeat // 2)
        )
    ours_create = median_seconds(
        lambda: store.create_interaction(customer, draft), repeat
    )
    figures["create"] = (ours_create, stock_create)
    floors["fsyncs"] = fsyncs_of(lambda: store.create_interaction(customer, draft))

    figures["first_page"] = (
        median_seconds(lambda: ours_first_page(root, case["customer"]), repeat),
        median_seconds(lambda: stock_first_page(stock_path, case["customer"]), repeat),
    )

    def stock_by_protocol() -> Any:
        with TinyDB(stock_path) as stock:
            return stock.get(doc_id=case["protocol"])

    def ours_by_protocol() -> Any:
        fresh = Helpdesk(root, clock=lambda: NOW)
        return fresh.get_interaction(agent, case["protocol"])

    figures["by_protocol"] = (
        median_seconds(ours_by_protocol, repeat),
        median_seconds(stock_by_protocol, repeat),
    )

    def stock_search() -> Any:
        with TinyDB(stock_path) as stock:
            found = stock.search(stock_text_matches)
            return sorted(found, key=lambda d: d["protocol"], reverse=True)[:50]

    def ours_search() -> Any:
        fresh = Helpdesk(root, clock=lambda: NOW)
        return fresh.list_interactions(
            agent, Query(box=Box.RECEIVED, text=SEARCH_WORD, limit=50)
        )

    figures["search"] = (
        median_seconds(ours_search, repeat),
        median_seconds(stock_search, repeat),
    )

    figures["memory"] = (
        peak_memory("ours", root, case["customer"]),
        peak_memory("stock", stock_path, case["customer"]),
    )
    floors["memory"] = peak_memory("nothing", root, case["customer"])
    return figures, floors


def fsyncs_of(action: Callable[[], Any]) -> int:
    """How many times ``action`` waits for the disk (file and folder fsyncs)."""
    # Not at the top: the memory children import this module too, and mock
    # would raise the floor they measure by some 4 MiB.
    from unittest import mock

    with mock.patch("os.fsync", wraps=os.fsync) as fsync:
        action()
    return fsync.call_count


def stock_text_matches(document: dict[str, Any]) -> bool:
    """Stock TinyDB's search: any callable over the document is a query."""
    text = fold(f"{document['subject']}\n{document['description']}")
    return fold(SEARCH_WORD) in text


def peak_memory(which: str, path: Path, customer_id: int) -> float:
    """MiB at the peak of a child process that opens a store and its first page."""
    result = subprocess.run(
        [sys.executable, __file__, "--peak", which, str(path), str(customer_id)],
        capture_output=True,
        text=True,
        check=True,
    )
    return float(result.stdout.strip())


def child_peak(which: str, path: str, customer_id: int) -> None:
    # Every child has imported this module, and with it both stores' code:
    # "nothing" measures that common floor.
    if which == "ours":
        ours_first_page(Path(path), customer_id)
    elif which == "stock":
        stock_first_page(Path(path), customer_id)
    # VmHWM, not getrusage's ru_maxrss: Linux carries ru_maxrss over from
    # the parent across fork and exec, which would report the parent's peak.
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            print(int(line.split()[1]) / 1024)


def report(
    size: int,
    case: dict[str, Any],
    figures: dict[str, tuple[float, float]],
    floors: dict[str, float],
) -> bool:
    print(f"\n{size:,} interactions ({case['bytes'] / 1e6:.0f} MB as stock TinyDB)")
    print(f"  {'operation':<42}{'ours':>12}{'stock':>13}{'ratio':>8}{'target':>8}  met")
    met_all = True
    for key, (ours, stock) in figures.items():
        target = TARGETS[key]
        ratio = ours / stock
        met = ratio <= target.ratio
        met_all &= met
        unit = "MiB" if key == "memory" else "ms"
        scale = 1 if key == "memory" else 1000
        print(
            f"  {target.name:<42}{ours * scale:>8.1f} {unit:<3}{stock * scale:>9.1f} "
            f"{unit:<3}{ratio:>8.3f}{target.ratio:>8.3f}  {'yes' if met else 'NO'}"
        )
    ours, stock = figures["memory"]
    floor = floors["memory"]
    print(
        f"  floors: a durable create waits for the disk {floors['fsyncs']:.0f} times, "
        "stock's insert never;"
    )
    print(
        f"  the code alone peaks at {floor:.1f} MiB "
        f"(ours +{ours - floor:.1f} MiB, stock +{stock - floor:.1f} MiB)"
    )
    return met_all


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--peak", nargs=3, metavar=("WHICH", "PATH", "CUSTOMER"))
    args = parser.parse_args()
    if args.peak:
        child_peak(args.peak[0], args.peak[1], int(args.peak[2]))
        return 0
    verdict: bool | None = None
    for size in args.sizes:
        with tempfile.TemporaryDirectory(prefix="sac-bench-") as folder:
            started = time.perf_counter()
            case = build(size, Path(folder))
            print(f"(built {size:,} in {time.perf_counter() - started:.0f} s)")
            met = report(size, case, *measure(size, case, args.repeat))
            if size == TARGET_SIZE:
                verdict = met
    if verdict is None:
        print(f"\nthe targets are judged at {TARGET_SIZE:,}, not measured in this run")
        return 0
    print(
        f"\nevery target met at {TARGET_SIZE:,}"
        if verdict
        else f"\nsome targets NOT met at {TARGET_SIZE:,}"
    )
    return 0 if verdict else 1


if __name__ == "__main__":
    raise SystemExit(main())
