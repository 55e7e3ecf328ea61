"""Every HTML document escapes every value it shows: a register with markup in each free-text
field it takes gives a notice and a record of processing with no markup of its own making, and
an access package's report escapes every field of the package. The Markdown notice escapes
every value the Markdown way, so no renderer reads one as HTML or a link."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import ValidationError

from dataward.adapters.documents.notice import render_notice
from dataward.adapters.documents.ropa import render_ropa
from dataward.adapters.documents.styles import STYLESHEETS, style_source, stylesheet
from dataward.adapters.documents.subject_export import render_html
from dataward.adapters.register_file import load_register_file
from dataward.domain.register.model import Register
from dataward.domain.requests.package import Dataset, SubjectPackage, Withheld

PAYLOAD = "<script>alert(1)</script><img src=x onerror=alert(2)>[click](javascript:alert(3))"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;"

Path = tuple[str | int, ...]


def _leaves(data: Any, path: Path = ()) -> list[Path]:
    if isinstance(data, dict):
        return [leaf for key, value in data.items() for leaf in _leaves(value, (*path, key))]
    if isinstance(data, list):
        return [leaf for i, value in enumerate(data) for leaf in _leaves(value, (*path, i))]
    return [path] if isinstance(data, str) else []


def _get(data: Any, path: Path) -> Any:
    for step in path:
        data = data[step]
    return data


def _set(data: Any, path: Path, value: Any) -> None:
    _get(data, path[:-1])[path[-1]] = value


def _register_with_markup_everywhere() -> tuple[Register, int]:
    """The shipped register with the payload after every string of prose in it (words with
    spaces: a key, a code or a duration is not prose), each the schema refuses put back."""
    original = load_register_file().register.model_dump(mode="json")
    data = load_register_file().register.model_dump(mode="json")
    marked = {leaf for leaf in _leaves(data) if " " in _get(data, leaf)}
    for leaf in marked:
        _set(data, leaf, _get(data, leaf) + PAYLOAD)
    for _ in range(50):
        try:
            return Register.model_validate(data), len(marked)
        except ValidationError as error:
            refused = {tuple(e["loc"]) for e in error.errors()}
            back = {
                leaf
                for leaf in marked
                if any(leaf[: len(loc)] == loc or loc[: len(leaf)] == leaf for loc in refused)
            }
            if not back:
                raise AssertionError(f"refused, not at a field: {refused}") from error
            for leaf in back:
                _set(data, leaf, _get(original, leaf))
            marked -= back
    raise AssertionError("no register with markup could be made")


@pytest.fixture(scope="module")
def marked() -> Register:
    register, count = _register_with_markup_everywhere()
    assert count > 100  # most of the register is free text
    return register


def _assert_escaped(html: str) -> None:
    assert "<script" not in html
    assert "<img" not in html
    assert ESCAPED in html
    assert len(re.findall("<style>", html)) == 1


def test_the_notice_escapes_every_value(marked: Register) -> None:
    html = render_notice(marked, "html")
    _assert_escaped(html)
    assert html.count(ESCAPED) > 50


def test_the_record_of_processing_escapes_every_value(marked: Register) -> None:
    html = render_ropa(marked, "html")
    _assert_escaped(html)
    assert html.count(ESCAPED) > 50


def test_the_markdown_notice_is_not_html_escaped(marked: Register) -> None:
    assert "&lt;" not in render_notice(marked, "md")


def test_the_markdown_notice_shows_markup_as_text_in_any_renderer(marked: Register) -> None:
    """Rendered with raw HTML allowed (as many Markdown viewers do), no value becomes an
    element or a link: each is shown as the text it is."""
    from markdown_it import MarkdownIt

    markdown = render_notice(marked, "md")
    html = MarkdownIt("commonmark", {"html": True}).render(markdown)
    assert "<script" not in html
    assert "<img" not in html
    assert ">click</a>" not in html
    assert html.count(ESCAPED + "[click](javascript:alert(3))") > 50
    assert markdown.count(r"\<script\>alert(1)\</script\>") > 50


def test_an_access_report_escapes_every_field_of_the_package() -> None:
    package = SubjectPackage(
        kind="access",
        request_id="r-1" + PAYLOAD,
        subject_id="s-1" + PAYLOAD,
        generated_at=datetime(2026, 11, 25, 10, 0, tzinfo=UTC),
        organisation="Example Ltd" + PAYLOAD,
        datasets=(
            Dataset(
                "identifiers" + PAYLOAD,
                "Yours" + PAYLOAD,
                ("type" + PAYLOAD, "value"),
                (("name", PAYLOAD), (PAYLOAD, 1)),
            ),
        ),
        supplementary={
            "purposes": [{"key": PAYLOAD, "activity": PAYLOAD}],
            "complaint": {PAYLOAD: PAYLOAD},
            PAYLOAD: PAYLOAD,
        },
        withheld=(Withheld(PAYLOAD, PAYLOAD),),
    )
    html = render_html(package)
    _assert_escaped(html)
    assert f"style-src {style_source('subject_export')}" in html.replace("&#39;", "'")


@pytest.mark.parametrize("name", STYLESHEETS)
def test_each_stylesheet_is_its_files_text_hashed(name: str) -> None:
    assert stylesheet(name).strip()
    assert "</style" not in stylesheet(name)
    assert re.fullmatch(r"'sha256-[A-Za-z0-9+/]{43}='", style_source(name))
