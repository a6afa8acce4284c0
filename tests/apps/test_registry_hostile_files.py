"""Hostile and odd registry files are reported, never a server error; exports never carry live formulas."""

from __future__ import annotations

import csv
import io
import zipfile
from html import escape

import openpyxl
import pytest
from django.urls import reverse

from comity.cli import main
from comity.consultations import services as consultation_services
from comity.consultations.polis.exporting import export_polis_conversation
from comity.engine.spreadsheet import neutralise_cell, restore_cell
from comity.structure.models import Ownership, Person, Unit
from comity.structure.registry_export import export_registry_csv, export_registry_xlsx
from comity.structure.services import import_registry

from ..factories import OwnershipFactory, PersonFactory, UnitFactory
from .consultations import make_consultation
from .test_registry_import import (
    GOOD_ROWS,
    HEADER_EN,
    csv_bytes,
    post_file,
    registry_counts,
    upload,
)

CSV_TEXT = "\n".join(",".join(row) for row in [HEADER_EN, *GOOD_ROWS]) + "\n"


def only_problem(response):
    report = response.context["report"]
    assert not report.ok
    return report.errors


# ---------------------------------------------------------------------------------------------- encodings


@pytest.mark.parametrize(
    "data",
    [
        CSV_TEXT.encode("utf-8"),
        b"\xef\xbb\xbf" + CSV_TEXT.encode("utf-8"),
        CSV_TEXT.encode("utf-16"),
        b"\xff\xfe" + CSV_TEXT.encode("utf-16-le"),
        b"\xfe\xff" + CSV_TEXT.encode("utf-16-be"),
        CSV_TEXT.encode("utf-16-le"),
        CSV_TEXT.encode("utf-16-be"),
        CSV_TEXT.replace("\n", "\r\n").replace(",", "\t").encode("utf-16"),
    ],
    ids=[
        "utf8",
        "utf8-bom",
        "utf16",
        "utf16le-bom",
        "utf16be-bom",
        "utf16le",
        "utf16be",
        "excel-unicode-text",
    ],
)
def test_utf8_and_utf16_files_in_either_byte_order_import(world, client_for, data):
    response = post_file(client_for("committee_staff"), world, data)
    report = response.context["report"]
    assert report.ok, report.errors
    assert Unit.objects.filter(building__code="2").count() == 2


def test_a_gb18030_file_imports_its_chinese_names(world, client_for):
    rows = [["5", "五号楼", "6", "1", "101", "1", "60", "欧阳㐀", "", ""]]
    response = post_file(client_for("committee_staff"), world, csv_bytes(HEADER_EN, rows, encoding="gb18030"))
    assert response.context["report"].ok, response.context["report"].errors
    assert Person.objects.filter(full_name="欧阳㐀").exists()


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (bytes(range(256)) * 50, "not a text file"),
        (CSV_TEXT.encode("utf-8").replace(b"Wang", b"Wa\x00ng"), "not a text file"),
        (b"\xff\xfe" + CSV_TEXT.encode("utf-16-le") + b"\x00", "not a text file"),
        (CSV_TEXT.encode() + b'2,x,1,1,101,1,72.5,"unclosed\n' + b"y" * 140_000 + b"\n", "Line 6"),
    ],
    ids=["binary", "nul-byte", "odd-utf16", "unclosed-quote"],
)
def test_binary_and_broken_text_is_one_clear_file_problem_and_nothing_is_imported(
    world, client_for, data, expected
):
    before = registry_counts()
    response = post_file(client_for("committee_staff"), world, data)
    assert response.status_code == 200
    assert registry_counts() == before
    (problem,) = only_problem(response)
    assert problem.row is None
    assert expected in problem.message
    assert escape(problem.message) in response.content.decode()


def test_a_cell_longer_than_the_csv_reader_takes_is_reported_by_its_line(world, client_for):
    data = csv_bytes(HEADER_EN, [*GOOD_ROWS, ["3", "x" * 140_000, "", "", "1", "1", "50", "", "", ""]])
    before = registry_counts()
    response = post_file(client_for("committee_staff"), world, data)
    assert response.status_code == 200
    assert registry_counts() == before
    (problem,) = only_problem(response)
    assert problem.message == (
        'Line 6 could not be read: a cell is longer than 131,072 characters, or a quote mark (") opens a '
        "cell that never closes."
    )


def test_a_long_cell_is_a_row_error_that_quotes_only_its_beginning(world, client_for):
    data = csv_bytes(HEADER_EN, [*GOOD_ROWS, ["3", "", "", "", "1", "1", "9" * 5000 + "x", "", "", ""]])
    response = post_file(client_for("committee_staff"), world, data, HTTP_ACCEPT_LANGUAGE="zh-hans")
    (problem,) = only_problem(response)
    assert (problem.row, problem.column) == (6, "G · exclusive_area_m2")
    assert problem.message == "内容太长，最多2000个字。"
    assert len(response.content) < 200_000


def test_a_long_number_is_quoted_short_in_its_error(world, client_for):
    data = csv_bytes(HEADER_EN, [*GOOD_ROWS, ["3", "", "", "", "1", "1", "1" * 500 + "x", "", "", ""]])
    (problem,) = only_problem(post_file(client_for("committee_staff"), world, data))
    assert problem.message == f"“{'1' * 59}…” is not a number."


# ---------------------------------------------------------------------------------------------- workbooks


def _workbook_bytes(build):
    workbook = openpyxl.Workbook()
    build(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_formula_in_a_workbook_is_named_by_row_and_column_and_nothing_is_imported(world, client_for):
    def build(workbook):
        sheet = workbook.active
        sheet.append(HEADER_EN)
        sheet.append(GOOD_ROWS[0])
        sheet.append([*GOOD_ROWS[1][:6], "=36.25*2", *GOOD_ROWS[1][7:]])

    before = registry_counts()
    response = post_file(client_for("committee_staff"), world, _workbook_bytes(build), name="r.xlsx")
    assert registry_counts() == before
    (problem,) = only_problem(response)
    assert problem.message.startswith("Row 3, column G holds a formula (=36.25*2).")


def test_an_empty_workbook_says_it_has_no_header(world, client_for):
    response = post_file(
        client_for("committee_staff"), world, _workbook_bytes(lambda wb: None), name="r.xlsx"
    )
    (problem,) = only_problem(response)
    assert problem.row == 1
    assert "header" in problem.message


def test_merged_cells_of_co_owners_import_as_the_one_unit_they_describe(world, client_for):
    def build(workbook):
        sheet = workbook.active
        sheet.append(HEADER_EN)
        for row in GOOD_ROWS[:2]:
            sheet.append(row)
        for column in "ABCDEFG":
            sheet.merge_cells(f"{column}2:{column}3")

    response = post_file(client_for("committee_staff"), world, _workbook_bytes(build), name="r.xlsx")
    assert response.context["report"].ok, response.context["report"].errors
    unit = Unit.objects.get(building__code="2", number="101")
    assert sorted(o.person.full_name for o in unit.ownerships.all()) == ["Wang Fang", "Zhao Lei"]


def test_a_zip_bomb_workbook_is_refused_before_it_is_unpacked(world, client_for, settings):
    settings.COMITY_IMPORT_MAX_BYTES = 1024 * 1024
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive,
        archive.open("xl/worksheets/sheet1.xml", "w") as member,
    ):
        for _ in range(60):
            member.write(b" " * (1024 * 1024))
    data = buffer.getvalue()
    assert len(data) < settings.COMITY_IMPORT_MAX_BYTES
    before = registry_counts()
    response = post_file(client_for("committee_staff"), world, data, name="r.xlsx")
    assert registry_counts() == before
    (problem,) = only_problem(response)
    assert "would unpack to 60.0\xa0MB" in problem.message


def test_the_cli_reports_a_utf16_file_with_a_long_cell_and_exits_1(world, tmp_path, capsys):
    path = tmp_path / "registry.csv"
    rows = [*GOOD_ROWS, ["3", "x" * 140_000, "", "", "1", "1", "50", "", "", ""]]
    path.write_bytes(csv_bytes(HEADER_EN, rows).decode().encode("utf-16"))
    before = registry_counts()
    assert main(["registry", "import", str(path), "--community", "harmony"]) == 1
    assert registry_counts() == before
    assert "Line 6 could not be read" in capsys.readouterr().err


# ---------------------------------------------------------------------------------------------- exports


@pytest.mark.parametrize(
    ("text", "safe"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcalc", "'\tcalc"),
        ("\rcalc", "'\rcalc"),
        ("＝1+1", "'＝1+1"),
        ("＋1", "'＋1"),
        ("－1", "'－1"),
        ("＠x", "'＠x"),
        ("'=already", "''=already"),
        ("-1", "-1"),
        ("+3.5", "+3.5"),
        ("72.50", "72.50"),
        ("Wang Fang", "Wang Fang"),
        ("'quoted", "'quoted"),
        ("", ""),
    ],
)
def test_formula_leading_text_is_neutralised_and_restored_exactly(text, safe):
    assert neutralise_cell(text) == safe
    assert restore_cell(safe) == text


def test_numbers_stay_numbers():
    assert neutralise_cell(-3) == -3
    assert neutralise_cell(0.5) == 0.5
    assert neutralise_cell(None) is None


def _hostile_registry(world):
    unit = UnitFactory(building=world.building, number="-12", floor=-1)
    world.building.name = "+Tower"
    world.building.save()
    evil = PersonFactory(community=world.harmony, full_name="=cmd|' /C calc'!A0", phone="")
    fullwidth = PersonFactory(community=world.harmony, full_name="@Lee", phone="")
    OwnershipFactory(unit=unit, person=evil, share_numerator=1, share_denominator=2)
    OwnershipFactory(unit=unit, person=fullwidth, share_numerator=1, share_denominator=2)
    return unit


def test_the_registry_csv_export_carries_no_live_formula_and_imports_back_unchanged(world):
    _hostile_registry(world)
    staff = world.user("committee_staff")
    data = export_registry_csv(staff, world.harmony, "en")
    cells = [cell for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))) for cell in row]
    assert "'=cmd|' /C calc'!A0" in cells
    assert "'@Lee" in cells
    assert "'+Tower" in cells
    assert "-1" in cells  # the basement floor stays a number
    assert not [cell for cell in cells if cell[:1] in set("=+@＝＋＠\t\r")]
    before = sorted(Ownership.objects.values_list("unit__number", "person__full_name"))
    report = import_registry(staff, world.harmony, upload("registry.csv", data))
    assert report.ok, report.errors
    assert (report.created["persons"], report.created["ownerships"], report.created["units"]) == (0, 0, 0)
    assert sorted(Ownership.objects.values_list("unit__number", "person__full_name")) == before
    world.building.refresh_from_db()
    assert world.building.name == "+Tower"


def test_the_registry_xlsx_export_carries_no_formula_and_imports_back_unchanged(world):
    _hostile_registry(world)
    staff = world.user("committee_staff")
    data = export_registry_xlsx(staff, world.harmony, "zh-hans")
    sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    assert "'=cmd|' /C calc'!A0" in [cell.value for cell in cells]
    report = import_registry(staff, world.harmony, upload("registry.xlsx", data))
    assert report.ok, report.errors
    assert Person.objects.filter(full_name="=cmd|' /C calc'!A0").count() == 1


def test_the_consultation_export_writes_statements_as_inert_text(world):
    consultation = make_consultation(world)
    consultation_services.add_statement(world.user("resident"), consultation, '=HYPERLINK("http://evil")')
    data = export_polis_conversation(world.user("committee_staff"), consultation)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        comments = list(csv.DictReader(io.StringIO(archive.read("comments.csv").decode())))
    bodies = [row["comment-body"] for row in comments]
    assert '\'=HYPERLINK("http://evil")' in bodies
    assert not [body for body in bodies if body[:1] in set("=+-@＝＋－＠\t\r")]


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_appeal_rates_export_writes_names_as_inert_text(world, client_for, file_format):
    world.harmony.name = "=cmd|' /C calc'!A0"
    world.harmony.save()
    response = client_for("committee_staff").get(
        reverse("appeal_rates:community", args=[world.harmony.pk]), {"format": file_format}
    )
    assert response.status_code == 200
    if file_format == "csv":
        cells = [c for row in csv.reader(io.StringIO(response.content.decode("utf-8-sig"))) for c in row]
        assert "'=cmd|' /C calc'!A0" in cells
        assert "=cmd|' /C calc'!A0" not in cells
    else:
        workbook = openpyxl.load_workbook(io.BytesIO(response.content))
        cells = [cell for sheet in workbook for row in sheet.iter_rows() for cell in row]
        assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
        assert "'=cmd|' /C calc'!A0" in [cell.value for cell in cells]
