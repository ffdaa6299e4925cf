"""What forms accept, how they store it, and what they say when they refuse."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from data import i18n
from data.errors import ValidationError
from data.validation import (
    DESCRIPTION_MAX,
    NAME_MAX,
    REASON_MAX,
    SUBJECT_MAX,
    check_description,
    check_full_name,
    check_length,
    check_reason,
    check_subject,
    format_phone,
    normalise_email,
    normalise_phone,
    require,
)


@pytest.fixture(autouse=True)
def portuguese() -> None:
    i18n.set_language("pt_BR")


@pytest.fixture
def english() -> Iterator[None]:
    i18n.set_language("en")
    yield
    i18n.set_language("pt_BR")


# --- Required and length -----------------------------------------------------


def test_require_trims_and_returns_the_value() -> None:
    assert require("  Sistema fora do ar \n", field="subject", label="Assunto") == (
        "Sistema fora do ar"
    )


@pytest.mark.parametrize("value", ["", "   ", "\t\n"])
def test_require_refuses_nothing_but_spaces(value: str) -> None:
    with pytest.raises(ValidationError) as caught:
        require(value, field="subject", label="Assunto")

    assert caught.value.field == "subject"
    assert caught.value.message == "Preencha o campo Assunto."


def test_check_length_says_the_maximum_and_how_long_the_text_is() -> None:
    with pytest.raises(ValidationError) as caught:
        check_length("x" * 12_345, field="notes", label="Notas", maximum=10_000)

    assert caught.value.field == "notes"
    assert caught.value.message == (
        "O campo Notas deve ter no máximo 10.000 caracteres; agora tem 12.345."
    )


def test_check_length_refuses_below_the_minimum_and_passes_within() -> None:
    with pytest.raises(ValidationError) as caught:
        check_length("ab", field="code", label="Código", maximum=10, minimum=3)

    assert "pelo menos 3 caracteres" in caught.value.message
    assert check_length("abc", field="code", label="Código", maximum=3) == "abc"


def test_length_refusals_in_english(english: None) -> None:
    with pytest.raises(ValidationError) as caught:
        check_reason("x" * 2_001)

    assert caught.value.message == (
        "Reason must have at most 2,000 characters; it has 2,001."
    )


# --- E-mail ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("  Nome@Empresa.COM.br ", "nome@empresa.com.br"),
        ("maria.souza+sac@empresa.com.br", "maria.souza+sac@empresa.com.br"),
        ("João@Empresa.com.br", "joão@empresa.com.br"),
    ],
)
def test_an_e_mail_is_stored_trimmed_and_lowercased(typed: str, stored: str) -> None:
    assert normalise_email(typed) == stored


@pytest.mark.parametrize(
    "typed", ["maria", "maria@", "@empresa.com.br", "maria@empresa", "a b@c.com.br"]
)
def test_a_malformed_e_mail_is_refused_with_an_example(typed: str) -> None:
    with pytest.raises(ValidationError) as caught:
        normalise_email(typed, field="contact")

    assert caught.value.field == "contact"
    assert caught.value.message == (
        "Informe um e-mail válido, como nome@empresa.com.br."
    )


def test_an_empty_e_mail_is_said_to_be_required() -> None:
    with pytest.raises(ValidationError) as caught:
        normalise_email("  ")

    assert caught.value.field == "email"
    assert caught.value.message == "Preencha o campo E-mail."


def test_e_mail_refusal_in_english(english: None) -> None:
    with pytest.raises(ValidationError) as caught:
        normalise_email("maria@")

    assert caught.value.message == (
        "Enter a valid e-mail address, such as nome@empresa.com.br."
    )


# --- Phone -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("1134567890", "(11) 3456-7890"),
        ("(11) 3456-7890", "(11) 3456-7890"),
        ("11 98765 4321", "(11) 98765-4321"),
        ("+55 (11) 98765-4321", "(11) 98765-4321"),
        ("+55 11 3456.7890", "(11) 3456-7890"),
        ("5511987654321", "(11) 98765-4321"),
        ("0 11 98765-4321", "(11) 98765-4321"),
        ("(011) 3456-7890", "(11) 3456-7890"),
        ("55 3222-1234", "(55) 3222-1234"),
        ("(48) 2101-0000", "(48) 2101-0000"),
    ],
)
def test_a_brazilian_number_is_stored_in_one_form(typed: str, stored: str) -> None:
    assert normalise_phone(typed) == stored


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("3456-7890", "Informe o telefone com DDD"),
        ("11 3456-789", "Informe o telefone com DDD"),
        ("11 98765-43210", "Informe o telefone com DDD"),
        ("(11) 3456-7890 ramal 2", "Informe o telefone com DDD"),
        ("+1 212 555 0100", "Informe um telefone do Brasil"),
        ("(10) 3456-7890", "10 não é um DDD"),
        ("(20) 98765-4321", "20 não é um DDD"),
        ("(11) 88765-4321", "Celular tem 9 dígitos depois do DDD e começa com 9"),
        ("(11) 8765-4321", "Telefone fixo tem 8 dígitos depois do DDD"),
        ("(11) 1234-5678", "Telefone fixo tem 8 dígitos depois do DDD"),
    ],
)
def test_a_wrong_number_is_refused_saying_what_is_expected(
    typed: str, says: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        normalise_phone(typed)

    assert caught.value.field == "phone"
    assert says in caught.value.message


def test_every_phone_refusal_shows_an_example_number() -> None:
    for typed in ("3456-7890", "+1 212 555 0100", "(11) 88765-4321", "(11) 8765-4321"):
        with pytest.raises(ValidationError) as caught:
            normalise_phone(typed, field="contact_phone")

        assert caught.value.field == "contact_phone"
        assert "(11) " in caught.value.message


def test_an_empty_phone_is_said_to_be_required() -> None:
    with pytest.raises(ValidationError) as caught:
        normalise_phone("")

    assert caught.value.message == "Preencha o campo Telefone."


def test_format_phone_accepts_only_10_or_11_digits() -> None:
    assert format_phone("1134567890") == "(11) 3456-7890"
    assert format_phone("11987654321") == "(11) 98765-4321"
    with pytest.raises(ValueError):
        format_phone("113456789")


# --- Names and the texts of an interaction -----------------------------------


def test_a_full_name_is_stored_with_single_spaces() -> None:
    assert check_full_name("  Maria   da\tSilva \n") == "Maria da Silva"


@pytest.mark.parametrize("typed", ["Maria", "  Maria  ", "Maria 2", "Maria -"])
def test_a_single_word_is_not_a_full_name(typed: str) -> None:
    with pytest.raises(ValidationError) as caught:
        check_full_name(typed)

    assert caught.value.field == "name"
    assert caught.value.message == "Informe o nome completo: nome e sobrenome."


def test_a_name_longer_than_the_limit_is_refused() -> None:
    long_name = "Maria " + "S" * NAME_MAX

    with pytest.raises(ValidationError) as caught:
        check_full_name(long_name, field="contact_name")

    assert caught.value.field == "contact_name"
    assert "no máximo 120 caracteres" in caught.value.message


def test_full_name_refusal_in_english(english: None) -> None:
    with pytest.raises(ValidationError) as caught:
        check_full_name("")

    assert caught.value.message == "Name is required."


@pytest.mark.parametrize(
    ("check", "field", "label", "maximum"),
    [
        (check_subject, "subject", "Assunto", SUBJECT_MAX),
        (check_description, "description", "Descrição", DESCRIPTION_MAX),
        (check_reason, "reason", "Motivo", REASON_MAX),
    ],
)
def test_interaction_texts_are_required_and_bounded(
    check: Callable[[str], str], field: str, label: str, maximum: int
) -> None:
    assert check("  texto  ") == "texto"
    assert check("x" * maximum) == "x" * maximum

    with pytest.raises(ValidationError) as empty:
        check(" ")
    with pytest.raises(ValidationError) as too_long:
        check("x" * (maximum + 1))

    assert (empty.value.field, empty.value.message) == (
        field,
        f"Preencha o campo {label}.",
    )
    assert too_long.value.field == field
    assert too_long.value.message.startswith(f"O campo {label} deve ter no máximo")


def test_a_description_keeps_its_line_breaks() -> None:
    text = "Passos:\n\n1. Abrir o sistema\n2. Clicar em Salvar"

    assert check_description(f"\n{text}\n  ") == text
