"""Differential-privacy noise from OpenDP: the discrete Laplace mechanism on a vector of counts
(`make_laplace` over integers), scaled to the sensitivity over the budget, and its privacy map
asked what the release spent. OpenDP is imported when a release is first asked for."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


class OpenDpNoise:
    def _measurement(self, sensitivity: int, epsilon: float) -> Any:
        import opendp.prelude as dp

        dp.enable_features("contrib")
        space = dp.vector_domain(dp.atom_domain(T=int)), dp.l1_distance(T=int)
        return dp.m.make_laplace(*space, scale=sensitivity / epsilon)

    def add(self, counts: Sequence[int], *, sensitivity: int, epsilon: float) -> list[int]:
        measurement = self._measurement(sensitivity, epsilon)
        return [int(n) for n in measurement(list(counts))]

    def spent(self, *, sensitivity: int, epsilon: float) -> float:
        return float(self._measurement(sensitivity, epsilon).map(sensitivity))
