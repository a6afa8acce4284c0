"""Approval and ranked ballots under a rule: participation thresholds, approvals on every basis, Schulze."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from comity.engine.decisions.options import tally_approval, tally_ranked
from comity.engine.decisions.rules import Basis, get_rule
from comity.engine.decisions.tally import TallyError, Voter

ORDINARY = get_rule("civil-code-278-ordinary")
VOTERS = [Voter(key=k, area=Fraction(a)) for k, a in [("a", 100), ("b", 80), ("c", 60), ("d", 60)]]
OPTIONS = ["grey", "cream", "red"]


def test_approvals_are_counted_on_both_bases_and_ordered() -> None:
    result = tally_approval(
        ORDINARY, VOTERS, OPTIONS, [("a", ["grey"]), ("b", ["cream", "red"]), ("c", ["cream"])]
    )
    counts = {c.option: c.approvals for c in result.counts}
    assert counts["cream"] == {Basis.AREA: Fraction(140), Basis.HEADCOUNT: Fraction(2)}
    assert counts["grey"] == {Basis.AREA: Fraction(100), Basis.HEADCOUNT: Fraction(1)}
    assert result.order == ("cream", "grey", "red")  # area first, then headcount, then the paper's order
    # 240 of 300 m² (80%) and 3 of 4 owners take part: quorate
    assert result.quorate
    assert result.winner == "cream"


def test_without_participation_there_is_no_winner() -> None:
    result = tally_approval(ORDINARY, VOTERS, OPTIONS, [("a", ["grey"]), ("b", ["grey"])])
    by_head = next(r for r in result.participation if r.threshold.basis == Basis.HEADCOUNT)
    assert (by_head.value, by_head.total, by_head.passed) == (2, 4, False)
    assert result.winner is None
    assert result.to_dict()["winner"] is None


def test_approval_limits_and_unknown_voters_are_refused_with_the_ballot_index() -> None:
    with pytest.raises(TallyError) as too_many:
        tally_approval(ORDINARY, VOTERS, OPTIONS, [("a", ["grey"]), ("b", OPTIONS)], max_approvals=2)
    assert too_many.value.index == 1
    with pytest.raises(TallyError, match="not on the register"):
        tally_approval(ORDINARY, VOTERS, OPTIONS, [("z", ["grey"])])
    with pytest.raises(TallyError, match="unknown option"):
        tally_approval(ORDINARY, VOTERS, OPTIONS, [("a", ["blue"])])


def test_ranked_ballots_choose_the_schulze_winner() -> None:
    ballots = [
        ("a", [["red"], ["cream"]]),
        ("b", [["cream"], ["red"]]),
        ("c", [["cream"]]),
        ("d", [["grey"], ["cream"]]),
    ]
    result = tally_ranked(ORDINARY, VOTERS, OPTIONS, ballots)
    assert result.winner == "cream"
    assert result.order[0] == "cream"
    assert result.to_dict()["schulze"]["winners"] == ["cream"]


@given(st.permutations(range(4)), st.lists(st.sampled_from(OPTIONS), min_size=4, max_size=4))
def test_permuting_ballots_changes_nothing(order: list[int], picks: list[str]) -> None:
    ballots = [(VOTERS[i].key, [picks[i]]) for i in range(4)]
    first = tally_approval(ORDINARY, VOTERS, OPTIONS, ballots).to_dict()
    assert tally_approval(ORDINARY, VOTERS, OPTIONS, [ballots[i] for i in order]).to_dict() == first
