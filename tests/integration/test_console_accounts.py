"""Console accounts on real databases: created only by a role that manages staff, a password
set once by its link, sign-in with lockout after five failures, sessions that end when idle,
at their limit, at sign-out or when the account is disabled, and every step in the audit log
under the account's actor id, never the address typed."""

from __future__ import annotations

import contextlib
import json
import threading
from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from faker import Faker

from dataward.adapters.passwords import Argon2Passwords
from dataward.domain.accounts import (
    LINK_VALID,
    LOCKED_FOR,
    SESSION_IDLE,
    SESSION_MAX,
    LoginRefused,
    PasswordRefused,
)
from dataward.domain.audit import AuditAction
from dataward.domain.errors import ActionNotAllowed, NotFound, Unauthenticated
from dataward.domain.subjects import Actor
from dataward.services.organisation.accounts import (
    UNKNOWN,
    Credentials,
    NewAccount,
    SetPassword,
    create_account,
    disable_account,
    link_valid,
    login,
    logout,
    password_link,
    session_actor,
    set_password,
    touch,
)
from dataward.services.organisation.staff import StaffRefused
from tests.builders import TENANT_A, TENANT_B
from tests.integration.world import World

DCO = Actor(id="staff-dco", role="dco")
PASSWORD = "several unrelated words here"  # noqa: S105 - a test's own account
HASHER = Argon2Passwords(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
"""Real argon2id, at a cost a test can afford."""


def _account(world: World, fake: Faker, **given: str) -> tuple[str, str]:
    email = fake.unique.company_email()
    command = NewAccount(email=email, role=given.get("role", "dco"), tenant_id=given.get("tenant"))
    created = create_account(world.use_case(DCO), command, HASHER, PASSWORD)
    return email, created.actor.id


def _audit(world: World) -> list[tuple[str, str, str]]:
    with world.uow() as uow:
        return [(e.actor, str(e.action), json.dumps(e.details)) for e in uow.audit.iter_entries()]


def test_a_link_sets_the_password_once_and_then_signs_in(world: World, fake: Faker) -> None:
    email = fake.unique.company_email()
    created = create_account(world.use_case(DCO), NewAccount(email=email, role="operator"), HASHER)
    token = created.link_token
    assert token is not None
    assert created.actor.id.startswith("staff-")
    assert link_valid(world.uow(), world.clock, token)
    with pytest.raises(LoginRefused):  # no password yet
        login(world.uow(), world.clock, HASHER, Credentials(email, PASSWORD))
    with pytest.raises(PasswordRefused, match="at least 12"):
        set_password(world.uow(), world.clock, HASHER, SetPassword(token, "short"))
    actor = set_password(world.uow(), world.clock, HASHER, SetPassword(token, PASSWORD))
    assert actor == created.actor
    assert not link_valid(world.uow(), world.clock, token)
    with pytest.raises(Unauthenticated):  # once only
        set_password(world.uow(), world.clock, HASHER, SetPassword(token, PASSWORD + "x"))
    signed = login(world.uow(), world.clock, HASHER, Credentials(email.upper(), PASSWORD))
    assert signed.actor == created.actor
    live = session_actor(world.uow(), world.clock, signed.token)
    assert live.actor == created.actor
    assert live.csrf_token == signed.csrf_token
    entries = _audit(world)
    assert all(email.lower() not in text.lower() for entry in entries for text in entry)


def test_a_link_expires_after_72_hours(world: World, fake: Faker) -> None:
    created = create_account(
        world.use_case(DCO), NewAccount(email=fake.unique.company_email(), role="auditor"), HASHER
    )
    assert created.link_token is not None
    world.clock.advance(LINK_VALID)
    assert not link_valid(world.uow(), world.clock, created.link_token)
    with pytest.raises(Unauthenticated):
        set_password(world.uow(), world.clock, HASHER, SetPassword(created.link_token, PASSWORD))
    # a new link works, and setting it ends every session of the account
    token = password_link(world.use_case(DCO), created.actor.id)
    set_password(world.uow(), world.clock, HASHER, SetPassword(token, PASSWORD))


def test_five_failures_lock_the_account_for_15_minutes(world: World, fake: Faker) -> None:
    email, actor_id = _account(world, fake)
    wrong = Credentials(email, PASSWORD + "!")
    for _ in range(5):
        with pytest.raises(LoginRefused):
            login(world.uow(), world.clock, HASHER, wrong)
    with pytest.raises(LoginRefused):  # locked: the right password fails too
        login(world.uow(), world.clock, HASHER, Credentials(email, PASSWORD))
    world.clock.advance(LOCKED_FOR - timedelta(seconds=1))
    with pytest.raises(LoginRefused):
        login(world.uow(), world.clock, HASHER, Credentials(email, PASSWORD))
    world.clock.advance(timedelta(seconds=1))
    assert (
        login(world.uow(), world.clock, HASHER, Credentials(email, PASSWORD)).actor.id == actor_id
    )
    actions = [(who, action) for who, action, _ in _audit(world)]
    assert actions.count((actor_id, AuditAction.CONSOLE_LOCKED.value)) == 1
    # four failures before the lock, and the two tries while it held
    assert actions.count((actor_id, AuditAction.CONSOLE_LOGIN_FAILED.value)) == 6
    assert actions[-1] == (actor_id, AuditAction.CONSOLE_LOGIN.value)


def test_an_unknown_address_fails_alike_and_is_logged_without_it(world: World, fake: Faker) -> None:
    typed = fake.unique.company_email()
    for raw in (typed, "not an address", "", "x" * 5000):
        with pytest.raises(LoginRefused) as refused:
            login(world.uow(), world.clock, HASHER, Credentials(raw, PASSWORD))
        assert str(refused.value) == str(LoginRefused())
    entries = _audit(world)
    assert {who for who, action, _ in entries if action == "console_login_failed"} == {UNKNOWN}
    assert all(typed not in text for entry in entries for text in entry)


def test_a_session_ends_idle_at_its_limit_at_sign_out_and_on_disabling(
    world: World, fake: Faker
) -> None:
    email, actor_id = _account(world, fake)
    credentials = Credentials(email, PASSWORD)
    idle = login(world.uow(), world.clock, HASHER, credentials)
    world.clock.advance(SESSION_IDLE - timedelta(seconds=1))
    _use(world, idle.token)  # used: the idle time starts again
    world.clock.advance(SESSION_IDLE - timedelta(seconds=1))
    _use(world, idle.token)
    world.clock.advance(SESSION_IDLE)
    with pytest.raises(Unauthenticated):
        session_actor(world.uow(), world.clock, idle.token)

    busy = login(world.uow(), world.clock, HASHER, credentials)
    used = timedelta(0)
    while used + timedelta(minutes=20) < SESSION_MAX:
        world.clock.advance(timedelta(minutes=20))
        used += timedelta(minutes=20)
        _use(world, busy.token)
    world.clock.advance(SESSION_MAX - used)
    with pytest.raises(Unauthenticated):
        _use(world, busy.token)

    out = login(world.uow(), world.clock, HASHER, credentials)
    logout(world.uow(), world.clock, out.token)
    with pytest.raises(Unauthenticated):
        session_actor(world.uow(), world.clock, out.token)

    kept = login(world.uow(), world.clock, HASHER, credentials)
    disable_account(world.use_case(DCO), actor_id)
    with pytest.raises(Unauthenticated):
        session_actor(world.uow(), world.clock, kept.token)
    with pytest.raises(LoginRefused):
        login(world.uow(), world.clock, HASHER, credentials)
    for value in ("", "x" * 5000, kept.token + "x"):
        with pytest.raises(Unauthenticated):
            session_actor(world.uow(), world.clock, value)


def _use(world: World, token: str) -> None:
    """A page opened with the session, as the console does: read it, touch it when stale."""
    if session_actor(world.uow(), world.clock, token).stale:
        touch(world.uow(), world.clock, token)


def test_each_sign_in_is_a_new_session(world: World, fake: Faker) -> None:
    email, _ = _account(world, fake)
    first = login(world.uow(), world.clock, HASHER, Credentials(email, PASSWORD))
    second = login(world.uow(), world.clock, HASHER, Credentials(email, PASSWORD))
    assert first.token != second.token
    assert first.csrf_token != second.csrf_token


@pytest.mark.parametrize(
    "actor",
    [
        Actor(id="ops", role="operator"),
        Actor(id="admin-a", role="tenant_admin", tenant_id=TENANT_A),
        Actor(id="aud", role="auditor"),
    ],
)
def test_only_a_role_that_manages_staff_creates_accounts(
    world: World, fake: Faker, actor: Actor
) -> None:
    command = NewAccount(email=fake.unique.company_email(), role="dco")
    with pytest.raises(ActionNotAllowed):
        create_account(world.use_case(actor), command, HASHER, PASSWORD)
    with world.uow() as uow:
        assert uow.accounts.count() == 0


def test_roles_tenants_and_addresses_are_checked(world: World, fake: Faker) -> None:
    email, _ = _account(world, fake, role="tenant_admin", tenant=TENANT_A)
    refused = [
        (NewAccount(email=email, role="tenant_admin", tenant_id=TENANT_B), StaffRefused),
        (NewAccount(email=fake.unique.company_email(), role="tenant_admin"), StaffRefused),
        (
            NewAccount(email=fake.unique.company_email(), role="dco", tenant_id=TENANT_A),
            StaffRefused,
        ),
        (NewAccount(email=fake.unique.company_email(), role="no_such_role"), StaffRefused),
        (NewAccount(email="<script>", role="dco"), StaffRefused),
        (NewAccount(email=fake.unique.company_email(), role="dco", actor_id="a@b"), StaffRefused),
        (
            NewAccount(email=fake.unique.company_email(), role="tenant_admin", tenant_id="nope"),
            NotFound,
        ),
    ]
    for command, error in refused:
        with pytest.raises(error) as raised:
            create_account(world.use_case(DCO), command, HASHER, PASSWORD)
        assert command.email not in str(raised.value) or command.email == "<script>"
        assert "<script>" not in str(raised.value)
    with pytest.raises(PasswordRefused):
        create_account(
            world.use_case(DCO),
            NewAccount(email=fake.unique.company_email(), role="dco"),
            HASHER,
            "a" * 20,
        )
    with world.uow() as uow:
        assert uow.accounts.count() == 1


class _Counting:
    """The real hasher, counting the checks made against each hash."""

    def __init__(self) -> None:
        self.checked: dict[str, int] = {}
        self._lock = threading.Lock()

    def hash(self, password: str) -> str:
        return HASHER.hash(password)

    def verify(self, password_hash: str, password: str) -> bool:
        with self._lock:
            self.checked[password_hash] = self.checked.get(password_hash, 0) + 1
        return HASHER.verify(password_hash, password)

    def needs_rehash(self, password_hash: str) -> bool:
        return HASHER.needs_rehash(password_hash)


def test_attempts_made_at_once_are_each_counted_and_none_past_the_fifth_is_checked(
    world: World, fake: Faker
) -> None:
    email, actor_id = _account(world, fake)
    with world.uow() as uow:
        account = uow.accounts.by_actor(actor_id)
    assert account is not None
    assert account.password_hash is not None
    counting = _Counting()
    wrong = Credentials(email, PASSWORD + "!")
    barrier = threading.Barrier(12)

    def attempt() -> None:
        barrier.wait()
        with contextlib.suppress(LoginRefused):
            login(world.uow(), world.clock, counting, wrong)

    threads = [threading.Thread(target=attempt) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert counting.checked.get(account.password_hash, 0) <= 5
    assert sum(counting.checked.values()) == 12  # every refusal paid for one check
    with pytest.raises(LoginRefused):  # locked: the right password fails too
        login(world.uow(), world.clock, counting, Credentials(email, PASSWORD))
    assert counting.checked.get(account.password_hash, 0) <= 5


def test_a_locked_account_costs_a_check_like_any_other_refusal(world: World, fake: Faker) -> None:
    email, _ = _account(world, fake)
    counting = _Counting()
    for _ in range(5):
        with pytest.raises(LoginRefused):
            login(world.uow(), world.clock, counting, Credentials(email, PASSWORD + "!"))
    before = sum(counting.checked.values())
    with pytest.raises(LoginRefused):
        login(world.uow(), world.clock, counting, Credentials(email, PASSWORD))
    assert sum(counting.checked.values()) == before + 1


def test_only_the_newest_link_sets_a_password_and_only_once(world: World, fake: Faker) -> None:
    created = create_account(
        world.use_case(DCO), NewAccount(email=fake.unique.company_email(), role="dco"), HASHER
    )
    first = created.link_token
    assert first is not None
    second = password_link(world.use_case(DCO), created.actor.id)
    assert not link_valid(world.uow(), world.clock, first)
    third = password_link(world.use_case(DCO), created.actor.id)
    set_password(world.uow(), world.clock, HASHER, SetPassword(third, PASSWORD))
    for token in (first, second, third):
        with pytest.raises(Unauthenticated):
            set_password(world.uow(), world.clock, HASHER, SetPassword(token, PASSWORD + "x"))
