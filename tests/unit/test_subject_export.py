"""The access package renderer: deterministic ZIP, escaped HTML, safe CSV."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime

from faker import Faker

from dataward.adapters.documents.subject_export import render_csv, render_export
from dataward.domain.requests.package import Dataset, SubjectPackage, Withheld


def _package(fake: Faker) -> SubjectPackage:
    return SubjectPackage(
        kind="access",
        request_id="r-1",
        subject_id="s-1",
        generated_at=datetime(2026, 11, 25, 10, 0, tzinfo=UTC),
        organisation="Example Ltd",
        datasets=(
            Dataset(
                "identifiers",
                "Yours",
                ("type", "value"),
                (("name", "<script>alert(1)</script>"), ("email", fake.email())),
            ),
            Dataset("calls", "Calls", ("caller", "talk_s"), (("you", 60.5),)),
        ),
        supplementary={"purposes": [{"key": "p", "activity": "A & B"}], "complaint": {"x": "y"}},
        withheld=(Withheld("calls", "processor data"),),
    )


def test_the_zip_holds_json_csvs_and_report_and_is_deterministic() -> None:
    fake = Faker("en_GB")
    fake.seed_instance(7)
    package = _package(fake)
    first, second = render_export(package), render_export(package)
    assert first == second
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert archive.namelist() == ["data.json", "identifiers.csv", "calls.csv", "report.html"]
        data = json.loads(archive.read("data.json"))
        html = archive.read("report.html").decode()
    assert data["datasets"]["calls"]["records"] == [{"caller": "you", "talk_s": 60.5}]
    assert data["withheld"] == [{"item": "calls", "reason": "processor data"}]
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "A &amp; B" in html
    assert "(a) Why we process your data" in html


def test_csv_cells_that_would_run_as_formulas_are_quoted_numbers_are_not() -> None:
    dataset = Dataset("t", "t", ("a", "b", "c"), (("=1+1", "+441632960001", None),))
    assert render_csv(dataset) == "a,b,c\r\n'=1+1,+441632960001,\r\n"
