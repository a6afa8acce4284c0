"""What the demo street looks like: its three communities, their buildings and their people, as data.

The layout is fixed (a seed changes the people, flat areas and occupancy, not the number of buildings), so
that the demo always has the shapes the product is built for:

* 幸福里 (``xingfuli``) — a 1990s estate of six-storey walk-ups without lifts, the typical candidate for
  old-estate renovation (built before the end of 2000, 国办发〔2020〕23号) and for elevator retrofits, with
  about 3,000 households in four courtyards and many elderly residents;
* 金色港湾 (``jinse-gangwan``) — a 2010s high-rise estate of 800 flats, with lifts, a developer
  that still holds unsold flats, and younger families;
* 槐荫 (``huaiyin``) — a mixed community of walk-ups, mid-rises and two towers along a shopping street,
  about 1,000 households and a row of ground-floor shops.

Grids group whole buildings into about 150–200 households each, the size of a social grid in Beijing's
practice (``shared/reference/domain-practice.md`` §3).
"""

from __future__ import annotations

from dataclasses import dataclass

STREET_CODE = "heping-street"
STREET_NAME = "和平街道"
STREET_DISTRICT = "金水区"
STREET_CITY = "郑州市"

OLD_ESTATE = "xingfuli"
HIGH_RISE = "jinse-gangwan"
MIXED = "huaiyin"


@dataclass(frozen=True, slots=True)
class BuildingSpec:
    code: str
    floors: int
    stairwells: int
    per_floor: int
    built_year: int
    style: str
    zone: str | None = None
    shops: int = 0

    @property
    def has_elevator(self) -> bool:
        """Chinese design codes required lifts from seven or more storeys; walk-ups of six have none."""
        return self.floors > 7

    @property
    def flats(self) -> int:
        return self.stairwells * self.floors * self.per_floor


@dataclass(frozen=True, slots=True)
class PlaceSpec:
    code: str
    name: str
    zone: str | None = None


@dataclass(frozen=True, slots=True)
class CommunitySpec:
    code: str
    name: str
    estate_name: str
    address: str
    built_year: int
    description: str
    zones: tuple[PlaceSpec, ...]
    buildings: tuple[BuildingSpec, ...]
    commons: tuple[PlaceSpec, ...]
    grids: tuple[tuple[str, ...], ...]
    #: Household types and their weights (see :mod:`comity.demo.population`).
    households: tuple[tuple[str, int], ...]
    rented_share: float
    vacant_share: float
    co_owned_share: float
    #: Share of original households (for the old estate: public housing bought in the 1998 reform).
    original_share: float
    developer: str = ""
    developer_flats: int = 0


def _old_estate_buildings() -> tuple[BuildingSpec, ...]:
    """34 walk-ups of 4–6 stairwells in four courtyards, paired into grids of 8–11 stairwells."""
    stairwells = (
        5,
        5,
        6,
        4,
        5,
        6,
        4,
        5,
        6,
        5,
        5,
        5,
        4,
        6,
        5,
        6,
        6,
        4,
        5,
        5,
        5,
        4,
        6,
        5,
        4,
        6,
        5,
        5,
        6,
        5,
        5,
        4,
        5,
        6,
    )
    zones = ("A",) * 8 + ("B",) * 8 + ("C",) * 8 + ("D",) * 10
    return tuple(
        BuildingSpec(
            code=str(number),
            floors=6,
            stairwells=count,
            per_floor=3,
            built_year=1994 if number <= 8 else 1995 if number <= 24 else 1997,
            style="walkup_1990s",
            zone=zone,
        )
        for number, (count, zone) in enumerate(zip(stairwells, zones, strict=True), start=1)
    )


def _pairs(codes: list[str]) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(codes[i : i + 2]) for i in range(0, len(codes), 2))


_OLD_BUILDINGS = _old_estate_buildings()

OLD_ESTATE_SPEC = CommunitySpec(
    code=OLD_ESTATE,
    name="幸福里社区",
    estate_name="幸福里小区",
    address="郑州市金水区和平路88号",
    built_year=1995,
    description="1990年代建成的单位房改房小区，34栋六层砖混住宅，无电梯，老年居民比例高，已列入老旧小区改造计划。",
    zones=(
        PlaceSpec("A", "东院"),
        PlaceSpec("B", "南院"),
        PlaceSpec("C", "西院"),
        PlaceSpec("D", "北院"),
    ),
    buildings=_OLD_BUILDINGS,
    commons=(
        PlaceSpec("square", "中心广场"),
        PlaceSpec("garden", "南院健身游园", zone="B"),
        PlaceSpec("parking", "北门停车场"),
        PlaceSpec("hall", "老年活动中心", zone="A"),
    ),
    grids=_pairs([b.code for b in _OLD_BUILDINGS]),
    households=(
        ("elderly_couple", 21),
        ("elderly_single", 14),
        ("three_generations", 12),
        ("parent_and_adult_child", 6),
        ("family_of_three", 22),
        ("couple", 10),
        ("single_adult", 10),
    ),
    rented_share=0.13,
    vacant_share=0.03,
    co_owned_share=0.15,
    original_share=0.55,
)

_HIGH_RISE_BUILDINGS = (
    BuildingSpec("1", 26, 2, 2, 2014, "highrise_2010s", zone="1"),
    BuildingSpec("2", 26, 2, 2, 2014, "highrise_2010s", zone="1"),
    BuildingSpec("3", 24, 2, 2, 2014, "highrise_2010s", zone="1"),
    BuildingSpec("4", 26, 1, 4, 2014, "highrise_2010s", zone="1"),
    BuildingSpec("5", 24, 2, 2, 2016, "highrise_2010s", zone="2"),
    BuildingSpec("6", 22, 2, 2, 2016, "highrise_2010s", zone="2"),
    BuildingSpec("7", 26, 1, 4, 2016, "highrise_2010s", zone="2"),
    BuildingSpec("8", 26, 2, 2, 2016, "highrise_2010s", zone="2"),
)

HIGH_RISE_SPEC = CommunitySpec(
    code=HIGH_RISE,
    name="金色港湾社区",
    estate_name="金色港湾小区",
    address="郑州市金水区金港路16号",
    built_year=2014,
    description="2014年和2016年分两期交付的高层商品房小区，8栋22至26层住宅，均有电梯，年轻家庭为主。",
    zones=(PlaceSpec("1", "一期"), PlaceSpec("2", "二期")),
    buildings=_HIGH_RISE_BUILDINGS,
    commons=(
        PlaceSpec("garage", "地下停车库"),
        PlaceSpec("garden", "中央花园", zone="1"),
        PlaceSpec("playground", "儿童游乐场", zone="2"),
    ),
    grids=(("1", "3"), ("2", "4"), ("5", "6"), ("7", "8")),
    households=(
        ("family_of_three", 34),
        ("family_of_four", 14),
        ("three_generations", 16),
        ("couple", 18),
        ("single_adult", 9),
        ("elderly_couple", 6),
        ("elderly_single", 3),
    ),
    rented_share=0.10,
    vacant_share=0.06,
    co_owned_share=0.18,
    original_share=0.8,
    developer="郑州金港置业有限公司",
    developer_flats=26,
)

_MIXED_BUILDINGS = (
    *(BuildingSpec(str(n), 7, 4, 2, 2001, "walkup_2000s", shops=12 if n == 1 else 0) for n in range(1, 9)),
    *(BuildingSpec(str(n), 11, 2, 3, 2006, "midrise_2000s", shops=10 if n == 9 else 0) for n in range(9, 13)),
    BuildingSpec("13", 22, 2, 4, 2012, "highrise_2010s", shops=8),
    BuildingSpec("14", 22, 2, 4, 2012, "highrise_2010s"),
)

MIXED_SPEC = CommunitySpec(
    code=MIXED,
    name="槐荫社区",
    estate_name="槐荫小区",
    address="郑州市金水区槐荫路9号",
    built_year=2001,
    description="沿街混合型社区：多层步梯房、小高层和两栋高层并存，临街一层为商铺。",
    zones=(),
    buildings=_MIXED_BUILDINGS,
    commons=(PlaceSpec("square", "槐荫小广场"), PlaceSpec("parking", "沿街停车场")),
    grids=(("1", "2", "3"), ("4", "5", "6"), ("7", "8", "9"), ("10", "11", "12"), ("13",), ("14",)),
    households=(
        ("family_of_three", 26),
        ("elderly_couple", 14),
        ("elderly_single", 8),
        ("three_generations", 12),
        ("couple", 14),
        ("single_adult", 12),
        ("family_of_four", 6),
        ("parent_and_adult_child", 5),
    ),
    rented_share=0.14,
    vacant_share=0.05,
    co_owned_share=0.14,
    original_share=0.4,
)

COMMUNITY_SPECS: tuple[CommunitySpec, ...] = (OLD_ESTATE_SPEC, HIGH_RISE_SPEC, MIXED_SPEC)
