"""Chinese names, phone numbers and dates for the demo registry.

Everything here draws from a :class:`random.Random` passed in by the caller, never from the global
generator or from Faker, so that one seed always gives the same street. Given names follow the fashions of
the decade of birth (建国 and 秀英 for people born in the 1940s and 1950s, 子涵 and 浩宇 for children), so
that a household of grandparents, parents and a child reads like one.
"""

from __future__ import annotations

import itertools
import random
from datetime import date, timedelta

#: The year ages are counted in. Fixed so that a seed gives the same birth years whenever it runs.
AGE_YEAR = 2026


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


#: Common surnames with rough frequencies per thousand (Henan has more 郭, 赵 and 孙 than the national mix).
SURNAMES: tuple[tuple[str, int], ...] = tuple(
    (item[0], int(item[1:]))
    for item in _words(
        "王78 李76 张75 刘55 陈40 杨32 赵30 郭20 孙18 黄15 周17 吴13 徐13 马16 朱13 胡12 高14 何9 林7 罗8 "
        "郑10 梁8 宋11 谢6 韩9 唐6 冯8 于7 董8 程7 曹7 袁6 邓5 许7 沈4 曾4 彭5 吕6 苏6 卢5 蒋4 蔡4 贾7 "
        "丁6 魏7 薛5 叶4 阎5 余4 潘4 杜6 夏4 田6 任6 姜4 范5 方4 石5 姚5 崔5 谭3 常5 武5 乔4 白4 孟5 "
        "侯4 秦4 史4 牛4 岳3 申3 翟3 毛3 段3 雷3 康3 耿2 尚2"
    )
)

_GIVEN: dict[tuple[str, str], tuple[str, ...]] = {
    ("m", "1940s"): _words(
        "建国 建军 国强 国庆 志刚 德明 德华 振华 保国 卫东 国栋 永福 长林 树林 福生 金山 忠义 建华 庆华 "
        "学文 玉山 宝山 富贵 春生"
    ),
    ("f", "1940s"): _words(
        "秀英 桂兰 淑珍 玉兰 桂英 秀兰 凤英 素梅 玉珍 春花 秀珍 桂芳 淑华 玉梅 翠兰 凤兰 兰英 素芳 爱华 "
        "红梅 淑英 玉芬 金凤 秀荣"
    ),
    ("m", "1960s"): _words(
        "伟 强 磊 军 勇 杰 涛 斌 超 明 刚 平 辉 鹏 华 海涛 建伟 志勇 晓东 永刚 卫国 红军 立新 海军 新民 "
        "建峰 振宇 红伟"
    ),
    ("f", "1960s"): _words(
        "丽 静 敏 燕 艳 娟 霞 芳 娜 丽娟 红霞 秀梅 晓燕 海燕 春燕 丽华 玉洁 雪梅 小红 彩霞 莉 慧 红英 "
        "俊英 晓红 丽萍"
    ),
    ("m", "1990s"): _words(
        "浩 宇 鑫 帅 晨 昊 博 凯 旭 阳 浩然 宇航 家豪 俊杰 子豪 天宇 一鸣 明轩 文博 嘉伟 亚飞 晓龙 志远 鹏飞"
    ),
    ("f", "1990s"): _words(
        "婷婷 欣怡 雨欣 佳怡 梦瑶 思雨 佳琪 雪 琳 悦 晶晶 倩 璐 雅琪 诗涵 梦琪 亚楠 可馨 佳慧 冰洁 一丹 露露"
    ),
    ("m", "2010s"): _words(
        "子轩 浩宇 梓睿 宇轩 一诺 沐辰 奕辰 皓轩 俊熙 睿泽 子墨 锦程 博文 宸 铭泽 煜祺 梓豪 嘉懿"
    ),
    ("f", "2010s"): _words(
        "子涵 欣妍 梓涵 语桐 若汐 梓萱 诗琪 思涵 雨桐 可欣 沐晴 芊芊 依诺 安琪 一诺 梓晴 语嫣 悦彤"
    ),
}

#: Mobile prefixes of the three carriers. Numbers are made up and not checked against any register.
_PHONE_PREFIXES = _words(
    "139 138 137 136 135 150 151 152 158 159 182 183 187 188 130 131 132 155 156 185 186 176 133 153 "
    "180 181 189 199"
)


def _era(birth_year: int) -> str:
    if birth_year < 1960:
        return "1940s"
    if birth_year < 1985:
        return "1960s"
    if birth_year < 2008:
        return "1990s"
    return "2010s"


def random_date(rng: random.Random, start: date, end: date) -> date:
    """A day between ``start`` and ``end`` inclusive (``start`` when the range is empty)."""
    span = (end - start).days
    return start + timedelta(days=rng.randint(0, span)) if span > 0 else start


class NameBook:
    """Draws names and phone numbers from one seeded generator."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self._surnames = [name for name, _ in SURNAMES]
        self._cum_weights = list(itertools.accumulate(weight for _, weight in SURNAMES))

    def surname(self) -> str:
        return self.rng.choices(self._surnames, cum_weights=self._cum_weights)[0]

    def given_name(self, gender: str, birth_year: int) -> str:
        return self.rng.choice(_GIVEN[(gender, _era(birth_year))])

    def full_name(self, gender: str, birth_year: int, surname: str | None = None) -> str:
        return (surname or self.surname()) + self.given_name(gender, birth_year)

    def gender(self, female_share: float = 0.5) -> str:
        return "f" if self.rng.random() < female_share else "m"

    def phone(self) -> str:
        return self.rng.choice(_PHONE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"

    def phone_for(self, birth_year: int) -> str:
        """Children have no phone of their own, and some of the oldest residents have none either."""
        age = AGE_YEAR - birth_year
        if age < 16 or (age >= 80 and self.rng.random() < 0.35):
            return ""
        return self.phone()
