"""Schulze ranked choice (hand-computed, including Wikipedia's classic 45-voter example) and the ballot log."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from comity.engine.decisions.ballot_log import GENESIS, chain, find_receipt, receipt_hash, verify
from comity.engine.decisions.ranked import RankingError, schulze


def expand(groups: list[tuple[int, str]]) -> list[list[list[str]]]:
    return [[[c] for c in order] for count, order in groups for _ in range(count)]


def test_the_classic_schulze_example() -> None:
    """Wikipedia's example: 45 voters, five candidates; the Schulze order is E > A > C > B > D."""
    ballots = expand(
        [
            (5, "ACBED"),
            (5, "ADECB"),
            (8, "BEDAC"),
            (3, "CABED"),
            (7, "CAEBD"),
            (2, "CBADE"),
            (7, "DCEBA"),
            (8, "EBADC"),
        ]
    )
    result = schulze("ABCDE", ballots)
    assert result.order == ("E", "A", "C", "B", "D")
    assert result.winners == ("E",)
    assert result.pairwise[0][1] == 20  # A over B
    assert result.strongest[4][0] == 25  # E to A
    assert not result.tie_broken_by_ballot_order


def test_ties_and_partial_rankings() -> None:
    result = schulze(["x", "y", "z"], [[["x", "y"]], [["z"]]])
    assert result.pairwise[0][2] == 1  # x over z on the first ballot (z unranked)
    assert result.pairwise[2][0] == 1
    assert result.tie_broken_by_ballot_order
    assert result.order == ("x", "y", "z")


def test_bad_ballots() -> None:
    with pytest.raises(RankingError, match="unknown option"):
        schulze("ab", [[["c"]]])
    with pytest.raises(RankingError, match="ranked twice"):
        schulze("ab", [[["a"], ["a"]]])


@given(st.lists(st.permutations("abcd"), min_size=1, max_size=30))
@settings(max_examples=100, deadline=None)
def test_a_condorcet_winner_always_wins(orders: list[list[str]]) -> None:
    ballots = [[[c] for c in order] for order in orders]
    result = schulze("abcd", ballots)
    d = result.pairwise
    for a in range(4):
        if all(d[a][b] > d[b][a] for b in range(4) if b != a):
            assert result.winners == ("abcd"[a],)
            assert result.order[0] == "abcd"[a]


def test_the_log_verifies_and_catches_every_kind_of_tampering() -> None:
    contents = [
        {"ballot": i, "choice": "yes" if i % 2 else "no", "receipt": receipt_hash(f"code{i}")}
        for i in range(5)
    ]
    entries = chain(contents)
    assert entries[0].previous == GENESIS
    assert verify(entries).ok
    assert verify(entries).checked == 5
    changed = list(entries)
    changed[2] = type(entries[2])(
        3, {**entries[2].content, "choice": "yes"}, entries[2].previous, entries[2].hash
    )
    report = verify(changed)
    assert (report.ok, report.first_bad, report.reason) == (
        False,
        3,
        "the entry was changed after it was written",
    )
    assert verify(entries[:2] + entries[3:]).first_bad == 4  # a removed entry
    relinked = chain(contents[:2] + contents[3:])
    assert verify(relinked).ok  # rewriting the whole tail is the only way, and it changes every later hash
    assert relinked[-1].hash != entries[-1].hash
    assert find_receipt(entries, "code3") == entries[3]
    assert find_receipt(entries, "code9") is None
