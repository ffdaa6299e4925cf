"""Every message the interface shows has a Portuguese translation that fits."""

from __future__ import annotations

import string
import sys
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

from messages import msgids  # noqa: E402

from data.i18n import catalogue  # noqa: E402


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_message_has_a_portuguese_translation() -> None:
    known = catalogue("pt_BR")
    missing = sorted(
        f"{path.relative_to(ROOT)}:{line}: {msgid}"
        for msgid, path, line in msgids()
        if not known.get(msgid)
    )
    assert missing == []


def test_translations_keep_the_placeholders_of_their_message() -> None:
    wrong = {
        msgid: text
        for msgid, text in catalogue("pt_BR").items()
        if placeholders(msgid) != placeholders(text)
    }
    assert wrong == {}


def test_no_message_is_translated_two_ways() -> None:
    seen: dict[str, tuple[str, str]] = {}
    clashes = []
    for path in sorted((ROOT / "data" / "locale" / "pt_BR").glob("*.json")):
        for msgid, text in orjson.loads(path.read_bytes()).items():
            if msgid in seen and seen[msgid][1] != text:
                clashes.append((msgid, seen[msgid][0], path.name))
            seen[msgid] = (path.name, text)
    assert clashes == []
