"""Text helpers shared by search and validation."""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """Lower-case ``text`` and strip its accents, for searching.

    "Reclamação" and "reclamacao" fold to the same string, so a user on a
    keyboard without dead keys still finds what they look for.
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))
