"""Cookie choices recorded server-side, on each backend: a choice is kept under the SHA-256
of its random id (never the id), with the register's version and the GPC flag; a new choice
replaces the visitor's earlier one; Global Privacy Control refuses every cookie needing
consent whatever was asked; an id we did not give, or one past the cookie's lifetime, reads as
no choice; and recording a choice deletes the choices older than that lifetime."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta

from sqlalchemy import select

from dataward.adapters.sql.cookie_choices import cookie_choices
from dataward.domain.cookies import accept_all, allowed, choice_cookie, choose, lifetime
from dataward.services.cookies.choices import VISITOR, record_choice, recorded_choice
from tests.integration.world import World


def _rows(world: World) -> list[dict[str, object]]:
    with world.engine.connect() as connection:
        return [dict(r._mapping) for r in connection.execute(select(cookie_choices))]


def test_a_choice_is_kept_by_the_digest_of_its_id_and_read_back(world: World) -> None:
    register = world.register
    choice_id = record_choice(world.use_case(VISITOR), choose(register, {"_ga": True}, gpc=False))
    (row,) = _rows(world)
    assert row["choice_id"] == hashlib.sha256(choice_id.encode()).hexdigest()
    assert choice_id not in json.dumps(row, default=str)
    assert json.loads(str(row["choices"])) == {"_ga": True, "_gid": False}
    assert (row["notice_version"], row["gpc"]) == (register.policy.version, False)
    assert recorded_choice(world.use_case(VISITOR), choice_id) == {"_ga": True, "_gid": False}
    assert allowed(register, {"_ga": True, "_gid": False}, gpc=False) == {
        "dw_session",
        "dw_csrf",
        "cookie_choices",
        "language",
        "_ga",
    }


def test_a_new_choice_replaces_the_earlier_one(world: World) -> None:
    first = record_choice(world.use_case(VISITOR), accept_all(world.register, gpc=False))
    other = record_choice(world.use_case(VISITOR), accept_all(world.register, gpc=False))
    second = record_choice(
        world.use_case(VISITOR), choose(world.register, {}, gpc=False), replacing=first
    )
    assert recorded_choice(world.use_case(VISITOR), first) is None
    assert recorded_choice(world.use_case(VISITOR), second) == {"_ga": False, "_gid": False}
    assert recorded_choice(world.use_case(VISITOR), other) == {"_ga": True, "_gid": True}
    assert len(_rows(world)) == 2


def test_global_privacy_control_refuses_whatever_was_asked(world: World) -> None:
    register = world.register
    choice_id = record_choice(world.use_case(VISITOR), accept_all(register, gpc=True))
    assert recorded_choice(world.use_case(VISITOR), choice_id) == {"_ga": False, "_gid": False}
    assert [row["gpc"] for row in _rows(world)] == [True]
    assert "_ga" not in allowed(register, {"_ga": True}, gpc=True)  # an older yes counts not


def test_an_id_not_ours_or_expired_reads_as_no_choice(world: World) -> None:
    choice_id = record_choice(world.use_case(VISITOR), accept_all(world.register, gpc=False))
    for stranger in (None, "", "x" * 43, choice_id[:-1], "<script>", "é" * 43):
        assert recorded_choice(world.use_case(VISITOR), stranger) is None
    cookie = choice_cookie(world.register)
    assert cookie is not None
    world.clock.advance(lifetime(cookie, world.clock.now()) + timedelta(seconds=1))
    assert recorded_choice(world.use_case(VISITOR), choice_id) is None


def test_recording_a_choice_deletes_those_past_the_cookies_lifetime(world: World) -> None:
    cookie = choice_cookie(world.register)
    assert cookie is not None
    old = record_choice(world.use_case(VISITOR), accept_all(world.register, gpc=False))
    world.clock.advance(lifetime(cookie, world.clock.now()) - timedelta(days=1))
    kept = record_choice(world.use_case(VISITOR), accept_all(world.register, gpc=False))
    assert len(_rows(world)) == 2  # the first is not past its lifetime yet
    world.clock.advance(timedelta(days=2))
    newest = record_choice(world.use_case(VISITOR), choose(world.register, {}, gpc=False))
    digests = {row["choice_id"] for row in _rows(world)}
    assert digests == {hashlib.sha256(c.encode()).hexdigest() for c in (kept, newest)}
    assert recorded_choice(world.use_case(VISITOR), old) is None
