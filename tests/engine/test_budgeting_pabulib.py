"""The pabulib reader and writer, against pabutools (the oracle) on every real file in ``shared/data/pabulib``."""

from __future__ import annotations

import functools
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pabutools.election import parse_pabulib
from pabutools.election.pabulib import parse_pabulib_from_string

from comity.engine.budgeting.model import Ballot, Election, Project, VoteType
from comity.engine.budgeting.pabulib import PabulibError, read_pabulib, write_pabulib
from tests.shared_data import shared_data

FILES = sorted((shared_data() / "pabulib").glob("*.pb"))
IDS = [p.stem for p in FILES]


def test_the_shared_files_are_there() -> None:
    names = {p.stem for p in FILES}
    assert {
        "Poland_Warszawa_2026",
        "Poland_Czestochowa_2024_Srodmiescie",
        "Poland_Krakow_2018_Nowa_Huta",
    } <= names
    assert len(FILES) >= 10


@functools.cache
def _ours(path: Path) -> Election:
    return read_pabulib(path.read_text(encoding="utf-8"), path.name)


@functools.cache
def _oracle(path: Path) -> tuple[Any, Any]:
    return parse_pabulib(str(path))


def _summary_of_pabutools(instance: Any, profile: Any) -> dict[str, Any]:
    vote_type = instance.meta["vote_type"]
    ballots: list[tuple[str, Any]] = []
    for ballot in profile:
        voter = ballot.meta["voter_id"]
        if vote_type in ("approval", "choose-1"):
            ballots.append((voter, frozenset(p.name for p in ballot)))
        elif vote_type in ("cumulative", "scoring"):
            ballots.append((voter, {p.name: ballot[p] for p in ballot}))
        else:
            ballots.append((voter, tuple(p.name for p in ballot)))
    return {
        "budget": instance.budget_limit,
        "costs": {p.name: p.cost for p in instance},
        "selected": {p.name: instance.project_meta[p].get("selected") for p in instance},
        "ballots": ballots,
    }


def _summary_of_ours(e: Election) -> dict[str, Any]:
    ballots: list[tuple[str, Any]] = []
    for b in e.ballots:
        if e.vote_type in (VoteType.APPROVAL, VoteType.CHOOSE_1):
            ballots.append((b.voter, b.approved))
        elif e.vote_type in (VoteType.CUMULATIVE, VoteType.SCORING):
            ballots.append((b.voter, dict(b.points)))
        else:
            ballots.append((b.voter, b.ranking))
    return {
        "budget": e.budget,
        "costs": e.costs,
        "selected": {p.id: p.meta.get("selected") for p in e.projects},
        "ballots": ballots,
    }


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_agrees_with_pabutools(path: Path) -> None:
    e = _ours(path)
    instance, profile = _oracle(path)
    assert len(e.ballots) == len(profile)
    assert _summary_of_ours(e) == _summary_of_pabutools(instance, profile)
    assert e.vote_type.value == instance.meta["vote_type"]
    assert all(isinstance(p.cost, int) for p in e.projects)
    assert isinstance(e.budget, int)


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_round_trips_and_pabutools_reads_what_we_write(path: Path) -> None:
    e = _ours(path)
    text = write_pabulib(e)
    assert read_pabulib(text, "written") == e
    instance, profile = parse_pabulib_from_string(text)
    assert _summary_of_pabutools(instance, profile) == _summary_of_pabutools(*_oracle(path))
    # Every project column comes back, except that the cost is written canonically ("50000.0" becomes "50000").
    original = _oracle(path)[0]
    assert {p.name: {**instance.project_meta[p], "cost": p.cost} for p in instance} == {
        p.name: {**original.project_meta[p], "cost": p.cost} for p in original
    }


def test_meta_and_extra_columns_are_kept() -> None:
    e = _ours(shared_data() / "pabulib" / "Poland_Warszawa_2026.pb")
    assert e.budget == 24186815
    assert e.vote_type == VoteType.APPROVAL
    assert e.meta["max_length"] == "5"
    assert "budget" not in e.meta
    assert "vote_type" not in e.meta
    first = e.project("214")
    assert first.cost == 4800000
    assert first.name.startswith("Zakup")
    assert first.meta["selected"] == "1"
    assert first.meta["category"] == "health and welfare"
    assert e.ballots[0].voter == "217759"
    assert e.ballots[0].meta["neighborhood"] == "Ursynów"


def test_choose_1_reads_as_approval() -> None:
    e = _ours(shared_data() / "pabulib" / "Poland_Zabrze_2021_Grzybowice.pb")
    assert e.vote_type == VoteType.CHOOSE_1
    assert all(len(b.approved) <= 1 and not b.points and not b.ranking for b in e.ballots)


# --- numbers -------------------------------------------------------------------------------------------------

GOOD = """META
key;value
description;test
budget;1000
vote_type;approval
PROJECTS
project_id;cost;name
1;100;One
2;200;Two
VOTES
voter_id;vote;age
a;1,2;30
b;2;None
"""


def _with(old: str, new: str, text: str = GOOD) -> str:
    assert old in text
    return text.replace(old, new, 1)


@pytest.mark.parametrize(
    ("written", "value"),
    [("1000", 1000), ("1000.0", 1000), ("1000,0", 1000), ("1 000", 1000), ("1_000", 1000), ("1e3", 1000)],
)
def test_money_spellings_pabutools_accepts(written: str, value: int) -> None:
    text = _with("budget;1000", f"budget;{written}")
    assert read_pabulib(text).budget == value
    assert parse_pabulib_from_string(text)[0].budget_limit == value


def test_fractional_money_is_kept_exactly_as_pabutools_keeps_it() -> None:
    text = _with("budget;1000", "budget;1000.5")
    assert parse_pabulib_from_string(text)[0].budget_limit * 2 == 2001  # pabutools: exact 2001/2, no rounding
    election = read_pabulib(text)
    assert (election.budget, election.unit) == (10005, 10)
    assert election.costs == {"1": 1000, "2": 2000}  # every amount in tenths
    assert election.money(election.budget) == Fraction(2001, 2)


def test_a_caller_that_stores_fen_can_refuse_finer_amounts_with_the_line() -> None:
    text = _with("2;200;Two", "2;200.125;Two")
    assert read_pabulib(text, max_decimals=3).costs["2"] == 200125
    with pytest.raises(
        PabulibError, match=r"line 9: project 2 cost '200.125' has 3 decimals; at most 2"
    ) as info:
        read_pabulib(text, max_decimals=2)
    assert info.value.line == 9


def test_none_cells_are_absent_and_bom_and_crlf_are_fine() -> None:
    e = read_pabulib("\ufeff" + GOOD.replace("\n", "\r\n"), "x.pb")
    assert e.ballots[1].meta == {}
    assert e.ballots[0].meta == {"age": "30"}
    assert e == read_pabulib(GOOD)
    assert e.ballots[0].approved == {"1", "2"}


# --- bad input: one test per error, each checking the line and that the message names it ----------------------


def _fails(text: str, line: int, fragment: str, name: str = "bad.pb") -> None:
    with pytest.raises(PabulibError) as info:
        read_pabulib(text, name)
    assert info.value.line == line
    assert str(info.value).startswith(f"{name}, line {line}: ")
    assert fragment in str(info.value)
    assert isinstance(info.value, ValueError)


def test_error_empty_file() -> None:
    _fails("", 1, "empty")
    _fails("\n  \n", 1, "empty")


def test_error_unknown_section() -> None:
    _fails(_with("VOTES\n", "BALLOTS\n"), 10, "unknown section 'BALLOTS'")


def test_error_data_before_meta() -> None:
    _fails("hello;world\n" + GOOD, 1, "before the first section")


def test_error_missing_budget() -> None:
    _fails(_with("budget;1000\n", ""), 5, "no budget")


def test_error_missing_vote_type() -> None:
    _fails(_with("vote_type;approval\n", ""), 5, "no vote_type")


def test_error_unknown_vote_type() -> None:
    _fails(_with("vote_type;approval", "vote_type;quadratic"), 5, "unknown vote_type 'quadratic'")


def test_error_non_numeric_budget() -> None:
    _fails(_with("budget;1000", "budget;lots"), 4, "budget 'lots' is not a number")


def test_error_project_without_id() -> None:
    _fails(_with("2;200;Two", ";200;Two"), 9, "project without a project_id")


def test_error_project_without_cost() -> None:
    _fails(_with("2;200;Two", "2;;Two"), 9, "project 2 has no cost")
    _fails(_with("2;200;Two", "2;None;Two"), 9, "project 2 has no cost")


def test_error_non_numeric_cost() -> None:
    _fails(_with("2;200;Two", "2;cheap;Two"), 9, "project 2 cost 'cheap' is not a number")


def test_error_negative_cost() -> None:
    _fails(_with("2;200;Two", "2;-200;Two"), 9, "negative")


def test_error_too_many_decimals() -> None:
    _fails(_with("2;200;Two", "2;200.0000001;Two"), 9, "project 2 cost '200.0000001' has 7 decimals")
    _fails(_with("budget;1000", "budget;1e-9"), 4, "budget '1e-9' has 9 decimals")


def test_error_absurd_amount() -> None:
    _fails(_with("budget;1000", "budget;1e400"), 4, "budget '1e400' is more than 1e+15")


def test_error_duplicate_project() -> None:
    _fails(_with("2;200;Two", "1;200;Two"), 9, "duplicate project id 1")


def test_error_unknown_project_in_vote() -> None:
    _fails(_with("a;1,2;30", "a;1,7;30"), 12, "unknown project '7'")


def test_error_vote_row_column_count() -> None:
    _fails(_with("b;2;None", "b;2"), 13, "2 columns but the VOTES header (line 11) has 3")
    _fails(_with("b;2;None", "b;2;None;extra"), 13, "4 columns")


def test_error_project_row_column_count() -> None:
    _fails(_with("2;200;Two", "2;200"), 9, "2 columns but the PROJECTS header (line 7) has 3")


def test_error_points_count() -> None:
    text = _with("vote_type;approval", "vote_type;cumulative")
    text = _with("voter_id;vote;age", "voter_id;vote;points;age", text)
    text = _with("a;1,2;30", "a;1,2;3;30", text)
    text = _with("b;2;None", "b;2;1;None", text)
    assert read_pabulib(_with("a;1,2;3;30", "a;1,2;3,4;30", text)).ballots[0].points == {"1": 3, "2": 4}
    _fails(text, 12, "2 projects in vote but 1 in points")


def test_error_fractional_points() -> None:
    text = _with("vote_type;approval", "vote_type;scoring")
    text = _with("voter_id;vote;age", "voter_id;vote;points;age", text)
    text = _with("a;1,2;30", "a;1,2;3,4.0;30", text)
    text = _with("b;2;None", "b;2;1.5;None", text)
    _fails(text, 13, "points '1.5' for project 2 are not a whole number")


def test_error_missing_points_column() -> None:
    _fails(_with("vote_type;approval", "vote_type;cumulative"), 11, "no points column")


def test_error_duplicate_voter() -> None:
    _fails(_with("b;2;None", "a;2;None"), 13, "duplicate voter id a")


def test_error_voter_without_id() -> None:
    _fails(_with("b;2;None", ";2;None"), 13, "without a voter_id")


def test_error_project_named_twice_in_a_vote() -> None:
    _fails(_with("a;1,2;30", "a;1,2,1;30"), 12, "names a project twice")


def test_error_missing_section() -> None:
    _fails(GOOD.split("VOTES")[0], 9, "no VOTES section")


def test_error_duplicate_section() -> None:
    _fails(GOOD + "VOTES\nvoter_id;vote\n", 14, "VOTES appears twice")


def test_error_section_order() -> None:
    _fails("META\nkey;value\nbudget;1\nvote_type;approval\nVOTES\n", 5, "VOTES before PROJECTS")


def test_error_bad_meta_line() -> None:
    _fails(_with("description;test", "description;test;more"), 3, "key;value")
    _fails(_with("description;test", "budget;5"), 4, "repeated (first on line 3)")


def test_error_missing_required_header_column() -> None:
    _fails(_with("project_id;cost;name", "project_id;price;name"), 7, "no cost column")


def test_error_unreadable_line() -> None:
    _fails(_with("2;200;Two", "2;200;" + "x" * 200_000), 9, "field larger than field limit")


def test_error_message_without_name() -> None:
    with pytest.raises(PabulibError, match=r"^<pabulib>, line 13: "):
        read_pabulib(_with("b;2;None", "a;2;None"))


# --- writing -------------------------------------------------------------------------------------------------


def test_writer_refuses_what_the_format_cannot_carry() -> None:
    e = read_pabulib(GOOD)
    bad = Election(budget=1, projects=(Project("a,b", 1),), ballots=())
    with pytest.raises(ValueError, match="comma"):
        write_pabulib(bad)
    with pytest.raises(ValueError, match="cannot be written"):
        write_pabulib(Election(budget=1, projects=(Project("a", 1, meta={"x": " y"}),), ballots=()))
    with pytest.raises(ValueError, match="Election's fields"):
        write_pabulib(Election(budget=1, projects=(), ballots=(), meta={"budget": "1"}))
    assert read_pabulib(write_pabulib(e)) == e


def test_empty_ballots_round_trip_and_pabutools_reads_them() -> None:
    projects = (Project("1", 10), Project("2", 20))
    for vote_type in VoteType:
        e = Election(budget=30, projects=projects, ballots=(Ballot("v"),), vote_type=vote_type)
        text = write_pabulib(e)
        assert read_pabulib(text) == e
        _, profile = parse_pabulib_from_string(text)
        assert len(profile) == 1
        assert len(profile[0]) == 0


_SAFE = st.text(alphabet="abcXYZ019 ;\"',.-é", min_size=0, max_size=8).filter(
    lambda s: s == s.strip() and s.lower() != "none" and "\n" not in s
)
_KEY = st.text(alphabet="abcxyz_", min_size=1, max_size=6)


@st.composite
def elections(draw: st.DrawFn) -> Election:
    n = draw(st.integers(0, 6))
    ids = draw(
        st.lists(
            st.text(alphabet="abP0123456789/_-", min_size=1, max_size=5), min_size=n, max_size=n, unique=True
        )
    )
    ids = [i for i in ids if i.lower() != "none"]
    project_keys = draw(st.lists(_KEY.filter(lambda k: k not in ("project_id", "cost", "name")), max_size=3))
    projects = tuple(
        Project(
            id=pid,
            cost=draw(st.integers(0, 10**12)),
            name=draw(_SAFE),
            meta={k: draw(_SAFE) for k in project_keys if draw(st.booleans())},
        )
        for pid in ids
    )
    vote_type = draw(st.sampled_from([VoteType.APPROVAL, VoteType.CUMULATIVE, VoteType.ORDINAL]))
    ballot_keys = draw(st.lists(_KEY.filter(lambda k: k not in ("voter_id", "vote", "points")), max_size=3))
    voters = draw(st.lists(st.text(alphabet="v0123456789-", min_size=1, max_size=6), max_size=8, unique=True))
    ballots = []
    for voter in voters:
        chosen = draw(st.permutations(ids).map(lambda xs: xs[: draw(st.integers(0, len(ids)))]))
        meta = {k: draw(_SAFE) for k in ballot_keys if draw(st.booleans())}
        if vote_type == VoteType.APPROVAL:
            ballots.append(Ballot(voter, approved=frozenset(chosen), meta=meta))
        elif vote_type == VoteType.ORDINAL:
            ballots.append(Ballot(voter, ranking=tuple(chosen), meta=meta))
        else:
            points = {p: draw(st.integers(-5, 100)) for p in chosen}
            ballots.append(Ballot(voter, points=points, meta=meta))
    meta_keys = draw(
        st.lists(_KEY.filter(lambda k: k not in ("budget", "vote_type")), max_size=4, unique=True)
    )
    return Election(
        budget=draw(st.integers(0, 10**15)),
        projects=projects,
        ballots=tuple(ballots),
        vote_type=vote_type,
        meta={k: draw(_SAFE) for k in meta_keys},
    )


@settings(max_examples=200, deadline=None)
@given(elections())
def test_random_elections_round_trip(e: Election) -> None:
    assert read_pabulib(write_pabulib(e), "random.pb") == e
