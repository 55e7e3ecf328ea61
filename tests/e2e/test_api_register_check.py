"""`POST /api/v1/register/check` is public by design: whatever it is sent, its work is bounded
by the document's size and answered in the one error shape, and each client address may have
only so many registers checked an hour (counted before the body is read)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from dataward.adapters.register_file import shipped_register_text
from dataward.adapters.yaml_document import VALUES_PER_CHARACTER
from dataward.bootstrap import bootstrap
from dataward.config import Settings
from dataward.domain.clock import FixedClock
from dataward.entrypoints.api.app import create_app
from dataward.installation import initialise
from tests.e2e.asgi import KIB, call, endless
from tests.e2e.conftest import Api

CHECK = "/api/v1/register/check"
YAML = {"Content-Type": "application/yaml"}


def _repeated_key_bomb(repeats: int) -> str:
    """Each `d: *l4` builds 10**4 values again onto the same paths (439 bytes took 9 s)."""
    head = "l0: &l0 [0,0,0,0,0,0,0,0,0,0]\n"
    for i in range(1, 4):
        head += f"l{i}: &l{i} [" + ",".join([f"*l{i - 1}"] * 10) + "]\n"
    return head + "d: &l4 [" + ",".join(["*l3"] * 10) + "]\n" + "d: *l4\n" * repeats


def test_a_key_repeated_with_an_alias_is_refused_within_its_budget(api: Api) -> None:
    document = _repeated_key_bomb(30)
    refused = api.client.post(CHECK, content=document.encode(), headers=YAML)
    assert refused.status_code == 422
    (problem,) = refused.json()["error"]["details"]
    budget = VALUES_PER_CHARACTER * len(document)
    assert problem["message"] == f"more than {budget} values once its aliases are expanded"


@pytest.mark.parametrize(
    "document",
    ["a: &a [*a]\n" + "#" * 2000 + "\n", "a: &a {b: *a}\n" + "#" * 2000 + "\n"],
    ids=["list", "mapping"],
)
def test_an_alias_inside_its_own_anchor_is_a_422_not_a_500(api: Api, document: str) -> None:
    refused = api.client.post(CHECK, content=document.encode(), headers=YAML)
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "register_invalid"


HOSTILE_VALUES = {
    "nul": ("\x00", "not valid YAML: a control character YAML does not allow"),
    "int-tag": ("version: !!int 'x7z'\n", "not a whole number that can be read"),
    "float-tag": ("version: !!float 'x7z'\n", "not a number that can be read"),
    "bad-timestamp": ("version: !!timestamp 'x7z'\n", "not a date that can be read"),
    "no-such-day": ("version: 2026-02-30\n", "not a date that can be read"),
    "binary": ("version: !!binary 'x7z'\n", "not base64 data that can be read"),
    "python-tag": (
        "version: !!python/object/apply:os.system ['x7z']\n",
        "a value of a kind YAML cannot read here (only plain values, lists and mappings)",
    ),
    "huge-integer": ("version: " + "7" * 5000 + "\n", "not a whole number that can be read"),
}


@pytest.mark.parametrize("case", HOSTILE_VALUES.values(), ids=HOSTILE_VALUES.keys())
def test_a_value_yaml_cannot_construct_is_a_422_naming_its_line(
    api: Api, case: tuple[str, str]
) -> None:
    document, expected = case
    refused = api.client.post(CHECK, content=document.encode(), headers=YAML)
    assert refused.status_code == 422
    error = refused.json()["error"]
    assert error["code"] == "register_invalid"
    assert {"message": expected, "line": 1} in [
        {"message": d["message"], "line": d["line"]} for d in error["details"]
    ]
    assert "x7z" not in refused.text
    assert "7777" not in refused.text


def test_a_body_that_is_not_utf8_is_a_422_in_the_one_shape(api: Api) -> None:
    refused = api.client.post(CHECK, content=b"a: \xff\xfe\n", headers=YAML)
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "invalid_request"
    assert refused.json()["error"]["details"] == [
        {"path": "body", "message": "the body must be UTF-8 text"}
    ]


def test_the_shipped_register_checks_valid(api: Api) -> None:
    answer = api.client.post(CHECK, content=shipped_register_text().encode(), headers=YAML)
    assert answer.status_code == 200, answer.text
    assert answer.json()["valid"] is True


@pytest.fixture
def limited(tmp_path: Path, clock: FixedClock) -> Iterator[TestClient]:
    container = bootstrap(
        Settings(data_dir=tmp_path / "var", register_checks_per_hour=2), clock=clock
    )
    initialise(container)
    with TestClient(create_app(container)) as client:
        yield client
    container.close()


def test_each_address_may_check_so_many_an_hour(limited: TestClient, clock: FixedClock) -> None:
    document = shipped_register_text().encode()
    for _ in range(2):  # from the address `call` gives, as the refusal below comes from
        assert call(limited.app, "POST", CHECK, headers=YAML, body=[document]).status == 200
    assert limited.post(CHECK, content=document, headers=YAML).status_code == 200  # another
    refused = call(limited.app, "POST", CHECK, headers=YAML, body=endless(64 * KIB, 512 * KIB))
    assert refused.status == 429
    assert refused.json()["error"]["code"] == "too_many_requests"
    assert 1 <= int(refused.headers["retry-after"]) <= 3600
    assert refused.read_bytes == 0  # refused before any of the body was read
    clock.advance(timedelta(hours=1, seconds=1))
    assert call(limited.app, "POST", CHECK, headers=YAML, body=[document]).status == 200
