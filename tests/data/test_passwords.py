"""Passwords: hashing, the rules for a new one, its strength and lockout."""

from __future__ import annotations

import ast
import gzip
import inspect
import subprocess
import sys
import unicodedata
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from data import i18n
from data.errors import AccountLocked, AuthenticationError, ValidationError
from data.models import LoginAttempts
from data.passwords import (
    COMMON_PASSWORDS_PATH,
    MAX_FAILURES,
    ZXCVBN_SENTENCES,
    Strength,
    check_new_password,
    check_not_locked,
    common_passwords,
    hash_password,
    lock_duration,
    needs_rehash,
    password_strength,
    record_failure,
    record_success,
    verify_password,
    wrong_credentials,
)

REPOSITORY = Path(__file__).resolve().parents[2]
NOW = datetime(2025, 3, 10, 14, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def portuguese() -> None:
    i18n.set_language("pt_BR")


@pytest.fixture
def english() -> Iterator[None]:
    i18n.set_language("en")
    yield
    i18n.set_language("pt_BR")


def refusal(password: str, **person: str) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        check_new_password(password, **person)
    return caught.value


# --- Hashing -----------------------------------------------------------------


def test_a_hash_is_argon2id_and_does_not_show_the_password() -> None:
    stored = hash_password("lua cheia sobre o mar")

    assert stored.startswith("$argon2id$")
    assert "lua" not in stored
    assert hash_password("lua cheia sobre o mar") != stored, "each hash is salted"


def test_verify_accepts_the_password_and_refuses_any_other() -> None:
    stored = hash_password("lua cheia sobre o mar")

    assert verify_password(stored, "lua cheia sobre o mar") is True
    assert verify_password(stored, "Lua cheia sobre o mar") is False
    assert verify_password(stored, "") is False


@pytest.mark.parametrize("stored", ["", "not a hash", "$argon2id$v=19$broken"])
def test_verify_says_no_to_an_empty_or_damaged_hash(stored: str) -> None:
    assert verify_password(stored, "lua cheia sobre o mar") is False


def test_the_same_accented_password_matches_however_the_terminal_composes_it() -> None:
    composed = unicodedata.normalize("NFC", "coração de estudante")
    decomposed = unicodedata.normalize("NFD", composed)
    assert composed != decomposed

    assert verify_password(hash_password(composed), decomposed)


def test_needs_rehash_for_weaker_parameters_or_an_unreadable_hash() -> None:
    weak = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1)

    assert needs_rehash(hash_password("lua cheia sobre o mar")) is False
    assert needs_rehash(weak.hash("lua cheia sobre o mar")) is True
    assert needs_rehash("not a hash") is True


def test_importing_the_module_leaves_argon2_and_zxcvbn_for_later() -> None:
    probe = (
        "import sys, data.passwords; "
        "print('argon2' in sys.modules, 'zxcvbn' in sys.modules)"
    )

    output = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    assert output.split() == ["False", "False"]


# --- Rules for a new password ------------------------------------------------


def test_a_short_password_is_refused_with_the_minimum() -> None:
    error = refusal("kx7#pq2")

    assert error.field == "password"
    assert error.message == "A senha precisa ter pelo menos 8 caracteres."


@pytest.mark.parametrize(
    "password", ["kx7#pq2m", "lua cheia sobre o mar", "x7" * 32, "x7k" * 42 + "pq"]
)
def test_passwords_from_8_to_128_characters_without_rules_are_accepted(
    password: str,
) -> None:
    assert 8 <= len(password) <= 128

    check_new_password(password, name="Maria Souza", email="maria@empresa.com.br")


def test_a_password_over_128_characters_is_refused() -> None:
    error = refusal("x7k" * 43)

    assert error.field == "password"
    assert "no máximo 128 caracteres" in error.message


@pytest.mark.parametrize(
    "password",
    ["senha123", "SENHA123", "Mudar123", "Flamengo", "password1", "12345678"],
)
def test_the_commonest_passwords_are_refused_whatever_their_case(password: str) -> None:
    error = refusal(password)

    assert error.field == "password"
    assert "mais usadas" in error.message


@pytest.mark.parametrize(
    "password", ["joao2024!x", "JOÃO-e-maria", "silva#silva", "x-SILVA-x"]
)
def test_a_password_with_a_word_of_the_name_is_refused(password: str) -> None:
    error = refusal(password, name="João da Silva")

    assert error.field == "password"
    assert "seu nome" in error.message


def test_words_of_the_name_shorter_than_three_letters_are_allowed() -> None:
    check_new_password("verde-da-mata-99", name="Li da Cruz")


def test_a_password_with_the_e_mail_s_local_part_is_refused() -> None:
    error = refusal("meuContato#2025", email="Contato@empresa.com.br")

    assert error.field == "password"
    assert "seu e-mail" in error.message


def test_a_local_part_shorter_than_three_characters_is_allowed() -> None:
    check_new_password("jo-jo-jo-42x", email="jo@empresa.com.br")


def test_the_common_list_is_large_lowercase_and_has_brazilian_favourites() -> None:
    with gzip.open(COMMON_PASSWORDS_PATH, "rt", encoding="utf-8") as lines:
        entries = [line.rstrip("\n") for line in lines]
    favourites = {"senha", "senha123", "mudar123", "brasil", "flamengo"}
    favourites |= {"corinthians", "palmeiras", "12345678"}

    assert len(set(entries)) >= 10_000
    assert all(entry == entry.lower() and entry for entry in entries)
    assert favourites <= common_passwords()


def test_refusals_in_english(english: None) -> None:
    assert refusal("short").message == "The password needs at least 8 characters."
    assert refusal("senha123").message.startswith("This password is one of the most")


# --- Strength ----------------------------------------------------------------


def test_a_password_the_rules_refuse_scores_zero_with_the_refusal_as_hint() -> None:
    strength = password_strength(
        "mariazinha99", ["Maria Souza", "maria@empresa.com.br"]
    )

    assert strength == Strength(
        0, "Muito fraca", "A senha não pode conter o seu nome. Escolha outra."
    )


def test_the_e_mail_among_the_inputs_is_checked_like_the_e_mail() -> None:
    strength = password_strength("x-souzam-x99", ["Ana", "souzam@empresa.com.br"])

    assert strength.score == 0
    assert "seu e-mail" in strength.hint


def test_a_long_passphrase_is_strong_with_no_hint() -> None:
    assert password_strength("lua cheia sobre o mar", []) == Strength(4, "Forte", "")


@pytest.mark.parametrize(
    ("password", "label", "hint"),
    [
        ("zxcvbnm,./", "Fraca", "Sequências de teclas vizinhas"),
        ("abcabcabcabc", "Muito fraca", 'Repetições como "abcabcabc"'),
        ("kx7#pq2m", "Razoável", "Acrescente mais uma ou duas palavras"),
    ],
)
def test_a_weak_password_gets_a_label_and_a_hint_in_portuguese(
    password: str, label: str, hint: str
) -> None:
    strength = password_strength(password, [])

    assert strength.label == label
    assert strength.hint.startswith(hint)


def test_the_inputs_make_a_password_weaker() -> None:
    alone = password_strength("orquideabackstage", [])
    with_input = password_strength("orquideabackstage", ["orquideabackstage corp"])

    assert with_input.score < alone.score


def test_strength_in_english(english: None) -> None:
    assert password_strength("lua cheia sobre o mar", []).label == "Strong"
    assert password_strength("zxcvbnm,./", []).hint == (
        "Straight rows of keys are easy to guess."
    )


def test_the_hint_sentences_are_zxcvbn_s_own_and_all_translated() -> None:
    from zxcvbn import feedback

    calls = ast.walk(ast.parse(inspect.getsource(feedback)))
    zxcvbn_sentences = {
        call.args[0].value
        for call in calls
        if isinstance(call, ast.Call)
        and isinstance(call.func, ast.Name)
        and call.func.id == "_"
    }
    portuguese = i18n.catalogue("pt_BR")

    assert zxcvbn_sentences == ZXCVBN_SENTENCES
    assert all(portuguese.get(sentence) for sentence in ZXCVBN_SENTENCES)


# --- Login lockout -----------------------------------------------------------


def test_wrong_credentials_is_one_sentence_for_e_mail_and_password() -> None:
    error = wrong_credentials()

    assert isinstance(error, AuthenticationError)
    assert not isinstance(error, AccountLocked)
    assert error.message == "E-mail ou senha incorretos."


def test_wrong_credentials_in_english(english: None) -> None:
    assert wrong_credentials().message == "Wrong e-mail or password."


@pytest.mark.parametrize(
    ("lockouts", "minutes"),
    [(0, 5), (1, 5), (2, 10), (3, 20), (5, 80), (9, 1280), (10, 1440), (500, 1440)],
)
def test_each_lockout_lasts_twice_the_one_before_up_to_a_day(
    lockouts: int, minutes: int
) -> None:
    assert lock_duration(lockouts) == timedelta(minutes=minutes)


def test_the_fifth_failure_in_a_row_locks_the_address_for_five_minutes() -> None:
    attempts = LoginAttempts("maria@empresa.com.br")

    for _ in range(MAX_FAILURES - 1):
        record_failure(attempts, NOW)
    check_not_locked(attempts, NOW)
    record_failure(attempts, NOW)

    assert attempts.failures == 0
    assert attempts.lockouts == 1
    assert attempts.locked_until == NOW + timedelta(minutes=5)
    with pytest.raises(AccountLocked) as caught:
        check_not_locked(attempts, NOW)
    assert caught.value.message == (
        "Muitas tentativas sem sucesso. Tente novamente em 5 minutos."
    )


def test_the_lock_ends_when_its_time_is_up() -> None:
    attempts = LoginAttempts("maria@empresa.com.br", locked_until=NOW)

    check_not_locked(attempts, NOW)
    check_not_locked(attempts, NOW + timedelta(days=1))


def test_the_second_lockout_lasts_ten_minutes() -> None:
    attempts = LoginAttempts("maria@empresa.com.br", lockouts=1)

    for _ in range(MAX_FAILURES):
        record_failure(attempts, NOW)

    assert attempts.lockouts == 2
    assert attempts.locked_until == NOW + timedelta(minutes=10)


@pytest.mark.parametrize(
    ("left", "words"),
    [
        (timedelta(seconds=30), "30 segundos"),
        (timedelta(minutes=4, seconds=0.5), "5 minutos"),
        (timedelta(minutes=80), "1 hora e 20 minutos"),
        (timedelta(hours=24), "1 dia"),
    ],
)
def test_the_wait_is_said_in_words_and_never_shorter_than_it_is(
    left: timedelta, words: str
) -> None:
    attempts = LoginAttempts("maria@empresa.com.br", locked_until=NOW + left)

    with pytest.raises(AccountLocked) as caught:
        check_not_locked(attempts, NOW)

    assert caught.value.message.endswith(f"Tente novamente em {words}.")


def test_the_wait_in_english(english: None) -> None:
    attempts = LoginAttempts(
        "maria@empresa.com.br", locked_until=NOW + lock_duration(1)
    )

    with pytest.raises(AccountLocked) as caught:
        check_not_locked(attempts, NOW)

    assert caught.value.message == (
        "Too many unsuccessful attempts. Try again in 5 minutes."
    )


def test_a_success_forgets_failures_but_keeps_the_count_of_lockouts() -> None:
    attempts = LoginAttempts(
        "maria@empresa.com.br", failures=3, lockouts=2, locked_until=NOW
    )

    record_success(attempts)

    assert attempts.failures == 0
    assert attempts.locked_until is None
    assert attempts.lockouts == 2
