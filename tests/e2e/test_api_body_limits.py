"""Each route's body limit: a declared length over it is refused before anything is read, and a
body that runs past it (chunked, or longer than its Content-Length said) is refused the moment
it does, in the one JSON error shape. A call batch streams to a private file without a name
(or, where none can be had, a named one of its own folder) that is gone afterwards, whatever
the outcome."""

from __future__ import annotations

import stat
import tempfile
import time
from pathlib import Path

import pytest

from dataward.entrypoints.api.limits import DEFAULT_MAX_BYTES
from dataward.entrypoints.api.public import FORM_MAX_BYTES
from tests.e2e.asgi import KIB, call, endless
from tests.e2e.conftest import Api
from tests.samples import sample

CALLS = "/api/v1/tenants/tenant-a/calls"
QUEUE_LOG = "asterisk_queue_log__assembled_from_public_examples.txt"


def _limits(api: Api) -> dict[str, tuple[int, dict[str, str]]]:
    """Path: (its limit, headers to reach its body)."""
    return {
        CALLS: (
            api.container.settings.max_batch_bytes,
            {**api.as_("operator"), "Content-Type": "text/plain"},
        ),
        "/api/v1/subjects/lookup": (
            DEFAULT_MAX_BYTES,
            {**api.as_("dco"), "Content-Type": "application/json"},
        ),
        "/requests/new": (FORM_MAX_BYTES, {"Content-Type": "application/x-www-form-urlencoded"}),
        "/api/v1/register/check": (DEFAULT_MAX_BYTES, {"Content-Type": "application/yaml"}),
    }


def _assert_too_large(answer_json: object, limit: int) -> None:
    assert answer_json == {
        "error": {
            "code": "body_too_large",
            "message": f"the request body may be at most {limit} bytes",
            "details": [],
        }
    }


@pytest.mark.parametrize(
    "path", [CALLS, "/api/v1/subjects/lookup", "/requests/new", "/api/v1/register/check"]
)
def test_a_declared_length_over_the_limit_is_refused_unread(api: Api, path: str) -> None:
    limit, headers = _limits(api)[path]
    answer = call(
        api.client.app,  # type: ignore[attr-defined]
        "POST",
        path,
        headers={**headers, "Content-Length": str(limit + 1)},
        body=endless(),
    )
    assert (answer.status, answer.reads) == (413, 0)
    _assert_too_large(answer.json(), limit)
    assert answer.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize(
    "path", [CALLS, "/api/v1/subjects/lookup", "/requests/new", "/api/v1/register/check"]
)
@pytest.mark.parametrize("declared", [None, "100"], ids=["chunked", "lying-content-length"])
def test_a_body_running_past_the_limit_is_refused_as_it_passes(
    api: Api, path: str, declared: str | None
) -> None:
    limit, headers = _limits(api)[path]
    if declared is not None:
        headers = {**headers, "Content-Length": declared}
    size = 4 * KIB if limit < 64 * KIB else 64 * KIB
    answer = call(
        api.client.app,  # type: ignore[attr-defined]
        "POST",
        path,
        headers=headers,
        body=endless(size),
    )
    assert answer.status == 413
    _assert_too_large(answer.json(), limit)
    assert limit < answer.read_bytes <= limit + size  # not a chunk more than needed


def test_a_body_within_the_limit_is_taken(api: Api) -> None:
    form = "type=access&email=someone%40example.org&name="
    body = (form + "x" * (FORM_MAX_BYTES - len(form))).encode()
    answer = call(
        api.client.app,  # type: ignore[attr-defined]
        "POST",
        "/requests/new",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        body=[body[:4000], body[4000:]],
    )
    assert answer.status == 201


@pytest.fixture
def spool(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "spool"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def _named_anywhere(spool: Path, api: Api) -> list[Path]:
    """Every file with a name where an upload could have been spooled."""
    folder: Path = api.client.app.state.upload_folder  # type: ignore[attr-defined]
    return [*spool.iterdir(), *(folder.iterdir() if folder.exists() else [])]


SPOOLS = pytest.mark.parametrize(
    "anonymous", [True, False], ids=["without-a-name", "named-where-none-can-be-had"]
)


@SPOOLS
def test_a_batch_is_spooled_to_a_private_file_gone_afterwards(
    api: Api, spool: Path, monkeypatch: pytest.MonkeyPatch, *, anonymous: bool
) -> None:
    from dataward.entrypoints.api import calls

    app_state = api.client.app.state  # type: ignore[attr-defined]
    app_state.anonymous_uploads = anonymous
    seen: list[tuple[Path, int, int, list[Path]]] = []
    real_source = calls._batch_source

    def watching(path: Path, format_name: str | None) -> object:
        found = path.stat()
        seen.append((path, stat.S_IMODE(found.st_mode), found.st_size, _named_anywhere(spool, api)))
        return real_source(path, format_name)

    monkeypatch.setattr(calls, "_batch_source", watching)
    body = sample(QUEUE_LOG).read_bytes()
    landed = api.client.post(
        CALLS + "?format=asterisk-queue-log",
        content=body,
        headers={**api.as_("operator"), "Content-Type": "text/plain"},
    )
    assert landed.status_code == 201, landed.text
    assert landed.json()["formats"] == {"batch": "asterisk-queue-log"}
    ((path, mode, size, named),) = seen
    assert (mode, size) == (0o600, len(body))
    if anonymous:  # no name anywhere, at any moment: read back through the descriptor
        assert path.parent == Path("/proc/self/fd")
        assert named == []
    else:
        assert named == [path]
        assert path.parent == app_state.upload_folder
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
        assert path.name.startswith("upload-")
        assert "tenant" not in path.name
        assert "asterisk" not in path.name
    assert _named_anywhere(spool, api) == []


@SPOOLS
def test_a_refused_or_bad_batch_leaves_no_file(api: Api, spool: Path, *, anonymous: bool) -> None:
    api.client.app.state.anonymous_uploads = anonymous  # type: ignore[attr-defined]
    limit = api.container.settings.max_batch_bytes
    headers = {**api.as_("operator"), "Content-Type": "text/plain"}
    too_large = call(
        api.client.app,  # type: ignore[attr-defined]
        "POST",
        CALLS,
        headers=headers,
        body=endless(1024 * KIB, limit + 2048 * KIB),
    )
    assert too_large.status == 413
    unknown = api.client.post(CALLS, content=b"not a call file\n", headers=headers)
    assert unknown.status_code == 422
    assert unknown.json()["error"]["code"] == "format_unknown"
    assert str(spool) not in unknown.text
    assert "/proc/" not in unknown.text
    assert "upload-" not in unknown.text
    assert _named_anywhere(spool, api) == []


def test_a_few_hundred_bytes_of_yaml_aliases_are_refused_at_once(api: Api) -> None:
    """Nested aliases expand to 9**8 values: within the body limit, but not to be built."""
    document, previous = "a: &a [x,x,x,x,x,x,x,x,x]\n", "a"
    for level in range(1, 8):
        document += f"l{level}: &l{level} [" + ",".join([f"*{previous}"] * 9) + "]\n"
        previous = f"l{level}"
    began = time.monotonic()
    refused = api.client.post(
        "/api/v1/register/check",
        content=document.encode(),
        headers={"Content-Type": "application/yaml"},
    )
    assert time.monotonic() - began < 5
    assert refused.status_code == 422
    assert "aliases are expanded" in refused.json()["error"]["details"][0]["message"]
