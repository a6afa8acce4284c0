"""Committee staff import their registry from a spreadsheet on a phone: a bad row first, then a good file."""

from __future__ import annotations

from typing import Any

import pytest

from comity.structure.models import Ownership, Unit

from .conftest import screenshot
from .test_structure_journey import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

HEADER = "building,stairwell,unit,floor,exclusive_area_m2,owner_name,owner_share\n"
BAD = HEADER + "7,1,101,1,68.5,Zhang Wei,1\n7,1,102,1,-3,Li Na,1\n"
GOOD = HEADER + "7,1,101,1,68.5,Zhang Wei,1/2\n7,1,101,1,68.5,Wang Fang,1/2\n7,1,102,1,71.25,Li Na,1\n"


def test_a_bad_row_blocks_the_import_until_it_is_fixed(
    phone: Any, live_server: Any, world: Any, tmp_path: Any
) -> None:
    page = phone
    log_in(page, live_server, "chen", world.password)
    page.wait_for_url(f"{live_server.url}/c/{world.harmony.pk}/")
    page.get_by_role("link", name="Import the registry").click()

    bad = tmp_path / "registry.csv"
    bad.write_text(BAD, encoding="utf-8")
    page.locator("input[type=file]").set_input_files(str(bad))
    page.get_by_role("button", name="Upload").click()
    errors = page.locator("#import-error-table")
    assert "3" in errors.inner_text()  # the spreadsheet row of the bad area
    assert "nothing was imported" in page.locator("#import-errors").inner_text()
    screenshot(page, "registry-import-errors")
    assert not Unit.objects.filter(building__code="7").exists()

    good = tmp_path / "registry-fixed.csv"
    good.write_text(GOOD, encoding="utf-8")
    page.locator("input[type=file]").set_input_files(str(good))
    page.get_by_role("button", name="Upload").click()
    assert "Import complete" in page.locator("#import-result").inner_text()
    screenshot(page, "registry-import-done")
    assert Unit.objects.filter(building__code="7").count() == 2
    assert Ownership.objects.filter(unit__building__code="7", unit__number="101").count() == 2
