"""Importing the registry from CSV and XLSX: pages, service, template downloads and the CLI."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal
from fractions import Fraction

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from comity.audit.models import AuditEntry
from comity.cli import main
from comity.engine.registry_import import ErrorCode, template_header
from comity.structure.importing import _error_templates
from comity.structure.models import Area, AreaKind, Household, Ownership, Person, Unit
from comity.structure.services import import_registry

from ..conftest import CAST
from ..factories import OwnershipFactory, PersonFactory, UnitFactory

HEADER_EN = [
    "building",
    "building_name",
    "floors",
    "stairwell",
    "unit",
    "floor",
    "exclusive_area_m2",
    "owner_name",
    "owner_phone",
    "owner_share",
]
HEADER_ZH = [
    "楼栋",
    "楼栋名称",
    "总层数",
    "单元",
    "房号",
    "楼层",
    "专有面积",
    "业主姓名",
    "联系电话",
    "产权份额",
]
GOOD_ROWS = [
    ["2", "Building 2", "6", "1", "101", "1", "72.50", "Wang Fang", "13900000000", "0.5"],
    ["2", "Building 2", "6", "1", "101", "1", "72.50", "Zhao Lei", "", "0.5"],
    ["2", "Building 2", "6", "1", "102", "1", "80", "", "", ""],
    ["1", "", "", "1", "101", "1", "75.00", "Olga", "", ""],
]
BAD_ROWS = [*GOOD_ROWS[:2], [*GOOD_ROWS[2][:6], "abc", "", "", ""], GOOD_ROWS[3]]
ALLOWED = {"committee_staff", "platform_staff"}
DENIED = [role for role in CAST if role not in ALLOWED | {"anonymous"}]


def csv_bytes(header, rows, encoding="utf-8"):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def upload(name, data, content_type="text/csv"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def xlsx_bytes(header, rows):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for cells in rows:
        # Numbers as Excel stores them: floats and ints, not text.
        sheet.append(
            [
                float(c) if c.replace(".", "").isdigit() and "." in c else int(c) if c.isdigit() else c
                for c in cells
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def registry_counts():
    return {
        model.__name__: model.objects.count()
        for model in (Area, Unit, Ownership, Person, Household, AuditEntry)
    }


def import_url(world):
    return reverse("structure:registry_import", args=[world.harmony.pk])


def template_url(world, file_format):
    return reverse("structure:registry_template", args=[world.harmony.pk]) + f"?format={file_format}"


def post_file(client, world, data, name="registry.csv", **extra):
    payload = {"file": upload(name, data)}
    if extra.pop("dry_run", False):
        payload["dry_run"] = "on"
    return client.post(import_url(world), payload, **extra)


# ---------------------------------------------------------------------------------------------- pages


def test_committee_staff_sees_the_upload_form(world, client_for):
    response = client_for("committee_staff").get(import_url(world))
    assert response.status_code == 200
    assert b'enctype="multipart/form-data"' in response.content
    assert b'name="dry_run"' in response.content
    assert template_url(world, "xlsx").encode() in response.content


def test_committee_staff_imports_a_csv_file_and_one_audit_entry_is_recorded(world, client_for):
    before = registry_counts()
    response = post_file(client_for("committee_staff"), world, csv_bytes(HEADER_EN, GOOD_ROWS))
    assert response.status_code == 200
    assert b'id="import-result"' in response.content
    assert b"Import complete" in response.content
    assert b"registry.csv: 4 rows imported." in response.content
    report = response.context["report"]
    assert report.ok
    assert report.created == {
        "zones": 0,
        "buildings": 1,
        "stairwells": 1,
        "units": 2,
        "persons": 2,
        "households": 1,
        "ownerships": 2,
    }
    assert report.updated["units"] == 1
    after = registry_counts()
    assert after["Unit"] == before["Unit"] + 2
    assert after["Person"] == before["Person"] + 2
    building = Area.objects.get(community=world.harmony, kind=AreaKind.BUILDING, code="2")
    assert (building.name, building.floors) == ("Building 2", 6)
    stairwell = Area.objects.get(community=world.harmony, kind=AreaKind.STAIRWELL, code="2-1")
    assert stairwell.parent == building
    unit = Unit.objects.get(building=building, number="101")
    assert unit.stairwell == stairwell
    assert unit.exclusive_area == Decimal("72.50")
    shares = sorted((o.person.full_name, o.share) for o in unit.ownerships.select_related("person"))
    assert shares == [("Wang Fang", Fraction(1, 2)), ("Zhao Lei", Fraction(1, 2))]
    assert Person.objects.get(full_name="Wang Fang").household.unit == unit
    world.unit.refresh_from_db()
    assert world.unit.exclusive_area == Decimal("75.00")
    assert world.unit.ownerships.get().person == world.user("owner").person  # Olga matched, not duplicated
    entry = AuditEntry.objects.get(action="registry.import")
    assert entry.community == world.harmony
    assert entry.actor == world.user("committee_staff")
    assert entry.changes["file"] == "registry.csv"
    assert entry.changes["created"]["units"] == 2
    assert entry.changes["rows"] == 4


def test_importing_the_same_file_again_changes_nothing(world):
    actor = world.user("committee_staff")
    data = csv_bytes(HEADER_EN, GOOD_ROWS)
    import_registry(actor, world.harmony, upload("registry.csv", data))
    before = registry_counts()
    report = import_registry(actor, world.harmony, upload("registry.csv", data))
    assert report.ok
    assert sum(report.created.values()) == 0
    assert sum(report.updated.values()) == 0
    assert registry_counts() == {**before, "AuditEntry": before["AuditEntry"] + 1}


def test_committee_staff_imports_an_xlsx_file_with_numeric_cells(world, client_for):
    data = xlsx_bytes(HEADER_EN, GOOD_ROWS)
    response = post_file(client_for("committee_staff"), world, data, name="registry.xlsx")
    assert response.context["report"].ok, response.context["report"].errors
    unit = Unit.objects.get(building__code="2", number="102")
    assert (unit.floor, unit.exclusive_area) == (1, Decimal("80.00"))
    assert AuditEntry.objects.filter(action="registry.import").count() == 1


def test_a_file_with_one_bad_row_imports_nothing_and_names_the_row_in_english(world, client_for):
    before = registry_counts()
    response = post_file(client_for("committee_staff"), world, csv_bytes(HEADER_EN, BAD_ROWS))
    assert response.status_code == 200
    assert registry_counts() == before
    content = response.content.decode()
    assert 'id="import-error-table"' in content
    assert "1 problem found: nothing was imported" in content
    (problem,) = response.context["report"].errors
    assert (problem.row, problem.column) == (4, "G · exclusive_area_m2")
    assert problem.message == "“abc” is not a number."
    assert problem.message in content


def test_the_error_report_follows_the_request_language(world, client_for):
    before = registry_counts()
    client = client_for("committee_staff")
    response = post_file(client, world, csv_bytes(HEADER_ZH, BAD_ROWS), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert registry_counts() == before
    content = response.content.decode()
    assert '<html lang="zh-hans"' in content
    (problem,) = response.context["report"].errors
    assert (problem.row, problem.column) == (4, "G · 专有面积")
    assert ">4<" in content
    assert "G · 专有面积" in content


def test_a_gbk_encoded_csv_from_chinese_excel_is_read(world, client_for):
    rows = [["3", "3号楼", "6", "2", "201", "2", "88.8", "王芳", "", "1"]]
    response = post_file(client_for("committee_staff"), world, csv_bytes(HEADER_ZH, rows, encoding="gbk"))
    assert response.context["report"].ok, response.context["report"].errors
    person = Person.objects.get(full_name="王芳")
    assert person.ownerships.get().unit.exclusive_area == Decimal("88.80")
    assert Area.objects.get(kind=AreaKind.BUILDING, code="3").name == "3号楼"


def test_an_oversize_file_is_rejected_with_a_clear_message(world, client_for, settings):
    settings.COMITY_IMPORT_MAX_BYTES = 100
    before = registry_counts()
    response = post_file(client_for("committee_staff"), world, csv_bytes(HEADER_EN, GOOD_ROWS * 3))
    assert registry_counts() == before
    (problem,) = response.context["report"].errors
    assert problem.row is None
    assert "too large" in problem.message
    assert problem.message in response.content.decode()


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("registry.pdf", b"%PDF-1.4 not a table", "Upload a CSV or XLSX file"),
        ("registry.xls", b"\xd0\xcf\x11\xe0old excel", "Upload a CSV or XLSX file"),
        ("registry.xlsx", b"this is not a workbook", "could not be read as an Excel workbook"),
        ("registry.xlsx", b"PK\x03\x04broken zip", "could not be read as an Excel workbook"),
    ],
)
def test_files_of_the_wrong_type_are_rejected_with_a_clear_message(world, client_for, name, data, expected):
    before = registry_counts()
    response = post_file(client_for("committee_staff"), world, data, name=name)
    assert registry_counts() == before
    (problem,) = response.context["report"].errors
    assert expected in problem.message


def test_a_dry_run_reports_what_would_change_and_writes_nothing(world, client_for):
    before = registry_counts()
    response = post_file(client_for("committee_staff"), world, csv_bytes(HEADER_EN, GOOD_ROWS), dry_run=True)
    assert registry_counts() == before
    report = response.context["report"]
    assert report.ok
    assert report.dry_run
    assert report.created["units"] == 2
    assert b"Check passed: nothing was imported yet" in response.content


def test_a_stairwell_of_another_building_is_a_database_problem(world):
    Area.objects.create(
        community=world.harmony, kind=AreaKind.STAIRWELL, code="2-1", name="x", parent=world.building
    )
    before = registry_counts()
    report = import_registry(
        world.user("committee_staff"), world.harmony, upload("r.csv", csv_bytes(HEADER_EN, GOOD_ROWS))
    )
    assert registry_counts() == before
    (problem,) = report.errors
    assert (problem.row, problem.column) == (2, "D · stairwell")
    assert problem.message == "Stairwell 2-1 already belongs to building 1."


def test_a_floor_above_a_registered_building_top_is_a_database_problem(world):
    rows = [["1", "", "", "", "901", "9", "50", "", "", ""]]
    report = import_registry(
        world.user("platform_staff"), world.harmony, upload("r.csv", csv_bytes(HEADER_EN, rows))
    )
    assert [(p.row, p.message) for p in report.errors] == [
        (2, "Floor 9 is above the top floor of the building (6).")
    ]


def test_owners_the_file_no_longer_lists_are_ended_not_deleted(world):
    rows = [["1", "", "", "1", "101", "1", "72.50", "Nadia New", "", "1"]]
    report = import_registry(
        world.user("committee_staff"), world.harmony, upload("r.csv", csv_bytes(HEADER_EN, rows))
    )
    assert report.ok
    assert report.ended_ownerships == 1
    olga = world.unit.ownerships.get(person=world.user("owner").person)
    assert olga.until == timezone.localdate() - timedelta(days=1)
    assert world.unit.ownerships.get(until__isnull=True).person.full_name == "Nadia New"


def test_every_engine_error_code_has_a_translatable_message():
    assert {code.value for code in ErrorCode} <= set(_error_templates())


def test_a_missing_column_is_named_in_both_languages(world):
    data = csv_bytes(["building", "floor", "exclusive_area_m2"], [["1", "1", "50"]])
    report = import_registry(world.user("committee_staff"), world.harmony, upload("r.csv", data))
    assert [(p.row, p.column, p.message) for p in report.errors] == [
        (1, "unit", "The required column “unit / 房号” is missing.")
    ]


def test_an_owner_living_elsewhere_is_matched_by_ownership_and_keeps_their_household(world):
    elsewhere = Household.objects.get(unit__number="102")
    sam = PersonFactory(community=world.harmony, full_name="Sam", household=elsewhere, phone="")
    unit = UnitFactory(building=world.building, number="103", floor=1)
    OwnershipFactory(unit=unit, person=sam)
    rows = [["1", "", "", "", "103", "1", "72.50", "Sam", "13700000000", "1"]]
    report = import_registry(
        world.user("committee_staff"), world.harmony, upload("r.csv", csv_bytes(HEADER_EN, rows))
    )
    assert report.ok, report.errors
    assert (report.created["persons"], report.created["households"], report.updated["persons"]) == (0, 0, 1)
    sam.refresh_from_db()
    assert (sam.phone, sam.household) == ("13700000000", elsewhere)
    assert unit.ownerships.get().person == sam


# ---------------------------------------------------------------------------------------------- templates


def test_the_csv_template_downloads_with_the_headers_of_the_language(world, client_for):
    client = client_for("committee_staff")
    response = client.get(template_url(world, "csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == template_header("en")
    chinese = client.get(template_url(world, "csv"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert next(csv.reader(io.StringIO(chinese.content.decode("utf-8-sig"))))[0] == "楼栋"


def test_the_xlsx_template_has_the_headers_and_an_instructions_sheet(world, client_for):
    response = client_for("platform_staff").get(template_url(world, "xlsx"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    registry, instructions = workbook.worksheets
    assert [cell.value for cell in registry[1]] == template_header("zh-hans")
    column_names = [row[0] for row in instructions.iter_rows(values_only=True)]
    assert set(template_header("zh-hans")) <= set(column_names)


def test_the_downloaded_template_imports_as_it_is(world, client_for):
    client = client_for("committee_staff")
    template = client.get(template_url(world, "xlsx")).content
    response = post_file(client, world, template, name="template.xlsx", dry_run=True)
    assert response.context["report"].ok, response.context["report"].errors
    assert response.context["report"].created["units"] == 2


def test_an_unknown_template_format_is_a_bad_request(world, client_for):
    assert client_for("committee_staff").get(template_url(world, "pdf")).status_code == 400


# ---------------------------------------------------------------------------------------------- permissions


@pytest.mark.parametrize("role", DENIED)
def test_other_roles_may_not_open_download_or_post_the_import(world, client_for, role):
    client = client_for(role)
    before = registry_counts()
    assert client.get(import_url(world)).status_code == 403
    assert client.get(template_url(world, "csv")).status_code == 403
    assert post_file(client, world, csv_bytes(HEADER_EN, GOOD_ROWS)).status_code == 403
    assert registry_counts() == before


def test_anonymous_visitors_are_sent_to_log_in(world, client_for):
    client = client_for("anonymous")
    before = registry_counts()
    for response in (
        client.get(import_url(world)),
        client.get(template_url(world, "xlsx")),
        post_file(client, world, csv_bytes(HEADER_EN, GOOD_ROWS)),
    ):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    assert registry_counts() == before


def test_committee_staff_of_another_community_may_not_import_here(world, client_for):
    url = reverse("structure:registry_import", args=[world.riverside.pk])
    assert client_for("committee_staff").get(url).status_code == 403


@pytest.mark.parametrize("role", [*DENIED, "anonymous"])
def test_the_service_refuses_other_roles(world, role):
    from django.contrib.auth.models import AnonymousUser

    actor = world.user(role) or AnonymousUser()
    with pytest.raises(PermissionDenied):
        import_registry(actor, world.harmony, upload("r.csv", csv_bytes(HEADER_EN, GOOD_ROWS)))


# ---------------------------------------------------------------------------------------------- CLI


def test_the_cli_imports_a_file_as_a_named_user(world, tmp_path, capsys):
    path = tmp_path / "registry.csv"
    path.write_bytes(csv_bytes(HEADER_EN, GOOD_ROWS))
    assert main(["registry", "import", str(path), "--community", "harmony", "--as", "chen"]) == 0
    assert Unit.objects.filter(building__code="2").count() == 2
    assert "4 rows imported" in capsys.readouterr().out
    assert AuditEntry.objects.get(action="registry.import").actor == world.user("committee_staff")


def test_the_cli_exits_1_on_a_bad_file_and_imports_nothing(world, tmp_path, capsys):
    path = tmp_path / "registry.csv"
    path.write_bytes(csv_bytes(HEADER_EN, BAD_ROWS))
    before = registry_counts()
    assert main(["registry", "import", str(path), "--community", "harmony"]) == 1
    assert registry_counts() == before
    assert "row 4, G · exclusive_area_m2: “abc” is not a number." in capsys.readouterr().err


def test_the_cli_dry_run_and_its_refusals(world, tmp_path, capsys):
    path = tmp_path / "registry.csv"
    path.write_bytes(csv_bytes(HEADER_EN, GOOD_ROWS))
    before = registry_counts()
    assert main(["registry", "import", str(path), "--community", "harmony", "--dry-run"]) == 0
    assert main(["registry", "import", str(path), "--community", "nowhere"]) == 1
    assert main(["registry", "import", str(path), "--community", "harmony", "--as", "rui"]) == 1
    assert main(["registry", "import", str(tmp_path / "missing.csv"), "--community", "harmony"]) == 1
    assert registry_counts() == before
    assert "may not import" in capsys.readouterr().err


def test_the_cli_writes_the_templates(tmp_path):
    csv_path, xlsx_path = tmp_path / "t.csv", tmp_path / "t.xlsx"
    assert main(["registry", "template", "--language", "zh-hans", "-o", str(csv_path)]) == 0
    assert csv_path.read_bytes().decode("utf-8-sig").splitlines()[0].startswith("楼栋,楼栋名称")
    assert main(["registry", "template", "--format", "xlsx", "-o", str(xlsx_path)]) == 0
    sheet = openpyxl.load_workbook(xlsx_path).worksheets[0]
    assert [cell.value for cell in sheet[1]] == template_header("en")
