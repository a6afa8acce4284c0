"""One date format per language, everywhere: "7 Dec 2026, 14:05" and "2026年12月7日 14:05"."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import formats, translation

import comity

MOMENT = datetime(2026, 12, 7, 14, 5, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.mark.parametrize(
    ("language", "short_date", "short_datetime", "month"),
    [
        ("en", "7 Dec 2026", "7 Dec 2026, 14:05", "Dec 2026"),
        ("zh-hans", "2026年12月7日", "2026年12月7日 14:05", "2026年12月"),
    ],
)
def test_each_language_has_one_date_format(
    language: str, short_date: str, short_datetime: str, month: str
) -> None:
    with translation.override(language):
        assert formats.date_format(date(2026, 12, 7), "SHORT_DATE_FORMAT") == short_date
        assert formats.date_format(date(2026, 12, 7), "DATE_FORMAT") == short_date
        assert formats.date_format(MOMENT, "SHORT_DATETIME_FORMAT") == short_datetime
        assert formats.date_format(MOMENT, "DATETIME_FORMAT") == short_datetime
        assert formats.date_format(date(2026, 12, 7), "YEAR_MONTH_FORMAT") == month
        rendered = Template('{{ when|date:"SHORT_DATETIME_FORMAT" }}|{{ day }}').render(
            Context({"when": MOMENT.replace(tzinfo=None), "day": date(2026, 12, 7)})
        )
        assert rendered == f"{short_datetime}|{short_date}"


#: A date filter with a spelled-out format. Machine-readable values (``datetime=""``, ``value=""``, ``min``/``max``
#: of date inputs, ISO ``c``) are not what a reader sees and may spell theirs.
AD_HOC = re.compile(r"""\|date:(["'])(?P<format>[^"']*)\1""")
MACHINE_ATTRIBUTE = re.compile(r"""(datetime|value|min|max)=["']\{\{[^}]*$""")


def test_templates_use_the_named_formats_not_ad_hoc_ones() -> None:
    root = Path(comity.__file__).parent
    offenders = []
    for template in sorted(root.rglob("templates/**/*.html")):
        for number, line in enumerate(template.read_text(encoding="utf-8").splitlines(), start=1):
            for match in AD_HOC.finditer(line):
                named = match["format"].endswith("_FORMAT")
                machine = match["format"] == "c" or MACHINE_ATTRIBUTE.search(line[: match.start()])
                if not named and not machine:
                    offenders.append(f"{template.relative_to(root)}:{number}: {match.group(0)}")
    assert offenders == []
