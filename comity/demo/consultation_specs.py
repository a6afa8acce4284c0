"""The demo's consultations as data: their questions, statements and how each kind of resident votes on them.

Each statement carries, for each camp of voters, the chance of agreeing and of disagreeing (the rest pass). Camps
follow the lines along which such questions really divide a Chinese old estate:

* the **elevator retrofit** (加装电梯) of a six-storey walk-up splits upper floors (4–6: they climb, many are
  old) from lower floors (1–2: they do not need a lift and fear for light, noise, privacy and the value of their
  flats), with the third floor between; cost shared by floor with compensation for the ground floor, and limits
  on construction noise, bridge them — the compromise retrofit agreements usually reach (the vote itself needs
  the "two-thirds take part, three-quarters agree" of Civil Code Art. 278, by area and by head);
* **square dancing** (广场舞) divides the older residents who dance from working-age parents with children at
  school; a volume limit and quiet early mornings bridge them.

Texts are Simplified Chinese only, like the rest of the demo's content.
"""

from __future__ import annotations

from dataclasses import dataclass

#: (agree, disagree) chances; the remainder passes.
Chances = tuple[float, float]


@dataclass(frozen=True, slots=True)
class StatementSpec:
    text: str
    #: Chances per camp, in the order of the consultation's ``camps``.
    chances: tuple[Chances, ...]
    #: The camp of the resident who wrote it; ``None`` for a seed statement from the committee.
    author: int | None = None
    meta: bool = False
    #: The reason it was taken down, if it was.
    rejected: str = ""
    #: Share of voters who see it (statements added late are seen by fewer).
    reach: float = 1.0


@dataclass(frozen=True, slots=True)
class ConsultationSpec:
    title: str
    question: str
    background: str
    camps: tuple[str, ...]
    statements: tuple[StatementSpec, ...]


# --- the elevator retrofit of building 3 --------------------------------------------------------------------

RETROFIT_BUILDING = "3"
#: Camps by floor: upper (4–6), the third floor, lower (1–2).
UPPER, MIDDLE, LOWER = 0, 1, 2


def floor_camp(floor: int) -> int:
    return UPPER if floor >= 4 else MIDDLE if floor == 3 else LOWER


RETROFIT = ConsultationSpec(
    title="3号楼加装电梯方案征求意见",
    question="3号楼要不要加装电梯？如果装，费用怎么分摊、施工怎么安排，大家才能都接受？",
    background=(
        "3号楼建于1995年，六层无电梯，60岁以上住户约占三成。街道已将本楼列入2026年既有住宅加装电梯计划，"
        "市级财政每部电梯补贴20万元，其余费用由本楼住户分担。按规定，加装电梯须经本楼栋（单元）专有部分面积"
        "和人数“双三分之二”参与表决、“双四分之三”同意，并充分听取低楼层住户意见。\n"
        "本次协商为期一个月，结果将作为楼栋自治小组起草实施方案的依据。"
    ),
    camps=("upper", "middle", "lower"),
    statements=(
        StatementSpec("本楼应尽快加装电梯，越早越好。", ((0.90, 0.03), (0.60, 0.15), (0.10, 0.72))),
        StatementSpec(
            "加装电梯会挡住一二楼的采光和通风，影响太大。", ((0.10, 0.62), (0.35, 0.30), (0.88, 0.04))
        ),
        StatementSpec(
            "电梯运行和施工的噪音会影响低楼层住户休息。", ((0.22, 0.48), (0.45, 0.25), (0.86, 0.04))
        ),
        StatementSpec(
            "建设费用应按楼层分摊，楼层越高出资越多，并给一楼住户适当补偿。",
            ((0.84, 0.06), (0.82, 0.06), (0.80, 0.08)),
        ),
        StatementSpec(
            "施工期间应限定作业时间，午休和晚上不施工，并设噪音上限。",
            ((0.86, 0.04), (0.88, 0.03), (0.92, 0.02)),
        ),
        StatementSpec("一楼住户不用电梯，不应承担任何建设费用。", ((0.30, 0.45), (0.50, 0.20), (0.92, 0.02))),
        StatementSpec(
            "电梯井应尽量靠楼道外侧，不要贴着一楼住户的窗户。", ((0.72, 0.08), (0.76, 0.06), (0.90, 0.03))
        ),
        StatementSpec("只要有一户低楼层住户反对，就不应该加装。", ((0.04, 0.88), (0.20, 0.55), (0.62, 0.20))),
        StatementSpec(
            "电梯建成后的维修保养费由使用电梯的住户按楼层承担。",
            ((0.62, 0.18), (0.72, 0.10), (0.86, 0.04)),
        ),
        StatementSpec(
            "我家住六楼，老伴腿脚不好，已经半年没下过楼了。",
            ((0.82, 0.02), (0.50, 0.05), (0.30, 0.12)),
            author=UPPER,
            reach=0.8,
        ),
        StatementSpec(
            "装了电梯，一楼的房子会贬值，这个损失谁来补？",
            ((0.10, 0.66), (0.30, 0.35), (0.86, 0.04)),
            author=LOWER,
            reach=0.8,
        ),
        StatementSpec(
            "电梯应交给有资质的公司统一运营维保，出了问题有人管。",
            ((0.86, 0.04), (0.84, 0.04), (0.82, 0.06)),
            author=MIDDLE,
            reach=0.75,
        ),
        StatementSpec(
            "加装电梯后整栋楼都会升值，一楼也一样受益。",
            ((0.80, 0.05), (0.50, 0.20), (0.08, 0.78)),
            author=UPPER,
            reach=0.7,
        ),
        StatementSpec(
            "三单元502那家人平时就不讲理，装了电梯也不能让他家用。",
            ((0.10, 0.30), (0.10, 0.30), (0.20, 0.30)),
            author=LOWER,
            rejected="涉及具体住户，属于人身攻击，与加装电梯方案无关。欢迎换成对事不对人的意见。",
            reach=0.08,
        ),
        StatementSpec(
            "可以先在一个单元试点，效果好再推广到整栋楼。",
            ((0.35, 0.40), (0.60, 0.15), (0.55, 0.20)),
            author=MIDDLE,
            reach=0.6,
        ),
        StatementSpec(
            "希望居委会把每次协商的结果都贴在楼道公告栏里。",
            ((0.80, 0.02), (0.80, 0.02), (0.80, 0.02)),
            author=LOWER,
            meta=True,
            reach=0.6,
        ),
    ),
)

#: The draft the committee wrote from the statements every floor agreed with.
RETROFIT_DRAFT_TITLE = "3号楼加装电梯实施方案要点（征求意见稿）"
RETROFIT_DRAFT_INTRO = (
    "根据3号楼加装电梯协商结果，高、中、低楼层住户在以下几点上意见一致，建议作为实施方案的基础，"
    "由楼栋自治小组会同居委会测算具体分摊比例后提交本楼业主表决："
)
RETROFIT_DRAFT_OUTRO = "低楼层住户关于采光、噪音和房屋价值的顾虑，将在方案设计和补偿标准中逐条回应。"


# --- square dancing on the central square -------------------------------------------------------------------

#: Camps by age: 60 and older, 35–59, 18–34.
ELDER, PARENT, YOUNG = 0, 1, 2
#: How many residents of each camp have voted so far: the young are under-represented (about one voter in
#: twenty against about one adult in five in the community).
DANCING_VOTERS = (95, 62, 7)


def age_camp(age: int) -> int:
    return ELDER if age >= 60 else PARENT if age >= 35 else YOUNG


DANCING = ConsultationSpec(
    title="中心广场广场舞时间和音量怎么定？",
    question="中心广场的广场舞怎样安排，才能既让老人锻炼身体，又不影响周边住户休息？",
    background=(
        "中心广场每天早晚都有三支舞蹈队活动。近一年居委会收到二十多件关于音乐声音过大、结束太晚的诉求，"
        "也有不少老人希望保留这项活动。协商结束后，居委会将与舞蹈队一起修订广场使用公约。"
    ),
    camps=("elder", "parent", "young"),
    statements=(
        StatementSpec(
            "广场舞是老年人锻炼身体、交朋友的好方式，应该支持。", ((0.90, 0.03), (0.55, 0.18), (0.45, 0.25))
        ),
        StatementSpec("晚上跳舞应在八点半以前结束。", ((0.25, 0.60), (0.82, 0.06), (0.85, 0.05))),
        StatementSpec("音响音量应设上限，由居委会定期检测。", ((0.70, 0.10), (0.90, 0.03), (0.90, 0.03))),
        StatementSpec(
            "中考、高考前一个月，晚上应停跳或不放音乐。", ((0.40, 0.35), (0.86, 0.04), (0.80, 0.05))
        ),
        StatementSpec(
            "可以把跳舞地点移到北门停车场旁边，离住宅楼远一些。", ((0.20, 0.55), (0.62, 0.14), (0.60, 0.15))
        ),
        StatementSpec("早上六点半以前不应在广场放音乐。", ((0.62, 0.18), (0.90, 0.03), (0.86, 0.05))),
        StatementSpec("跳舞的人多，晚上广场上就不该停车。", ((0.76, 0.08), (0.32, 0.45), (0.40, 0.30))),
        StatementSpec("可以改用无线耳机跳“静音广场舞”。", ((0.15, 0.60), (0.55, 0.15), (0.72, 0.08))),
        StatementSpec(
            "舞蹈队应与居委会签订文明公约，违反三次暂停使用广场。",
            ((0.40, 0.35), (0.76, 0.08), (0.70, 0.08)),
        ),
        StatementSpec(
            "老年活动中心太小，冬天也应该给舞蹈队找个室内场地。",
            ((0.86, 0.03), (0.55, 0.10), (0.50, 0.10)),
            author=ELDER,
            reach=0.8,
        ),
        StatementSpec(
            "孩子九点就要睡觉，音乐声传到楼上根本睡不着。",
            ((0.20, 0.45), (0.80, 0.08), (0.50, 0.20)),
            author=PARENT,
            reach=0.7,
        ),
        StatementSpec(
            "周末可以放宽到晚上九点。", ((0.80, 0.05), (0.35, 0.40), (0.55, 0.20)), author=ELDER, reach=0.6
        ),
    ),
)

#: The statements the demo resident has already voted on (agree, pass, agree): the rest wait for them.
DEMO_RESIDENT_VOTES = ((2, 1), (4, 0), (5, 1))
