"""The translation catalogue shared by the library and the console.

Message ids are the English sentences. The Brazilian Portuguese catalogue is
the default language and lives in ``data/locale/pt_BR/*.json``, one file per
area of the code so that areas can be translated independently; the files
are merged when first needed.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

import orjson

DEFAULT_LANGUAGE = "pt_BR"
LANGUAGES = ("pt_BR", "en")

_LOCALE_DIR = Path(__file__).with_name("locale")
_language = DEFAULT_LANGUAGE


@cache
def catalogue(language: str) -> dict[str, str]:
    """Return the merged message catalogue of ``language`` (empty for English)."""
    merged: dict[str, str] = {}
    folder = _LOCALE_DIR / language
    if folder.is_dir():
        for path in sorted(folder.glob("*.json")):
            merged.update(orjson.loads(path.read_bytes()))
    return merged


def set_language(language: str) -> None:
    """Choose the language of every message from now on.

    Args:
        language: ``"pt_BR"`` or ``"en"``; other values raise ``ValueError``.
    """
    global _language
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}")
    _language = language


def language() -> str:
    """Return the language messages are currently given in."""
    return _language


def language_from_environment(environ: os._Environ[str] | dict[str, str]) -> str:
    """Pick the interface language from the POSIX locale variables.

    English only when the locale asks for it; everyone else gets Portuguese,
    the helpdesk's own language.
    """
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "")
        if value:
            return "en" if value.lower().startswith("en") else DEFAULT_LANGUAGE
    return DEFAULT_LANGUAGE


def _(msgid: str, /, **values: object) -> str:
    """Translate ``msgid`` into the current language and fill in ``values``.

    Placeholders use ``str.format`` names: ``_("Protocol {protocol}",
    protocol=12)``.
    """
    text = catalogue(_language).get(msgid, msgid) if _language != "en" else msgid
    return text.format(**values) if values else text


def N_(msgid: str, /) -> str:
    """Mark ``msgid`` for the catalogue without translating it yet.

    For messages kept as ids and translated when shown (notifications).
    """
    return msgid
