"""Every operation of the API's own OpenAPI document, fed generated input (schemathesis) mixed
with real values, so that the use cases run and not only the 401, 404 or 422 of a stranger.

Each operation gets a fresh copy of one installation (`fuzz_world`) in which everything its
path, query or body can name exists; what one operation destroys (a subject shredded, a request
fulfilled, a link redeemed) is still there for the next. For each part of each request the
test draws the real value, the generated one, or a field-by-field mix of the two
(`fuzz_inputs`); a document or a call batch sent as text is the shipped register or a real
batch, kept or broken, or garbage. Every request goes in twice, as the DCO and as the first
tenant's administrator.

Whatever comes in: never a 5xx; an answer in the document's shape; under /api/ every 4xx in
the one error shape, with a status and a code the API gives on purpose (never the fallback 400
or `http_error`); no error, JSON or HTML, that repeats a string the generator made (8
characters or more, a key as much as a value); and, across its examples, at least one 2xx for
every operation but those listed in `NO_2XX`, where none can come.

Bounded: a few examples per operation (`DATAWARD_FUZZ_EXAMPLES`, 6 by default; more for a
deeper run by hand), derandomised, no shrinking, no example database.
"""

from __future__ import annotations

import ast
import html
import json
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import Case, GenerationMode
from schemathesis.core.transport import Response
from schemathesis.schemas import APIOperation
from schemathesis.specs.openapi.checks import response_schema_conformance

import dataward
from dataward.bootstrap import bootstrap
from dataward.config import Settings
from dataward.domain.clock import FixedClock
from dataward.entrypoints.api.app import create_app
from tests.builders import NOW
from tests.e2e.fuzz_inputs import Inputs, default_path_values, real_inputs, real_strings
from tests.e2e.fuzz_texts import ECHO_MIN
from tests.e2e.fuzz_world import ROLES, Installation, World, build_world

EXAMPLES = int(os.environ.get("DATAWARD_FUZZ_EXAMPLES", "6"))

NO_2XX: dict[str, str] = {
    "POST /api/v1/register/assessments": "the fuzzed installation has loaded one register "
    "version, so no purpose has a change to assess (404); test_api_purpose_notices.py loads "
    "a second and assesses it",
    "POST /cookies": "a choice is taken only from a page of this site (its Origin, or "
    "Sec-Fetch-Site: same-origin), which no fuzzed example sends (403); "
    "tests/integration/test_cookie_choices.py and the browser tests post it from one",
    "GET /api/v1/jobs/{job_id}": "a job's id is a random UUID that names a job only once one "
    "was asked for, which no fuzzed example does before naming it (404); "
    "tests/e2e/test_api_jobs.py reads jobs",
    "GET /metrics": "the metrics are served to loopback clients or with their own token, "
    "neither of which a fuzzed example has (401); tests/e2e/test_api_health.py reads them",
}
"""Operations no example may answer with a 2xx, and why."""


def _document() -> dict[str, Any]:
    """The API's OpenAPI document, from an app whose database is never opened."""
    container = bootstrap(Settings(database_url="sqlite://"), clock=FixedClock(NOW))
    try:
        document: dict[str, Any] = create_app(container).openapi()
    finally:
        container.close()
    return document


DOCUMENT = _document()
schema = schemathesis.openapi.from_dict(DOCUMENT)
OPERATIONS: list[APIOperation] = [result.ok() for result in schema.get_all_operations()]


def _strings(value: Any, found: set[str]) -> None:
    """Every string in `value`, the keys of its mappings included."""
    if isinstance(value, str):
        found.add(value)
    elif isinstance(value, Mapping):
        for key, item in value.items():
            _strings(key, found)
            _strings(item, found)
    elif isinstance(value, list | tuple):
        for item in value:
            _strings(item, found)


def _words_of_the_api() -> frozenset[str]:
    """Every string the OpenAPI document holds (names, enum values, defaults), and every string
    constant of dataward's source: an error may say those, as it names a field or gives its
    code. Hypothesis draws text now and then from the constants of the modules loaded (which
    differ from one xdist worker to another), so a generated string may be one of them."""
    found: set[str] = set()
    _strings(DOCUMENT, found)
    for source in Path(dataward.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text("utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found.add(node.value)
    return frozenset(found)


API_WORDS = _words_of_the_api()


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    return build_world(tmp_path_factory.mktemp("fuzz") / "template")


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda operation: operation.label)
def test_every_operation_answers_within_its_promises(
    operation: APIOperation,
    world: World,
    tmp_path: Path,
) -> None:
    installation = world.fresh(tmp_path / "var")
    statuses: list[tuple[str, int]] = []
    try:
        _examples(operation, world, installation, statuses)()
    finally:
        installation.close()
    if operation.label in NO_2XX:
        return
    assert any(200 <= status < 300 for _, status in statuses), (
        f"{operation.label}: no 2xx in {len(statuses)} answers: {sorted(set(statuses))}"
    )


def test_every_operation_of_the_document_is_fuzzed_with_its_own_real_values(
    world: World,
) -> None:
    """A real value listed for an operation the document no longer has would go unused."""
    labels = {operation.label for operation in OPERATIONS}
    assert set(real_inputs(world)) <= labels
    assert set(NO_2XX) <= labels


PICK = ("real", "real", "generated")
"""A path parameter or a text body: real two times in three (the first, simplest, real)."""
MIX = ("real", "mixed", "generated")
"""A query or a JSON body: the real one, a field-by-field mix, or the generated one."""


def _examples(
    operation: APIOperation,
    world: World,
    installation: Installation,
    statuses: list[tuple[str, int]],
) -> Callable[[], None]:
    inputs = real_inputs(world)
    ours = real_strings(world, inputs) | API_WORDS
    mine = inputs.get(operation.label, Inputs())
    defaults = default_path_values(world)

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )
    @given(case=_cases(operation), data=st.data())
    def run(case: Case, data: st.DataObject) -> None:
        planted = _mix(case, data, mine, defaults)
        sent = {s for s in _sent(case) | planted if len(s.strip()) >= ECHO_MIN and s not in ours}
        for who in (*ROLES, *mine.roles):
            response = case.call(headers=world.headers(who), app=installation.app)
            statuses.append((who, response.status_code))
            _check(case, response, who, sent)

    return run


def _cases(operation: APIOperation) -> st.SearchStrategy[Case]:
    """Requests the document allows, and, where the operation has anything to get wrong,
    requests it does not (a wrong type, a field missing, a value out of bounds)."""
    allowed = operation.as_strategy()
    if not _can_go_wrong(operation):
        return allowed
    return st.one_of(allowed, operation.as_strategy(generation_mode=GenerationMode.NEGATIVE))


def _can_go_wrong(operation: APIOperation) -> bool:
    """A body, a query parameter, or a path parameter with more to it than any text."""
    spec = DOCUMENT["paths"][operation.path][operation.method.lower()]
    parameters = spec.get("parameters", [])
    return "requestBody" in spec or any(
        p["in"] == "query" or not _any_text(p.get("schema", {})) for p in parameters
    )


def _any_text(schema: Mapping[str, Any]) -> bool:
    return {key: value for key, value in schema.items() if key != "title"} == {"type": "string"}


def _mix(
    case: Case, data: st.DataObject, inputs: Inputs, defaults: Mapping[str, list[str]]
) -> frozenset[str]:
    """Real values drawn into `case`; the strings planted in a text body, if it has one."""
    for name in list(case.path_parameters or {}):
        real = inputs.path.get(name) or defaults.get(name)
        if real and data.draw(st.sampled_from(PICK), label=f"path {name}") == "real":
            case.path_parameters[name] = data.draw(st.sampled_from(real), label=name)
    if inputs.query:
        case.query = _merged(data, inputs.query, dict(case.query or {}), "query")
    if inputs.text is not None:
        if data.draw(st.sampled_from(PICK), label="text") == "real":
            planted = data.draw(inputs.text, label="text")
            case.body = planted.text.encode()  # sent as it is, never serialised again
            return planted.strings
        return frozenset({case.body} if isinstance(case.body, str) else ())
    if inputs.body and isinstance(case.body, dict):
        case.body = _merged(data, inputs.body, case.body, "body")
    return frozenset()


def _merged(
    data: st.DataObject, reals: Any, generated: dict[str, Any], part: str
) -> dict[str, Any]:
    real = dict(data.draw(st.sampled_from(reals), label=part))
    how = data.draw(st.sampled_from(MIX), label=f"{part} mix")
    if how == "real":
        return real
    if how == "generated":
        return generated
    mixed = {}
    for key in sorted(set(real) | set(generated), key=str):
        sources = [s for s in (real, generated) if key in s]
        chosen = data.draw(st.sampled_from([*sources, None]), label=f"{part} {key!r}")
        if chosen is not None:
            mixed[key] = chosen[key]
    return mixed


def _sent(case: Case) -> set[str]:
    """Every string the request carried, keys included."""
    found: set[str] = set()
    for part in (case.path_parameters, case.query, case.body):
        _strings(part, found)
    return found


def _check(case: Case, response: Response, who: str, sent: set[str]) -> None:
    where = f"{case.method} {case.formatted_path} as {who} -> {response.status_code}"
    assert response.status_code < 500, f"{where}: {response.text[:500]}"
    api = case.operation.path.startswith("/api/")
    if api:
        case.validate_response(response, checks=[response_schema_conformance])
    if response.status_code < 400:
        return
    if not api:  # an HTML page: said in fixed words, never what was typed
        _no_echo(where, [response.text, html.unescape(response.text)], sent)
        return
    body = json.loads(response.content)
    assert set(body) == {"error"}, where
    error = body["error"]
    assert set(error) == {"code", "message", "details"}, where
    assert isinstance(error["code"], str), where
    assert isinstance(error["message"], str), where
    assert isinstance(error["details"], list), where
    # The fallbacks of an error the API does not map: a DatawardError without a status (400),
    # an HTTP error without a code of its own (`http_error`).
    assert response.status_code != 400, f"{where}: {response.text[:500]}"
    assert error["code"] != "http_error", f"{where}: {response.text[:500]}"
    found: set[str] = set()
    _strings(error, found)
    _no_echo(where, [response.text, *found], sent)


def _no_echo(where: str, texts: list[str], sent: set[str]) -> None:
    folded = [text.casefold() for text in texts]
    echoed = sorted(s for s in sent if any(s.strip().casefold() in text for text in folded))
    assert not echoed, f"{where}: repeats {echoed!r} of what was sent: {texts[0][:500]}"
