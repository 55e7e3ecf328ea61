"""Sparse histograms of waits in whole seconds (`wait_bucket`), and their compact encoding for
the rollups: a version byte, the entry count, then (bucket delta, count) varint pairs. Pure;
split from `domain.calls.acd`, which re-exports `WaitHistogram`."""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction

MAX_BUCKET = 86_400  # a day: longer waits are data errors and count as a day

_FORMAT_VERSION = 1
_MAX_VARINT_BYTES = 9  # 63 bits: more than any count a rollup can reach


def _put_varint(out: bytearray, value: int) -> None:
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)


def _get_varint(data: bytes, pos: int) -> tuple[int, int]:
    """LEB128 unsigned varint at `pos`: (value, next position). Only the minimal form is valid."""
    value = 0
    for i in range(_MAX_VARINT_BYTES):
        if pos + i >= len(data):
            raise ValueError("wait histogram: truncated")
        byte = data[pos + i]
        value |= (byte & 0x7F) << (7 * i)
        if not byte & 0x80:
            if byte == 0 and i > 0:
                raise ValueError("wait histogram: overlong varint")
            return value, pos + i + 1
    raise ValueError("wait histogram: varint too long")


@dataclass(slots=True)
class WaitHistogram:
    """Sparse count of waits per bucket (`wait_bucket` seconds). Holds no zero counts."""

    counts: dict[int, int] = field(default_factory=dict)

    def add(self, bucket: int, n: int = 1) -> None:
        if not 0 <= bucket <= MAX_BUCKET:
            raise ValueError(f"wait bucket out of range: {bucket}")
        if n < 0:
            raise ValueError(f"negative count: {n}")
        if n:
            self.counts[bucket] = self.counts.get(bucket, 0) + n

    def merge(self, other: WaitHistogram) -> None:
        """Add `other`'s counts (valid already: each came through `add` or `decode`).

        Hot in reports and rollups: the larger of the two is copied whole (in C) and the
        smaller added to it entry by entry."""
        counts, more = self.counts, other.counts
        if not more:
            return
        if len(counts) < len(more):
            counts, more = dict(more), counts
            self.counts = counts
        get = counts.get
        for bucket, n in more.items():
            counts[bucket] = get(bucket, 0) + n

    def take(self, other: WaitHistogram) -> None:
        """Remove `other`'s counts, which this histogram must hold (`merge` undone)."""
        counts = self.counts
        for bucket, n in other.counts.items():
            left = counts.get(bucket, 0) - n
            if left < 0:
                raise RuntimeError("a rollup would count fewer than no waits")
            if left:
                counts[bucket] = left
            else:
                counts.pop(bucket, None)

    def total(self) -> int:
        return sum(self.counts.values())

    def at_most(self, threshold: int) -> int:
        """How many waits were at most `threshold` seconds."""
        return sum(n for bucket, n in self.counts.items() if bucket <= threshold)

    def percentile(self, p: float) -> int | None:
        """Nearest-rank percentile, 0 < p <= 100: the smallest bucket with at least
        ceil(p/100 * total) waits at or below it. None when empty."""
        if not 0 < p <= 100:
            raise ValueError(f"percentile out of range: {p}")
        total = self.total()
        if not total:
            return None
        if p == int(p):  # the usual 50, 90, 95: in whole numbers, exactly
            rank = max(1, -(-int(p) * total // 100))
        else:
            rank = max(1, math.ceil(Fraction(p) * total / 100))  # exact: 70% of 10 is 7, not 8
        seen = 0
        for bucket in sorted(self.counts):
            seen += self.counts[bucket]
            if seen >= rank:
                return bucket
        raise AssertionError("unreachable: rank <= total")  # pragma: no cover

    def encode(self) -> bytes:
        """Version byte, entry count, then (bucket delta, count) varint pairs in bucket order."""
        out = bytearray([_FORMAT_VERSION])
        entries = sorted((b, n) for b, n in self.counts.items() if n)
        _put_varint(out, len(entries))
        previous = 0
        for bucket, n in entries:
            _put_varint(out, bucket - previous)
            _put_varint(out, n)
            previous = bucket
        return bytes(out)

    @classmethod
    def decode(cls, data: bytes) -> WaitHistogram:
        """Inverse of `encode`; ValueError for anything `encode` would not have written."""
        if not data or data[0] != _FORMAT_VERSION:
            raise ValueError("wait histogram: unknown format")
        size, pos = _get_varint(data, 1)
        if size > MAX_BUCKET + 1:
            raise ValueError("wait histogram: too many entries")
        rest = data[pos:]
        if len(rest) == 2 * size and (not rest or max(rest) < 0x80):
            return cls(_decode_short(rest))
        values = _varints(rest)
        if len(values) != 2 * size:
            raise ValueError(
                "wait histogram: truncated"
                if len(values) < 2 * size
                else "wait histogram: trailing bytes"
            )
        return cls(_checked(values[0::2], values[1::2]))


def _varints(data: bytes) -> list[int]:
    """Every LEB128 varint of `data`, in one pass (hot: a report decodes thousands). Only the
    minimal form of each, of at most `_MAX_VARINT_BYTES`, and nothing cut short is valid."""
    values: list[int] = []
    value = shift = 0
    for byte in data:
        if byte & 0x80:
            value |= (byte & 0x7F) << shift
            shift += 7
            if shift >= 7 * _MAX_VARINT_BYTES:
                raise ValueError("wait histogram: varint too long")
        else:
            if not byte and shift:
                raise ValueError("wait histogram: overlong varint")
            values.append(value | (byte << shift))
            value = shift = 0
    if shift:
        raise ValueError("wait histogram: truncated")
    return values


def _checked(deltas: Sequence[int], counts: Sequence[int]) -> dict[int, int]:
    """bucket -> count from (bucket delta, count) pairs, refused as `decode` says."""
    if 0 in deltas[1:]:
        raise ValueError("wait histogram: buckets not increasing")
    if 0 in counts:
        raise ValueError("wait histogram: zero count")
    buckets = list(itertools.accumulate(deltas))
    if buckets and buckets[-1] > MAX_BUCKET:
        raise ValueError("wait histogram: bucket out of range")
    return dict(zip(buckets, counts, strict=True))


def _decode_short(pairs: bytes) -> dict[int, int]:
    """The entries of a histogram whose every varint is one byte (most are): the pairs are the
    bytes themselves, taken by slices."""
    return _checked(pairs[0::2], pairs[1::2])
