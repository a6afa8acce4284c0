"""The demo's community fund and participatory budgeting (社区基金 / 微项目) as data: the fund's sources, the
districts, the projects residents proposed, how each courtyard votes on them, and how the funded ones are
delivered.

* **The fund** of 幸福里 for the year follows Chengdu's formula for community funds (社区发展治理保障资金): a fixed
  100,000 yuan plus 1,500 yuan per 100 residents, counted from the registry; a grant from the district's civil
  affairs bureau and a local company's donation add to it.
* **Last spring's cycle** (closed) split its budget between two districts of two courtyards each. In each district
  one courtyard is the larger bloc and backs a few expensive projects of its own (charging sheds, playgrounds); the
  other courtyard backs cheaper projects of its own (stairwell lights, handrails, a sorting kiosk). "Most votes
  first" gives the bloc nearly the whole budget; the Method of Equal Shares (with Add1), the official rule, gives
  each courtyard a share in proportion to its voters, so the smaller courtyard's projects are funded too.
* **The second round** (open, knapsack ballot) lets the demo logins choose projects within their district's budget.
* **Next year's cycle** is in review, with proposals waiting for the committee (one of them by the ``resident``
  login).

Texts are Simplified Chinese only, like the rest of the demo's content.
"""

from __future__ import annotations

from dataclasses import dataclass

# --- the fund ---------------------------------------------------------------------------------------------------

FUND_NAME = "幸福里社区基金"
#: Chengdu's formula: 100,000 yuan + 1,500 yuan per 100 residents (in fen).
FIXED_FEN = 10_000_000
PER_100_FEN = 150_000
FUND_DESCRIPTION = (
    "参照成都市城乡社区发展治理保障资金的做法设立：每年固定10万元，另按实有居住人口每百人1,500元核定，"
    "由区财政拨付；区民政局的社区微更新补助和辖区单位、居民的捐赠一并纳入。"
    "资金用于居民提出、居民投票决定的社区公共微项目，每一笔收支都在本页公开，付款凭发票号码可查。"
)
FORMULA_TEXT = "{year}年度社区保障资金：10万元 + 每百人1,500元 × 实有居住人口{residents}人"
FORMULA_PAYER = "金水区财政局"


@dataclass(frozen=True, slots=True)
class IncomeSpec:
    source: str
    amount_fen: int
    #: (month, day) of the fund's year.
    on: tuple[int, int]
    description: str
    counterparty: str


INCOMES: tuple[IncomeSpec, ...] = (
    IncomeSpec(
        "grant",
        5_000_000,
        (3, 18),
        "老旧小区社区微更新补助（金民〔{year}〕12号文），专项用于院落和楼道公共设施",
        "金水区民政局",
    ),
    IncomeSpec(
        "donation",
        2_000_000,
        (6, 1),
        "“六一”公益捐赠，定向用于社区儿童和老年人活动设施",
        "郑州市金水区和顺商贸有限公司",
    ),
    IncomeSpec(
        "donation",
        368_000,
        (9, 9),
        "“99公益日”居民小额捐赠（126人次），经郑州慈善总会社区微基金转入",
        "郑州慈善总会",
    ),
)


# --- districts ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DistrictSpec:
    key: str
    name: str
    #: The zones (courtyards) whose buildings form the district.
    zones: tuple[str, ...]


EAST = DistrictSpec("east", "东南片区（东院、南院 1–16号楼）", ("A", "B"))
WEST = DistrictSpec("west", "西北片区（西院、北院 17–34号楼）", ("C", "D"))
DISTRICTS = (EAST, WEST)

#: Share of the adult residents of each courtyard who voted in spring: 东院's courtyard council and 北院's
#: volunteers went door to door for their projects, so they turned out more.
SPRING_TURNOUT = {"A": 0.06, "B": 0.034, "C": 0.032, "D": 0.045}
#: Share of adult residents who have voted in the open round so far.
AUTUMN_TURNOUT = 0.011


# --- projects -----------------------------------------------------------------------------------------------------

#: Milestone plans: (title, due days after the cycle closed, done days after it or ``None`` if not done, note).
Plan = tuple[tuple[str, int, int | None, str], ...]

PLANS: dict[str, Plan] = {
    "quick": (
        ("签订施工合同", 20, 18, ""),
        ("材料进场、开始施工", 35, 38, ""),
        ("完工并在院落公告栏公示", 60, 64, ""),
    ),
    "works": (
        ("签订施工合同", 25, 24, ""),
        ("拆除旧设施、开始施工", 50, 57, "拆除后发现原有基础松动，需重新浇筑，开工推迟一周。"),
        ("完工", 150, None, "8月连续降雨，塑胶地面无法施工，施工单位申请延期，居委会正在督办。"),
    ),
    "power": (
        ("签订施工合同", 30, 29, ""),
        ("向供电公司申请报装增容", 45, 61, "需物业公司出具配电室容量证明，报装材料补交一次。"),
        ("供电公司完成增容接电", 160, None, "供电公司已现场勘察，排期施工。"),
        ("充电棚完工、投入使用", 200, None, ""),
    ),
}


@dataclass(frozen=True, slots=True)
class ProjectSpec:
    title: str
    description: str
    location: str
    district: str
    #: The courtyard (zone code) whose residents proposed and back it.
    camp: str
    #: The proposer's estimate and the reviewed cost, in yuan; ``cost`` is ``None`` for a project ruled out.
    estimated: int
    cost: int | None = None
    costing_note: str = ""
    #: Chance of approval by a voter of its courtyard, and by a voter of the district's other courtyard.
    support: tuple[float, float] = (0.0, 0.0)
    #: "older" or "younger": voters of that age lean a little more towards it.
    favoured_by: str = ""
    #: Items of the negative list, and the committee's explanation, for a project ruled out.
    reasons: tuple[str, ...] = ()
    review_note: str = ""
    #: "eldercare": proposed by the ``ngo-staff`` login on behalf of the elderly-care organisation.
    proposer: str = ""
    plan: str = "quick"
    contractor: str = "郑州市金水区邻里建筑装饰工程有限公司"


CYCLE_TITLE = "{year}年幸福里社区微更新项目"
CYCLE_DESCRIPTION = (
    "社区基金今年拿出17万元，由居民提出、居民投票决定做哪些微项目。东南片区（东院、南院）预算8万元，"
    "西北片区（西院、北院）预算9万元，每位居民只投自己家所在片区的项目，最多选4项。\n"
    "3月征集提案，4月由居委会对照负面清单审核、请第三方询价核定造价，4月下旬至5月上旬投票。"
    "计票采用“平等份额法”（每位投票居民分得同样多的预算，由支持者分担项目费用），"
    "同时公布“票多者先得”等其他计票方法的结果，供居民比较。"
)
#: The districts' budgets in the spring cycle, in yuan.
SPRING_BUDGETS = {"east": 80_000, "west": 90_000}
SPRING_MAX_CHOICES = 4

SPRING_PROJECTS: tuple[ProjectSpec, ...] = (
    ProjectSpec(
        "东院北门自行车棚改建电动车充电棚",
        "东院北门的自行车棚已经破旧漏雨，电动车只能推进楼道充电，飞线充电屡禁不止，去年冬天6号楼还因此着过火。"
        "建议改建为带智能充电桩的充电棚：20个充电口，扫码计费，充满自动断电，从根上消除楼道充电的火灾隐患。",
        "东院北门自行车棚",
        "east",
        "A",
        35_000,
        38_000,
        "三家单位询价取中间价：钢结构棚体和防火板14,600元，20口智能充电桩及配电箱18,200元，电缆敷设和接电5,200元。",
        (0.8, 0.1),
        plan="power",
        contractor="河南安充新能源科技有限公司",
    ),
    ProjectSpec(
        "东院小游园儿童游乐设施更新",
        "东院小游园的滑梯和秋千是2008年装的，已经生锈开裂，孩子们只能去两站路外的公园玩。"
        "建议换成组合滑梯、秋千和沙池，地面铺塑胶防护垫，边上放两张长椅给看孩子的老人坐。",
        "东院小游园",
        "east",
        "A",
        26_000,
        24_000,
        "按设计单位出具的平面图和工程量清单计价，含旧设施拆除和塑胶地垫约45平方米，经审价24,000元。",
        (0.75, 0.12),
        favoured_by="younger",
        plan="works",
    ),
    ProjectSpec(
        "老年活动中心门前雨棚和休闲座椅",
        "老年活动中心门口没有遮挡，老人排队量血压、等义诊时日晒雨淋。"
        "建议加装约30平方米的钢结构雨棚，配6组带靠背和扶手的休闲座椅。",
        "东院老年活动中心门前",
        "east",
        "A",
        20_000,
        18_000,
        "雨棚按每平方米420元计12,600元，座椅6组每组900元计5,400元。",
        (0.7, 0.15),
        favoured_by="older",
    ),
    ProjectSpec(
        "南院楼道感应照明改造（9–16号楼）",
        "南院8栋楼共40多个单元的楼道灯，一半以上是老式拉线灯或者已经坏了，晚上老人上下楼只能摸黑。"
        "建议统一换成声光控LED感应灯，每层一盏。",
        "南院9–16号楼各单元楼道",
        "east",
        "B",
        16_000,
        15_000,
        "按240盏灯计：灯具每盏38元，线路整改和人工每盏24.5元，合计15,000元。",
        (0.75, 0.08),
        contractor="河南明亮照明工程有限公司",
    ),
    ProjectSpec(
        "南院健身游园适老化扶手和防滑改造",
        "南院健身游园的台阶和坡道没有扶手，雨雪天地面很滑，今年已经有两位老人在这里摔倒。"
        "建议在台阶和坡道两侧加装不锈钢扶手，把磨光的地砖换成防滑砖。",
        "南院健身游园",
        "east",
        "B",
        12_000,
        12_000,
        "扶手约46延米，每米118元计5,430元；防滑地砖约70平方米，连铺贴每平方米94元计6,570元。",
        (0.72, 0.1),
        favoured_by="older",
        proposer="eldercare",
    ),
    ProjectSpec(
        "南院垃圾分类投放亭",
        "南院的垃圾桶露天摆在路边，夏天味道大、招蚊蝇，下雨天垃圾水流一地。"
        "建议建一座带顶棚、洗手池和夜间照明的分类投放亭，定时定点投放。",
        "南院12号楼东侧",
        "east",
        "B",
        8_000,
        9_000,
        "参照区里统一采购的标准投放亭价格8,200元，加给排水接驳800元。",
        (0.6, 0.06),
    ),
    ProjectSpec(
        "在6号楼102室门前加装遮阳棚和防盗网",
        "我家在一楼，夏天西晒厉害，窗户外面也没有防盗网，希望社区出钱帮忙装一下。",
        "6号楼102室",
        "east",
        "A",
        4_500,
        reasons=("private",),
        review_note="只惠及一户居民，属于业主自用部分，社区基金不能支付。可由业主自行安装，注意不要占用公共通道、"
        "不要影响楼上住户采光。",
    ),
    ProjectSpec(
        "更换东院单元门禁系统",
        "东院好几个单元的门禁坏了半年，陌生人随便进出，推销的、发小广告的天天上楼。",
        "东院1–8号楼各单元",
        "east",
        "A",
        26_000,
        reasons=("other_party",),
        review_note="单元门禁属于物业服务合同约定的共用设施设备，维修和更换由物业公司负责。"
        "居委会已将此事转交物业公司，列入本月物业服务督办事项，限期30天内修复。",
    ),
    ProjectSpec(
        "北门停车场电动车充电棚",
        "北门停车场每天晚上停着一百多辆电动车，很多人从楼上拉电线下来充电，很危险。"
        "建议在停车场东侧建一座充电棚，配24个智能充电口。",
        "北门停车场东侧",
        "west",
        "D",
        40_000,
        42_000,
        "三家单位询价取中间价：棚体17,800元，24口智能充电桩及配电箱19,600元，电缆敷设和接电4,600元。",
        (0.8, 0.1),
        plan="power",
        contractor="河南安充新能源科技有限公司",
    ),
    ProjectSpec(
        "北院中心绿地补植和透水步道",
        "北院中间那块绿地黄土裸露，下雨一地泥，孩子们踩得满脚泥进楼道。"
        "建议补种冬青、月季等灌木约300平方米，中间的土路改铺透水砖步道。",
        "北院中心绿地",
        "west",
        "D",
        25_000,
        28_000,
        "苗木按市园林部门信息价计11,400元，透水砖步道约120平方米计16,600元。",
        (0.75, 0.1),
        plan="works",
        contractor="郑州绿荫园林工程有限公司",
    ),
    ProjectSpec(
        "北院儿童游乐区防护围栏和沙池",
        "北院的儿童游乐区紧挨着车道，没有围栏，孩子一跑就到车道上了。"
        "建议装一圈木质防护围栏，再加一个带盖的沙池。",
        "北院儿童游乐区",
        "west",
        "D",
        20_000,
        20_000,
        "防腐木围栏约50延米计12,000元，沙池及防雨盖8,000元。",
        (0.7, 0.12),
        favoured_by="younger",
    ),
    ProjectSpec(
        "西院楼道感应照明改造（17–24号楼）",
        "西院的楼道灯坏了很多年，物业说灯泡可以换，线路老化管不了。建议整体更换为声光控LED感应灯。",
        "西院17–24号楼各单元楼道",
        "west",
        "C",
        15_000,
        14_000,
        "按225盏灯计：灯具每盏38元，线路整改和人工每盏24.2元，合计取整14,000元。",
        (0.75, 0.08),
        contractor="河南明亮照明工程有限公司",
    ),
    ProjectSpec(
        "西院休闲座椅和晾晒架",
        "西院空地上没有座椅，老人只能坐自带的小板凳；大家在树之间拉绳子晒被子，既不安全也不好看。"
        "建议装8组休闲座椅和2组不锈钢晾晒架。",
        "西院中心空地",
        "west",
        "C",
        7_000,
        8_000,
        "座椅8组每组650元计5,200元，晾晒架2组每组1,400元计2,800元。",
        (0.7, 0.1),
        favoured_by="older",
    ),
    ProjectSpec(
        "西院单元门口雨棚",
        "西院楼栋单元门口都没有雨棚，下雨天站在门口找钥匙淋一身，门口地面又湿又滑。"
        "建议给17–24号楼的单元门口都装上透明雨棚。",
        "西院17–24号楼单元门口",
        "west",
        "C",
        18_000,
        16_000,
        "按40个单元门口计，每处耐力板雨棚400元，含安装。",
        (0.55, 0.06),
    ),
    ProjectSpec(
        "拓宽和平路人行道并增设公交站台",
        "小区西门外的和平路人行道太窄，公交站没有站台和雨棚，老人等车很辛苦。",
        "小区西门外和平路",
        "west",
        "C",
        120_000,
        reasons=("government_duty", "over_cap"),
        review_note="和平路是市政道路，人行道和公交站台由区城市管理局、市公交公司负责建设，社区基金不能支付，"
        "而且造价超过单个项目5万元的上限。居委会已把居民的意见报街道办事处，转交区城市管理局。",
    ),
)

#: The project delivered and accepted first: the first of these that the official rule funded.
DELIVERED_FIRST = (
    "南院健身游园适老化扶手和防滑改造",
    "南院楼道感应照明改造（9–16号楼）",
    "西院休闲座椅和晾晒架",
)
#: What it finally cost, as a share of its reviewed cost (the rest goes back to the fund).
SETTLED_SHARE = 0.955
ACCEPTANCE_NOTE = (
    "由居委会、{camp}院落议事会、居民代表5人、社区养老服务中心和施工单位共同现场验收：扶手安装牢固，"
    "防滑地砖铺设平整，雨后试走无积水，符合合同要求。结算价{settled}元，节余{returned}元退回社区基金。"
)
#: Share of the project's paid-in-advance part, and the days after the milestone it is paid.
ADVANCE_SHARE = 0.3
PROGRESS_SHARE = 0.6
CAMP_NAMES = {"A": "东院", "B": "南院", "C": "西院", "D": "北院"}

#: Residents' ratings of the delivered project: (stars, comment), one per rater, in order.
RATINGS: tuple[tuple[int, str], ...] = (
    (5, "扶手装得很结实，我天天早上去游园走两圈，再也不怕摔了。"),
    (5, "下雨天也不滑了，谢谢社区！"),
    (4, "做得不错，就是东边那段扶手有点高，个子矮的老人不太好扶。"),
    (5, ""),
    (5, "钱花在刀刃上，账目也公开，支持以后继续这样搞。"),
    (4, "防滑砖很好，希望坡道旁边再加一盏灯。"),
    (3, "施工时间拖了一周，游园封了好几天，其他还行。"),
    (5, ""),
    (4, "扶手有了，建议再放几把椅子歇脚。"),
    (5, "我们院的老人都说好。"),
    (5, ""),
    (4, ""),
)


# --- the open round (knapsack) ------------------------------------------------------------------------------------

AUTUMN_TITLE = "{year}年幸福里社区第二批微项目"
AUTUMN_DESCRIPTION = (
    "春季项目结余和新增的捐赠用于第二批微项目，每个片区预算3万元。"
    "投票方式：在本片区的项目中勾选您想做的，所选项目的总造价不能超过片区预算——就像您自己来分配这笔钱。"
    "投票截止前可以随时修改。"
)
AUTUMN_BUDGETS = {"east": 30_000, "west": 30_000}

AUTUMN_PROJECTS: tuple[ProjectSpec, ...] = (
    ProjectSpec(
        "东院绿化补植",
        "东院几处绿地的灌木死了一大片，建议补种耐旱的冬青和紫薇。",
        "东院1–8号楼之间绿地",
        "east",
        "A",
        12_000,
        12_000,
        "苗木按市园林部门信息价计，含一年养护。",
        (0.6, 0.25),
    ),
    ProjectSpec(
        "老年活动中心适老化改造",
        "活动中心的地面是水磨石，很滑；卫生间没有扶手。建议铺防滑地胶，卫生间和走廊加装扶手。",
        "东院老年活动中心",
        "east",
        "A",
        15_000,
        14_500,
        "防滑地胶约120平方米计9,600元，扶手约30延米计4,900元。",
        (0.65, 0.35),
        favoured_by="older",
        proposer="eldercare",
    ),
    ProjectSpec(
        "东院1–8号楼单元门口雨棚",
        "东院单元门口没有雨棚，下雨天开门淋一身。建议参照西院的做法装透明雨棚。",
        "东院1–8号楼单元门口",
        "east",
        "A",
        16_000,
        16_000,
        "按40个单元门口计，每处耐力板雨棚400元，含安装。",
        (0.5, 0.2),
    ),
    ProjectSpec(
        "南院共享工具屋和便民修理点",
        "建一间共享工具屋，放梯子、电钻、打气筒等，居民登记借用；每月一次志愿者便民修理。",
        "南院12号楼东侧",
        "east",
        "B",
        7_000,
        7_800,
        "活动板房一间5,200元，工具一套2,600元。",
        (0.6, 0.2),
    ),
    ProjectSpec(
        "北院宣传栏和议事长廊",
        "北院没有可以坐下来商量事的地方，建议建一段带座椅的木质长廊，旁边立一块公开栏公示社区基金账目。",
        "北院中心绿地北侧",
        "west",
        "D",
        14_000,
        13_000,
        "防腐木长廊约12米计10,400元，不锈钢公开栏2,600元。",
        (0.6, 0.2),
    ),
    ProjectSpec(
        "西院垃圾分类投放亭",
        "南院的投放亭效果很好，西院也想要一座。",
        "西院20号楼北侧",
        "west",
        "C",
        9_000,
        9_000,
        "参照南院投放亭的结算价。",
        (0.65, 0.25),
    ),
    ProjectSpec(
        "北门停车场夜间照明",
        "北门停车场晚上一片漆黑，经常有电动车电瓶被偷。建议装4根太阳能路灯。",
        "北门停车场",
        "west",
        "D",
        8_000,
        8_800,
        "太阳能路灯4根，每根2,200元，含基础和安装。",
        (0.6, 0.3),
    ),
    ProjectSpec(
        "西院绿化补植",
        "西院的花坛已经光秃秃的，建议补种月季和麦冬。",
        "西院花坛",
        "west",
        "C",
        10_000,
        11_000,
        "苗木按市园林部门信息价计，含一年养护。",
        (0.55, 0.2),
    ),
)


# --- next year's cycle, in review ---------------------------------------------------------------------------------

NEXT_TITLE = "{year}年幸福里社区微更新项目"
NEXT_DESCRIPTION = (
    "征集{year}年的社区微项目。提案已截止，居委会正在对照负面清单审核，并请第三方询价核定造价；"
    "预算以区里下达的{year}年社区基金为准，暂按今年的标准安排。"
)
NEXT_BUDGETS = {"east": 80_000, "west": 90_000}


@dataclass(frozen=True, slots=True)
class PendingSpec:
    """A proposal of next year's cycle and how far its review has come."""

    project: ProjectSpec
    #: "submitted" (waits for review), "eligible" (waits for costing), "on_ballot" or "ineligible".
    stage: str
    #: The demo login that proposed it, if any (else a resident of its courtyard).
    login: str = ""


NEXT_PROJECTS: tuple[PendingSpec, ...] = (
    PendingSpec(
        ProjectSpec(
            "1号楼楼道加装折叠休息座椅",
            "我们楼里老人多，住四五楼的爬一趟楼要歇好几回。建议在每个单元二楼和四楼的平台上装壁挂式折叠座椅，"
            "不用的时候收起来，不占通道。",
            "1号楼各单元二楼、四楼平台",
            "east",
            "A",
            6_000,
        ),
        "submitted",
        login="resident",
    ),
    PendingSpec(
        ProjectSpec(
            "东院增设智能快递柜",
            "快递都堆在门卫室，经常拿错、丢件。建议在东院门口装一组智能快递柜。",
            "东院门卫室旁",
            "east",
            "A",
            30_000,
        ),
        "submitted",
    ),
    PendingSpec(
        ProjectSpec(
            "西院小广场夜间照明",
            "西院小广场晚上跳舞、散步的人多，只有一盏路灯，建议再装几盏庭院灯。",
            "西院小广场",
            "west",
            "C",
            9_000,
        ),
        "eligible",
    ),
    PendingSpec(
        ProjectSpec(
            "南院儿童阅读角",
            "在老年活动中心旁边的闲置房间里布置一个儿童阅读角，放书架和小桌椅，由志愿者轮流照看。",
            "老年活动中心东侧闲置房间",
            "east",
            "B",
            6_000,
            6_500,
            "书架、桌椅和地垫4,300元，首批图书2,200元（另有居民捐书）。",
        ),
        "on_ballot",
    ),
    PendingSpec(
        ProjectSpec(
            "在18号楼前绿地划固定私家车位",
            "18号楼前停车太难，建议把楼前绿地改成车位，按户分配。",
            "18号楼前绿地",
            "west",
            "C",
            15_000,
            reasons=("private", "unlawful"),
            review_note="把公共绿地改成按户分配的固定车位，只惠及少数住户；改变共有部分的用途须经业主共同决定，"
            "擅自占用绿地违反《民法典》第二百七十八条和小区管理规约。停车难的问题已转交业主委员会研究。",
        ),
        "ineligible",
    ),
)
