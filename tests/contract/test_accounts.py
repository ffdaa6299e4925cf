"""Accounts: signing up, logging in, lockouts, sessions and passwords."""

from __future__ import annotations

from datetime import timedelta

import pytest
from contract_kit import PASSWORD, Clock

from data.errors import (
    AccountLocked,
    AuthenticationError,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from data.models import Permission, Role, User
from data.store import Store

EMAIL = "marina.lopes@cafeforte.com.br"
NAME = "Marina Lopes"


def register(store: Store, **changes: str) -> User:
    fields = {
        "name": NAME,
        "email": EMAIL,
        "password": PASSWORD,
        "phone": "13 3568 7961",
    }
    fields.update(changes)
    return store.register(**fields)


def refusal(store: Store, **changes: str) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        register(store, **changes)
    return caught.value


def fail_logins(store: Store, email: str, times: int) -> list[AuthenticationError]:
    errors = []
    for _ in range(times):
        with pytest.raises(AuthenticationError) as caught:
            store.login(email, "not-the-password-at-all")
        errors.append(caught.value)
    return errors


# -- signing up ------------------------------------------------------------------


def test_register_returns_a_customer_with_a_formatted_phone(store: Store) -> None:
    user = register(store, email="  Marina.Lopes@CafeForte.com.br ")

    assert user.role is Role.CUSTOMER
    assert user.name == NAME
    assert user.email == EMAIL
    assert user.phone == "(13) 3568-7961"
    assert user.active
    assert not user.must_change_password
    assert user.password_hash == ""


def test_register_puts_people_of_one_company_domain_in_one_organisation(
    store: Store,
) -> None:
    first = register(store)
    second = register(store, name="Paulo Nunes", email="paulo.nunes@cafeforte.com.br")
    personal = register(store, name="Rita Gomes", email="rita.gomes@gmail.com")

    assert first.organisation_id is not None
    assert second.organisation_id == first.organisation_id
    assert personal.organisation_id not in (None, first.organisation_id)


def test_register_finds_the_organisation_of_a_domain_whatever_its_case(
    store: Store, admin: User
) -> None:
    organisation = store.create_organisation(
        admin, name="Café Forte Torrefação", domains=["CafeForte.com.br"]
    )

    user = register(store)

    assert user.organisation_id == organisation.id


@pytest.mark.parametrize(
    ("name", "words"),
    [("", "required"), ("   ", "required"), ("Marina", "surname")],
)
def test_register_needs_a_name_and_surname(store: Store, name: str, words: str) -> None:
    error = refusal(store, name=name)

    assert error.field == "name"
    assert words in error.message


@pytest.mark.parametrize(
    "email", ["marina", "marina@", "marina lopes@cafe.com", "@x.com"]
)
def test_register_refuses_a_malformed_email(store: Store, email: str) -> None:
    error = refusal(store, email=email)

    assert error.field == "email"
    assert "valid e-mail" in error.message


@pytest.mark.parametrize(
    "phone", ["", "3568-7961", "(13) 1568-7961", "(13) 83568-7961"]
)
def test_register_refuses_a_phone_without_area_code_or_badly_formed(
    store: Store, phone: str
) -> None:
    error = refusal(store, phone=phone)

    assert error.field == "phone"
    assert "phone" in error.message.lower() or "number" in error.message


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("1335687961", "(13) 3568-7961"),
        ("+55 13 3568-7961", "(13) 3568-7961"),
        ("(13) 97413-0738", "(13) 97413-0738"),
    ],
)
def test_register_formats_the_phone(store: Store, typed: str, stored: str) -> None:
    assert register(store, phone=typed).phone == stored


def test_a_password_of_seven_characters_is_refused(store: Store) -> None:
    error = refusal(store, password="gr4n1t0")

    assert error.field == "password"
    assert "at least 8" in error.message


def test_passwords_of_eight_and_of_sixty_four_characters_are_accepted(
    store: Store,
) -> None:
    register(store, password="gr4n1t0v")
    long = register(
        store, name="Paulo Nunes", email="paulo@cafeforte.com.br", password="x7" * 32
    )

    assert len("x7" * 32) == 64
    assert long.role is Role.CUSTOMER


@pytest.mark.parametrize("password", ["senha123", "password1", "Flamengo", "12345678"])
def test_a_common_password_is_refused(store: Store, password: str) -> None:
    error = refusal(store, password=password)

    assert error.field == "password"
    assert "most used" in error.message


def test_a_password_containing_the_name_is_refused(store: Store) -> None:
    error = refusal(store, password="lopes-de-granito-27")

    assert error.field == "password"
    assert "name" in error.message


def test_a_password_containing_the_email_name_is_refused(store: Store) -> None:
    error = refusal(
        store, email="mlx2000@cafeforte.com.br", password="granito-mlx2000-azul"
    )

    assert error.field == "password"
    assert "e-mail" in error.message


def test_a_refused_sign_up_creates_no_account(store: Store) -> None:
    refusal(store, password="senha123")

    with pytest.raises(AuthenticationError):
        store.login(EMAIL, "senha123")
    register(store)


def test_an_email_already_registered_is_refused_whatever_its_case(
    store: Store,
) -> None:
    register(store)

    error = refusal(store, name="Outra Pessoa", email=EMAIL.upper())

    assert error.field == "email"
    assert "already exists" in error.message


# -- logging in ------------------------------------------------------------------


def test_login_opens_a_session_that_resumes_to_the_user(store: Store) -> None:
    user = register(store)

    session = store.login(EMAIL.upper(), PASSWORD)

    assert session.token
    assert session.user.id == user.id
    assert session.user.password_hash == ""
    assert store.resume(session.token).id == user.id


def test_logout_ends_the_session(store: Store) -> None:
    register(store)
    session = store.login(EMAIL, PASSWORD)

    store.logout(session.token)

    with pytest.raises(PermissionDenied) as caught:
        store.resume(session.token)
    assert "log in again" in caught.value.message


def test_an_unknown_token_does_not_resume(store: Store) -> None:
    with pytest.raises(PermissionDenied):
        store.resume("no-such-token")


def test_wrong_password_and_unknown_email_say_the_same(store: Store) -> None:
    register(store)

    with pytest.raises(AuthenticationError) as wrong_password:
        store.login(EMAIL, "granito-violeta-2719")
    with pytest.raises(AuthenticationError) as unknown_email:
        store.login("nobody@cafeforte.com.br", PASSWORD)
    with pytest.raises(AuthenticationError) as malformed_email:
        store.login("nobody", PASSWORD)

    assert type(wrong_password.value) is AuthenticationError
    assert type(unknown_email.value) is AuthenticationError
    assert wrong_password.value.message == unknown_email.value.message
    assert malformed_email.value.message == unknown_email.value.message
    assert "Wrong e-mail or password" in wrong_password.value.message


def test_five_failures_lock_the_account_even_for_the_right_password(
    store: Store,
) -> None:
    register(store)

    errors = fail_logins(store, EMAIL, 5)

    assert [type(e) for e in errors[:4]] == [AuthenticationError] * 4
    with pytest.raises(AccountLocked) as caught:
        store.login(EMAIL, PASSWORD)
    assert "Too many" in caught.value.message
    assert "minute" in caught.value.message


def test_an_unknown_email_locks_the_same_way(store: Store) -> None:
    register(store)
    fail_logins(store, EMAIL, 5)
    with pytest.raises(AccountLocked) as known:
        store.login(EMAIL, PASSWORD)

    fail_logins(store, "nobody@cafeforte.com.br", 5)

    with pytest.raises(AccountLocked) as unknown:
        store.login("nobody@cafeforte.com.br", PASSWORD)
    assert unknown.value.message == known.value.message


def test_a_lock_expires_when_its_time_has_passed(store: Store, clock: Clock) -> None:
    user = register(store)
    fail_logins(store, EMAIL, 5)

    clock.advance(timedelta(minutes=4, seconds=59))
    with pytest.raises(AccountLocked):
        store.login(EMAIL, PASSWORD)
    clock.advance(timedelta(seconds=1))

    assert store.login(EMAIL, PASSWORD).user.id == user.id


def test_each_new_lock_lasts_longer(store: Store, clock: Clock) -> None:
    user = register(store)
    fail_logins(store, EMAIL, 5)
    clock.advance(timedelta(minutes=5))

    fail_logins(store, EMAIL, 5)
    clock.advance(timedelta(minutes=5))

    with pytest.raises(AccountLocked):
        store.login(EMAIL, PASSWORD)
    clock.advance(timedelta(minutes=5))
    assert store.login(EMAIL, PASSWORD).user.id == user.id


def test_a_success_forgets_earlier_failures(store: Store) -> None:
    register(store)
    fail_logins(store, EMAIL, 4)
    store.login(EMAIL, PASSWORD)

    errors = fail_logins(store, EMAIL, 4)

    assert [type(e) for e in errors] == [AuthenticationError] * 4
    store.login(EMAIL, PASSWORD)


def test_an_administrator_unlocks_an_account(store: Store, admin: User) -> None:
    user = register(store)
    fail_logins(store, EMAIL, 5)

    store.unlock(admin, EMAIL.upper())

    assert store.login(EMAIL, PASSWORD).user.id == user.id


def test_only_an_administrator_unlocks(store: Store, agent: User) -> None:
    register(store)
    fail_logins(store, EMAIL, 5)

    with pytest.raises(PermissionDenied):
        store.unlock(agent, EMAIL)

    with pytest.raises(AccountLocked):
        store.login(EMAIL, PASSWORD)


# -- passwords and sessions ------------------------------------------------------


def test_reset_password_ends_sessions_and_asks_for_a_new_password(
    store: Store, admin: User
) -> None:
    user = register(store)
    session = store.login(EMAIL, PASSWORD)

    store.reset_password(admin, user.id, "provisoria-98765")

    with pytest.raises(PermissionDenied):
        store.resume(session.token)
    with pytest.raises(AuthenticationError):
        store.login(EMAIL, PASSWORD)
    again = store.login(EMAIL, "provisoria-98765")
    assert again.user.must_change_password
    assert again.user.password_hash == ""


def test_changing_the_reset_password_clears_the_demand(
    store: Store, admin: User
) -> None:
    user = register(store)
    store.reset_password(admin, user.id, "provisoria-98765")
    session = store.login(EMAIL, "provisoria-98765")

    store.change_password(session.user, "provisoria-98765", "nova-chave-bem-longa?")

    assert not store.get_user(session.user, user.id).must_change_password


def test_only_an_administrator_resets_passwords(
    store: Store, agent: User, customer: User
) -> None:
    session = store.login(customer.email, PASSWORD)

    with pytest.raises(PermissionDenied):
        store.reset_password(agent, customer.id, "provisoria-98765")

    assert store.resume(session.token).id == customer.id
    store.login(customer.email, PASSWORD)


def test_a_non_administrator_is_refused_before_the_target_or_password_is_checked(
    store: Store, agent: User, customer: User
) -> None:
    # Neither whether a user number exists nor the password rules are told to
    # someone who may not reset passwords at all.
    for user_id, temporary in [(9999, "provisoria-98765"), (customer.id, "senha123")]:
        with pytest.raises(PermissionDenied):
            store.reset_password(agent, user_id, temporary)
        with pytest.raises(PermissionDenied):
            store.reset_password(customer, user_id, temporary)


def test_a_temporary_password_follows_the_password_rules(
    store: Store, admin: User, customer: User
) -> None:
    with pytest.raises(ValidationError) as caught:
        store.reset_password(admin, customer.id, "senha123")

    assert caught.value.field == "password"
    store.login(customer.email, PASSWORD)


def test_deactivate_ends_sessions_and_blocks_login(
    store: Store, admin: User, customer: User
) -> None:
    session = store.login(customer.email, PASSWORD)

    result = store.deactivate(admin, customer.id)

    assert not result.active
    assert result.password_hash == ""
    with pytest.raises(PermissionDenied):
        store.resume(session.token)
    with pytest.raises(AuthenticationError) as caught:
        store.login(customer.email, PASSWORD)
    assert "Wrong e-mail or password" in caught.value.message


def test_nobody_deactivates_themselves_and_agents_deactivate_nobody(
    store: Store, admin: User, agent: User, customer: User
) -> None:
    with pytest.raises(PermissionDenied):
        store.deactivate(admin, admin.id)
    with pytest.raises(PermissionDenied):
        store.deactivate(agent, customer.id)

    assert store.get_user(admin, customer.id).active


def test_change_password_needs_the_current_one(store: Store, customer: User) -> None:
    with pytest.raises(ValidationError) as caught:
        store.change_password(customer, "granito-violeta-0000", "outra-senha-boa-42")

    assert caught.value.field == "current"
    assert "current password" in caught.value.message


def test_change_password_follows_the_password_rules(
    store: Store, customer: User
) -> None:
    with pytest.raises(ValidationError) as short:
        store.change_password(customer, PASSWORD, "curta")
    with pytest.raises(ValidationError) as personal:
        store.change_password(customer, PASSWORD, "souza-granito-2024")

    assert short.value.field == personal.value.field == "password"
    assert "name" in personal.value.message
    store.login(customer.email, PASSWORD)


def test_change_password_replaces_the_old_one(store: Store, customer: User) -> None:
    store.change_password(customer, PASSWORD, "outra-senha-boa-42")

    with pytest.raises(AuthenticationError):
        store.login(customer.email, PASSWORD)
    assert store.login(customer.email, "outra-senha-boa-42").user.id == customer.id


# -- who creates and reads accounts ----------------------------------------------


def test_only_an_administrator_adds_people(
    store: Store, admin: User, agent: User
) -> None:
    # The store may hold people already (the 100,000-interaction one does).
    before = {user.email for user in store.list_users(admin)}
    with pytest.raises(PermissionDenied):
        store.add_user(
            agent,
            name="Nova Agente",
            email="nova@backsite.com.br",
            role=Role.AGENT,
            password=PASSWORD,
        )
    with pytest.raises(PermissionDenied):
        store.add_user(
            None,
            name="Outro Administrador",
            email="outro@backsite.com.br",
            role=Role.ADMIN,
            password=PASSWORD,
        )

    assert {user.email for user in store.list_users(admin)} == before


def test_customers_read_only_themselves(
    store: Store, admin: User, customer: User
) -> None:
    assert store.get_user(customer, customer.id).email == customer.email

    with pytest.raises(PermissionDenied):
        store.get_user(customer, admin.id)
    with pytest.raises(PermissionDenied):
        store.list_users(customer)


def test_an_unknown_user_is_not_found(store: Store, admin: User) -> None:
    with pytest.raises(NotFound):
        store.get_user(admin, 9999)


def test_grant_and_revoke_a_permission(store: Store, admin: User, agent: User) -> None:
    granted = store.grant(admin, agent.id, Permission.BACKUP)
    assert granted.can(Permission.BACKUP)

    revoked = store.revoke(admin, agent.id, Permission.BACKUP)
    assert not revoked.can(Permission.BACKUP)

    with pytest.raises(PermissionDenied):
        store.grant(agent, agent.id, Permission.BACKUP)


def test_no_password_hash_is_ever_returned(
    store: Store, admin: User, agent: User, customer: User
) -> None:
    session = store.login(customer.email, PASSWORD)
    seen = [
        admin,
        agent,
        customer,
        register(store),
        session.user,
        store.resume(session.token),
        store.get_user(admin, customer.id),
        store.get_user(customer, customer.id),
        *store.list_users(admin),
        store.grant(admin, agent.id, Permission.BACKUP),
        store.revoke(admin, agent.id, Permission.BACKUP),
        store.deactivate(admin, customer.id),
    ]

    assert [user.password_hash for user in seen] == [""] * len(seen)
