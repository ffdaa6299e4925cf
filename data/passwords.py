"""Passwords: hashing, the rules for a new one, its strength, and login lockout.

A new password is judged the way NIST SP 800-63B advises: long enough, not
absurdly long, not one of the passwords attackers try first, and not built
from the person's own name or e-mail. There are no composition rules
("needs a digit"): they push people to ``Senha@123`` and add no strength.

The list of passwords attackers try first is ``common_passwords.txt.gz``, next
to this module, one lowercase password a line. It is built by
``tools/build_common_passwords.py`` from the 30,000 commonest passwords in the
``zxcvbn`` package's frequency lists (drawn from leaked password sets) plus a
hand-written list of Brazilian favourites such as ``senha123`` and
``flamengo``.

Hashing uses Argon2id through ``argon2-cffi`` with its default parameters.
``argon2`` and ``zxcvbn`` are imported on first use, to keep the console's
start-up light.
"""

from __future__ import annotations

import gzip
import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from data.errors import AccountLocked, AuthenticationError, ValidationError
from data.i18n import _, language
from data.models import LoginAttempts

if TYPE_CHECKING:
    from argon2 import PasswordHasher

MIN_LENGTH = 8
MAX_LENGTH = 128

MAX_FAILURES = 5
FIRST_LOCK = timedelta(minutes=5)
LONGEST_LOCK = timedelta(hours=24)

COMMON_PASSWORDS_PATH = Path(__file__).with_name("common_passwords.txt.gz")

# zxcvbn refuses longer input, and its matching slows down quadratically.
_ZXCVBN_MAX_LENGTH = 72

# Shorter words of a name ("da", "Li") would refuse too many innocent
# passwords; "Ana" still counts.
_PERSONAL_MIN_LENGTH = 3


# zxcvbn 4.5's feedback, verbatim: each is a message id of the catalogue, so
# that the hint is translated (zxcvbn's own gettext domain ships no pt-BR).
ZXCVBN_SENTENCES = frozenset(
    {
        "Use a few words, avoid common phrases.",
        "No need for symbols, digits, or uppercase letters.",
        "Add another word or two. Uncommon words are better.",
        "Straight rows of keys are easy to guess.",
        "Short keyboard patterns are easy to guess.",
        "Use a longer keyboard pattern with more turns.",
        'Repeats like "aaa" are easy to guess.',
        'Repeats like "abcabcabc" are only slightly harder to guess than "abc".',
        "Avoid repeated words and characters.",
        'Sequences like "abc" or "6543" are easy to guess.',
        "Avoid sequences.",
        "Recent years are easy to guess.",
        "Avoid recent years.",
        "Avoid years that are associated with you.",
        "Dates are often easy to guess.",
        "Avoid dates and years that are associated with you.",
        "This is a top-10 common password.",
        "This is a top-100 common password.",
        "This is a very common password.",
        "This is similar to a commonly used password.",
        "A word by itself is easy to guess.",
        "Names and surnames by themselves are easy to guess.",
        "Common names and surnames are easy to guess.",
        "Capitalization doesn't help very much.",
        "All-uppercase is almost as easy to guess as all-lowercase.",
        "Reversed words aren't much harder to guess.",
        "Predictable substitutions like '@' instead of 'a' don't help very much.",
    }
)


# --- Hashing -----------------------------------------------------------------


@cache
def _hasher() -> PasswordHasher:
    from argon2 import PasswordHasher

    return PasswordHasher()


def _normalise(password: str) -> str:
    # The same password typed on two terminals may arrive composed ("ç") or
    # decomposed ("c" + cedilla); NFKC makes both hash, and count, alike.
    return unicodedata.normalize("NFKC", password)


def hash_password(password: str) -> str:
    """Hash ``password`` with Argon2id for storage.

    Slow on purpose (tens of milliseconds): call it from a worker thread,
    never on the console's event loop.

    Returns:
        The encoded hash, parameters and salt included, such as
        ``$argon2id$v=19$m=65536,t=3,p=4$...``.
    """
    return _hasher().hash(_normalise(password))


def verify_password(stored_hash: str, password: str) -> bool:
    """Tell whether ``password`` matches ``stored_hash``.

    Returns:
        ``True`` on a match; ``False`` for a wrong password and also for an
        empty or damaged hash, so that a login never crashes on bad data.
    """
    from argon2.exceptions import InvalidHashError, VerificationError

    if not stored_hash:
        return False
    try:
        return _hasher().verify(stored_hash, _normalise(password))
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """Tell whether ``stored_hash`` was made with weaker parameters than today's.

    Call it after a successful login and store a fresh hash if it says so.
    A hash that cannot be read also needs replacing.
    """
    from argon2.exceptions import InvalidHashError

    try:
        return _hasher().check_needs_rehash(stored_hash)
    except InvalidHashError:
        return True


# --- Rules for a new password ------------------------------------------------


@cache
def common_passwords() -> frozenset[str]:
    """Return the lowercase passwords that are refused as too common."""
    with gzip.open(COMMON_PASSWORDS_PATH, "rt", encoding="utf-8") as lines:
        return frozenset(line.strip() for line in lines if line.strip())


def _fold(text: str) -> str:
    # Accent- and case-insensitive, so "João" is found in "joao2024".
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return bare.casefold()


def _name_words(name: str) -> list[str]:
    words = re.split(r"[\W\d_]+", _fold(name))
    return [word for word in words if len(word) >= _PERSONAL_MIN_LENGTH]


def _email_local_part(email: str) -> str:
    local = _fold(email.strip()).partition("@")[0]
    return local if len(local) >= _PERSONAL_MIN_LENGTH else ""


def check_new_password(password: str, *, name: str = "", email: str = "") -> None:
    """Refuse a password that is too short, too long, too common or personal.

    Args:
        password: the password as typed.
        name: the person's name; no word of it with 3 letters or more may
            appear in the password.
        email: the person's e-mail; its part before the ``@`` may not appear.

    Raises:
        ValidationError: with ``field="password"`` and a sentence that says
            what to change.
    """
    password = _normalise(password)

    if len(password) < MIN_LENGTH:
        raise ValidationError(
            _("The password needs at least {minimum} characters.", minimum=MIN_LENGTH),
            field="password",
        )
    if len(password) > MAX_LENGTH:
        raise ValidationError(
            _(
                "The password can have at most {maximum} characters.",
                maximum=MAX_LENGTH,
            ),
            field="password",
        )
    # Lowercased as tools/build_common_passwords.py lowercases the list.
    if password.lower() in common_passwords():
        raise ValidationError(
            _(
                "This password is one of the most used and easy to guess. "
                "Choose another."
            ),
            field="password",
        )

    folded = _fold(password)
    if any(word in folded for word in _name_words(name)):
        raise ValidationError(
            _("The password must not contain your name. Choose another."),
            field="password",
        )
    local_part = _email_local_part(email)
    if local_part and local_part in folded:
        raise ValidationError(
            _("The password must not contain your e-mail. Choose another."),
            field="password",
        )


# --- Strength, for the hint shown while typing -------------------------------


@dataclass(frozen=True)
class Strength:
    """How hard a password is to guess, in words for the sign-up form.

    Attributes:
        score: 0 (guessed at once) to 4 (very hard to guess).
        label: the score in words, translated ("Fraca", "Forte").
        hint: one translated sentence on what to improve, or ``""``.
    """

    score: int
    label: str
    hint: str


def _strength_label(score: int) -> str:
    return (
        _("Very weak"),
        _("Weak"),
        _("Fair"),
        _("Good"),
        _("Strong"),
    )[score]


def _zxcvbn_hint(feedback: dict[str, Any]) -> str:
    for sentence in [feedback["warning"], *feedback["suggestions"]]:
        if sentence in ZXCVBN_SENTENCES:
            return _(sentence)
        if sentence:
            # One a later zxcvbn adds would show in English; generic advice
            # in the user's language is better than that.
            return _("Add another word or two. Uncommon words are better.")
    return ""


def password_strength(password: str, user_inputs: list[str]) -> Strength:
    """Rate ``password`` for the hint the sign-up form shows while it is typed.

    A password :func:`check_new_password` would refuse scores 0 and its hint
    is the refusal, so the hint never praises what the form will reject.

    Args:
        password: the password typed so far.
        user_inputs: what the form knows of the person: name, e-mail, perhaps
            the organisation; a password containing them is weaker. Items
            with an ``@`` are checked as :func:`check_new_password` checks
            the e-mail, the others as it checks the name, so pass the same
            name and e-mail the form will submit.

    Returns:
        The score, its label and a hint, all in the interface's language.
        Takes from a few to tens of milliseconds: fine between keystrokes.
    """
    names = " ".join(item for item in user_inputs if "@" not in item)
    emails = [item for item in user_inputs if "@" in item] or [""]
    try:
        for email in emails:
            check_new_password(password, name=names, email=email)
    except ValidationError as refusal:
        return Strength(0, _strength_label(0), refusal.message)

    from zxcvbn import zxcvbn

    result = zxcvbn(
        _normalise(password)[:_ZXCVBN_MAX_LENGTH],
        user_inputs=[item for item in user_inputs if item],
    )
    score = int(result["score"])
    return Strength(score, _strength_label(score), _zxcvbn_hint(result["feedback"]))


# --- Login lockout -----------------------------------------------------------


def wrong_credentials() -> AuthenticationError:
    """Return the one refusal for a wrong e-mail and for a wrong password.

    The same sentence for both, so that a login never tells whether an
    e-mail address has an account.
    """
    return AuthenticationError(_("Wrong e-mail or password."))


def lock_duration(lockouts: int) -> timedelta:
    """Return how long the ``lockouts``-th lockout of an address lasts.

    Five minutes the first time, doubling with each lockout after it, never
    more than 24 hours: a person who mistypes waits little, a program trying
    passwords gets a handful of guesses a day.
    """
    # Past 2**9 the cap applies anyway; stopping there keeps the number small.
    doublings = min(max(lockouts, 1) - 1, 9)
    return min(FIRST_LOCK * 2**doublings, LONGEST_LOCK)


def _humanize_delta(delta: timedelta) -> str:
    import humanize

    # humanize keeps its language per thread; set it for every call, since
    # the console can switch language while running.
    if language() == "pt_BR":
        humanize.i18n.activate("pt_BR")
    else:
        humanize.i18n.deactivate()

    # Rounded up so that whoever waits the time said is let in;
    # precisedelta rather than naturaldelta, which says "an hour" for 80
    # minutes.
    if delta >= timedelta(minutes=1):
        minutes = math.ceil(delta / timedelta(minutes=1))
        return humanize.precisedelta(
            timedelta(minutes=minutes), minimum_unit="minutes", format="%0.0f"
        )
    seconds = max(math.ceil(delta / timedelta(seconds=1)), 1)
    return humanize.precisedelta(timedelta(seconds=seconds), format="%0.0f")


def check_not_locked(attempts: LoginAttempts, now: datetime) -> None:
    """Refuse a login while the address is locked out.

    Call it before checking the password, so that a locked address gives
    nothing away even when the password is right.

    Raises:
        AccountLocked: with a sentence saying how long to wait.
    """
    if attempts.locked_until is None or now >= attempts.locked_until:
        return
    wait = _humanize_delta(attempts.locked_until - now)
    raise AccountLocked(
        _("Too many unsuccessful attempts. Try again in {wait}.", wait=wait)
    )


def record_failure(attempts: LoginAttempts, now: datetime) -> None:
    """Count a failed login; the fifth in a row locks the address.

    A lock starts the count again from zero and lasts
    :func:`lock_duration` of the address's lockouts so far.
    """
    attempts.failures += 1
    if attempts.failures >= MAX_FAILURES:
        attempts.lockouts += 1
        attempts.locked_until = now + lock_duration(attempts.lockouts)
        attempts.failures = 0


def record_success(attempts: LoginAttempts) -> None:
    """Forget the failures before a successful login.

    The number of lockouts is kept: someone guessing the password of a
    person who logs in every day would otherwise be back to five-minute
    locks after each of that person's logins. The price is that the owner's
    own next lockout is longer, never above 24 hours.
    """
    attempts.failures = 0
    attempts.locked_until = None
