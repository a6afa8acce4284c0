"""A resident's copy of their data (PIPL Art. 45): the JSON and the spreadsheet, in both languages, with nothing
secret and nobody else's rows, downloaded by every member of the cast."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from typing import Any

import openpyxl
import pytest
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from comity.accounts.models import SignInCode
from comity.foundation.personal_data import holdings
from comity.notifications.models import Notification
from comity.privacy.copy import copy_workbook, data_copy
from comity.privacy.models import Consent
from comity.privacy.services.notice import current_notice, publish_notice
from comity.structure.models import ResidencyClaim, Tenancy

from ..cast import World
from ..conftest import CAST

COPY_URLS = ("privacy:copy_json", "privacy:copy_xlsx")


def _notify(user: Any, summary: str = "Your appeal was answered") -> Notification:
    return Notification.objects.create(recipient=user, kind="appeal.replied", summary=summary, url="/")


def _code(user: Any, issued_by: Any) -> SignInCode:
    return SignInCode.objects.create(
        user=user,
        code_hash=make_password("482913"),
        issued_by=issued_by,
        expires_at=timezone.now() + timedelta(hours=1),
    )


def _workbook(content: bytes) -> Any:
    return openpyxl.load_workbook(io.BytesIO(content), read_only=False)


def _sheet_rows(sheet: Any) -> list[list[Any]]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


# --- The JSON copy -------------------------------------------------------------------------------------------------


def test_the_copy_holds_the_residents_account_register_entry_household_and_notifications(
    world: World,
) -> None:
    rui = world.user("resident")
    _notify(rui)
    copy = data_copy(rui)

    assert copy["account"] == {"id": rui.pk, "username": "rui"}
    assert copy["person"] == {"id": rui.person.pk, "text": "Rui"}
    sections = copy["sections"]
    assert [row["username"] for row in sections["accounts.User"]["rows"]] == ["rui"]
    person = sections["structure.Person"]
    assert (person["name"], person["category"], person["category_name"]) == (
        "Persons",
        "identity_home",
        "Who you are and where you live",
    )
    assert [(row["full_name"], row["birth_year"], row["_own"]) for row in person["rows"]] == [
        ("Rui", 1970, True)
    ]
    assert person["rows"][0]["household"] == {
        "id": rui.person.household_id,
        "text": str(rui.person.household),
    }
    assert [row["id"] for row in sections["structure.Household"]["rows"]] == [rui.person.household_id]
    assert [row["summary"] for row in sections["notifications.Notification"]["rows"]] == [
        "Your appeal was answered"
    ]
    assert {"name": "full_name", "label": "Full name", "category": "identity_home"} in person["fields"]
    assert {"name": "phone", "label": "Phone", "category": "contact"} in person["fields"]


def test_the_copy_is_plain_json_with_dates_in_iso_8601(world: World) -> None:
    rui = world.user("resident")
    _notify(rui)
    copy = data_copy(rui)
    assert json.loads(json.dumps(copy)) == copy
    created = copy["sections"]["notifications.Notification"]["rows"][0]["created_at"]
    assert timezone.datetime.fromisoformat(created).tzinfo is not None


def test_the_copy_says_the_notice_in_force_and_each_consent(world: World) -> None:
    rui = world.user("resident")
    notice = current_notice() or publish_notice(None)
    Consent.objects.create(
        community=world.harmony, person=rui.person, category="contact", notice=notice, fingerprint="f"
    )
    copy = data_copy(rui)
    assert copy["notice"]["version"] == notice.number
    consents = {item["category"]: item for item in copy["consents"]}
    assert set(consents) == {
        "contact",
        "minors",
        "appeal_photos",
        "care_needs",
        "participation",
        "activities",
    }
    assert (consents["contact"]["given"], consents["contact"]["notice_version"]) == (True, notice.number)
    assert consents["contact"]["category_name"] == "How to reach you"
    assert [item["given"] for code, item in consents.items() if code != "contact"] == [False] * 5
    assert [row["category"] for row in copy["sections"]["privacy.Consent"]["rows"]] == ["contact"]


def test_the_copy_never_holds_a_password_or_a_code_hash(world: World) -> None:
    rui = world.user("resident")
    code = _code(rui, issued_by=world.user("committee_staff"))
    text = json.dumps(data_copy(rui))
    assert rui.password not in text
    assert code.code_hash not in text
    sections = data_copy(rui)["sections"]
    assert "password" not in {field["name"] for field in sections["accounts.User"]["fields"]}
    assert [set(row) - {"_own"} for row in sections["accounts.SignInCode"]["rows"]] == [
        {"id", "user", "issued_by", "created_at", "expires_at", "used_at", "retired_at"}
    ]


def test_another_residents_rows_are_never_in_the_copy(world: World) -> None:
    rui, otto = world.user("resident"), world.user("other_resident")
    _notify(otto, "Otto's own news")
    _code(otto, issued_by=None)
    text = json.dumps(data_copy(rui), ensure_ascii=False)
    assert "Otto" not in text
    assert "otto" not in text
    assert "accounts.SignInCode" not in data_copy(rui)["sections"]


def test_a_row_staff_only_acted_on_is_in_their_copy_without_the_person_it_is_about(world: World) -> None:
    chen = world.user("committee_staff")
    newcomer = world.user("other_resident")
    ResidencyClaim.objects.create(
        community=world.harmony,
        user=newcomer,
        unit=world.unit,
        relation="family",
        full_name="Secret Newcomer",
        phone="13800138000",
        status="approved",
        decided_by=chen,
        decided_at=timezone.now(),
    )
    rows = data_copy(chen)["sections"]["structure.ResidencyClaim"]["rows"]
    assert len(rows) == 1
    assert rows[0]["_own"] is False
    assert rows[0]["decided_by"] == {"id": chen.pk, "text": str(chen)}
    assert not {"user", "full_name", "phone", "message"} & set(rows[0])
    assert "Secret Newcomer" not in json.dumps(data_copy(chen), ensure_ascii=False)
    claimant_rows = data_copy(newcomer)["sections"]["structure.ResidencyClaim"]["rows"]
    assert (claimant_rows[0]["_own"], claimant_rows[0]["phone"]) == (True, "13800138000")


def test_the_copy_reads_each_holding_once_whatever_the_number_of_rows(world: World) -> None:
    rui, chen = world.user("resident"), world.user("committee_staff")
    household = rui.person.household

    def more_rows() -> None:
        _notify(rui)
        _code(rui, issued_by=chen)
        # A tenancy is shown by its household, a household by its unit, a unit by its building.
        Tenancy.objects.create(
            community=world.harmony, unit=household.unit, household=household, since="2020-01-01"
        )

    more_rows()
    with CaptureQueriesContext(connection) as few:
        data_copy(rui)
    for _ in range(5):
        more_rows()
    with CaptureQueriesContext(connection) as many:
        copy = data_copy(rui)
    assert len(many) == len(few)
    assert len(few) <= len(holdings()) + 20
    tenancies = copy["sections"]["structure.Tenancy"]["rows"]
    assert len(tenancies) == 6
    assert {row["household"]["text"] for row in tenancies} == {str(household)}


# --- The spreadsheet -----------------------------------------------------------------------------------------------


def test_the_workbook_has_an_about_sheet_then_one_sheet_per_kind_of_record(world: World) -> None:
    rui = world.user("resident")
    _notify(rui)
    book = _workbook(copy_workbook(rui, "en"))
    assert book.sheetnames[0] == "About this copy"
    assert {"Users", "Persons", "Households", "Notifications"} <= set(book.sheetnames)
    about = _sheet_rows(book["About this copy"])
    assert about[3][:2] == ["Account", "rui"]
    assert ["Sheet", "What it holds", "Register category", "Rows"] in [row[:4] for row in about]
    assert ["Notifications", "Notifications", "Your account", 1] in [row[:4] for row in about]
    persons = _sheet_rows(book["Persons"])
    assert "Full name" in persons[0]
    assert persons[1][persons[0].index("Full name")] == "Rui"
    assert persons[1][persons[0].index("Household")] == str(rui.person.household)


def test_the_chinese_workbook_names_its_columns_in_chinese(world: World) -> None:
    rui = world.user("resident")
    book = _workbook(copy_workbook(rui, "zh-hans"))
    persons = next(book[name] for name in book.sheetnames if "姓名" in _sheet_rows(book[name])[0])
    header = _sheet_rows(persons)[0]
    assert "姓名" in header
    assert "出生年份" in header
    assert "Full name" not in header


def test_the_workbook_makes_formula_text_inert(world: World) -> None:
    rui = world.user("resident")
    rui.first_name = '=HYPERLINK("http://evil.example")'
    rui.save()
    book = _workbook(copy_workbook(rui, "en"))
    users = _sheet_rows(book["Users"])
    assert users[1][users[0].index("First name")] == '\'=HYPERLINK("http://evil.example")'


# --- Downloads and who may download --------------------------------------------------------------------------------


@pytest.mark.parametrize("role", CAST)
def test_each_member_of_the_cast_downloads_only_their_own_copy(
    role: str, world: World, client_for: Any
) -> None:
    client = client_for(role)
    user = world.user(role)
    _notify(world.user("other_resident"), "Otto's own news")
    json_page = client.get(reverse("privacy:copy_json"))
    xlsx_page = client.get(reverse("privacy:copy_xlsx"), {"lang": "zh-hans"})
    api = client.get(reverse("api-privacy-copy"))
    if user is None:
        login = reverse("accounts:login")
        assert (json_page.status_code, json_page["Location"].split("?")[0]) == (302, login)
        assert (xlsx_page.status_code, xlsx_page["Location"].split("?")[0]) == (302, login)
        assert api.status_code == 403
        return
    assert (json_page.status_code, xlsx_page.status_code, api.status_code) == (200, 200, 200)
    copy = json.loads(json_page.content)
    assert copy["account"] == {"id": user.pk, "username": user.username}
    assert api.json()["account"] == copy["account"]
    expected_notes = ["Otto's own news"] if role == "other_resident" else []
    notes = copy["sections"].get("notifications.Notification", {"rows": []})["rows"]
    assert [row["summary"] for row in notes] == expected_notes
    about = _sheet_rows(_workbook(xlsx_page.content).worksheets[0])
    assert user.username in [cell for row in about for cell in row]


def test_downloads_are_dated_attachments_never_cached(world: World, client_for: Any) -> None:
    client = client_for("resident")
    today = timezone.localdate().isoformat()
    json_page = client.get(reverse("privacy:copy_json"))
    xlsx_page = client.get(reverse("privacy:copy_xlsx"), {"lang": "en"})
    assert json_page["Content-Disposition"] == f'attachment; filename="comity-my-data-{today}.json"'
    assert xlsx_page["Content-Disposition"] == f'attachment; filename="comity-my-data-{today}-en.xlsx"'
    for response in (json_page, xlsx_page, client.get(reverse("api-privacy-copy"))):
        assert "no-store" in response["Cache-Control"]
        assert "private" in response["Cache-Control"]
    assert xlsx_page["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_the_workbook_is_in_the_pages_language_unless_another_is_asked(world: World, client_for: Any) -> None:
    client = client_for("resident")
    chinese_page = client.get(reverse("privacy:copy_xlsx"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert chinese_page["Content-Disposition"].endswith('-zh-hans.xlsx"')
    asked = client.get(reverse("privacy:copy_xlsx"), {"lang": "en"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert asked["Content-Disposition"].endswith('-en.xlsx"')
    unknown = client.get(reverse("privacy:copy_xlsx"), {"lang": "fr"})
    assert unknown["Content-Disposition"].endswith('-en.xlsx"')


def test_copy_downloads_refuse_writes(world: World, client_for: Any) -> None:
    client = client_for("resident")
    assert client.post(reverse("privacy:copy_json")).status_code == 405
    assert client.post(reverse("privacy:copy_xlsx")).status_code == 405
