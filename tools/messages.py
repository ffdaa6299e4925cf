"""List the interface's messages that have no Portuguese translation yet.

    python tools/messages.py            # missing msgids, one per line
    python tools/messages.py --json     # the same as a JSON object to fill in

Messages are the literal first arguments of ``_()`` and ``N_()`` calls.
"""

from __future__ import annotations

import ast
import json
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("data", "tui", "screens", "widgets", "server")


def msgids(root: Path = ROOT) -> Iterator[tuple[str, Path, int]]:
    """Every (msgid, file, line) marked for translation in the packages."""
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            try:
                tree = ast.parse(path.read_text(encoding="utf-8"))
            except SyntaxError as error:
                print(f"skipped {path}: {error}", file=sys.stderr)
                continue
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Name)
                    and node.func.id in ("_", "N_")
                    and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)
                ):
                    yield node.args[0].value, path, node.lineno


def main() -> int:
    sys.path.insert(0, str(ROOT))
    from data.i18n import catalogue

    known = catalogue("pt_BR")
    missing = sorted({msgid for msgid, _path, _line in msgids() if msgid not in known})
    if "--json" in sys.argv:
        print(json.dumps({m: "" for m in missing}, ensure_ascii=False, indent=2))
    else:
        print("\n".join(missing))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
