"""The stylesheets of our HTML pages and documents, one file each in `templates/styles`.

A page carries its stylesheet inline, so a document prints and opens on its own (the notice,
the record of processing, an access package's report), and a Content-Security-Policy allows
each stylesheet by its SHA-256 instead of allowing inline style at all: style that found its
way into a page some other way would not apply. Templates write `<style>{{ stylesheet("name")
}}</style>`, nothing else between the tags, so the hash covers exactly what a browser checks.
"""

from __future__ import annotations

import base64
import hashlib
from functools import cache
from importlib.resources import files

from jinja2 import Environment
from markupsafe import Markup

STYLESHEETS = ("page", "notice", "ropa", "subject_export")
"""`page` for the pages people open (the request form, a download link); one per document."""


@cache
def stylesheet(name: str) -> Markup:
    """The text of stylesheet `name`, to put between `<style>` and `</style>`."""
    if name not in STYLESHEETS:
        raise ValueError(f"no stylesheet {name!r}")
    text = files("dataward").joinpath("templates", "styles", f"{name}.css").read_text("utf-8")
    return Markup(text)  # noqa: S704 - our own shipped file, never input


@cache
def style_source(name: str) -> str:
    """The CSP source expression that allows stylesheet `name` inline: `'sha256-...'`."""
    digest = hashlib.sha256(stylesheet(name).encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def style_sources() -> tuple[str, ...]:
    """Every stylesheet's CSP source expression."""
    return tuple(style_source(name) for name in STYLESHEETS)


def with_stylesheets(environment: Environment) -> Environment:
    """`environment` with the `stylesheet(name)` function its templates call."""
    environment.globals["stylesheet"] = stylesheet
    return environment
