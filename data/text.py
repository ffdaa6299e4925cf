"""Text helpers shared by search and validation."""

from __future__ import annotations

import unicodedata

# Portuguese (and most Western) accented letters, folded in one C-level pass;
# only text with other non-ASCII letters takes the slower Unicode path.
_ACCENTED = "áàâãäåçéèêëíìîïñóòôõöúùûüýÿ"
_PLAIN = "aaaaaaceeeeiiiinooooouuuuyy"
_FOLD = str.maketrans(_ACCENTED, _PLAIN)


def fold(text: str) -> str:
    """Lower-case ``text`` and strip its accents, for searching.

    "Reclamação" and "reclamacao" fold to the same string, so a user on a
    keyboard without dead keys still finds what they look for.
    """
    folded = text.casefold().translate(_FOLD)
    if folded.isascii():
        return folded
    decomposed = unicodedata.normalize("NFKD", folded)
    return "".join(char for char in decomposed if not unicodedata.combining(char))
