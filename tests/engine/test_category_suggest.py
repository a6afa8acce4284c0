"""Category suggestion: residents' own words point to the right catalogue category."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from comity.engine.catalogue import CategorySpec, iter_catalogue
from comity.engine.category_suggest import Suggestion, singular, suggest_categories

CODES = [spec.code for spec, _ in iter_catalogue()]
TERMS = sorted(
    {word for spec, _ in iter_catalogue() for word in (*spec.keywords.split(), spec.name_zh, spec.name_en)}
)

RESIDENT_SENTENCES = [
    ("楼上漏水到我家天花板", "disputes.leaks"),
    ("电梯困人了", "facilities.lifts"),
    ("广场舞音响太吵", "noise.square_dancing"),
    ("楼道里堆满杂物", "disputes.common_space"),
    ("燃气味道很重", "facilities.gas"),
    ("小区门口的垃圾好几天没人清运了", "environment.garbage"),
    ("楼下饭店晚上噪音太大", "noise.business"),
    ("有人在楼道里飞线给电动车充电", "safety.ebikes"),
    ("隔壁装修，电钻声从早上七点就开始", "noise.renovation"),
    ("独居老人需要上门养老服务", "care.elderly"),
    ("物业费为什么又涨了？", "fees.property"),
    ("阳台出现裂缝，是不是危房", "safety.structure"),
    ("家里停水了，水压一直很低", "facilities.water"),
    ("车辆乱停占道，救护车都进不来", "parking.order"),
    ("下水道堵塞，污水冒出来了", "facilities.drainage"),
    ("想开一个居住证明，需要盖章", "services.certificates"),
    ("The lift is broken again", "facilities.lifts"),
    ("dogs barking all night", "disputes.pets"),
    ("Water is dripping through my ceiling from the flat upstairs", "disputes.leaks"),
    ("There is a smell of gas in the stairwell", "facilities.gas"),
    ("Rats and cockroaches everywhere in the basement", "environment.pests"),
    ("Someone keeps charging an e-bike battery in the corridor", "safety.ebikes"),
    ("The fire extinguisher on our floor is missing", "safety.fire"),
    ("Square dance music from the plaza is too loud every evening", "noise.square_dancing"),
    ("The street light outside building 3 has been out for a week", "facilities.lighting"),
    ("My elderly mother lives alone and needs care", "care.elderly"),
    ("Power outage in the whole building since noon", "facilities.power"),
]


@pytest.mark.parametrize(("text", "expected"), RESIDENT_SENTENCES)
def test_a_residents_sentence_suggests_its_category_first(text: str, expected: str) -> None:
    suggestions = suggest_categories(text)
    assert suggestions, text
    assert suggestions[0].code == expected


def test_a_lift_trapping_scores_both_its_keywords() -> None:
    assert suggest_categories("电梯困人了") == [Suggestion("facilities.lifts", Fraction(4), ("电梯", "困人"))]


def test_a_longer_chinese_match_beats_a_shorter_one() -> None:
    """加装电梯 (4 characters, elevator retrofit) beats 电梯 (2 characters, lifts)."""
    codes = [(s.code, s.score) for s in suggest_categories("加装电梯什么时候开始")]
    assert codes == [("renewal.elevator", Fraction(4)), ("facilities.lifts", Fraction(2))]


def test_a_leaf_match_beats_a_parent_match_of_equal_length() -> None:
    suggestions = suggest_categories("楼下饭店晚上噪音太大")
    assert [s.code for s in suggestions] == ["noise.business", "noise"]
    assert suggestions[1].score == Fraction(1)  # 噪音 weighs 2, halved for a parent


def test_parent_words_only_break_ties_between_leaves() -> None:
    """狗 (1) and 邻居 (2): the pet leaf wins on the parent's word, but only by a fraction."""
    first, second = suggest_categories("邻居家的狗整夜叫")
    assert (first.code, first.matched, first.inherited) == ("disputes.pets", ("狗",), ("邻居",))
    assert 1 < first.score < 2
    assert (second.code, second.score) == ("disputes", Fraction(1))


def test_only_general_words_suggest_the_parent_alone() -> None:
    assert [s.code for s in suggest_categories("家里东西坏了需要维修")] == ["facilities"]


def test_equal_scores_follow_catalogue_order() -> None:
    """楼道 is a keyword of both facilities.fabric and disputes.common_space; fabric comes first."""
    assert [s.code for s in suggest_categories("楼道")] == ["facilities.fabric", "disputes.common_space"]


def test_english_matches_whole_words_only() -> None:
    assert suggest_categories("The gasket on my heater") == []
    assert [s.code for s in suggest_categories("GAS!")] == ["facilities.gas"]


def test_full_width_letters_match_english_keywords() -> None:
    assert suggest_categories("ＬＩＦＴ坏了")[0].code == "facilities.lifts"


def test_english_names_match_as_phrases() -> None:
    suggestion = suggest_categories("no water supply today")[0]
    assert (suggestion.code, suggestion.matched) == ("facilities.water", ("water", "Water supply"))
    assert suggestion.score == Fraction(6)


@pytest.mark.parametrize(
    ("plural", "single"),
    [
        ("dogs", "dog"),
        ("batteries", "battery"),
        ("cockroaches", "cockroach"),
        ("boxes", "box"),
        ("gas", "gas"),
    ],
)
def test_simple_plurals_are_stripped(plural: str, single: str) -> None:
    assert singular(plural) == single


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_empty_text_suggests_nothing(text: str) -> None:
    assert suggest_categories(text) == []


@pytest.mark.parametrize("text", ["你好，今天天气不错", "Thank you for your help", "12345"])
def test_unmatched_text_suggests_nothing(text: str) -> None:
    assert suggest_categories(text) == []


def test_limit_caps_the_number_of_suggestions() -> None:
    text = "电梯坏了，停水停电，垃圾没人清运，楼道堆满杂物"
    assert len(suggest_categories(text)) == 3
    assert len(suggest_categories(text, limit=1)) == 1
    assert suggest_categories(text, limit=10)[:3] == suggest_categories(text)
    assert suggest_categories(text, limit=0) == []
    with pytest.raises(ValueError, match="non-negative"):
        suggest_categories(text, limit=-1)


def test_a_custom_catalogue_is_used() -> None:
    catalogue = (
        CategorySpec(
            "roads", "Roads", "道路", 24, "pothole", (CategorySpec("roads.bridges", "Bridges", "桥", 24),)
        ),
    )
    assert [s.code for s in suggest_categories("桥上有个pothole", catalogue=catalogue)] == [
        "roads.bridges",
        "roads",
    ]


def test_the_same_text_always_gives_the_same_suggestions() -> None:
    text = "楼上装修漏水，噪音也很大，邻居不理"
    assert suggest_categories(text, limit=10) == suggest_categories(text, limit=10)


TEXTS = st.one_of(
    st.text(),
    st.lists(st.one_of(st.sampled_from(TERMS), st.text(max_size=3)), max_size=8).map("".join),
    st.lists(st.sampled_from(TERMS), max_size=8).map(" ".join),
)


@given(text=TEXTS, limit=st.integers(min_value=0, max_value=6))
def test_suggestions_are_unique_catalogue_codes_by_descending_score(text: str, limit: int) -> None:
    suggestions = suggest_categories(text, limit=limit)
    codes = [s.code for s in suggestions]
    assert len(suggestions) <= limit
    assert len(set(codes)) == len(codes)
    assert set(codes) <= set(CODES)
    assert all(s.score > 0 and s.matched for s in suggestions)
    assert [s.score for s in suggestions] == sorted((s.score for s in suggestions), reverse=True)
    assert suggestions == suggest_categories(text, limit=limit)


@given(text=TEXTS)
def test_a_larger_limit_only_adds_suggestions_at_the_end(text: str) -> None:
    assert suggest_categories(text, limit=10)[:2] == suggest_categories(text, limit=2)
