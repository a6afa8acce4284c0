"""Budgeting rules: golden tests against pabutools (the oracle) on every pabulib file in ``shared/data/pabulib``,
the real outcomes of the two equal-shares elections there, hand-computed examples and Hypothesis properties.

pabutools' Add1 (``exhaustion_by_budget_increase``) reruns MES once per one-unit step and takes seconds to 40 minutes
per file; its outcomes on every file are stored in ``tests/data/pabulib/pabutools_add1.json`` by
``tests/data/make_pabutools_fixtures.py`` (with the pabutools version and each file's SHA-256), and Comity's Add1 is
compared with them on every file in every run. The live comparison runs on the quick files by default and on every
file with ``COMITY_SLOW_GOLDEN=1``. The Warszawa 2026 (61,668 voters) comparisons of the other rules are the slow
tests: pabutools needs 15–40 s per rule there.
"""

from __future__ import annotations

import hashlib
import json
import os
from fractions import Fraction
from functools import cache
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pabutools.election import (
    ApprovalBallot,
    ApprovalProfile,
    Cardinality_Sat,
    Cost_Sat,
    parse_pabulib,
)
from pabutools.rules import (
    completion_by_rule_combination,
    exhaustion_by_budget_increase,
    greedy_utilitarian_welfare,
    method_of_equal_shares,
)
from pabutools.rules import sequential_phragmen as pb_sequential_phragmen

from comity.engine.budgeting import _fastmes
from comity.engine.budgeting.model import Ballot, Election, Project
from comity.engine.budgeting.rules import (
    equal_shares,
    equal_shares_add1,
    greedy,
    sequential_phragmen,
)
from tests.shared_data import shared_data

FILES = sorted((shared_data() / "pabulib").glob("*.pb"))
IDS = [p.stem for p in FILES]
BIG = "Poland_Warszawa_2026"
#: Files on which pabutools' Add1 finishes within a few seconds.
QUICK_ADD1 = {
    "Netherlands_Assen_2024",
    "Poland_Gdynia_2023_Leszczynki__small",
    "Poland_Krakow_2018_Nowa_Huta",
    "Poland_Zabrze_2021_Grzybowice",
    "US_Stanford_Dataset_2022_Jersey_City_Ward_B_vote_knapsacks",
}
SLOW = os.environ.get("COMITY_SLOW_GOLDEN") == "1"
#: pabutools' Add1 outcomes, computed once by tests/data/make_pabutools_fixtures.py.
ADD1_FIXTURES = json.loads((shared_data() / "pabulib" / "pabutools_add1.json").read_text())


def test_the_pabulib_files_are_there() -> None:
    assert {"Netherlands_Assen_2024", "Poland_Swiecie_2023", BIG} <= set(IDS)


def _int(x: Any) -> int:
    f = Fraction(int(x.numerator), int(x.denominator))
    assert f.denominator == 1, x
    return int(f)


@cache
def _load(path: Path) -> tuple[Any, Any, Election]:
    """pabutools' parse, and Comity's Election built from it (supported projects as approvals)."""
    inst, prof = parse_pabulib(str(path))
    ballots = []
    for b in prof:
        for _ in range(prof.multiplicity(b)):
            ballots.append(Ballot(voter=str(len(ballots)), approved=frozenset(p.name for p in b)))
    election = Election(
        budget=_int(inst.budget_limit),
        projects=tuple(Project(id=p.name, cost=_int(p.cost)) for p in sorted(inst)),
        ballots=tuple(ballots),
    )
    return inst, prof, election


def _names(alloc: Any) -> set[str]:
    return {p.name for p in alloc}


def _approval(prof: Any) -> ApprovalProfile:
    if isinstance(prof, ApprovalProfile):
        return prof
    return ApprovalProfile([ApprovalBallot(list(b)) for b in prof])


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_greedy_matches_pabutools(path: Path) -> None:
    inst, prof, election = _load(path)
    assert greedy(election).selected_set == _names(greedy_utilitarian_welfare(inst, prof, sat_class=Cost_Sat))


@pytest.mark.parametrize("satisfaction", ["cost", "cardinality"])
@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_equal_shares_matches_pabutools(path: Path, satisfaction: str) -> None:
    inst, prof, election = _load(path)
    sat_class = Cost_Sat if satisfaction == "cost" else Cardinality_Sat
    ours = equal_shares(election, satisfaction=satisfaction)  # type: ignore[arg-type]
    assert ours.selected_set == _names(method_of_equal_shares(inst, prof, sat_class=sat_class))
    assert ours.cost <= election.budget


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_sequential_phragmen_matches_pabutools(path: Path) -> None:
    inst, prof, election = _load(path)
    ours = sequential_phragmen(election)
    assert ours.cost <= election.budget
    assert ours.selected_set == _names(pb_sequential_phragmen(inst, _approval(prof)))


def _pabutools_add1(inst: Any, prof: Any, *, completion: bool) -> set[str]:
    add1 = {
        "rule": method_of_equal_shares,
        "rule_params": {"sat_class": Cost_Sat},
        "budget_step": prof.num_ballots(),
        "exhaustive_stop": False,
    }
    if not completion:
        return _names(exhaustion_by_budget_increase(inst, prof, **add1))
    return _names(
        completion_by_rule_combination(
            inst,
            prof,
            [exhaustion_by_budget_increase, greedy_utilitarian_welfare],
            [add1, {"sat_class": Cost_Sat}],
        )
    )


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_add1_with_greedy_completion_matches_pabutools(path: Path) -> None:
    inst, prof, election = _load(path)
    ours = equal_shares_add1(election)
    assert ours.cost <= election.budget
    if path.stem not in QUICK_ADD1 and not SLOW:
        pytest.skip("pabutools' Add1 takes 10 s to minutes here; set COMITY_SLOW_GOLDEN=1")
    assert ours.selected_set == _pabutools_add1(inst, prof, completion=True)


def test_the_add1_fixtures_cover_every_file_with_this_pabutools() -> None:
    assert set(ADD1_FIXTURES["files"]) == set(IDS)
    assert ADD1_FIXTURES["pabutools_version"] == version("pabutools"), (
        "pabutools changed: recompute with python tests/data/make_pabutools_fixtures.py --all"
    )


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_add1_matches_the_stored_pabutools_outcomes(path: Path) -> None:
    fixture = ADD1_FIXTURES["files"][path.stem]
    assert fixture["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest(), (
        f"{path.name} changed: recompute with python tests/data/make_pabutools_fixtures.py {path.stem}"
    )
    _, _, election = _load(path)
    assert equal_shares_add1(election).selected_set == set(fixture["selected_with_greedy_completion"])
    assert equal_shares_add1(election, completion=None).selected_set == set(fixture["selected"])


@pytest.mark.parametrize("name", ["Netherlands_Assen_2024", "Poland_Swiecie_2023"])
def test_add1_reproduces_the_real_outcome(name: str) -> None:
    inst, _, election = _load(shared_data() / "pabulib" / f"{name}.pb")
    real = {p.name for p in inst if str(inst.project_meta[p]["selected"]) == "1"}
    # The real elections ran Add1 "until the next step overspends" with no greedy completion: in Assen the
    # completion would also fund project 7.
    assert equal_shares_add1(election, completion=None).selected_set == real


def test_add1_without_completion_matches_pabutools_on_assen() -> None:
    inst, prof, election = _load(shared_data() / "pabulib" / "Netherlands_Assen_2024.pb")
    ours = equal_shares_add1(election, completion=None)
    assert ours.selected_set == _pabutools_add1(inst, prof, completion=False)
    assert ours.increments == 843


def test_add1_on_warszawa_2026() -> None:
    # Pinned from the previous all-Fraction implementation (75 s then); pabutools agrees with COMITY_SLOW_GOLDEN=1.
    _, _, election = _load(shared_data() / "pabulib" / f"{BIG}.pb")
    ours = equal_shares_add1(election, completion=None)
    assert (ours.increments, len(ours.selected), ours.cost) == (184, 49, 22_232_851)


@pytest.mark.parametrize("name", ["Poland_Swiecie_2023", "Poland_Krakow_2018_Nowa_Huta"])
def test_float_shortcuts_never_change_an_outcome(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """With a huge float error unit every float decision is uncertain, so every payment, affordability test and
    comparison of ρ is taken exactly: the outcome and every explanation must be the same."""
    _, _, election = _load(shared_data() / "pabulib" / f"{name}.pb")
    fast = [
        equal_shares(election),
        equal_shares(election, satisfaction="cardinality"),
        equal_shares_add1(election),
    ]
    monkeypatch.setattr(_fastmes, "_U", 1e-3)
    monkeypatch.setattr(_fastmes, "_EXACT_ABOVE", 0.0)
    exact = [
        equal_shares(election),
        equal_shares(election, satisfaction="cardinality"),
        equal_shares_add1(election),
    ]
    assert fast == exact


# ----------------------------------------------------------------------------------------------------------------
# Hand-computed examples


def _election(budget: int, costs: dict[str, int], approvals: list[str]) -> Election:
    return Election(
        budget=budget,
        projects=tuple(Project(id=p, cost=c) for p, c in costs.items()),
        ballots=tuple(Ballot(voter=str(i), approved=frozenset(a)) for i, a in enumerate(approvals)),
    )


#: 3 voters, budget 300 (100 each). A (200) is approved by voters 0 and 1, B (100) by 0 and 1, C (100) by voter 2,
#: D (150) by 0, 1 and 2.
HAND = _election(300, {"A": 200, "B": 100, "C": 100, "D": 150}, ["ABD", "ABD", "CD"])


def test_hand_greedy() -> None:
    # Votes: D 3, A 2, B 2, C 1. D (150) fits: 150 left; A (200) does not; B (100) fits: 50 left; C does not.
    result = greedy(HAND)
    assert result.selected == ("D", "B")
    assert result.cost == 250
    assert result.explanations["A"].reason == "did-not-fit"
    assert result.explanations["A"].money_left == 150
    assert result.explanations["C"].money_left == 50
    # no-skip stops at A; threshold 3 keeps only D.
    assert greedy(HAND, variant="no-skip").selected == ("D",)
    assert greedy(HAND, variant="no-skip").explanations["B"].reason == "stopped"
    assert greedy(HAND, variant="threshold", threshold=3).selected == ("D",)


def test_hand_equal_shares_cost() -> None:
    # Initial ρ = 1/votes: D 1/3, A = B 1/2, C 1. Round 1: D, 50 each (ρ = 50/150 = 1/3); 50 left each.
    # Round 2: A needs 200 from voters 0, 1 holding 100: unaffordable. B: 50 each, ρ = 50/100 = 1/2.
    # C: voter 2 has 50 < 100: unaffordable. Greedy funds D and B too here, but MES then stops with 0 + 0 + 50 left.
    result = equal_shares(HAND)
    assert result.selected == ("D", "B")
    d, b = result.explanations["D"], result.explanations["B"]
    assert (d.rho, d.payment, d.full_payers, d.capped_payers) == (Fraction(1, 3), 50, 3, 0)
    assert (b.rho, b.payment, b.full_payers) == (Fraction(1, 2), 50, 2)
    c = result.explanations["C"]
    assert (c.reason, c.supporters_money, c.shortfall) == ("supporters-short", 50, 50)
    assert result.explanations["A"].shortfall == 200


def test_hand_greedy_and_equal_shares_differ() -> None:
    # 3 voters, budget 300. Voters 0 and 1 approve X (200) and Y (100); voter 2 approves Z (100) only.
    # Greedy: X (2 votes), Y (2 votes, 100 left) → X, Y; Z does not fit (0 left).
    # MES (100 each): X needs 100 from each of 0 and 1 (ρ = 100/200 = 1/2), Y 50 each (ρ = 50/100 = 1/2),
    # Z 100 from voter 2 (ρ = 1). Tie X/Y at ρ = 1/2 → X by id; then Y is unaffordable (0 left) and Z is funded.
    election = _election(300, {"X": 200, "Y": 100, "Z": 100}, ["XY", "XY", "Z"])
    assert greedy(election).selected == ("X", "Y")
    mes = equal_shares(election)
    assert mes.selected == ("X", "Z")
    assert mes.explanations["Z"].rho == 1
    assert mes.explanations["Y"].shortfall == 100


def test_hand_equal_shares_cardinality() -> None:
    # Cardinality: ρ is the payment itself. Round 1: D 150/3 = 50, B 100/2 = 50, A 100, C 100 → tie B/D at 50, "B" by
    # id (voters 0, 1 keep 50). Round 2: D still 50 each (50, 50, 100 left) → D. Then nothing is affordable.
    result = equal_shares(HAND, satisfaction="cardinality")
    assert result.selected == ("B", "D")
    assert result.explanations["B"].rho == 50
    assert result.explanations["D"].rho == 50


def test_hand_add1() -> None:
    # Each voter gets 100 + k. After D (50 each) voters 0 and 1 hold 50 + k each. While k < 50, A (200) is out of
    # their reach, B (ρ = 1/2) is funded, and C (100) is out of voter 2's reach: D, B (250). At k = 50, A ties B at
    # ρ = 1/2 and wins by id: D, A costs 350 > 300. So k = 49 is kept; the greedy completion has 50 left: nothing fits.
    result = equal_shares_add1(HAND)
    assert result.selected == ("D", "B")
    assert result.cost == 250
    assert result.increments == 49
    assert result.voter_budget == 149


def test_hand_sequential_phragmen() -> None:
    # Loads: D (0 + 150)/3 = 50, B 100/2 = 50, A 200/2 = 100, C 100/1 = 100 → tie B/D at 50, "B" by id.
    # Then (voters 0, 1 at load 50): D (50 + 50 + 150)/3 = 250/3, A (100 + 200)/2 = 150, C 100 → D, all loads 250/3.
    # Then A (500/3 + 200)/2 = 550/3 ties C 250/3 + 100 = 550/3; A does not fit (250 + 200 > 300) → stop.
    result = sequential_phragmen(HAND)
    assert result.selected == ("B", "D")
    assert result.explanations["D"].load == Fraction(250, 3)
    assert result.explanations["C"].reason == "stopped"


def test_hand_sequential_phragmen_agrees_with_pabutools() -> None:
    from pabutools.election import Instance
    from pabutools.election import Project as PbProject

    projects = {p.id: PbProject(p.id, p.cost) for p in HAND.projects}
    inst = Instance(projects.values(), budget_limit=HAND.budget)
    prof = ApprovalProfile([ApprovalBallot([projects[p] for p in b.approved]) for b in HAND.ballots])
    assert _names(pb_sequential_phragmen(inst, prof)) == sequential_phragmen(HAND).selected_set
    assert _names(method_of_equal_shares(inst, prof, sat_class=Cost_Sat)) == equal_shares(HAND).selected_set


def test_empty_election() -> None:
    election = _election(100, {"A": 10}, [])
    assert equal_shares(election).selected == ()
    assert equal_shares_add1(election).selected == ()
    assert greedy(election).selected == ("A",)  # pabutools funds unsupported projects that fit


# ----------------------------------------------------------------------------------------------------------------
# Properties


@st.composite
def elections(draw: st.DrawFn) -> Election:
    n_projects = draw(st.integers(1, 6))
    ids = [f"p{i}" for i in range(n_projects)]
    costs = {p: draw(st.integers(1, 60)) for p in ids}
    budget = draw(st.integers(0, 150))
    n_voters = draw(st.integers(1, 8))
    approvals = [draw(st.sets(st.sampled_from(ids))) for _ in range(n_voters)]
    return Election(
        budget=budget,
        projects=tuple(Project(id=p, cost=c) for p, c in costs.items()),
        ballots=tuple(Ballot(voter=str(i), approved=frozenset(a)) for i, a in enumerate(approvals)),
    )


def _all_rules(election: Election) -> list[Any]:
    return [
        greedy(election),
        greedy(election, variant="no-skip"),
        equal_shares(election),
        equal_shares(election, satisfaction="cardinality"),
        equal_shares_add1(election),
        sequential_phragmen(election),
    ]


@settings(max_examples=150, deadline=None)
@given(elections())
def test_never_over_budget(election: Election) -> None:
    for result in _all_rules(election):
        assert result.cost <= election.budget
        assert result.cost == sum(election.costs[p] for p in result.selected)
        assert len(set(result.selected)) == len(result.selected)


@settings(max_examples=100, deadline=None)
@given(elections(), st.randoms(use_true_random=False))
def test_anonymity(election: Election, rnd: Any) -> None:
    ballots = list(election.ballots)
    rnd.shuffle(ballots)
    shuffled = Election(budget=election.budget, projects=election.projects, ballots=tuple(ballots))
    for a, b in zip(_all_rules(election), _all_rules(shuffled), strict=True):
        assert a.selected == b.selected


@settings(max_examples=150, deadline=None)
@given(elections())
def test_greedy_skip_and_add1_completion_are_exhaustive(election: Election) -> None:
    for result in (greedy(election), equal_shares_add1(election)):
        left = election.budget - result.cost
        assert all(p.cost > left for p in election.projects if p.id not in result.selected_set)


@settings(max_examples=150, deadline=None)
@given(elections(), st.sampled_from([1e-3, 1.0]))
def test_exact_and_float_decisions_agree(election: Election, unit: float) -> None:
    fast = [
        equal_shares(election),
        equal_shares(election, satisfaction="cardinality"),
        equal_shares_add1(election),
    ]
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(_fastmes, "_U", unit)
        mp.setattr(_fastmes, "_EXACT_ABOVE", 0.0)
        exact = [
            equal_shares(election),
            equal_shares(election, satisfaction="cardinality"),
            equal_shares_add1(election),
        ]
    assert fast == exact


@settings(max_examples=60, deadline=None)
@given(elections())
def test_small_elections_match_pabutools(election: Election) -> None:
    from pabutools.election import Instance
    from pabutools.election import Project as PbProject

    projects = {p.id: PbProject(p.id, p.cost) for p in election.projects}
    inst = Instance(projects.values(), budget_limit=election.budget)
    prof = ApprovalProfile([ApprovalBallot([projects[p] for p in b.approved]) for b in election.ballots])
    assert greedy(election).selected_set == _names(greedy_utilitarian_welfare(inst, prof, sat_class=Cost_Sat))
    assert equal_shares(election).selected_set == _names(
        method_of_equal_shares(inst, prof, sat_class=Cost_Sat)
    )
    assert equal_shares(election, satisfaction="cardinality").selected_set == _names(
        method_of_equal_shares(inst, prof, sat_class=Cardinality_Sat)
    )
    assert sequential_phragmen(election).selected_set == _names(pb_sequential_phragmen(inst, prof))
    assert equal_shares_add1(election).selected_set == _pabutools_add1(inst, prof, completion=True)
