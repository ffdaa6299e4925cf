"""Checks and normal forms for what people type into the helpdesk's forms.

Every check returns the value as it should be stored (trimmed, normalised)
or raises :class:`~data.errors.ValidationError` with a sentence in the
interface's language and the name of the field it belongs to, so that a form
can show the sentence next to that field and keep what was typed.
"""

from __future__ import annotations

import re
from pathlib import Path

from data.errors import ValidationError
from data.i18n import _, language

NAME_MAX = 120
SUBJECT_MAX = 120
DESCRIPTION_MAX = 10_000
REASON_MAX = 2_000
TEXT_MAX = 10_000

# What people write around a phone number: "+55 (11) 3456-7890", "11.3456.7890".
_PHONE_PUNCTUATION = re.compile(r"[\s().+\-/]")


def _count(number: int) -> str:
    # Brazilians group thousands with a dot: "10.000 caracteres".
    grouped = f"{number:,}"
    return grouped.replace(",", ".") if language() == "pt_BR" else grouped


def require(value: str, *, field: str, label: str) -> str:
    """Return ``value`` trimmed, refusing it if nothing is left.

    Args:
        value: what was typed.
        field: the field's name, for the form to place the sentence.
        label: the field's name as the form shows it, translated.

    Raises:
        ValidationError: "{label} is required."
    """
    value = value.strip()
    if not value:
        raise ValidationError(_("{label} is required.", label=label), field=field)
    return value


def check_length(
    value: str, *, field: str, label: str, maximum: int, minimum: int = 0
) -> str:
    """Return ``value`` unchanged if its length is within bounds.

    The sentence gives the current length, so that the person knows how much
    to cut without counting.

    Raises:
        ValidationError: when ``value`` is shorter than ``minimum`` or longer
            than ``maximum`` characters.
    """
    if len(value) < minimum:
        raise ValidationError(
            _(
                "{label} must have at least {minimum} characters.",
                label=label,
                minimum=_count(minimum),
            ),
            field=field,
        )
    if len(value) > maximum:
        raise ValidationError(
            _(
                "{label} must have at most {maximum} characters; it has {length}.",
                label=label,
                maximum=_count(maximum),
                length=_count(len(value)),
            ),
            field=field,
        )
    return value


def normalise_email(value: str, field: str = "email") -> str:
    """Return the e-mail address in the one form the helpdesk stores and looks up.

    Only the address's form is checked, never whether its domain receives
    mail: the console must work without a network.

    Returns:
        The address normalised by ``email-validator`` and lowercased, such as
        ``nome@empresa.com.br`` for `` Nome@Empresa.COM.br``.

    Raises:
        ValidationError: when it is empty or not an e-mail address.
    """
    from email_validator import EmailNotValidError, validate_email

    value = require(value, field=field, label=_("E-mail"))
    try:
        address = validate_email(value, check_deliverability=False)
    except EmailNotValidError:
        raise ValidationError(
            _("Enter a valid e-mail address, such as nome@empresa.com.br."),
            field=field,
        ) from None
    # Mail servers could tell "Nome@" from "nome@"; people never mean that,
    # and one account per address matters more.
    return address.normalized.lower()


def format_phone(digits: str) -> str:
    """Format a Brazilian number of 10 or 11 digits, area code first.

    Returns:
        ``"(11) 3456-7890"`` for a landline, ``"(11) 98765-4321"`` for a mobile.

    Raises:
        ValueError: when ``digits`` is not 10 or 11 digits; a caller's mistake,
            not the user's, since :func:`normalise_phone` checks first.
    """
    if not digits.isdigit() or len(digits) not in (10, 11):
        raise ValueError(f"expected 10 or 11 digits, got {digits!r}")
    area, number = digits[:2], digits[2:]
    return f"({area}) {number[:-4]}-{number[-4:]}"


def _phone_digits(value: str, field: str) -> str:
    has_plus = value.startswith("+")
    digits = _PHONE_PUNCTUATION.sub("", value)
    if not digits.isdigit():
        raise ValidationError(
            _(
                "Enter the phone number with its area code, "
                "such as (11) 3456-7890 or (11) 98765-4321."
            ),
            field=field,
        )

    if has_plus:
        if not digits.startswith("55"):
            raise ValidationError(
                _("Enter a Brazilian phone number, such as +55 (11) 98765-4321."),
                field=field,
            )
        return digits[2:]
    # 55 is also an area code (Santa Maria, RS), so it is the country code
    # only when the digits are too many without it.
    if digits.startswith("55") and len(digits) in (12, 13):
        return digits[2:]
    if digits.startswith("0"):
        # The trunk prefix of a long-distance call: 0 11 3456-7890.
        return digits[1:]
    return digits


def normalise_phone(value: str, field: str = "phone") -> str:
    """Return a Brazilian phone number in the form ``(11) 3456-7890``.

    Accepts the number with any spaces and punctuation, with or without +55
    or the 0 of a long-distance call before the area code.

    Returns:
        ``"(DD) NNNN-NNNN"`` for a landline (8 digits starting with 2 to 5),
        ``"(DD) 9NNNN-NNNN"`` for a mobile (9 digits starting with 9).

    Raises:
        ValidationError: saying what is expected, with an example.
    """
    value = require(value, field=field, label=_("Phone"))
    digits = _phone_digits(value, field)

    if len(digits) not in (10, 11):
        raise ValidationError(
            _(
                "Enter the phone number with its area code, "
                "such as (11) 3456-7890 or (11) 98765-4321."
            ),
            field=field,
        )
    if "0" in digits[:2]:
        raise ValidationError(
            _(
                "The area code has two digits from 1 to 9, such as 11 or 48; "
                "{area} is not one.",
                area=digits[:2],
            ),
            field=field,
        )
    if len(digits) == 11 and digits[2] != "9":
        raise ValidationError(
            _(
                "A mobile number has 9 digits after the area code and starts "
                "with 9, such as (11) 98765-4321."
            ),
            field=field,
        )
    if len(digits) == 10 and digits[2] not in "2345":
        raise ValidationError(
            _(
                "A landline number has 8 digits after the area code and starts "
                "with 2 to 5, such as (11) 3456-7890; a mobile number has 9 "
                "digits and starts with 9."
            ),
            field=field,
        )
    return format_phone(digits)


def check_full_name(value: str, field: str = "name") -> str:
    """Return a person's full name with its spaces tidied.

    Returns:
        The name with runs of spaces (and tabs, line breaks) made one space.

    Raises:
        ValidationError: when it is empty, a single word, or longer than
            :data:`NAME_MAX` characters.
    """
    label = _("Name")
    name = " ".join(require(value, field=field, label=label).split())
    words_with_letters = [
        word for word in name.split() if any(char.isalpha() for char in word)
    ]
    if len(words_with_letters) < 2:
        raise ValidationError(
            _("Enter your full name: first name and surname."), field=field
        )
    return check_length(name, field=field, label=label, maximum=NAME_MAX)


def check_subject(value: str, field: str = "subject") -> str:
    """Return an interaction's subject, trimmed.

    Raises:
        ValidationError: when it is empty or longer than :data:`SUBJECT_MAX`.
    """
    label = _("Subject")
    subject = require(value, field=field, label=label)
    return check_length(subject, field=field, label=label, maximum=SUBJECT_MAX)


def check_description(value: str, field: str = "description") -> str:
    """Return an interaction's description, trimmed at both ends only.

    Raises:
        ValidationError: when it is empty or longer than
            :data:`DESCRIPTION_MAX`.
    """
    label = _("Description")
    description = require(value, field=field, label=label)
    return check_length(description, field=field, label=label, maximum=DESCRIPTION_MAX)


def check_reason(value: str, field: str = "reason") -> str:
    """Return the reason given for a rejection or a cancellation, trimmed.

    Raises:
        ValidationError: when it is empty or longer than :data:`REASON_MAX`.
    """
    label = _("Reason")
    reason = require(value, field=field, label=label)
    return check_length(reason, field=field, label=label, maximum=REASON_MAX)


def check_attachment(path: Path, limit: int) -> int:
    """Return the size of a file that may be attached; refuse it in words.

    Blocking (it opens the file): the store calls it for every attachment it
    keeps, and the console as each file is added, so a refusal comes there
    and then with the same sentence.

    Raises:
        ValidationError: the file is missing, a folder, unreadable or larger
            than ``limit`` bytes; ``field`` is ``"attachments"``.
    """
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise IsADirectoryError
        with open(path, "rb") as handle:
            handle.read(1)
    except FileNotFoundError:
        raise ValidationError(
            _("The file {path} does not exist.", path=path), field="attachments"
        ) from None
    except IsADirectoryError:
        raise ValidationError(
            _("{path} is a folder; attach files one by one.", path=path),
            field="attachments",
        ) from None
    except OSError:
        raise ValidationError(
            _("The file {path} cannot be read.", path=path), field="attachments"
        ) from None
    if size > limit:
        # Imported here: humanize is not worth loading for every command.
        from data.words import natural_size

        raise ValidationError(
            _(
                "{name} has {size}; attachments may have at most {limit}.",
                name=path.name,
                size=natural_size(size),
                limit=natural_size(limit),
            ),
            field="attachments",
        )
    return size
