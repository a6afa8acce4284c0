"""Budgets and costs with grosze (Warsaw's files before 2020 state złoty with two decimals): read exactly, every rule
deciding as pabutools does on its exact rationals, written back unchanged.

``GROSZE_PB`` is a small file made for these tests in the structure of Warsaw's pabulib files
(``Poland_Warszawa_2019_Obszar_2-…`` in ``shared/data/pabulib``): META as Warsaw writes it, the PROJECTS columns
``project_id;cost;name;category``, VOTES with ``age`` and ``sex``; the budget is the 740,793.05 złoty of the issue.
The projects and the 48 ballots are invented. None of the eleven shared real files has a decimal amount other than
``.0`` (Toulouse writes ``400000.0``), so this file is what exercises grosze. Greedy, MES and Phragmén fund three
different sets on it, and greedy leaves 6,091.21 złoty that no remaining project fits.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pabutools.election import (
    ApprovalBallot,
    ApprovalProfile,
    Cardinality_Sat,
    Cost_Sat,
    Instance,
)
from pabutools.election import Project as PbProject
from pabutools.election.pabulib import parse_pabulib_from_string
from pabutools.rules import greedy_utilitarian_welfare, method_of_equal_shares
from pabutools.rules import sequential_phragmen as pb_sequential_phragmen

from comity.engine.budgeting.model import Ballot, Election, Project, money_text
from comity.engine.budgeting.pabulib import read_pabulib, write_pabulib
from comity.engine.budgeting.rules import equal_shares, equal_shares_add1, greedy, sequential_phragmen

from .test_budgeting_rules import _pabutools_add1

GROSZE_PB = """META
key;value
description;Local PB in Warszawa, Wola | Obszar 3 (a made-up test file with grosze)
country;Poland
unit;Warszawa
district;Wola
subunit;Obszar 3
instance;2019
num_projects;9
num_votes;48
budget;740793.05
vote_type;approval
rule;greedy
min_length;1
max_length;5
currency;PLN
PROJECTS
project_id;cost;name;category
1021;148500.50;Zielone podwórko przy ul. Ogrodowej;urban greenery
1034;95000.00;Ławki i kosze na Mirowie;public space
1047;310250.75;Przebudowa chodnika na ul. Chłodnej;public transit and roads
1052;42800.10;Warsztaty kodowania dla seniorów;education
1068;187300.00;Siłownia plenerowa w parku Sowińskiego;sport
1079;12500.99;Książki w bibliotece przy ul. Żytniej;education,culture
1083;226400.40;Kino plenerowe na Odolanach;culture
1090;64999.95;Stojaki rowerowe przy szkołach;public transit and roads
1102;401000.00;Oświetlenie ścieżki rowerowej;public transit and roads
VOTES
voter_id;vote;age;sex
"""
_VOTES = [
    "1034,1068,1083,1090",
    "1021,1079",
    "1021,1034,1047,1068,1079",
    "1090",
    "1021,1068,1079,1083",
    "1034,1052,1079",
    "1083,1102",
    "1021,1047,1068",
    "1079,1090",
    "1021,1034,1079",
    "1068,1102",
    "1047,1079,1090",
    "1021,1068,1083",
    "1083,1102",
    "1034,1079",
    "1021,1052,1090",
    "1068,1079",
    "1021,1034,1068,1079",
    "1047,1083",
    "1079",
    "1083,1102",
    "1021,1034,1090",
    "1052,1068,1079",
    "1021,1079,1102",
    "1034,1047,1068",
    "1021,1090",
    "1068,1079,1083",
    "1083,1102",
    "1021,1034,1052,1079",
    "1047,1068",
    "1079,1090,1102",
    "1021,1068",
    "1034,1079,1083",
    "1021,1047,1079",
    "1083,1102",
    "1052,1090",
    "1021,1034,1068,1079,1090",
    "1068,1083",
    "1021,1079",
    "1034,1047,1090",
    "1021,1052,1068",
    "1083,1102",
    "1079,1102",
    "1021,1034,1079",
    "1047,1068,1090",
    "1021,1083",
    "1034,1052,1079",
    "1068,1079,1090",
]
GROSZE_PB += "".join(
    f"{i};{vote};{18 + (i * 7) % 60};{'MF'[i % 2]}\n" for i, vote in enumerate(_VOTES, start=1)
)


def _names(alloc: Any) -> set[str]:
    return {p.name for p in alloc}


def test_the_file_is_read_in_grosze_exactly() -> None:
    election = read_pabulib(GROSZE_PB, "grosze.pb")
    assert election.unit == 100
    assert election.budget == 74_079_305
    assert election.costs["1079"] == 1_250_099
    assert election.costs["1034"] == 9_500_000
    assert election.money(election.budget) == Fraction("740793.05")
    assert len(election.ballots) == 48
    inst, _ = parse_pabulib_from_string(GROSZE_PB)
    assert inst.budget_limit == Fraction("740793.05")
    assert {p.name: Fraction(int(p.cost.numerator), int(p.cost.denominator)) for p in inst} == {
        pid: election.money(cost) for pid, cost in election.costs.items()
    }


def test_every_rule_funds_what_pabutools_funds_on_the_file() -> None:
    election = read_pabulib(GROSZE_PB)
    inst, prof = parse_pabulib_from_string(GROSZE_PB)
    assert greedy(election).selected_set == _names(greedy_utilitarian_welfare(inst, prof, sat_class=Cost_Sat))
    assert greedy(election).selected_set == {"1021", "1034", "1068", "1079", "1083", "1090"}
    assert equal_shares(election).selected_set == _names(
        method_of_equal_shares(inst, prof, sat_class=Cost_Sat)
    )
    assert equal_shares(election, satisfaction="cardinality").selected_set == _names(
        method_of_equal_shares(inst, prof, sat_class=Cardinality_Sat)
    )
    assert sequential_phragmen(election).selected_set == _names(pb_sequential_phragmen(inst, prof))
    assert equal_shares_add1(election, completion=None).selected_set == _pabutools_add1(
        inst, prof, completion=False
    )
    assert equal_shares_add1(election).selected_set == _pabutools_add1(inst, prof, completion=True)


def test_money_left_and_payments_are_in_grosze() -> None:
    election = read_pabulib(GROSZE_PB)
    result = greedy(election)
    assert result.unit == 100
    assert money_text(result.money_left, result.unit) == "6091.21"
    mes = equal_shares(election)
    assert mes.voter_budget == Fraction(74_079_305, 48)  # 15,433.19 złoty each, in grosze


def test_add1_steps_one_zloty_not_one_grosz() -> None:
    election = read_pabulib(GROSZE_PB)
    result = equal_shares_add1(election, completion=None)
    assert result.increments is not None
    assert result.voter_budget == Fraction(74_079_305, 48) + result.increments * 100


def test_the_file_round_trips_and_pabutools_reads_what_we_write() -> None:
    election = read_pabulib(GROSZE_PB)
    text = write_pabulib(election)
    assert "budget;740793.05\n" in text
    assert "1034;95000.00;" in text
    assert read_pabulib(text) == election
    inst, _ = parse_pabulib_from_string(text)
    assert inst.budget_limit == Fraction("740793.05")


@pytest.mark.parametrize(
    ("amount", "unit", "text"),
    [
        (74_079_305, 100, "740793.05"),
        (5, 100, "0.05"),
        (-5, 100, "-0.05"),
        (7, 1, "7"),
        (Fraction(100, 3), 100, "0.33"),
    ],
)
def test_money_text(amount: int | Fraction, unit: int, text: str) -> None:
    assert money_text(amount, unit) == text


# ----------------------------------------------------------------------------------------------------------------
# Random elections with amounts of up to two decimals, against pabutools


@st.composite
def decimal_elections(draw: st.DrawFn) -> Election:
    n_projects = draw(st.integers(1, 6))
    ids = [f"p{i}" for i in range(n_projects)]
    costs = {p: draw(st.integers(1, 6000)) for p in ids}  # in hundredths
    budget = draw(st.integers(0, 15000))
    n_voters = draw(st.integers(1, 8))
    approvals = [draw(st.sets(st.sampled_from(ids))) for _ in range(n_voters)]
    text = "META\nkey;value\n" + f"budget;{money_text(budget, 100)}\nvote_type;approval\n"
    text += "PROJECTS\nproject_id;cost\n" + "".join(f"{p};{money_text(c, 100)}\n" for p, c in costs.items())
    text += "VOTES\nvoter_id;vote\n" + "".join(
        f"{i};{','.join(sorted(a))}\n" for i, a in enumerate(approvals)
    )
    return read_pabulib(text)


def _pabutools(election: Election) -> tuple[Any, Any]:
    projects = {p.id: PbProject(p.id, election.money(p.cost)) for p in election.projects}
    inst = Instance(projects.values(), budget_limit=election.money(election.budget))
    prof = ApprovalProfile([ApprovalBallot([projects[p] for p in b.approved]) for b in election.ballots])
    return inst, prof


@settings(max_examples=60, deadline=None)
@given(decimal_elections())
def test_random_decimal_elections_match_pabutools(election: Election) -> None:
    inst, prof = _pabutools(election)
    assert greedy(election).selected_set == _names(greedy_utilitarian_welfare(inst, prof, sat_class=Cost_Sat))
    assert equal_shares(election).selected_set == _names(
        method_of_equal_shares(inst, prof, sat_class=Cost_Sat)
    )
    assert equal_shares(election, satisfaction="cardinality").selected_set == _names(
        method_of_equal_shares(inst, prof, sat_class=Cardinality_Sat)
    )
    assert sequential_phragmen(election).selected_set == _names(pb_sequential_phragmen(inst, prof))
    assert equal_shares_add1(election).selected_set == _pabutools_add1(inst, prof, completion=True)


@settings(max_examples=60, deadline=None)
@given(decimal_elections())
def test_random_decimal_elections_round_trip(election: Election) -> None:
    assert read_pabulib(write_pabulib(election)) == election


def test_scaling_every_amount_changes_no_rule_but_add1s_step() -> None:
    """The same election in whole złoty and in grosze: greedy, MES and Phragmén fund the same projects."""
    whole = Election(
        budget=100,
        projects=(Project("A", 60), Project("B", 40), Project("C", 30)),
        ballots=tuple(
            Ballot(voter=v, approved=frozenset(a))
            for v, a in [("w", "AB"), ("x", "AB"), ("y", "AB"), ("z", "A"), ("r", "C"), ("o", "C")]
        ),
    )
    grosze = read_pabulib(write_pabulib(whole).replace("budget;100", "budget;100.01"))
    assert grosze.unit == 100
    for rule in (greedy, equal_shares, sequential_phragmen):
        assert rule(grosze).selected == rule(whole).selected  # type: ignore[operator]
