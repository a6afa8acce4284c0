"""Export the registry, edit it in a spreadsheet, import it again: the round trip loses nothing."""

from __future__ import annotations

import csv
import io
from fractions import Fraction

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from comity.audit.models import AuditEntry
from comity.cli import main
from comity.structure.models import Area, AreaKind, Ownership, Person, Unit
from comity.structure.registry_export import export_registry_csv, registry_rows
from comity.structure.services import import_registry

from ..factories import AreaFactory, HouseholdFactory, PersonFactory, UnitFactory


def _snapshot(community):
    return (
        sorted(
            Unit.objects.filter(community=community).values_list(
                "building__code",
                "number",
                "floor",
                "exclusive_area",
                "area_source",
                "usage",
                "stairwell__code",
            )
        ),
        sorted(
            Area.objects.filter(community=community).values_list(
                "kind", "code", "name", "floors", "parent__code"
            )
        ),
        sorted(
            (o.unit.number, o.person.full_name if o.person else o.holder_name, o.share, o.holder_kind)
            for o in Ownership.objects.filter(community=community).select_related("unit", "person")
        ),
        Person.objects.filter(community=community).count(),
    )


def _rich_registry(world):
    zone = AreaFactory(community=world.harmony, kind=AreaKind.ZONE, code="N", name="North courtyard")
    world.building.parent = zone
    world.building.save()
    unit = UnitFactory(building=world.building, stairwell=world.stairwell, number="301", floor=3)
    household = HouseholdFactory(unit=unit)
    for n, name in enumerate(("Ann", "Bo", "Cy")):
        person = PersonFactory(
            community=world.harmony,
            full_name=name,
            phone=f"1390000000{n}",
            household=household if n < 2 else None,
            is_resident=n < 2,
        )
        Ownership.objects.create(community=world.harmony, unit=unit, person=person, share=Fraction(1, 3))
    shop = UnitFactory(
        building=world.building, number="S1", floor=1, usage="commercial", area_source="contract"
    )
    Ownership.objects.create(
        community=world.harmony, unit=shop, holder_kind="developer", holder_name="Dev Co"
    )


def test_exported_rows_follow_the_template(world):
    _rich_registry(world)
    rows = {(row[7], row[12]): row for row in registry_rows(world.harmony, "en")}
    assert rows[("101", "Olga")][:12] == [
        "1",
        "Building 1",
        "6",
        "",
        "N",
        "North courtyard",
        "1",
        "101",
        "1",
        "72.50",
        "registered",
        "residential",
    ]
    assert rows[("301", "Ann")][14] == "1/3"
    assert rows[("S1", "Dev Co")][10:16] == ["contract", "commercial", "Dev Co", "", "1", "developer"]
    assert rows[("102", "")][12:16] == ["", "", "", ""]
    zh = {(row[7], row[12]): row for row in registry_rows(world.harmony, "zh-hans")}
    assert zh[("S1", "Dev Co")][10:16] == ["合同", "商业", "Dev Co", "", "1", "开发商"]


def test_export_then_import_changes_nothing(world):
    _rich_registry(world)
    staff = world.user("committee_staff")
    before = _snapshot(world.harmony)
    for language in ("en", "zh-hans"):
        data = export_registry_csv(staff, world.harmony, language)
        report = import_registry(staff, world.harmony, SimpleUploadedFile("registry.csv", data, "text/csv"))
        assert report.ok, report.errors
        assert sum(report.created.values()) == 0
        assert report.ended_ownerships == 0
        assert _snapshot(world.harmony) == before


def test_the_export_is_audited_because_it_holds_personal_data(world, client_for):
    response = client_for("committee_staff").get(
        reverse("structure:registry_export", args=[world.harmony.pk]), {"format": "xlsx"}
    )
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [cell.value for cell in sheet[1]][:3] == ["building", "building_name", "floors"]
    assert sheet.max_row == 3  # header + units 101 and 102
    entry = AuditEntry.objects.get(action="registry.export")
    assert (entry.actor, entry.community, entry.changes["rows"]) == (
        world.user("committee_staff"),
        world.harmony,
        2,
    )


def test_an_unknown_format_is_a_clear_400(world, client_for):
    response = client_for("committee_staff").get(
        reverse("structure:registry_export", args=[world.harmony.pk]), {"format": "pdf"}
    )
    assert response.status_code == 400
    assert not AuditEntry.objects.exists()


def test_csv_export_opens_in_excel_with_chinese_headers(world, client_for):
    client = client_for("committee_staff")
    client.post(reverse("set_language"), {"language": "zh-hans"})
    response = client.get(reverse("structure:registry_export", args=[world.harmony.pk]), {"format": "csv"})
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    header = next(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert header[:3] == ["楼栋", "楼栋名称", "总层数"]


def test_cli_export_refuses_an_unknown_community(db, capsys):
    assert main(["registry", "export", "--community", "nowhere"]) == 1
    assert "No community with the code 'nowhere'" in capsys.readouterr().err


def test_cli_export_writes_the_registry(world, tmp_path):
    target = tmp_path / "harmony.csv"
    code = main(["registry", "export", "--community", "harmony", "--as", "chen", "-o", str(target)])
    assert code == 0
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
    assert rows[0][:2] == ["building", "building_name"]
    assert sorted(row[7] for row in rows[1:]) == ["101", "102"]
    assert AuditEntry.objects.filter(action="registry.export", actor=world.user("committee_staff")).exists()


def test_cli_export_refuses_someone_who_may_not_export(world, capsys):
    assert main(["registry", "export", "--community", "harmony", "--as", "rui"]) == 1
    assert "may not export" in capsys.readouterr().err
    assert not AuditEntry.objects.exists()
