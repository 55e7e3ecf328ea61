"""The operations figures on `/metrics`, read from the database when scraped (at most every
`FRESH_SECONDS`, so a scrape storm costs a few queries): jobs waiting by kind and state and the
age of the oldest, letters and messages due and unsent, calls ingested (in all, for a rate, and
in the last hour), rights requests overdue. A read that fails reports `dataward_figures_up 0`
and nothing else: the server's own figures are still served."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from dataward.services.jobs.figures import OperationsFigures

logger = logging.getLogger(__name__)
FRESH_SECONDS = 15.0


class OperationsCollector(Collector):
    def __init__(self, read: Callable[[], OperationsFigures]) -> None:
        self._read = read
        self._lock = threading.Lock()
        self._last: tuple[float, OperationsFigures] | None = None

    def _figures(self) -> OperationsFigures | None:
        with self._lock:
            now = time.monotonic()
            if self._last is not None and now - self._last[0] < FRESH_SECONDS:
                return self._last[1]
            try:
                found = self._read()
            except Exception as error:  # noqa: BLE001 - figures are best effort; say so
                logger.warning("operations figures not read (%s)", type(error).__name__)
                return None
            self._last = (now, found)
            return found

    def collect(self) -> Iterator[Metric]:
        figures = self._figures()
        up = GaugeMetricFamily("dataward_figures_up", "Whether the figures below could be read")
        up.add_metric([], 0 if figures is None else 1)
        yield up
        if figures is None:
            return
        yield from _jobs(figures)
        backlog = GaugeMetricFamily(
            "dataward_outbox_backlog", "Letters and messages due and not yet sent", labels=["of"]
        )
        backlog.add_metric(["letters"], figures.letters_due)
        backlog.add_metric(["messages"], figures.messages_due)
        yield backlog
        stored = CounterMetricFamily(
            "dataward_ingest_calls_stored", "Calls stored by every ingest (rate() for the rate)"
        )
        stored.add_metric([], figures.ingested.stored)
        yield stored
        recent = GaugeMetricFamily(
            "dataward_ingest_calls_last_hour", "Calls stored by ingests ended in the last hour"
        )
        recent.add_metric([], figures.ingested.stored_recently)
        yield recent
        if figures.requests_overdue is not None:
            overdue = GaugeMetricFamily(
                "dataward_requests_overdue", "Open rights requests past their deadline"
            )
            overdue.add_metric([], figures.requests_overdue)
            yield overdue


def _jobs(figures: OperationsFigures) -> Iterator[Metric]:
    depth = GaugeMetricFamily(
        "dataward_jobs", "Jobs queued or running, by kind and state", labels=["kind", "state"]
    )
    age = GaugeMetricFamily(
        "dataward_job_oldest_age_seconds",
        "Age of the oldest job queued or running, by kind and state",
        labels=["kind", "state"],
    )
    for line in figures.jobs:
        depth.add_metric([line.kind, line.state], line.count)
        if line.oldest is not None:
            age.add_metric(
                [line.kind, line.state], max(0.0, figures.now_seconds - line.oldest.timestamp())
            )
    yield depth
    yield age
