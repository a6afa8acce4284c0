"""The demo's decisions (表决) as data: what is put to the vote in 幸福里, how each kind of owner votes, and the
words of the objections, mediation records, minutes and minority statements around the votes.

* The **elevator retrofit of building 3** goes to the vote stairwell by stairwell, as Zhengzhou's retrofit
  procedure has it (each 单元 decides alone, under the "double two-thirds take part, double three-quarters agree"
  of Civil Code Art. 278, and the owners of ground-floor flats next to the shaft must consent separately). Every
  stairwell's decision is taken from the committee's draft written after the consultation. Upper floors want the
  lift; the large end flats of the lower floors are where the resistance is.
* An **estate-wide vote on raising the maintenance fund** (续筹专项维修资金, a major matter of Art. 278) is open, with
  the turnout of its first days.
* The owners of **building 13** decided, two months ago, to pay for a new roof from their building's share of the
  maintenance fund (using the fund is an ordinary matter of Art. 278 since the Civil Code).
* A **residents' meeting** ranks four colour schemes for repainting the estate in the old-estate renovation.

Texts are Simplified Chinese only, like the rest of the demo's content (see
:mod:`comity.demo.consultation_specs`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from comity.demo.consultation_specs import RETROFIT_BUILDING

#: (turnout, yes, no) chances; a voter who is neither yes nor no abstains.
Chances = tuple[float, float, float]

# --- the elevator retrofit of building 3, stairwell by stairwell ---------------------------------------------

PASSED, FAILED_ON_AREA, WAITING, DRAFT = "passed", "failed-on-area", "waiting", "draft"

#: Floor-table method: the Shanghai Xinmin Village percentages for six floors.
FLOOR_TABLE = {"1": "0", "2": "0", "3": "10", "4": "20", "5": "30", "6": "40"}
#: Floor-coefficient method: Guangzhou-style coefficients × exclusive area.
FLOOR_COEFFICIENTS = {"1": "0", "2": "0", "3": "0.7", "4": "0.8", "5": "0.9", "6": "1.0"}
#: Zhengzhou's subsidy: 25 % of the cost, at most CNY 150,000 a lift.
SUBSIDY_PERCENT = Decimal("25")
SUBSIDY_CAP_FEN = 15_000_000

#: Voting chances by floor: the upper floors (4–6), the third floor, the lower floors (1–2).
RETROFIT_CHANCES: tuple[Chances, Chances, Chances] = (
    (0.97, 0.94, 0.03),
    (0.92, 0.78, 0.12),
    (0.85, 0.5, 0.38),
)


def floor_camp(floor: int) -> int:
    return 0 if floor >= 4 else 1 if floor == 3 else 2


@dataclass(frozen=True, slots=True)
class Affected:
    #: The flat's position on the ground floor (1–3): ``1`` is ``N-101``.
    position: int
    impact: str
    note: str


@dataclass(frozen=True, slots=True)
class RetrofitSpec:
    stairwell: int
    outcome: str
    total_fen: int
    method: str
    #: Paid to each ground-floor flat.
    compensation_fen: int
    affected: tuple[Affected, ...]


_SHAFT_YARD = Affected(1, "occupied", "电梯井基础占用101室北侧自用小院约4平方米")
_SHAFT_WINDOW = Affected(3, "light", "电梯井紧贴103室北侧卧室窗户")

RETROFITS: tuple[RetrofitSpec, ...] = (
    RetrofitSpec(1, PASSED, 62_000_000, "floor-table", 1_500_000, (_SHAFT_YARD,)),
    RetrofitSpec(2, PASSED, 64_800_000, "floor-table", 1_500_000, (_SHAFT_YARD, _SHAFT_WINDOW)),
    RetrofitSpec(3, FAILED_ON_AREA, 63_500_000, "floor-table", 1_500_000, (_SHAFT_YARD,)),
    RetrofitSpec(4, WAITING, 65_600_000, "floor-table", 1_500_000, (_SHAFT_WINDOW,)),
    RetrofitSpec(5, PASSED, 61_200_000, "floor-coefficient", 1_200_000, (_SHAFT_YARD,)),
    RetrofitSpec(6, DRAFT, 66_000_000, "floor-table", 1_500_000, (_SHAFT_WINDOW,)),
)

_METHODS = {
    "floor-table": "按楼层比例分摊：一、二层不出资，三层10%，四层20%，五层30%，六层40%，同层各户按专有部分面积分摊",
    "floor-coefficient": "按楼层系数乘以专有部分面积分摊：一、二层系数为0，三层0.7，四层0.8，五层0.9，六层1.0",
}


def _yuan(fen: int) -> str:
    return f"{fen / 100:,.0f}"


def retrofit_title(spec: RetrofitSpec) -> str:
    return f"{RETROFIT_BUILDING}号楼{spec.stairwell}单元加装电梯"


def retrofit_agenda(spec: RetrofitSpec) -> str:
    return (
        f"根据{RETROFIT_BUILDING}号楼加装电梯协商结果和实施方案要点，在本单元北侧楼道口加装一部电梯，"
        f"土建、设备和安装总造价{_yuan(spec.total_fen)}元。\n"
        f"费用：扣除市级财政补贴（总造价的25%，每部最高15万元）后，{_METHODS[spec.method]}；"
        f"一层住户每户补偿{_yuan(spec.compensation_fen)}元，计入分摊总额。\n"
        "电梯建成后委托有资质的维保单位统一运营维保，维保费用由三层以上住户按楼层承担。"
        "施工期间午休（12:00–14:30）和晚上8点以后不施工，并设噪音上限。\n"
        "按规定，须经本单元专有部分面积和人数“双三分之二”参与表决、“双四分之三”同意，"
        "电梯井占用或影响的一层住户须另行同意。"
    )


#: The objection of the affected owner of the stairwell that waits, and the mediation that followed.
OBJECTION = (
    "电梯井紧贴着我家北侧卧室的窗户，离窗不到一米，装上以后卧室白天也得开灯。"
    "要求把井道往外移，或者改用透光的玻璃井道，并把采光补偿写进协议，否则我不同意。"
)
MEDIATION_ATTENDEES = "居委会{staff}、楼栋自治小组、设计单位代表、{owner}（{unit}业主）"
MEDIATION_RECORD = (
    "在楼道口现场查看了电梯井位置。设计单位提出井道整体外移0.8米、改用夹胶玻璃井道的调整方案，"
    "一层补偿标准由每户1.5万元提高到2万元，增加的费用需本单元其他业主同意分摊。"
    "{unit}业主表示要看到日照分析报告后再决定。约定两周内由设计单位出具日照分析，再次调解。"
)
PROXY_DOCUMENT = "授权委托书，存居委会档案 WT-{year}-{number:03d}"
PAPER_REFERENCE = "{building}-{stairwell}-P{number:03d}"

MINORITY_STATEMENT = (
    "我家住二楼，平时用不上电梯，施工期间还要忍受噪音和粉尘，所以投了反对票。"
    "尊重表决结果，但希望施工严格遵守午休和晚上不施工的约定，并把维保费用的分担写进协议。"
)

FAILED_MINORITY_STATEMENT = (
    "我家住六楼，父母年纪大了，每天上下楼很困难，投了同意票。这次没通过，是因为几户大面积业主没有参与表决，"
    "不是大家反对。希望居委会一年后重新组织表决前，先上门听听这些业主的顾虑。"
)

PASSED_MINUTES = (
    "表决于{closed}结束。本单元{electors}户业主中{participants}户参与表决，参与人数占{turnout_head}，"
    "参与面积占{turnout_area}；同意人数占参与人数的{yes_head}，同意面积占参与面积的{yes_area}；"
    "受电梯井影响的一层业主已书面同意。表决通过。\n"
    "结果已在楼道公告栏公示，公示期内未收到异议。下一步由楼栋自治小组委托设计单位出具施工图，"
    "报区住房和城乡建设局审批后开工。"
)
FAILED_MINUTES = (
    "表决于{closed}结束。本单元{electors}户业主中{participants}户参与表决，参与人数占{turnout_head}，"
    "已达到三分之二；但{area_failure}，表决未通过。\n"
    "面积较大的几户端户业主未参与表决或投了反对票，主要顾虑是低楼层采光、噪音和房屋价值。"
    "居委会将组织低楼层和端户业主再次协商、调整方案；按规定，同一事项须满十二个月后方可重新提交表决。"
)
AREA_PARTICIPATION_FAILED = "参与表决的专有部分面积只占本单元总面积的{turnout_area}，未达到三分之二"
AREA_APPROVAL_FAILED = "同意的专有部分面积只占参与表决面积的{yes_area}，未达到四分之三"


# --- the estate-wide vote on the maintenance fund (open) -----------------------------------------------------

FUND_TITLE = "关于续筹幸福里小区住宅专项维修资金的表决"
FUND_AGENDA = (
    "截至2025年底，小区34栋住宅中有21栋的专项维修资金余额已不足首期交存额的30%。根据《住宅专项维修资金管理办法》，"
    "拟按每平方米建筑面积30元的标准向全体业主续筹维修资金，分两年交存，专户存储，"
    "用于屋面防水、外墙、排水管网和消防设施等共用部位、共用设施设备的维修和更新。\n"
    "本事项属于筹集建筑物及其附属设施的维修资金，须经专有部分面积和人数“双三分之二”的业主参与表决，"
    "并经参与表决专有部分面积和人数“双四分之三”的业主同意。"
)
#: Two days in: about one owner in thirty-five has voted online; most owners vote in the last week, or on paper
#: when the committee's volunteers go door to door.
FUND_CHANCES: Chances = (0.028, 0.72, 0.18)


# --- building 13 uses its maintenance fund for a new roof (closed, passed) ------------------------------------

ROOF_BUILDING = "13"
ROOF_TITLE = f"使用专项维修资金维修{ROOF_BUILDING}号楼屋面防水"
ROOF_AGENDA = (
    f"{ROOF_BUILDING}号楼屋面防水层已使用近三十年，去年雨季顶层有9户报修渗漏。物业公司委托第三方勘察后，"
    "拟对整栋楼屋面重做SBS改性沥青防水层并更换落水管，经审价总费用186,400元，"
    "从本楼专项维修资金中列支，按各户专有部分面积分摊。\n"
    "本事项属于使用建筑物及其附属设施的维修资金，由本楼业主共同决定：须专有部分面积和人数“双三分之二”参与表决，"
    "参与表决面积和人数“双过半”同意。"
)
ROOF_TOTAL_FEN = 18_640_000
#: The top floor leaks and votes yes; the lower floors are less keen but mostly agree.
ROOF_CHANCES: tuple[Chances, Chances, Chances] = ((0.86, 0.9, 0.04), (0.8, 0.78, 0.1), (0.72, 0.62, 0.22))
ROOF_MINUTES = (
    "表决于{closed}结束。本楼{electors}户业主中{participants}户参与表决，参与人数占{turnout_head}，"
    "参与面积占{turnout_area}；同意人数占参与人数的{yes_head}，同意面积占参与面积的{yes_area}。表决通过。\n"
    "物业公司已向区房屋专项维修资金管理中心申请划拨，资金到位后一个月内完工，竣工后由楼栋自治小组参与验收，"
    "费用明细在楼道公告栏公示。"
)


# --- the residents' meeting on the colour of the estate (open, ranked) ---------------------------------------

COLOURS_TITLE = "老旧小区改造：外立面粉刷配色方案"
COLOURS_AGENDA = (
    "幸福里小区已列入2026年老旧小区改造计划，34栋住宅的外立面将统一清洗、修补并重新粉刷。"
    "设计单位提出四个配色方案，效果图张贴在各院公告栏和老年活动中心。"
    "请按喜好给方案排序（1为最喜欢），可以只排前几项；结果按舒尔策（Schulze）方法计算。"
)
COLOURS = (
    "暖灰白：外墙浅暖灰，窗套和腰线白色",
    "米黄砖红：外墙米黄，腰线和勒脚砖红",
    "保留原色：沿用现在的砖红色调，只做翻新",
    "灰蓝：外墙浅灰蓝，勒脚深灰",
)
#: How much each age camp (60+, 35–59, 18–34; see :func:`comity.demo.consultation_specs.age_camp`) likes each
#: scheme; each voter adds their own taste.
COLOUR_TASTES = ((1.0, 1.6, 2.0, 0.2), (1.8, 1.2, 0.6, 1.4), (2.0, 0.6, 0.2, 1.9))
#: About one verified resident in twelve has ranked the schemes so far.
COLOURS_TURNOUT = 0.085
