"""The default dispatch catalogue (派单目录) of community matters.

Modelled on the national 12345 hotline practice of a catalogue of matter categories with a default time
limit each (``shared/reference/domain-practice.md`` §3): emergencies 2 hours; water, power, gas and heating
24 hours; general matters 7 days; complex matters 15 days. Communities override the time limit in their
responsibility matrix.
"""

from __future__ import annotations

from dataclasses import dataclass

EMERGENCY_HOURS = 2
UTILITY_HOURS = 24
GENERAL_HOURS = 7 * 24
COMPLEX_HOURS = 15 * 24


@dataclass(frozen=True, slots=True)
class CategorySpec:
    code: str
    name_en: str
    name_zh: str
    hours: int
    keywords: str = ""
    children: tuple[CategorySpec, ...] = ()


def _c(code: str, en: str, zh: str, hours: int, keywords: str = "", *children: CategorySpec) -> CategorySpec:
    return CategorySpec(code, en, zh, hours, keywords, tuple(children))


DISPATCH_CATALOGUE: tuple[CategorySpec, ...] = (
    _c(
        "facilities",
        "Facilities and repairs",
        "设施维修",
        GENERAL_HOURS,
        "repair broken 维修 坏",
        _c("facilities.lifts", "Lifts", "电梯", UTILITY_HOURS, "lift elevator 电梯 困人"),
        _c("facilities.water", "Water supply", "供水", UTILITY_HOURS, "water tap pressure 停水 水压 自来水"),
        _c(
            "facilities.drainage",
            "Drains and sewers",
            "排水管道",
            UTILITY_HOURS,
            "drain sewer blocked 堵塞 下水道 化粪池",
        ),
        _c("facilities.power", "Electricity", "供电", UTILITY_HOURS, "power electricity outage 停电 电路"),
        _c("facilities.gas", "Gas", "燃气", EMERGENCY_HOURS, "gas leak smell 燃气 煤气 泄漏"),
        _c("facilities.heating", "Heating", "供暖", UTILITY_HOURS, "heating radiator cold 暖气 供暖"),
        _c(
            "facilities.lighting",
            "Roads and lighting",
            "道路照明",
            GENERAL_HOURS,
            "street light lamp road 路灯 路面",
        ),
        _c(
            "facilities.fabric",
            "Roofs, walls and stairs",
            "房屋本体",
            GENERAL_HOURS,
            "roof leak wall stair 屋顶 漏水 外墙 楼道",
        ),
    ),
    _c(
        "environment",
        "Environment and sanitation",
        "环境卫生",
        GENERAL_HOURS,
        "dirty 卫生 环境",
        _c(
            "environment.garbage",
            "Garbage and sorting",
            "垃圾分类与清运",
            UTILITY_HOURS,
            "garbage rubbish bin 垃圾 清运 分类",
        ),
        _c(
            "environment.greening",
            "Trees and green spaces",
            "绿化",
            GENERAL_HOURS,
            "tree grass prune 树 绿化 草坪",
        ),
        _c(
            "environment.cleaning",
            "Cleaning of common areas",
            "公共区域保洁",
            GENERAL_HOURS,
            "clean litter 保洁 打扫",
        ),
        _c(
            "environment.pests",
            "Pests",
            "病媒消杀",
            GENERAL_HOURS,
            "rats mosquitoes cockroach 老鼠 蚊子 蟑螂",
        ),
    ),
    _c(
        "noise",
        "Noise",
        "噪声",
        GENERAL_HOURS,
        "noise loud 噪音 吵",
        _c(
            "noise.square_dancing",
            "Square dancing and music",
            "广场舞与音乐",
            GENERAL_HOURS,
            "dance music speaker 广场舞 音响",
        ),
        _c(
            "noise.renovation",
            "Renovation and construction",
            "装修施工",
            GENERAL_HOURS,
            "drilling renovation 装修 施工 电钻",
        ),
        _c(
            "noise.business",
            "Shops and restaurants",
            "商铺噪声",
            GENERAL_HOURS,
            "shop restaurant bar 商铺 饭店",
        ),
    ),
    _c(
        "disputes",
        "Neighbour disputes",
        "邻里纠纷",
        COMPLEX_HOURS,
        "neighbour dispute 邻居 纠纷",
        _c(
            "disputes.leaks",
            "Leaks between flats",
            "楼上楼下漏水",
            GENERAL_HOURS,
            "leak ceiling upstairs 楼上 渗水 天花板",
        ),
        _c(
            "disputes.common_space",
            "Occupied common space",
            "占用公共空间",
            GENERAL_HOURS,
            "corridor storage occupy 楼道 堆物 占用 杂物",
        ),
        _c("disputes.pets", "Pets", "宠物", GENERAL_HOURS, "dog cat pet barking 狗 宠物"),
    ),
    _c(
        "safety",
        "Safety",
        "安全",
        GENERAL_HOURS,
        "danger 安全 隐患",
        _c(
            "safety.fire",
            "Fire safety and exits",
            "消防通道",
            UTILITY_HOURS,
            "fire exit extinguisher 消防 通道",
        ),
        _c(
            "safety.ebikes",
            "E-bike charging",
            "电动车充电",
            UTILITY_HOURS,
            "e-bike battery charging 电动车 飞线 充电",
        ),
        _c(
            "safety.security",
            "Security and theft",
            "治安",
            UTILITY_HOURS,
            "theft stranger security 盗窃 治安",
        ),
        _c("safety.structure", "Unsafe buildings", "房屋安全隐患", UTILITY_HOURS, "crack collapse 裂缝 危房"),
    ),
    _c(
        "care",
        "Elderly and child care",
        "一老一小",
        GENERAL_HOURS,
        "elderly child 老人 儿童",
        _c(
            "care.elderly",
            "Care for the elderly",
            "养老服务",
            GENERAL_HOURS,
            "elderly care alone 老人 独居 养老",
        ),
        _c("care.meals", "Meal assistance", "助餐", GENERAL_HOURS, "meals canteen 助餐 食堂"),
        _c("care.children", "Childcare", "托育", GENERAL_HOURS, "childcare kindergarten 托育 幼儿"),
    ),
    _c(
        "fees",
        "Property fees and funds",
        "物业费用",
        COMPLEX_HOURS,
        "fee charge 收费 费用",
        _c("fees.property", "Property-management fees", "物业费", COMPLEX_HOURS, "property fee 物业费"),
        _c(
            "fees.maintenance_fund",
            "Maintenance fund",
            "维修资金",
            COMPLEX_HOURS,
            "maintenance fund 维修资金",
        ),
        _c("fees.parking", "Parking charges", "停车收费", GENERAL_HOURS, "parking fee 停车费"),
    ),
    _c(
        "parking",
        "Parking and charging",
        "停车与充电",
        GENERAL_HOURS,
        "parking car 停车",
        _c("parking.order", "Parking order", "停车秩序", GENERAL_HOURS, "blocked car parked 乱停 占道"),
        _c("parking.ev", "EV charging points", "充电桩", GENERAL_HOURS, "charger EV 充电桩"),
    ),
    _c(
        "renewal",
        "Renovation of old estates",
        "老旧小区改造",
        COMPLEX_HOURS,
        "renovation 改造",
        _c("renewal.elevator", "Elevator retrofit", "加装电梯", COMPLEX_HOURS, "elevator retrofit 加装电梯"),
        _c("renewal.works", "Renovation works", "改造工程", COMPLEX_HOURS, "renovation works 改造 工程"),
    ),
    _c(
        "services",
        "Community services",
        "便民服务",
        3 * 24,
        "certificate service 办事 证明",
        _c("services.certificates", "Certificates", "证明开具", 3 * 24, "certificate proof 证明 盖章"),
        _c(
            "services.social_security",
            "Social security and benefits",
            "社保与救助",
            GENERAL_HOURS,
            "pension subsidy 社保 低保 救助",
        ),
    ),
    _c("other", "Other matters", "其他事项", GENERAL_HOURS, ""),
)


def iter_catalogue(
    specs: tuple[CategorySpec, ...] = DISPATCH_CATALOGUE, parent: str | None = None
) -> list[tuple[CategorySpec, str | None]]:
    """Flatten the catalogue depth-first, parents before children: ``[(spec, parent_code), ...]``."""
    flat: list[tuple[CategorySpec, str | None]] = []
    for spec in specs:
        flat.append((spec, parent))
        flat.extend(iter_catalogue(spec.children, spec.code))
    return flat
