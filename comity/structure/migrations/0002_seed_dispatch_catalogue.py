"""Load the default dispatch catalogue so every installation can build its responsibility matrix.

The rows are frozen here (code, parent, English name, Chinese name, default hours, keywords) as they stood
in ``comity/engine/catalogue.py`` when this migration was written, so that re-running old migrations never
depends on today's code. Later changes to the catalogue come with migrations of their own.
"""

from django.db import migrations

CATALOGUE = [
    ('facilities', None, 'Facilities and repairs', '设施维修', 168, 'repair broken 维修 坏'),
    ('facilities.lifts', 'facilities', 'Lifts', '电梯', 24, 'lift elevator 电梯 困人'),
    ('facilities.water', 'facilities', 'Water supply', '供水', 24, 'water tap pressure 停水 水压 自来水'),
    ('facilities.drainage', 'facilities', 'Drains and sewers', '排水管道', 24, 'drain sewer blocked 堵塞 下水道 化粪池'),
    ('facilities.power', 'facilities', 'Electricity', '供电', 24, 'power electricity outage 停电 电路'),
    ('facilities.gas', 'facilities', 'Gas', '燃气', 2, 'gas leak smell 燃气 煤气 泄漏'),
    ('facilities.heating', 'facilities', 'Heating', '供暖', 24, 'heating radiator cold 暖气 供暖'),
    ('facilities.lighting', 'facilities', 'Roads and lighting', '道路照明', 168, 'street light lamp road 路灯 路面'),
    ('facilities.fabric', 'facilities', 'Roofs, walls and stairs', '房屋本体', 168, 'roof leak wall stair 屋顶 漏水 外墙 楼道'),
    ('environment', None, 'Environment and sanitation', '环境卫生', 168, 'dirty 卫生 环境'),
    ('environment.garbage', 'environment', 'Garbage and sorting', '垃圾分类与清运', 24, 'garbage rubbish bin 垃圾 清运 分类'),
    ('environment.greening', 'environment', 'Trees and green spaces', '绿化', 168, 'tree grass prune 树 绿化 草坪'),
    ('environment.cleaning', 'environment', 'Cleaning of common areas', '公共区域保洁', 168, 'clean litter 保洁 打扫'),
    ('environment.pests', 'environment', 'Pests', '病媒消杀', 168, 'rats mosquitoes cockroach 老鼠 蚊子 蟑螂'),
    ('noise', None, 'Noise', '噪声', 168, 'noise loud 噪音 吵'),
    ('noise.square_dancing', 'noise', 'Square dancing and music', '广场舞与音乐', 168, 'dance music speaker 广场舞 音响'),
    ('noise.renovation', 'noise', 'Renovation and construction', '装修施工', 168, 'drilling renovation 装修 施工 电钻'),
    ('noise.business', 'noise', 'Shops and restaurants', '商铺噪声', 168, 'shop restaurant bar 商铺 饭店'),
    ('disputes', None, 'Neighbour disputes', '邻里纠纷', 360, 'neighbour dispute 邻居 纠纷'),
    ('disputes.leaks', 'disputes', 'Leaks between flats', '楼上楼下漏水', 168, 'leak ceiling upstairs 楼上 渗水 天花板'),
    ('disputes.common_space', 'disputes', 'Occupied common space', '占用公共空间', 168, 'corridor storage occupy 楼道 堆物 占用 杂物'),
    ('disputes.pets', 'disputes', 'Pets', '宠物', 168, 'dog cat pet barking 狗 宠物'),
    ('safety', None, 'Safety', '安全', 168, 'danger 安全 隐患'),
    ('safety.fire', 'safety', 'Fire safety and exits', '消防通道', 24, 'fire exit extinguisher 消防 通道'),
    ('safety.ebikes', 'safety', 'E-bike charging', '电动车充电', 24, 'e-bike battery charging 电动车 飞线 充电'),
    ('safety.security', 'safety', 'Security and theft', '治安', 24, 'theft stranger security 盗窃 治安'),
    ('safety.structure', 'safety', 'Unsafe buildings', '房屋安全隐患', 24, 'crack collapse 裂缝 危房'),
    ('care', None, 'Elderly and child care', '一老一小', 168, 'elderly child 老人 儿童'),
    ('care.elderly', 'care', 'Care for the elderly', '养老服务', 168, 'elderly care alone 老人 独居 养老'),
    ('care.meals', 'care', 'Meal assistance', '助餐', 168, 'meals canteen 助餐 食堂'),
    ('care.children', 'care', 'Childcare', '托育', 168, 'childcare kindergarten 托育 幼儿'),
    ('fees', None, 'Property fees and funds', '物业费用', 360, 'fee charge 收费 费用'),
    ('fees.property', 'fees', 'Property-management fees', '物业费', 360, 'property fee 物业费'),
    ('fees.maintenance_fund', 'fees', 'Maintenance fund', '维修资金', 360, 'maintenance fund 维修资金'),
    ('fees.parking', 'fees', 'Parking charges', '停车收费', 168, 'parking fee 停车费'),
    ('parking', None, 'Parking and charging', '停车与充电', 168, 'parking car 停车'),
    ('parking.order', 'parking', 'Parking order', '停车秩序', 168, 'blocked car parked 乱停 占道'),
    ('parking.ev', 'parking', 'EV charging points', '充电桩', 168, 'charger EV 充电桩'),
    ('renewal', None, 'Renovation of old estates', '老旧小区改造', 360, 'renovation 改造'),
    ('renewal.elevator', 'renewal', 'Elevator retrofit', '加装电梯', 360, 'elevator retrofit 加装电梯'),
    ('renewal.works', 'renewal', 'Renovation works', '改造工程', 360, 'renovation works 改造 工程'),
    ('services', None, 'Community services', '便民服务', 72, 'certificate service 办事 证明'),
    ('services.certificates', 'services', 'Certificates', '证明开具', 72, 'certificate proof 证明 盖章'),
    ('services.social_security', 'services', 'Social security and benefits', '社保与救助', 168, 'pension subsidy 社保 低保 救助'),
    ('other', None, 'Other matters', '其他事项', 168, ''),
]


def load_catalogue(apps, schema_editor):
    MatterCategory = apps.get_model("structure", "MatterCategory")
    by_code = {}
    for position, (code, parent, name_en, name_zh, hours, keywords) in enumerate(CATALOGUE):
        category, _ = MatterCategory.objects.update_or_create(
            code=code,
            defaults={
                "parent": by_code.get(parent),
                "name_en": name_en,
                "name_zh": name_zh,
                "default_time_limit_hours": hours,
                "keywords": keywords,
                "position": position,
            },
        )
        by_code[code] = category


def unload_catalogue(apps, schema_editor):
    MatterCategory = apps.get_model("structure", "MatterCategory")
    codes = [row[0] for row in CATALOGUE]
    MatterCategory.objects.filter(code__in=codes, parent__isnull=False, responsibilities__isnull=True).delete()
    MatterCategory.objects.filter(code__in=codes, children__isnull=True, responsibilities__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("structure", "0001_initial")]

    operations = [migrations.RunPython(load_catalogue, unload_catalogue)]
