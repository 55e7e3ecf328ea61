"""No module of the domain or the services grows past 400 lines: past that, it holds more than
one concept and is split by what each part does."""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).parents[1] / "src" / "dataward"
LIMIT = 400


def test_no_module_of_the_domain_or_the_services_is_over_the_limit() -> None:
    sizes = {
        path.relative_to(PACKAGE).as_posix(): len(path.read_text("utf-8").splitlines())
        for layer in ("domain", "services")
        for path in (PACKAGE / layer).rglob("*.py")
    }
    assert len(sizes) > 100  # the walk finds the modules
    over = {name: n for name, n in sizes.items() if n > LIMIT}
    assert not over, f"split these modules: {over}"
