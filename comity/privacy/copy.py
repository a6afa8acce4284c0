"""A resident's copy of their personal data (PIPL Art. 45): as JSON, and as a spreadsheet to read.

The copy is built from the apps' declarations (``personal_data.py``): every declared holding's rows that name the
account, its person in the register or their household (``comity.privacy.selectors.copy`` reads them), each with
its fields as stored — less secrets (password and code hashes), which never leave. Sections are keyed by the model
(``"appeals.Appeal"``) and say, in the reader's language, what the rows are and which category of the processing
register they belong to; each row says whether it is the person's own (``"_own": true``) or one they only acted on
as staff, which shows what they did without the data of the person it was about. The copy also says which notice
was in force and the consents given.

Nothing here is audited: it is the person's own read of their own data.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterable
from datetime import date, datetime, time
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from uuid import UUID

import openpyxl
from django.db import models
from django.db.models.fields.files import FieldFile
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from openpyxl.styles import Font

from comity.engine.privacy import REGISTER, Basis
from comity.engine.spreadsheet import neutralise_row
from comity.privacy.register import WORDS
from comity.privacy.selectors.copy import HoldingRows, Labels, copy_rows, path_target, standing_consents
from comity.privacy.services.notice import current_notice

__all__ = ["copy_workbook", "data_copy", "path_target"]

FORMAT = "comity-personal-data-copy/1"

if TYPE_CHECKING:
    Field = models.Field[Any, Any]


def _named(obj: models.Model | None) -> dict[str, Any] | None:
    return None if obj is None else {"id": obj.pk, "text": str(obj)}


def json_value(row: models.Model, field: Field, labels: Labels) -> Any:
    """A field's value as JSON: dates and times in ISO 8601, decimals as text, named objects as id and text."""
    if field.many_to_many:
        return [_named(obj) for obj in getattr(row, field.name).all()]
    value = getattr(row, field.attname)
    if field.is_relation:
        if value is None:
            return None
        related: Any = field.related_model
        return {"id": value, "text": labels.get((related._meta.label, value), "")}
    if isinstance(value, FieldFile):
        return value.name or ""
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal | UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return None
    return value


def _section(part: HoldingRows, labels: Labels) -> dict[str, Any]:
    holding = part.holding
    meta = holding.model_class._meta
    # A field of another category than the row's (a person's phone is "contact").
    categories = {name: code for code, names in holding.fields_by_category.items() for name in names}
    rows = []
    for row, own in part.rows:
        values: dict[str, Any] = {"_own": own}
        for field in part.fields:
            if own or field.name not in part.hidden:
                values[field.name] = json_value(row, field, labels)
        rows.append(values)
    return {
        "name": str(capfirst(meta.verbose_name_plural)),
        "category": holding.category,
        "category_name": str(WORDS[holding.category].name),
        "fields": [
            {
                "name": field.name,
                "label": str(capfirst(field.verbose_name)),
                "category": categories.get(field.name, holding.category),
            }
            for field in part.fields
        ],
        "rows": rows,
    }


def _consents(person_id: int | None) -> list[dict[str, Any]]:
    """Each consent-based category of the register: whether the person's consent to it stands."""
    standing = standing_consents(person_id)
    items = []
    for item in REGISTER:
        if item.basis != Basis.CONSENT:
            continue
        given = standing.get(item.code)
        items.append(
            {
                "category": item.code,
                "category_name": str(WORDS[item.code].name),
                "given": given is not None,
                "given_at": given.given_at.isoformat() if given else None,
                "notice_version": given.notice.number if given else None,
                "channel": given.channel if given else None,
            }
        )
    return items


def data_copy(user: Any) -> dict[str, Any]:
    """The user's copy of their data, JSON-able, in the active language."""
    return _build(user)[0]


def _build(user: Any) -> tuple[dict[str, Any], list[HoldingRows]]:
    """The copy, and the holdings' rows it was made of (those with rows)."""
    every, labels = copy_rows(user)
    parts = [part for part in every if part.rows]
    person = next(
        (row for part in parts if part.holding.model == "structure.Person" for row, own in part.rows if own),
        None,
    )
    notice = current_notice()
    copy = {
        "format": FORMAT,
        "made_at": timezone.now().isoformat(),
        "language": translation.get_language() or "en",
        "account": {"id": user.pk, "username": user.get_username()},
        "person": _named(person),
        "notice": (
            {"version": notice.number, "published_at": notice.published_at.isoformat()} if notice else None
        ),
        "consents": _consents(person.pk if person else None),
        "sections": {part.holding.model: _section(part, labels) for part in parts},
    }
    return copy, parts


# --- The workbook --------------------------------------------------------------------------------------------------

_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def _sheet_title(name: str, taken: set[str]) -> str:
    """A sheet name Excel accepts (at most 31 characters, none of ``[]:*?/\\``), unique in the workbook."""
    base = _SHEET_FORBIDDEN.sub(" ", name).strip()[:31] or "Sheet"
    title, number = base, 2
    while title.lower() in taken:
        suffix = f" ({number})"
        title, number = base[: 31 - len(suffix)] + suffix, number + 1
    taken.add(title.lower())
    return title


def _cell(field: Field, value: Any) -> Any:
    """A JSON value as a spreadsheet cell to read: named objects by their text, choices by their label, yes and
    no in words, moments in the site's time zone."""
    if value is None:
        return ""
    if field.many_to_many:
        return "; ".join(item["text"] for item in value)
    if field.is_relation:
        return value["text"]
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(field, models.DateTimeField) and isinstance(value, str):
        return timezone.localtime(datetime.fromisoformat(value)).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return value


def _bold_header(sheet: Any, header: Iterable[str]) -> None:
    sheet.append(neutralise_row(list(header)))
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)


def _about(sheet: Any, copy: dict[str, Any], parts: list[HoldingRows], titles: dict[str, str]) -> None:
    made = timezone.localtime(datetime.fromisoformat(copy["made_at"])).strftime("%Y-%m-%d %H:%M")
    notice = copy["notice"]
    person = copy["person"]
    lines: list[list[Any]] = [
        [_("A copy of the personal information Comity holds about you (PIPL Art. 45).")],
        [_("Each sheet holds one kind of record; the first row of a sheet names its columns.")],
        [],
        [_("Account"), copy["account"]["username"]],
        [_("Registered as"), person["text"] if person else _("Not in a community's register")],
        [_("Made on"), made],
        [
            _("Privacy notice in force"),
            _("version %(number)s") % {"number": notice["version"]} if notice else "",
        ],
        [],
    ]
    for line in lines:
        sheet.append(neutralise_row(line))
    sheet["A1"].font = Font(bold=True)
    _bold_header(sheet, [_("Consent"), _("Given"), _("Since"), _("Under notice version")])
    for item in copy["consents"]:
        given_at = (
            timezone.localtime(datetime.fromisoformat(item["given_at"])).strftime("%Y-%m-%d")
            if item["given_at"]
            else ""
        )
        sheet.append(
            neutralise_row(
                [
                    item["category_name"],
                    _("Yes") if item["given"] else _("No"),
                    given_at,
                    item["notice_version"],
                ]
            )
        )
    sheet.append([])
    _bold_header(sheet, [_("Sheet"), _("What it holds"), _("Register category"), _("Rows")])
    for part in parts:
        section = copy["sections"][part.holding.model]
        sheet.append(
            neutralise_row(
                [titles[part.holding.model], section["name"], section["category_name"], len(part.rows)]
            )
        )
    sheet.column_dimensions["A"].width = 40
    sheet.column_dimensions["B"].width = 40
    sheet.column_dimensions["C"].width = 32


def copy_workbook(user: Any, language: str) -> bytes:
    """The user's copy as an ``.xlsx`` workbook in ``language``: a first sheet about the copy, then one sheet per
    kind of record, its columns named as the pages name the fields. Text that a spreadsheet would run as a formula
    is written inert (:mod:`comity.engine.spreadsheet`)."""
    with translation.override(language):
        copy, parts = _build(user)
        workbook = openpyxl.Workbook()
        about = workbook.active
        assert about is not None
        taken: set[str] = set()
        about.title = _sheet_title(_("About this copy"), taken)
        titles = {
            part.holding.model: _sheet_title(copy["sections"][part.holding.model]["name"], taken)
            for part in parts
        }
        _about(about, copy, parts, titles)
        for part in parts:
            section = copy["sections"][part.holding.model]
            sheet = workbook.create_sheet(titles[part.holding.model])
            _bold_header(sheet, [item["label"] for item in section["fields"]])
            for row in section["rows"]:
                sheet.append(neutralise_row([_cell(field, row.get(field.name)) for field in part.fields]))
            sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
