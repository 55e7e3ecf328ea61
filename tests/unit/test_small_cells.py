"""What a report may show of its cells (`domain.calls.small_cells`), tried to break: no cell of
1 to k-1 calls ever shown, the pool of a period never shown under k, no call lost or counted
twice when every pool reaches k, only the labels shown put to the gate, refused labels gone
calls and all whatever they are; and the gate's checks
that need no subject, which refuse a labelled report before anything is read."""

from __future__ import annotations

from collections.abc import Mapping

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dataward.domain.calls.acd import Tally
from dataward.domain.calls.small_cells import (
    NO_PARTY,
    SUPPRESSED,
    Cell,
    Counts,
    merged_counts,
    pooled_counts,
    pooled_tallies,
    shown_tally_groups,
    without,
)
from dataward.domain.calls.telephony import Disposition
from dataward.domain.processing.gate import DenialReason, Gate, Question
from tests.builders import NOW, an_actor, shipped_register
from tests.support.copies import K

GROUPS = ["sales", "support", "night", NO_PARTY, "a-caller", "an-agent"]
PERIODS = ["2026-03-02T03:00", "2026-03-02T09:00", "2026-03-02T10:00"]


def test_the_shipped_register_s_k_is_the_one_the_tests_scale_by() -> None:
    assert shipped_register().k_anonymity_threshold == K


def calls(answered: int, abandoned: int = 0) -> Tally:
    tally = Tally()
    for _ in range(answered):
        tally.add(Disposition.ANSWERED, 10.0, 60.0, 2.0)
    for _ in range(abandoned):
        tally.add(Disposition.ABANDONED, 30.0, None, None)
    return tally


cells_strategy = st.dictionaries(
    st.tuples(st.sampled_from(GROUPS), st.sampled_from(PERIODS)),
    st.tuples(st.integers(0, 12), st.integers(0, 3)),
    max_size=18,
)


def _tallies(spec: Mapping[Cell, tuple[int, int]]) -> dict[Cell, Tally]:
    return {cell: calls(*counts) for cell, counts in spec.items()}


def _by_period(cells: Mapping[Cell, Tally]) -> dict[str, tuple[int, int]]:
    totals: dict[str, tuple[int, int]] = {}
    for (_group, period), tally in cells.items():
        offered, answered = totals.get(period, (0, 0))
        totals[period] = (offered + tally.offered, answered + tally.answered)
    return totals


def test_the_boundaries_of_k() -> None:
    cells = {
        ("empty", "p"): calls(0),
        ("one", "p"): calls(1),
        ("under", "p"): calls(K - 1),
        ("k", "p"): calls(K),
    }
    shown, hidden = pooled_tallies(cells, K)
    assert hidden == 2
    assert set(shown) == {("empty", "p"), ("k", "p"), (SUPPRESSED, "p")}  # the pool: K calls
    assert shown[(SUPPRESSED, "p")].offered == K
    assert shown[("k", "p")] is cells[("k", "p")]
    assert cells[("one", "p")].offered == 1  # the cells pooled are left as they were


def test_one_hidden_cell_is_never_shown_as_its_pool() -> None:
    shown, hidden = pooled_tallies({("night", "03"): calls(K - 1), ("sales", "03"): calls(K)}, K)
    assert hidden == 1
    assert set(shown) == {("sales", "03")}


@given(cells_strategy, st.integers(1, 8))
def test_no_cell_under_k_is_ever_shown_and_no_pool_under_k(
    spec: dict[Cell, tuple[int, int]], k: int
) -> None:
    cells = _tallies(spec)
    shown, hidden = pooled_tallies(cells, k)
    assert all(t.offered == 0 or t.offered >= k for t in shown.values())
    assert all(t.offered >= k for (group, _p), t in shown.items() if group == SUPPRESSED)
    assert hidden == sum(1 for t in cells.values() if 0 < t.offered < k)
    assert hidden == len(cells) - len([c for c in shown if c[0] != SUPPRESSED])


@given(cells_strategy, st.integers(1, 8))
def test_shown_cells_and_pools_add_up_to_the_truth_where_the_pool_reaches_k(
    spec: dict[Cell, tuple[int, int]], k: int
) -> None:
    cells = _tallies(spec)
    truth = _by_period(cells)
    shown, _hidden = pooled_tallies(cells, k)
    seen = _by_period(shown)
    for period, (offered, answered) in truth.items():
        hidden = sum(t.offered for (g, p), t in cells.items() if p == period and 0 < t.offered < k)
        if hidden >= k or hidden == 0:  # the pool is shown (or there is none): nothing lost
            assert seen.get(period, (0, 0)) == (offered, answered)
        else:  # the pool stays hidden: exactly its calls are missing, nothing more
            assert seen.get(period, (0, 0))[0] == offered - hidden


@given(cells_strategy, st.integers(1, 8))
def test_the_groups_to_decide_are_exactly_the_groups_shown(
    spec: dict[Cell, tuple[int, int]], k: int
) -> None:
    cells = _tallies(spec)
    shown, _hidden = pooled_tallies(cells, k)
    assert shown_tally_groups(cells, k) == {group for group, _p in shown} - {SUPPRESSED}


@given(cells_strategy, st.sets(st.sampled_from(GROUPS)), st.integers(1, 8))
def test_refused_labels_are_gone_calls_and_all(
    spec: dict[Cell, tuple[int, int]], refused: set[str], k: int
) -> None:
    cells = _tallies(spec)
    kept = {cell: tally for cell, tally in cells.items() if cell[0] not in refused}
    out = without(cells, refused)
    assert out == kept
    shown, hidden = pooled_tallies(out, k)
    assert not {group for group, _p in shown} & refused
    assert hidden == sum(1 for t in kept.values() if 0 < t.offered < k)
    truth = _by_period(kept)  # what the report may show at most: no call of a refused label
    for period, (offered, _answered) in _by_period(shown).items():
        assert offered <= truth[period][0]


def test_a_lone_refused_label_is_in_no_row_nor_in_the_pool() -> None:
    """A refused caller of k+1 calls beside a cell under k: pooled together they would reach
    k and show, and would be the refused caller's calls but for k-1."""
    cells = {("a-caller", "p"): calls(K + 1), ("an-other", "p"): calls(K - 1)}
    assert shown_tally_groups(cells, K) == {"a-caller"}  # the only label to decide
    shown, hidden = pooled_tallies(without(cells, {"a-caller"}), K)
    assert (shown, hidden) == ({}, 1)


def test_noisy_counts_are_pooled_count_by_count() -> None:
    noisy: dict[Cell, Counts] = {
        ("q1", "d"): (3, 2, 1, 0, 0, 2, 1),
        ("q2", "d"): (4, 4, 0, 0, 0, 3, 0),
        ("q3", "d"): (0, 0, 0, 0, 0, 0, 0),  # a zero-filled cell: shown, it tells nothing
        ("q4", "d"): (9, 7, 2, 1, 0, 6, 1),
    }
    shown, hidden = pooled_counts(noisy, K)
    assert hidden == 2
    assert shown[(SUPPRESSED, "d")] == (7, 6, 1, 0, 0, 5, 1)
    assert set(shown) == {("q3", "d"), ("q4", "d"), (SUPPRESSED, "d")}
    assert merged_counts([(1, 2), (3, 4)]) == (4, 6)


def test_k_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        pooled_tallies({}, 0)


# -- the gate's checks that need no subject -----------------------------------------------------


@pytest.mark.parametrize(
    ("role", "purpose", "reason"),
    [
        ("operator", "telephony_reporting", None),
        ("tenant_admin", "telephony_reporting", None),
        ("support", "telephony_support", None),
        ("support", "telephony_reporting", DenialReason.ROLE_LACKS_NEED_TO_KNOW),
        ("operator", "telephony_support", DenialReason.ROLE_LACKS_NEED_TO_KNOW),
        ("auditor", "telephony_reporting", DenialReason.ROLE_LACKS_NEED_TO_KNOW),
        ("operator", "no_such_purpose", DenialReason.UNREGISTERED_PURPOSE),
        ("operator", "correspondence", DenialReason.CATEGORY_NOT_IN_PURPOSE),
    ],
)
def test_before_any_subject_the_gate_refuses_the_use_itself(
    role: str, purpose: str, reason: DenialReason | None
) -> None:
    gate = Gate(shipped_register())
    question = Question("telephony_activity", purpose, NOW)
    assert gate.before_any_subject(an_actor(role), question) == reason


def test_before_any_subject_asks_for_decrypting_only_when_asked() -> None:
    gate = Gate(shipped_register())
    question = Question("telephony_activity", "telephony_reporting", NOW, decrypt=True)
    assert gate.before_any_subject(an_actor("operator"), question) is (
        DenialReason.ROLE_LACKS_NEED_TO_KNOW
    )
