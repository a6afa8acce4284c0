"""Decision rules, tallies and cost sharing: hand-computed cases for every preset and Hypothesis properties."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from comity.engine.decisions.costs import CostError, ShareUnit, Subsidy, allocate, coefficient, split_costs
from comity.engine.decisions.files import FileError, read_ballots, read_units
from comity.engine.decisions.rules import PRESETS, Basis, Stage, UnknownRule, get_rule
from comity.engine.decisions.tally import TallyError, Unit, members, owners_from_units, tally

F = Fraction

#: Alice holds two units (one vote, 150 m²); the developer's two unsold units are one owner (150 m²).
ESTATE = [
    Unit("1-101", "alice", F(100), floor=1),
    Unit("1-102", "alice", F(50), floor=1),
    Unit("1-201", "bob", F(90), floor=2),
    Unit("1-202", "carol", F(60), floor=2),
    Unit("1-301", "developer", F(80), unsold=True, floor=3),
    Unit("1-302", "developer", F(70), unsold=True, floor=3),
    Unit("1-401", "dan", F(100), floor=4),
    Unit("1-402", "eve", F(50), floor=4),
]


def owners() -> list:
    return owners_from_units(ESTATE)


def result(outcome, stage: Stage, basis: Basis):
    return next(r for r in outcome.results if r.threshold.stage == stage and r.threshold.basis == basis)


def test_civil_code_counting() -> None:
    voters = {v.key: v for v in owners()}
    assert len(voters) == 6
    assert voters["alice"].area == 150
    assert voters["developer"].area == 150
    assert voters["developer"].units == ("1-301", "1-302")
    assert sum(v.area for v in voters.values()) == 600


def test_ordinary_exactly_two_thirds_take_part_but_half_is_not_more_than_half() -> None:
    rule = get_rule("civil-code-278-ordinary")
    ballots = [("alice", "yes"), ("bob", "yes"), ("developer", "no"), ("dan", "abstain")]
    outcome = tally(rule, owners(), ballots)
    heads = result(outcome, Stage.PARTICIPATION, Basis.HEADCOUNT)
    assert (heads.value, heads.total, heads.passed) == (4, 6, True)  # exactly 2/3, inclusive
    area = result(outcome, Stage.PARTICIPATION, Basis.AREA)
    assert (area.value, area.total, area.passed) == (490, 600, True)
    approval = result(outcome, Stage.APPROVAL, Basis.HEADCOUNT)
    assert (approval.value, approval.total, approval.passed) == (2, 4, False)  # 1/2 is not > 1/2
    approval_area = result(outcome, Stage.APPROVAL, Basis.AREA)
    assert (approval_area.value, approval_area.total, approval_area.passed) == (240, 490, False)
    assert outcome.passed is False
    # The abstention took part and did not agree.
    assert outcome.totals[Basis.HEADCOUNT].abstain == 1
    assert "approval by headcount: 50.0% > 50.0% ✗ (2 of 4)" in outcome.explain()
    assert "participation by area: 81.7% ≥ 66.7% ✓ (490 of 600)" in outcome.explain()
    # Would it pass? One more owner voting yes (strictly more than half), or strictly more than 10 m².
    needs = {(s.threshold.basis, s.threshold.stage): s for s in outcome.shortfalls}
    assert needs[(Basis.HEADCOUNT, Stage.APPROVAL)].more == 1
    assert needs[(Basis.AREA, Stage.APPROVAL)].more == 10
    assert needs[(Basis.AREA, Stage.APPROVAL)].strict
    assert all(s.attainable for s in outcome.shortfalls)


def test_ordinary_passes_with_one_more_yes() -> None:
    ballots = [("alice", "yes"), ("bob", "yes"), ("developer", "no"), ("dan", "abstain"), ("carol", "yes")]
    outcome = tally(get_rule("civil-code-278-ordinary"), owners(), ballots)
    assert outcome.passed
    assert outcome.shortfalls == ()
    assert outcome.to_dict()["passed"] is True


def test_participation_below_two_thirds_fails_whatever_the_votes() -> None:
    outcome = tally(
        get_rule("civil-code-278-ordinary"),
        owners(),
        [("alice", "yes"), ("developer", "yes"), ("dan", "yes")],
    )
    assert not result(outcome, Stage.PARTICIPATION, Basis.HEADCOUNT).passed  # 3 of 6
    assert result(outcome, Stage.PARTICIPATION, Basis.AREA).passed  # 400 of 600 = 2/3 exactly
    assert not outcome.passed
    need = next(s for s in outcome.shortfalls if s.threshold.basis == Basis.HEADCOUNT)
    assert need.more == 1


def test_major_matters_need_three_quarters_on_both_bases() -> None:
    rule = get_rule("civil-code-278-major")
    everyone = [
        ("alice", "yes"),
        ("bob", "yes"),
        ("carol", "yes"),
        ("dan", "yes"),
        ("developer", "no"),
        ("eve", "yes"),
    ]
    outcome = tally(rule, owners(), everyone)
    assert result(outcome, Stage.APPROVAL, Basis.AREA).share == F(3, 4)  # 450 of 600, exactly 3/4
    assert outcome.passed
    eve_abstains = [*everyone[:-1], ("eve", "abstain")]
    assert not tally(rule, owners(), eve_abstains).passed  # 4 of 6 owners < 3/4


def test_a_buyer_with_several_units_votes_once() -> None:
    with pytest.raises(TallyError, match="second ballot"):
        tally(get_rule("civil-code-278-ordinary"), owners(), [("alice", "yes"), ("alice", "no")])


def test_the_developers_unsold_units_are_one_owner_under_any_name() -> None:
    estate = [
        *ESTATE[:4],
        Unit("1-301", "developer", F(80), unsold=True),
        Unit("1-302", "developer ltd", F(70), unsold=True),
    ]
    voters = owners_from_units(estate)
    developer = next(v for v in voters if v.key == "developer")
    assert developer.aliases == ("developer ltd",)
    assert developer.area == 150
    rule = get_rule("civil-code-278-ordinary")
    outcome = tally(rule, voters, [("developer ltd", "yes")])
    assert outcome.totals[Basis.HEADCOUNT].participating == 1
    with pytest.raises(TallyError, match="second ballot"):
        tally(rule, voters, [("developer", "yes"), ("developer ltd", "no")])


def test_unknown_voters_and_choices_are_refused() -> None:
    rule = get_rule("civil-code-278-ordinary")
    with pytest.raises(TallyError, match="not on the register"):
        tally(rule, owners(), [("mallory", "yes")])
    with pytest.raises(TallyError, match="unknown choice"):
        tally(rule, owners(), [("alice", "perhaps")])
    with pytest.raises(UnknownRule):
        get_rule("civil-code-999")


def test_blank_ballots_are_abstentions() -> None:
    outcome = tally(get_rule("civil-code-278-ordinary"), owners(), [("alice", "")])
    assert outcome.totals[Basis.HEADCOUNT].abstain == 1


def test_elevator_retrofit_waits_for_the_affected_owner() -> None:
    estate = [
        Unit("3-101", "gao", F(60), floor=1, affected=True),
        Unit("3-201", "hu", F(60), floor=2),
        Unit("3-301", "li", F(60), floor=3),
        Unit("3-401", "ma", F(60), floor=4),
    ]
    rule = get_rule("elevator-retrofit")
    others_yes = [("hu", "yes"), ("li", "yes"), ("ma", "yes"), ("gao", "no")]
    outcome = tally(rule, owners_from_units(estate), others_yes)
    assert all(r.passed for r in outcome.results)  # 3 of 4 on both bases
    assert outcome.affected is not None
    assert not outcome.affected.passed
    assert not outcome.passed
    assert "consent of affected owners: 0 of 1 ≥ 100.0% ✗" in outcome.explain()
    consenting = [*others_yes[:3], ("gao", "yes")]
    assert tally(rule, owners_from_units(estate), consenting).passed


def test_residents_meeting_and_council_motion() -> None:
    adults = members(f"r{i}" for i in range(10))
    meeting = get_rule("residents-meeting")
    five = [(f"r{i}", "yes") for i in range(5)]
    assert not tally(meeting, adults, five).passed  # 5 of 10 is not more than half present
    six = [*five, ("r5", "no")]
    assert tally(meeting, adults, six).passed  # 6 present, 5 of 6 agree
    households = get_rule("residents-meeting-households")
    homes = members(f"h{i}" for i in range(4))
    assert tally(households, homes, [("h0", "yes"), ("h1", "yes"), ("h2", "no")]).passed  # 3 of 4, 2 of 3
    assert not tally(households, homes, [("h0", "yes"), ("h1", "yes")]).passed  # 2 of 4 is not more than half
    council = get_rule("council-motion")
    nine = members(f"m{i}" for i in range(9))
    present = [("m0", "yes"), ("m1", "yes"), ("m2", "yes"), ("m3", "yes"), ("m4", "no"), ("m5", "abstain")]
    assert tally(council, nine, present).passed  # quorum 6 of 9 = 2/3; 4 of 6 > 1/2


def test_simple_and_qualified_majorities_treat_abstentions_differently() -> None:
    voters = members("abcdefg")
    ballots = [
        ("a", "yes"),
        ("b", "yes"),
        ("c", "yes"),
        ("d", "no"),
        ("e", "no"),
        ("f", "abstain"),
        ("g", "abstain"),
    ]
    simple = tally(get_rule("simple-majority"), voters, ballots)
    assert simple.passed  # 3 of 5 cast
    assert result(simple, Stage.APPROVAL, Basis.HEADCOUNT).total == 5
    qualified = tally(get_rule("qualified-majority"), voters, ballots[:5])
    assert not qualified.passed  # 3 of 5 < 2/3
    assert tally(get_rule("qualified-majority"), voters, [("a", "yes"), ("b", "yes"), ("c", "no")]).passed


def test_every_preset_is_named_versioned_and_uses_fractions() -> None:
    assert {"civil-code-278-ordinary", "civil-code-278-major"} <= set(PRESETS)
    for rule in PRESETS.values():
        assert rule.version >= 1
        assert rule.max_extension_months <= 3
        assert rule.retable_bar_months == 12
        assert all(isinstance(t.fraction, Fraction) for t in rule.thresholds)


# --- properties -------------------------------------------------------------------------------------------

registries = st.lists(
    st.tuples(st.integers(0, 7), st.integers(30, 200), st.booleans()), min_size=1, max_size=14
)
choices = st.sampled_from(["yes", "no", "abstain", None])


def _estate(rows: list[tuple[int, int, bool]]) -> list[Unit]:
    return [
        Unit(f"u{i}", "developer" if unsold else f"o{owner}", F(area), unsold=unsold)
        for i, (owner, area, unsold) in enumerate(rows)
    ]


@given(
    rows=registries,
    picks=st.lists(choices, min_size=9, max_size=9),
    rule_name=st.sampled_from(sorted(PRESETS)),
)
@settings(max_examples=200, deadline=None)
def test_one_more_yes_never_turns_a_pass_into_a_fail(rows, picks, rule_name) -> None:
    rule = get_rule(rule_name)
    voters = owners_from_units(_estate(rows))
    ballots = [(v.key, c) for v, c in zip(voters, picks, strict=False) if c is not None]
    before = tally(rule, voters, ballots)
    for voter in voters:
        changed = [b for b in ballots if b[0] != voter.key] + [(voter.key, "yes")]
        after = tally(rule, voters, changed)
        assert not (before.passed and not after.passed), (voter.key, before.explain(), after.explain())


@given(rows=registries, picks=st.lists(choices, min_size=9, max_size=9), seed=st.randoms())
@settings(max_examples=100, deadline=None)
def test_permuting_ballots_changes_nothing(rows, picks, seed) -> None:
    rule = get_rule("civil-code-278-ordinary")
    voters = owners_from_units(_estate(rows))
    ballots = [(v.key, c) for v, c in zip(voters, picks, strict=False) if c is not None]
    shuffled = list(ballots)
    seed.shuffle(shuffled)
    assert tally(rule, voters, ballots).to_dict() == tally(rule, voters, shuffled).to_dict()


# --- cost sharing ---------------------------------------------------------------------------------------


def test_largest_remainder_sums_exactly() -> None:
    assert allocate(100, [F(1), F(1), F(1)]) == [34, 33, 33]
    assert allocate(100_000, [F(50), F(50), F(100)]) == [25_000, 25_000, 50_000]
    assert allocate(0, [F(1)]) == [0]
    with pytest.raises(CostError):
        allocate(10, [F(0)])


def six_floors() -> list[ShareUnit]:
    return [
        ShareUnit(f"{floor}0{door}", floor, F(60 + door * 10)) for floor in range(1, 7) for door in (1, 2)
    ]


def test_by_area_with_a_capped_subsidy() -> None:
    units = six_floors()
    plan = split_costs(
        80_000_000, units, subsidy=Subsidy(F(1, 4), cap_fen=15_000_000)
    )  # CNY 800,000; 25% ≤ 150,000
    assert plan.subsidy_fen == 15_000_000
    assert sum(s.amount_fen for s in plan.shares) == 65_000_000
    whole = sum(u.area for u in units)
    for unit, share in zip(
        units, plan.shares, strict=True
    ):  # each within a fen of its exact share of the area
        assert abs(share.amount_fen - 65_000_000 * unit.area / whole) < 1


def test_floor_coefficients_leave_floors_one_and_two_free() -> None:
    plan = split_costs(1_000_000, six_floors(), method="floor-coefficient")
    by_floor = {s.floor: s.amount_fen for s in plan.shares if s.unit.endswith("01")}
    assert by_floor[1] == 0
    assert by_floor[2] == 0
    assert by_floor[3] < by_floor[4] < by_floor[5] < by_floor[6]
    assert sum(s.amount_fen for s in plan.shares) == 1_000_000
    assert coefficient(9, None) == F(13, 10)


def test_floor_table_like_xinmin_village_with_compensation() -> None:
    table = {1: F(0), 2: F(0), 3: F(10, 100), 4: F(20, 100), 5: F(30, 100), 6: F(40, 100)}
    plan = split_costs(
        600_000, six_floors(), method="floor-table", floor_table=table, compensation_fen={1: 50_000}
    )
    ground = [s for s in plan.shares if s.floor == 1]
    assert all(s.amount_fen == -50_000 and s.compensation_fen == 50_000 for s in ground)
    assert sum(s.amount_fen for s in plan.shares) == 600_000
    sixth = sum(s.amount_fen for s in plan.shares if s.floor == 6)
    assert sixth == (600_000 + 100_000) * 40 // 100


def test_bad_cost_plans_are_refused() -> None:
    with pytest.raises(CostError, match="100%"):
        split_costs(100, six_floors(), method="floor-table", floor_table={6: F(1, 2)})
    with pytest.raises(CostError, match="unknown method"):
        split_costs(100, six_floors(), method="by-mood")
    with pytest.raises(CostError, match="negative"):
        split_costs(-1, six_floors())


@given(
    total=st.integers(0, 10**9),
    areas=st.lists(st.integers(1, 300), min_size=1, max_size=30),
    method=st.sampled_from(["area", "floor-coefficient"]),
    share=st.fractions(0, 1),
    cap=st.one_of(st.none(), st.integers(0, 10**8)),
    comp=st.integers(0, 10**6),
)
@settings(max_examples=200, deadline=None)
def test_cost_shares_always_sum_to_the_owners_share(total, areas, method, share, cap, comp) -> None:
    units = [ShareUnit(f"u{i}", 1 + i % 9, F(a)) for i, a in enumerate(areas)]
    if method == "floor-coefficient" and all(u.floor <= 2 for u in units):
        units.append(ShareUnit("top", 6, F(50)))
    plan = split_costs(total, units, method=method, subsidy=Subsidy(share, cap), compensation_fen={1: comp})
    assert sum(s.amount_fen for s in plan.shares) == total - plan.subsidy_fen
    assert 0 <= plan.subsidy_fen <= total


# --- files ------------------------------------------------------------------------------------------------


def test_units_and_ballots_files() -> None:
    units = read_units(
        "\ufeffunit,owner,area,unsold,floor,affected\n1-101,alice,88.50,,1,yes\n1-102,dev,70,yes,1,\n"
    )
    assert units[0].area == F(177, 2)
    assert units[0].affected
    assert units[1].unsold
    assert read_ballots("owner,choice\nalice,yes\n") == [("alice", "yes", 2)]
    with pytest.raises(FileError, match="line 3: area"):
        read_units("unit,owner,area\n1,a,10\n2,b,ten\n")
    with pytest.raises(FileError, match="appears twice"):
        read_units("unit,owner,area\n1,a,10\n1,b,10\n")
    with pytest.raises(FileError, match="missing column"):
        read_units("unit,area\n1,10\n")
    with pytest.raises(FileError, match="line 2: unsold"):
        read_units("unit,owner,area,unsold\n1,a,10,maybe\n")
