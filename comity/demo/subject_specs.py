"""Who governs the demo street, as data: the subjects of the street and of each community.

The names are those of real kinds of body in a Zhengzhou street (街道办事处, 派出所, 城管中队, 居委会,
业主大会 and 业委会, 物业公司, 社工机构, 备案的协会, 社区指导的文体队伍, 楼栋自治小组, 志愿服务队) but
every name is made up. See :mod:`comity.demo.subjects` for how they are staffed.
"""

from __future__ import annotations

from dataclasses import dataclass

from comity.demo.specs import HIGH_RISE, MIXED, OLD_ESTATE
from comity.structure.models import LegalStatus, SubjectKind


@dataclass(frozen=True, slots=True)
class SubjectSpec:
    key: str
    kind: str
    name: str
    legal_status: str = ""
    #: Titles of paid staff (non-resident persons with the ``staff`` role; the first is the chair if
    #: ``chair_is_staff``).
    staff: tuple[str, ...] = ()
    chair_is_staff: bool = False
    #: Residents who chair and join the subject (self-organised bodies).
    resident_members: int = 0
    volunteers: int = 0
    established: int = 2015
    description: str = ""


STREET_SUBJECTS = (
    SubjectSpec(
        "street_office",
        SubjectKind.STREET_OFFICE,
        "和平街道办事处",
        staff=(
            "街道办事处主任",
            "党政综合办公室干部",
            "社区建设办公室主任",
            "城市管理办公室干部",
            "平安建设办公室干部",
        ),
        chair_is_staff=True,
        established=1983,
        description="街道党工委、办事处，统筹辖区社区治理。",
    ),
    SubjectSpec(
        "police",
        SubjectKind.GOVERNMENT_DEPARTMENT,
        "金水区公安分局和平派出所",
        staff=("社区民警", "社区民警"),
        established=1983,
        description="负责辖区治安、户籍和矛盾纠纷化解。",
    ),
    SubjectSpec(
        "city_management",
        SubjectKind.GOVERNMENT_DEPARTMENT,
        "金水区城市管理局和平中队",
        staff=("执法队员", "执法队员"),
        established=2009,
        description="负责市容环境、占道经营和违法建设查处。",
    ),
)


def community_subject_specs(short: str, estate: str, code: str) -> list[SubjectSpec]:
    """The subjects of one community. ``short`` is its name without 社区, ``estate`` the estate's name."""
    rc = SubjectSpec(
        "rc",
        SubjectKind.RESIDENTS_COMMITTEE,
        f"{short}社区居民委员会",
        staff=(
            "社区党委书记、居委会主任",
            "居委会副主任",
            "社区专职工作者",
            "社区专职工作者",
            "民政专干",
            "计生专干",
        ),
        chair_is_staff=True,
        established=1996,
        description="社区居民自我管理、自我教育、自我服务的基层群众性自治组织。",
    )
    assembly = SubjectSpec(
        "assembly",
        SubjectKind.HOMEOWNERS_ASSEMBLY,
        f"{estate}业主大会",
        established=2018,
        description="由全体业主组成，决定《民法典》第二百七十八条规定的共同事项。",
    )
    hoc = SubjectSpec(
        "hoc",
        SubjectKind.HOMEOWNERS_COMMITTEE,
        f"{estate}业主委员会",
        resident_members=7,
        established=2018,
        description="业主大会的执行机构，本届任期2023—2028年。",
    )
    cleaning = SubjectSpec(
        "cleaning",
        SubjectKind.SERVICE_ENTERPRISE,
        "郑州洁美环境服务有限公司",
        staff=("保洁项目主管", "垃圾清运班长"),
        established=2012,
        description="承担公共区域保洁和生活垃圾分类清运。",
    )
    elevator = SubjectSpec(
        "elevator",
        SubjectKind.SERVICE_ENTERPRISE,
        "郑州升达电梯维保有限公司",
        staff=("维保工程师", "维保工程师"),
        established=2010,
        description="电梯日常维护保养和困人救援，24小时值守。",
    )
    volunteers = SubjectSpec(
        "volunteers",
        SubjectKind.VOLUNTEER_TEAM,
        f"{short}红马甲志愿服务队",
        volunteers=36,
        established=2016,
        description="社区志愿服务队，开展助老、环境整治和文明劝导。",
    )
    if code == OLD_ESTATE:
        return [
            rc,
            assembly,
            hoc,
            SubjectSpec(
                "property",
                SubjectKind.PROPERTY_MANAGEMENT,
                "郑州安居物业服务有限公司",
                staff=("项目经理", "客服主管", "工程维修主管", "秩序维护队长", "收费员"),
                established=2005,
                description="2019年经业主大会选聘，服务期五年。",
            ),
            cleaning,
            SubjectSpec(
                "repairs",
                SubjectKind.SERVICE_ENTERPRISE,
                "金水区便民水电维修服务部",
                staff=("水电维修工",),
                established=2008,
                description="上门维修水电管线，老年人优惠。",
            ),
            SubjectSpec(
                "eldercare",
                SubjectKind.SOCIAL_ORGANISATION,
                "金水区乐龄居家养老服务中心",
                LegalStatus.REGISTERED,
                staff=("中心主任", "社会工作者", "护理员"),
                chair_is_staff=True,
                volunteers=8,
                established=2016,
                description="民办非企业单位，提供居家养老、助餐和日间照料，3A级社会组织。",
            ),
            SubjectSpec(
                "social_work",
                SubjectKind.SOCIAL_ORGANISATION,
                "金水区和美社会工作服务中心",
                LegalStatus.REGISTERED,
                staff=("督导", "社会工作者"),
                chair_is_staff=True,
                established=2014,
                description="专业社工机构，承接政府购买的邻里调解和社区营造项目。",
            ),
            SubjectSpec(
                "calligraphy",
                SubjectKind.SOCIAL_ORGANISATION,
                f"{short}社区书画协会",
                LegalStatus.FILED,
                resident_members=9,
                established=2012,
                description="在街道备案的社区社会组织。",
            ),
            SubjectSpec(
                "taichi",
                SubjectKind.SOCIAL_ORGANISATION,
                f"{short}太极拳协会",
                LegalStatus.FILED,
                resident_members=10,
                established=2010,
            ),
            SubjectSpec(
                "dance",
                SubjectKind.SOCIAL_ORGANISATION,
                f"{short}广场舞队",
                LegalStatus.COMMUNITY_GUIDED,
                resident_members=12,
                established=2013,
                description="每晚19:30—21:00在中心广场活动。",
            ),
            SubjectSpec(
                "knitting",
                SubjectKind.SOCIAL_ORGANISATION,
                f"{short}手工编织小组",
                LegalStatus.COMMUNITY_GUIDED,
                resident_members=7,
                established=2019,
            ),
            volunteers,
            SubjectSpec(
                "patrol",
                SubjectKind.VOLUNTEER_TEAM,
                f"{short}平安巡逻队",
                volunteers=16,
                established=2017,
                description="退休居民组成的治安巡逻和消防通道劝导队伍。",
            ),
        ]
    if code == HIGH_RISE:
        return [
            rc,
            assembly,
            hoc,
            SubjectSpec(
                "property",
                SubjectKind.PROPERTY_MANAGEMENT,
                "郑州万家物业服务有限公司",
                staff=("项目经理", "客服主管", "工程主管", "安防主管"),
                established=2013,
                description="开发商前期物业，2022年业主大会续聘。",
            ),
            cleaning,
            elevator,
            SubjectSpec(
                "childcare",
                SubjectKind.SOCIAL_ORGANISATION,
                "金水区童心托育服务中心",
                LegalStatus.REGISTERED,
                staff=("园长", "保育员", "保育员"),
                chair_is_staff=True,
                established=2020,
                description="普惠托育机构，招收2—3岁幼儿。",
            ),
            SubjectSpec(
                "reading",
                SubjectKind.SOCIAL_ORGANISATION,
                "金色港湾读书会",
                LegalStatus.FILED,
                resident_members=8,
                established=2019,
            ),
            SubjectSpec(
                "parents",
                SubjectKind.SOCIAL_ORGANISATION,
                "金色港湾亲子活动小组",
                LegalStatus.COMMUNITY_GUIDED,
                resident_members=6,
                established=2021,
            ),
            volunteers,
        ]
    return [
        rc,
        SubjectSpec(
            "property",
            SubjectKind.PROPERTY_MANAGEMENT,
            "郑州槐荫物业管理有限公司",
            staff=("项目经理", "客服专员", "维修工"),
            established=2001,
            description="原产权单位下属物业公司，收费标准较低。",
        ),
        cleaning,
        elevator,
        SubjectSpec(
            "eldercare",
            SubjectKind.SOCIAL_ORGANISATION,
            "金水区福寿康养老服务中心",
            LegalStatus.REGISTERED,
            staff=("中心主任", "护理员"),
            chair_is_staff=True,
            established=2018,
            description="运营槐荫社区老年助餐点。",
        ),
        SubjectSpec(
            "merchants",
            SubjectKind.SOCIAL_ORGANISATION,
            f"{short}商户联谊会",
            LegalStatus.FILED,
            resident_members=6,
            established=2017,
            description="沿街商户自律组织，协调门前三包和经营噪声。",
        ),
        SubjectSpec(
            "opera",
            SubjectKind.SOCIAL_ORGANISATION,
            f"{short}豫剧票友队",
            LegalStatus.COMMUNITY_GUIDED,
            resident_members=9,
            established=2011,
        ),
        volunteers,
    ]


#: Self-governance groups: (community code, area kind, area code, number of members).
AREA_GROUPS: tuple[tuple[str, str, str, int], ...] = (
    (OLD_ESTATE, "zone", "A", 7),
    (OLD_ESTATE, "zone", "B", 7),
    (OLD_ESTATE, "zone", "C", 7),
    (OLD_ESTATE, "zone", "D", 7),
    (OLD_ESTATE, "building", "3", 5),
    (OLD_ESTATE, "building", "12", 5),
    (OLD_ESTATE, "building", "27", 5),
    (HIGH_RISE, "building", "5", 6),
    (MIXED, "building", "2", 5),
)
