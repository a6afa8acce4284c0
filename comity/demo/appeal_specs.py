"""What a year of appeals in the demo street looks like, as data: volumes, seasons, places, words and habits.

The shares follow the 12345 practice in ``shared/reference/domain-practice.md`` §3: most appeals are help
requests and complaints about facilities, sanitation, noise and parking; published rates put response near
95–99 %, resolution near 75–90 % and satisfaction near 85–95 %. The seasons are Zhengzhou's: heating from
mid-November to mid-March (complaints peak when it starts), heavy rain in July and August (drains, roof leaks,
water), catkins and pruning in spring, square dancing on warm evenings. Every text is made up.
"""

from __future__ import annotations

from dataclasses import dataclass

from comity.demo.specs import HIGH_RISE, MIXED, OLD_ESTATE

#: Appeals per household and year. The old estate's ageing fabric and elderly residents call most often.
APPEALS_PER_HOUSEHOLD: dict[str, float] = {OLD_ESTATE: 0.72, HIGH_RISE: 0.55, MIXED: 0.62}

#: Relative weight of each leaf category in a community (per mille of an average month).
_COMMON_MIX: dict[str, int] = {
    "facilities.water": 55,
    "facilities.drainage": 55,
    "facilities.power": 25,
    "facilities.gas": 8,
    "facilities.heating": 70,
    "facilities.lighting": 35,
    "facilities.fabric": 45,
    "environment.garbage": 70,
    "environment.greening": 30,
    "environment.cleaning": 40,
    "environment.pests": 20,
    "noise.square_dancing": 30,
    "noise.renovation": 60,
    "disputes.leaks": 45,
    "disputes.common_space": 40,
    "disputes.pets": 35,
    "safety.fire": 20,
    "safety.ebikes": 35,
    "safety.security": 20,
    "safety.structure": 4,
    "care.elderly": 15,
    "care.meals": 8,
    "care.children": 8,
    "fees.property": 40,
    "fees.maintenance_fund": 8,
    "fees.parking": 15,
    "parking.order": 65,
    "parking.ev": 12,
    "services.certificates": 22,
    "services.social_security": 14,
    "other": 10,
}

CATEGORY_MIX: dict[str, dict[str, int]] = {
    OLD_ESTATE: {
        **_COMMON_MIX,
        "facilities.drainage": 85,
        "facilities.fabric": 75,
        "facilities.heating": 90,
        "disputes.leaks": 60,
        "safety.ebikes": 50,
        "care.elderly": 35,
        "care.meals": 18,
        "care.children": 3,
        "parking.ev": 6,
        "renewal.elevator": 25,
        "renewal.works": 30,
        "noise.business": 4,
    },
    HIGH_RISE: {
        **_COMMON_MIX,
        "facilities.lifts": 110,
        "noise.renovation": 90,
        "disputes.pets": 50,
        "care.children": 30,
        "care.elderly": 5,
        "fees.property": 60,
        "fees.parking": 40,
        "parking.ev": 40,
        "noise.business": 4,
    },
    MIXED: {
        **_COMMON_MIX,
        "facilities.lifts": 35,
        "noise.business": 70,
        "parking.order": 85,
        "care.elderly": 18,
        "renewal.works": 8,
    },
}

#: Monthly multipliers, January first. Categories not listed are steady through the year.
SEASON: dict[str, tuple[float, ...]] = {
    "facilities.heating": (1.6, 1.2, 0.7, 0.1, 0, 0, 0, 0, 0, 0.4, 2.2, 2.0),
    "facilities.water": (0.9, 0.8, 0.8, 0.9, 1.0, 1.3, 1.6, 1.5, 1.1, 0.9, 0.8, 0.9),
    "facilities.drainage": (0.5, 0.5, 0.6, 0.8, 1.0, 1.4, 2.6, 2.4, 1.2, 0.8, 0.6, 0.6),
    "facilities.fabric": (0.6, 0.6, 0.7, 0.9, 1.0, 1.4, 2.4, 2.1, 1.1, 0.8, 0.7, 0.7),
    "disputes.leaks": (0.8, 0.8, 0.9, 0.9, 1.0, 1.2, 1.6, 1.5, 1.0, 0.9, 0.8, 0.8),
    "facilities.power": (0.9, 0.8, 0.7, 0.7, 0.9, 1.3, 1.8, 1.7, 1.0, 0.7, 0.7, 0.9),
    "facilities.gas": (1.6, 1.4, 1.0, 0.7, 0.5, 0.5, 0.5, 0.5, 0.7, 1.0, 1.4, 1.6),
    "facilities.lifts": (0.9, 0.8, 0.9, 0.9, 1.0, 1.2, 1.4, 1.3, 1.0, 0.9, 0.9, 0.9),
    "environment.pests": (0.2, 0.2, 0.4, 0.8, 1.3, 2.0, 2.6, 2.4, 1.4, 0.6, 0.3, 0.2),
    "environment.greening": (0.4, 0.5, 1.3, 2.0, 1.8, 1.2, 1.0, 1.0, 0.9, 0.8, 0.8, 0.5),
    "environment.garbage": (1.4, 1.6, 0.9, 0.9, 1.0, 1.2, 1.3, 1.3, 1.0, 1.1, 0.9, 1.0),
    "noise.square_dancing": (0.3, 0.3, 0.7, 1.2, 1.8, 2.0, 2.0, 1.9, 1.6, 1.1, 0.5, 0.3),
    "noise.renovation": (0.6, 0.4, 1.3, 1.5, 1.3, 1.0, 0.8, 0.8, 1.3, 1.4, 1.0, 0.8),
    "noise.business": (0.6, 0.6, 0.8, 1.0, 1.3, 1.6, 1.8, 1.7, 1.3, 1.0, 0.7, 0.6),
    "safety.ebikes": (1.3, 1.1, 0.9, 0.9, 1.0, 1.0, 1.0, 1.0, 0.9, 0.9, 1.0, 1.2),
    "safety.security": (1.3, 1.5, 0.9, 0.9, 0.9, 0.9, 1.0, 1.0, 0.9, 1.0, 1.0, 1.2),
    "care.elderly": (1.4, 1.3, 1.0, 0.9, 0.8, 0.9, 1.1, 1.1, 0.9, 0.9, 1.0, 1.3),
    "fees.property": (2.0, 1.6, 1.4, 0.8, 0.7, 0.7, 0.7, 0.7, 0.8, 0.9, 1.0, 1.5),
    "services.certificates": (0.8, 0.7, 0.9, 0.9, 1.2, 1.6, 1.7, 1.5, 1.0, 0.8, 0.7, 0.7),
    "renewal.works": (0.4, 0.3, 1.0, 1.4, 1.5, 1.4, 1.2, 1.1, 1.3, 1.3, 0.8, 0.4),
}

#: Where a category's matter is: "unit" (the requester's flat), "stairwell", "building", or common spaces by
#: code in order of preference (the first one the community has; the requester's building otherwise).
PLACES: dict[str, tuple[str, ...]] = {
    "facilities.water": ("stairwell",),
    "facilities.drainage": ("stairwell",),
    "facilities.power": ("stairwell",),
    "facilities.gas": ("stairwell",),
    "facilities.heating": ("unit",),
    "facilities.lifts": ("stairwell",),
    "facilities.lighting": ("stairwell",),
    "facilities.fabric": ("stairwell",),
    "environment.garbage": ("building",),
    "environment.greening": ("garden", "building"),
    "environment.cleaning": ("stairwell",),
    "environment.pests": ("building",),
    "noise.square_dancing": ("square", "garden", "playground"),
    "noise.renovation": ("unit",),
    "noise.business": ("building",),
    "disputes.leaks": ("unit",),
    "disputes.common_space": ("stairwell",),
    "disputes.pets": ("stairwell",),
    "safety.fire": ("building",),
    "safety.ebikes": ("stairwell",),
    "safety.security": ("building",),
    "safety.structure": ("unit",),
    "care.elderly": ("unit",),
    "care.meals": ("unit",),
    "care.children": ("playground", "unit"),
    "fees.property": ("unit",),
    "fees.maintenance_fund": ("building",),
    "fees.parking": ("unit",),
    "parking.order": ("parking", "garage", "building"),
    "parking.ev": ("parking", "garage", "building"),
    "renewal.elevator": ("stairwell",),
    "renewal.works": ("building",),
    "services.certificates": ("unit",),
    "services.social_security": ("unit",),
    "other": ("square", "garden", "building"),
}

#: Categories that only make sense in buildings of one sort.
NEEDS_ELEVATOR = frozenset({"facilities.lifts"})
NEEDS_SHOPS = frozenset({"noise.business"})
#: Utilities and lifts are handled round the clock; other handlers act in the day.
#: Who may take over a disputed dispatch (the committee otherwise): bodies that lead matters, not volunteers.
CAN_TAKE_OVER = frozenset({"property", "cleaning", "elevator", "police", "city_management", "street_office"})
ROUND_THE_CLOCK = frozenset({"facilities.gas", "facilities.lifts", "facilities.water", "facilities.power"})
#: Matters of a shared place that several residents report at once (duplicates to merge).
SHARED = frozenset(
    {
        "facilities.water",
        "facilities.drainage",
        "facilities.power",
        "facilities.gas",
        "facilities.lifts",
        "facilities.lighting",
        "environment.garbage",
        "noise.square_dancing",
        "noise.business",
        "parking.order",
    }
)
#: Private or personal matters are never published.
PRIVATE = frozenset(
    {"services.certificates", "services.social_security", "care.elderly", "care.meals", "disputes.leaks"}
)


@dataclass(frozen=True, slots=True)
class Template:
    kind: str
    text: str
    urgency: str = "normal"


def _t(kind: str, text: str, urgency: str = "normal") -> Template:
    return Template(kind, text, urgency)


H, C, Q, S = "help_request", "complaint", "consultation", "suggestion"

#: Descriptions. ``{addr}`` is the requester's flat (7号楼2单元301室), ``{stairwell}`` (7号楼2单元), ``{building}``
#: (7号楼), ``{place}`` the place named in the appeal, ``{floor}`` a floor of the building.
TEMPLATES: dict[str, tuple[Template, ...]] = {
    "facilities.water": (
        _t(H, "{stairwell}这几天水压特别低，{floor}楼以上早晚用水高峰基本不出水，请尽快检查二次供水泵。"),
        _t(H, "{stairwell}的自来水发黄，有明显铁锈味，家里老人孩子不敢喝，请查一下管道。"),
        _t(H, "{stairwell}楼道里的供水管爆了，水一直往楼下流，请赶紧来人关阀门！", "emergency"),
    ),
    "facilities.drainage": (
        _t(H, "{stairwell}一楼下水道堵了，污水从地漏往外冒，味道很大，请尽快疏通。"),
        _t(C, "{building}门口的化粪池又满了，一下雨污水就漫到路面上，已经反映过好几次。"),
        _t(H, "{stairwell}的污水管返水，一楼住户卫生间全是污水，请马上派人处理。"),
    ),
    "facilities.power": (
        _t(H, "{stairwell}楼道电表箱总是跳闸，整个单元晚上经常停电，请派电工检查线路。"),
        _t(H, "{stairwell}突然全部停电，邻近单元有电，家里有卧床老人，请尽快处理。", "emergency"),
    ),
    "facilities.gas": (
        _t(H, "{stairwell}楼道里燃气味很浓，怀疑哪家管道漏气，请马上派人来查！", "emergency"),
    ),
    "facilities.heating": (
        _t(C, "{addr}暖气不热，室温只有十四五度，家里老人受不了，请供热单位上门检查。"),
        _t(H, "{addr}暖气片接口漏水，地板都泡了，请尽快派人维修。"),
        _t(Q, "今年什么时候开始供暖？{building}去年暖气就不热，今年能不能提前检修管道？"),
    ),
    "facilities.lifts": (
        _t(H, "{stairwell}的电梯停在{floor}楼不动了，里面有人被困，请马上派维保人员！", "emergency"),
        _t(C, "{stairwell}电梯这个月已经坏了好几次，运行时有异响，住高层的老人不敢坐，请彻底检修。"),
        _t(H, "{stairwell}电梯按键失灵，停不了{floor}楼，只能走楼梯上下。"),
    ),
    "facilities.lighting": (
        _t(H, "{stairwell}楼道的声控灯坏了很久，晚上上下楼一片漆黑，老人差点摔倒。"),
        _t(H, "{building}门前的路灯不亮了，晚上走路看不清，请尽快修一下。"),
    ),
    "facilities.fabric": (
        _t(H, "{stairwell}顶层屋面漏水，一下雨卧室天花板就往下滴水，墙皮都掉了。"),
        _t(C, "{building}外墙墙皮脱落，掉在楼下人行道上，很危险，请尽快处理。"),
        _t(H, "{stairwell}楼梯扶手松动，楼道窗户玻璃也碎了，请安排维修。"),
    ),
    "environment.garbage": (
        _t(C, "{building}旁边的垃圾桶满了一天没人清运，味道很大，还招苍蝇。"),
        _t(S, "建议在{building}附近增加一个厨余垃圾投放点，现在要走很远，很多人图方便乱扔。"),
        _t(C, "{building}门口有人倒了一堆装修垃圾，好几天没人清理。"),
    ),
    "environment.greening": (
        _t(S, "{place}的树长得太高，挡住了低层住户的阳光，建议修剪一下。"),
        _t(C, "{place}的绿地被人开垦种菜，浇粪水味道很大，请管理一下。"),
        _t(H, "{place}有棵大树的枝干快断了，刮风怕砸到人和车。"),
    ),
    "environment.cleaning": (
        _t(C, "{stairwell}楼道好几周没人打扫，地上都是灰和小广告。"),
        _t(C, "{stairwell}门口地面上有很多狗粪和垃圾，保洁好像很少来。"),
    ),
    "environment.pests": (
        _t(H, "{building}地下室老鼠很多，晚上都跑进一楼住户家里了，请安排灭鼠。"),
        _t(H, "{building}周围积水多，蚊子特别多，请安排消杀。"),
    ),
    "noise.square_dancing": (
        _t(C, "{place}的广场舞音响声音太大，晚上九点多还在放，孩子没法写作业。"),
        _t(S, "希望在{place}跳广场舞的队伍把音响调小一点，或者换到离住宅远一点的位置。"),
    ),
    "noise.renovation": (
        _t(C, "{stairwell}有一户装修，中午和周末也在用电钻，严重影响休息，请物业管一管。"),
        _t(C, "楼上装修每天早上七点多就开始砸墙，{addr}家里有病人，实在受不了。"),
    ),
    "noise.business": (
        _t(C, "{building}底商的烧烤店每天营业到凌晨，油烟和噪音很大，楼上根本没法睡觉。"),
        _t(C, "{building}楼下的超市天天用大喇叭循环播放促销广告，吵得很。"),
    ),
    "disputes.leaks": (
        _t(H, "楼上往我家渗水，{addr}卫生间天花板一直滴水，楼上说不是他家的问题，请社区协调。"),
        _t(H, "{addr}厨房墙面大片渗水发霉，怀疑是楼上防水层坏了，沟通多次无果。"),
    ),
    "disputes.common_space": (
        _t(C, "{stairwell}楼道里有住户堆放纸箱和旧家具，把通道堵了一半，存在安全隐患。"),
        _t(C, "{stairwell}一楼住户私自圈占楼前绿地搭了个小棚子，请处理。"),
    ),
    "disputes.pets": (
        _t(C, "{stairwell}有户人家养的狗整夜叫，劝过几次没用，请社区协调。"),
        _t(C, "{stairwell}门口经常有人遛狗不拴绳，孩子被吓哭了好几次。"),
    ),
    "safety.fire": (
        _t(C, "{building}门口的消防通道被私家车长期占用，万一有火情消防车进不来。"),
        _t(H, "{building}楼道的灭火器过期了，消火栓箱里也是空的。"),
    ),
    "safety.ebikes": (
        _t(C, "{stairwell}有人从{floor}楼窗户拉电线下来给电动车充电，非常危险。"),
        _t(C, "{stairwell}一楼楼道里停了好几辆电动车，晚上还在楼道里充电。"),
        _t(S, "建议在{building}附近增加电动车集中充电桩，解决飞线充电的问题。"),
    ),
    "safety.security": (
        _t(H, "{building}楼下的电动车电瓶被偷了，能不能帮忙调一下监控？"),
        _t(C, "{building}晚上经常有陌生人进出，单元门禁形同虚设，请加强管理。"),
    ),
    "safety.structure": (_t(H, "{addr}卧室墙上出现好几条裂缝，最近越来越宽，担心房子有危险，请派人鉴定。"),),
    "care.elderly": (
        _t(H, "{addr}住着一位独居老人，这几天没见出门，打电话也不接，请社区上门看看。"),
        _t(Q, "{addr}家里老人行动不便，想申请居家养老上门服务，请问怎么办理？"),
    ),
    "care.meals": (
        _t(Q, "社区老年助餐点的午餐怎么订？八十岁以上是不是有补贴？"),
        _t(S, "希望助餐点能增加送餐上门服务，{building}有好几位老人腿脚不好。"),
    ),
    "care.children": (
        _t(C, "{place}的儿童滑梯坏了，边角很尖，容易划伤孩子。"),
        _t(Q, "小区附近的托育机构还有名额吗？两岁半的孩子能不能入托？"),
    ),
    "fees.property": (
        _t(C, "物业费今年涨了，服务却没见提高，希望公开物业费收支明细。"),
        _t(Q, "{addr}的物业费怎么线上缴纳？能不能开电子发票？"),
    ),
    "fees.maintenance_fund": (_t(Q, "{building}屋顶防水要大修，能不能申请使用专项维修资金？需要什么手续？"),),
    "fees.parking": (
        _t(C, "小区停车费涨价没有经过业主大会表决，请问是否合规？"),
        _t(Q, "{addr}家里新买了车，月租车位怎么办理？"),
    ),
    "parking.order": (
        _t(C, "{place}晚上车辆乱停乱放，把出口都堵了，早上车开不出去。"),
        _t(C, "{place}有辆车长期停着不动，已经落满灰，好像是僵尸车。"),
    ),
    "parking.ev": (_t(S, "小区能不能在{place}安装新能源车充电桩？现在只能去外面充电，很不方便。"),),
    "renewal.elevator": (
        _t(Q, "{stairwell}的邻居们想加装电梯，需要多少户同意？费用怎么分摊？"),
        _t(C, "{stairwell}加装电梯一楼住户一直不同意，工作卡住了，请社区出面协调。"),
    ),
    "renewal.works": (
        _t(C, "老旧小区改造施工把{building}门前的路挖开一个多月了，一直没恢复，出行很不方便。"),
        _t(Q, "{building}这次改造包括哪些内容？外墙保温和雨污分流都做吗？"),
    ),
    "services.certificates": (
        _t(Q, "孩子上学需要开具居住证明，请问要带哪些材料？"),
        _t(H, "{addr}需要开一份居住证明，老人行动不便，能否上门办理？"),
    ),
    "services.social_security": (
        _t(Q, "想咨询低保申请的条件和流程，家里收入最近减少了很多。"),
        _t(Q, "退休人员医保关系转移需要到哪里办理？"),
    ),
    "other": (_t(S, "建议在{place}增加几张休息座椅，老人散步累了没地方坐。"),),
}

#: Replies by category, or by top-level category as a fallback.
REPLIES: dict[str, tuple[str, ...]] = {
    "facilities.water": (
        "已安排维修人员检查二次供水泵，更换了损坏的减压阀，目前水压已恢复正常。",
        "已冲洗{stairwell}供水立管并送检水样，水质检测合格，请放心使用。",
    ),
    "facilities.drainage": (
        "已联系管道疏通队对{stairwell}排污主管进行疏通，清理出大量油污杂物，现已排水通畅。",
        "已对化粪池进行清掏，并将定期清掏写入维护计划。",
    ),
    "facilities.power": ("电工已更换老化的空气开关和进户线，线路检测正常。",),
    "facilities.gas": ("燃气公司抢修人员已到场，确认为一户燃气软管老化漏气，已关阀更换，现场检测无泄漏。",),
    "facilities.heating": (
        "供热站已上门排气并清洗过滤网，室温已升至20度。",
        "维修人员已更换漏水的暖气片阀门，地面已清理。",
    ),
    "facilities.lifts": (
        "维保人员已到场处置，被困人员已安全救出，故障为门机板损坏，已更换配件并恢复运行。",
        "已对{stairwell}电梯进行全面检修，更换了曳引轮和门锁触点，并经特检机构复检合格。",
    ),
    "facilities.lighting": ("已更换{stairwell}楼道声控灯和损坏的开关，照明恢复正常。",),
    "facilities.fabric": (
        "已安排对{stairwell}顶层屋面局部重做防水，雨后已回访确认不再渗漏。",
        "已清除外墙松动墙皮并设置警示区，外墙修缮已纳入本年度维修计划。",
    ),
    "environment": (
        "保洁公司已完成清理，并调整为每日两次清运，将加强巡查。",
        "已安排人员处理，并将该点位纳入日常巡查。",
    ),
    "environment.pests": ("已对地下室和绿化带进行消杀，投放了鼠饵站，两周后复查。",),
    "environment.greening": ("园林工人已对树木进行修剪，并清理了私自开垦的菜地。",),
    "noise": (
        "已上门劝导并约定作息时间，告知装修管理规定，后续将持续关注。",
        "已与相关人员沟通，音响音量已调低，活动时间调整为19:30至21:00。",
    ),
    "noise.business": ("城管中队已对该商户进行约谈并责令整改，限定夜间营业时间和油烟净化。",),
    "disputes": (
        "社区已组织双方协商，楼上住户同意维修防水层，维修期间物业配合关阀。",
        "已上门调解，双方达成一致，楼道杂物已清理。",
    ),
    "safety": (
        "已清理楼道内的电动车和飞线，并张贴安全提示，物业将每日巡查。",
        "已调取监控并报派出所备案，单元门禁已维修。",
        "已更换过期灭火器，消防通道已清理并施划禁停标线。",
    ),
    "safety.structure": ("已请房屋安全鉴定机构现场查看，裂缝为抹灰层开裂，不影响结构安全，已安排修补。",),
    "care": (
        "社区工作人员已上门看望，老人身体无碍，已为其登记关爱服务并安排志愿者定期探访。",
        "已电话告知办理流程，助餐点可凭老年卡订餐，八十岁以上每餐补贴3元。",
    ),
    "fees": (
        "已在小区公示栏和线上公开年度物业费收支情况，欢迎业主监督。",
        "已告知线上缴费方式和电子发票开具流程。",
    ),
    "parking": (
        "已对乱停车辆张贴告知单并联系车主挪车，夜间增加秩序维护人员巡查。",
        "已将充电桩安装需求汇总报业委会，正在征求业主意见。",
    ),
    "renewal": (
        "已告知加装电梯的政策和表决规则，社区将组织单元协调会。",
        "已督促施工单位尽快恢复路面，并在施工区域设置临时通道。",
    ),
    "services": (
        "已告知需携带户口本、身份证和租房合同，工作日可到社区服务站办理。",
        "已电话说明办理条件和流程，并预约了街道社保窗口。",
    ),
    "other": ("已记录您的建议，社区将在本季度议事会上讨论。",),
}

#: Why a lead disputes a dispatch, by the lead's key.
DISPUTE_REASONS: dict[str, str] = {
    "property": "该事项需要业主共同决定或涉及其他单位职责，不属于日常物业服务范围，请社区协调。",
    "property_home": "该问题属于业主户内自用设施，不在物业服务合同范围内，建议由社区协调。",
    "cleaning": "反映的是装修垃圾，不在生活垃圾清运合同范围内。",
    "police": "该事项属于停车管理纠纷，不属于治安案件，建议由物业处理。",
    "city_management": "反映的地点位于小区红线内，不属于城管执法范围。",
    "dance": "我们队已按约定时间活动，音量也已调低，不应由我们办理。",
    "elevator": "经现场检查，故障原因是供电线路问题，不属于电梯本体，请改派。",
}
DEFAULT_DISPUTE_REASON = "经核实，该事项不在本单位职责范围内，请重新派单。"
REJECT_REASON = "经现场核实，问题位于公共部位，属于贵单位职责范围，请按时办理。"
REDISPATCH_REASON = "经核实争议成立，改派{lead}办理。"
REOPEN_REASONS = (
    "回复说已经处理，但现场还是老样子。",
    "问题没有彻底解决，过了几天又出现同样的情况。",
    "维修后第二天又坏了，请重新处理。",
)
SUPERVISOR_REOPEN_REASON = "回访不满意，街道督办，请重新办理。"
MERGE_REASON = "同一楼栋同一问题，合并办理。"
#: Notes of return visits by method (a phone call or a home visit) and how the requester felt.
VISIT_NOTES: dict[str, tuple[str, ...]] = {
    "phone_good": ("电话回访，居民表示问题已经解决。", "电话回访，居民对处理结果表示认可。"),
    "phone_bad": ("电话回访，居民认为处理太慢，问题没有根本解决。", "电话回访，居民表示仍有问题。"),
    "visit_good": ("上门回访，居民对处理结果表示满意。", "上门回访，现场查看已处理到位。"),
    "visit_bad": ("上门回访，现场查看问题仍未解决。", "上门回访，居民对处理结果不满意。"),
}
COMMENTS: dict[str, tuple[str, ...]] = {
    "good": ("处理很及时，谢谢！", "师傅很负责。", ""),
    "bad": ("拖了太久。", "问题没有根本解决。", ""),
}
CONSENT_NOTES: dict[str, str] = {
    "grid_patrol": "网格员{worker}入户走访时记录，居民口头同意由网格员代为提交。",
    "walk_in": "居民到社区党群服务中心当面反映，工作人员代为录入，居民已确认内容。",
}


@dataclass(frozen=True, slots=True)
class Profile:
    """How a subject handles appeals: a median signing delay in hours, the share signed for only after a day,
    the share replied after the time limit, the share of dispatches it disputes, and the chance the matter is
    resolved."""

    sign_hours: float
    slow_sign: float
    late: float
    dispute: float
    quality: float


DEFAULT_PROFILE = Profile(3.0, 0.03, 0.04, 0.03, 0.80)
#: By subject key; ``(community, key)`` rows take precedence, so the three property companies differ.
PROFILES: dict[str | tuple[str, str], Profile] = {
    "rc": Profile(1.0, 0.01, 0.02, 0.0, 0.86),
    (OLD_ESTATE, "property"): Profile(3.5, 0.04, 0.06, 0.06, 0.76),
    (HIGH_RISE, "property"): Profile(1.5, 0.01, 0.02, 0.04, 0.87),
    (MIXED, "property"): Profile(4.5, 0.05, 0.07, 0.06, 0.74),
    "cleaning": Profile(1.0, 0.01, 0.02, 0.03, 0.88),
    "elevator": Profile(0.4, 0.0, 0.08, 0.02, 0.80),
    "eldercare": Profile(2.0, 0.01, 0.02, 0.0, 0.92),
    "childcare": Profile(2.0, 0.01, 0.02, 0.0, 0.90),
    "street_office": Profile(5.0, 0.06, 0.06, 0.0, 0.78),
    "police": Profile(1.0, 0.01, 0.03, 0.05, 0.84),
    "city_management": Profile(6.0, 0.06, 0.10, 0.10, 0.68),
    "hoc": Profile(10.0, 0.10, 0.10, 0.0, 0.72),
    "group": Profile(6.0, 0.06, 0.04, 0.02, 0.84),
    "dance": Profile(8.0, 0.08, 0.06, 0.10, 0.66),
}

#: Matters that rose in the last month (hot spots): (community, building, category, appeals, over days).
INCIDENTS: tuple[tuple[str, str, str, int, int], ...] = (
    (OLD_ESTATE, "12", "facilities.drainage", 8, 26),
    (HIGH_RISE, "7", "facilities.lifts", 7, 22),
)
