"""Responsibility resolution: category specificity first, then the place from narrow to wide."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from comity.engine.catalogue import DISPATCH_CATALOGUE, iter_catalogue
from comity.engine.responsibility import category_ancestry, resolve_responsibility, uncovered_categories

PARENTS = {spec.code: parent for spec, parent in iter_catalogue()}
LIFTS = category_ancestry("facilities.lifts", PARENTS)
BUILDING_3, STAIRWELL_3_2, ZONE_NORTH = "b3", "s3-2", "north"
PLACE = [STAIRWELL_3_2, BUILDING_3, ZONE_NORTH]


def test_ancestry_runs_from_leaf_to_root() -> None:
    assert LIFTS == ["facilities.lifts", "facilities"]
    assert category_ancestry("other", PARENTS) == ["other"]


def test_ancestry_rejects_unknown_codes_and_cycles() -> None:
    with pytest.raises(ValueError, match="unknown category"):
        category_ancestry("nope", PARENTS)
    with pytest.raises(ValueError, match="cycle"):
        category_ancestry("a", {"a": "b", "b": "a"})


def test_exact_category_and_place_wins() -> None:
    rows = {("facilities.lifts", None): "property", ("facilities.lifts", BUILDING_3): "building group"}
    found = resolve_responsibility(rows, category_chain=LIFTS, area_chain=PLACE)
    assert found is not None
    assert (found.row, found.category_fallback, found.area_fallback) == ("building group", 0, 1)


def test_specific_category_beats_specific_place() -> None:
    """A lift fault in building 3 goes to whoever handles lifts, not to building 3's facilities group."""
    rows = {("facilities.lifts", None): "lift company", ("facilities", BUILDING_3): "building group"}
    found = resolve_responsibility(rows, category_chain=LIFTS, area_chain=PLACE)
    assert found is not None
    assert found.row == "lift company"
    assert found.scope is None


def test_falls_back_to_the_parent_category_then_the_community() -> None:
    rows = {("facilities", None): "property company"}
    found = resolve_responsibility(rows, category_chain=LIFTS, area_chain=PLACE)
    assert found is not None
    assert (found.row, found.category, found.category_fallback, found.area_fallback) == (
        "property company",
        "facilities",
        1,
        3,
    )


def test_nothing_covers_the_matter() -> None:
    assert resolve_responsibility({("noise", None): "x"}, category_chain=LIFTS, area_chain=PLACE) is None


def test_uncovered_categories_lists_leaves_without_a_covering_row() -> None:
    leaves = [spec.code for spec, _ in iter_catalogue() if not spec.children]
    covered = ["facilities", "noise.square_dancing"]
    missing = uncovered_categories(leaves, PARENTS, covered)
    assert "facilities.lifts" not in missing
    assert "noise.square_dancing" not in missing
    assert "noise.renovation" in missing
    assert len(missing) == len(leaves) - len([c for c in leaves if c.startswith("facilities.")]) - 1


def test_catalogue_codes_are_unique_and_children_extend_parents() -> None:
    flat = iter_catalogue()
    codes = [spec.code for spec, _ in flat]
    assert len(codes) == len(set(codes))
    for spec, parent in flat:
        if parent is not None:
            assert spec.code.startswith(parent + ".")
        assert spec.hours > 0
        assert spec.name_en
        assert spec.name_zh
    assert {spec.code for spec in DISPATCH_CATALOGUE} >= {
        "facilities",
        "environment",
        "noise",
        "disputes",
        "safety",
    }


scopes = st.sampled_from([None, STAIRWELL_3_2, BUILDING_3, ZONE_NORTH])
categories = st.sampled_from(LIFTS)


@given(st.dictionaries(st.tuples(categories, scopes), st.integers(), max_size=8))
def test_resolution_picks_the_first_row_in_priority_order(rows: dict[tuple[str, str | None], int]) -> None:
    found = resolve_responsibility(rows, category_chain=LIFTS, area_chain=PLACE)
    order = [(c, s) for c in LIFTS for s in [*PLACE, None]]
    expected = next((key for key in order if key in rows), None)
    if expected is None:
        assert found is None
    else:
        assert found is not None
        assert (found.category, found.scope) == expected
        assert found.row == rows[expected]
