"""Residents'-committee staff keep the responsibility matrix, and every change shows in the audit log."""

from __future__ import annotations

from typing import Any

import pytest

from comity.structure.models import Responsibility

from .conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def log_in(page: Any, live_server: Any, username: str, password: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def test_committee_staff_edit_a_responsibility_and_see_it_in_the_audit_log(
    phone: Any, live_server: Any, world: Any
) -> None:
    page = phone
    log_in(page, live_server, "chen", world.password)
    page.wait_for_url(f"{live_server.url}/c/{world.harmony.pk}/")
    screenshot(page, "overview-committee-staff")

    page.goto(f"{live_server.url}/c/{world.harmony.pk}/structure/")
    assert page.get_by_role("heading", name="Governance structure", exact=True).is_visible()
    node = page.locator(f'[data-subject="{world.property_company.pk}"]')
    assert "Lifts" in node.inner_text()
    screenshot(page, "structure-map")

    page.goto(f"{live_server.url}/c/{world.harmony.pk}/responsibilities/")
    page.get_by_role("link", name="Edit Lifts").click()
    page.get_by_label("Lead subject").select_option(label="Harmony RC (Residents' committee)")
    page.get_by_label("Evergreen Property (Property-management company)").check()
    page.get_by_label("Time limit (hours)").fill("12")
    screenshot(page, "matrix-edit")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"{live_server.url}/c/{world.harmony.pk}/responsibilities/")
    row = page.locator("#matrix .duty", has_text="Lifts")
    assert "Harmony RC" in row.inner_text()
    assert "12 hours" in row.inner_text()

    page.goto(f"{live_server.url}/c/{world.harmony.pk}/audit/")
    entry = page.locator("#audit-log tbody tr").first
    assert "Changed responsibility for Lifts" in entry.inner_text()
    assert "Chen" in entry.inner_text()  # the person's name, not the login "chen"
    screenshot(page, "audit-log")

    page.locator("details.site-menu summary").click()  # the phone menu
    page.get_by_role("link", name="Registry").click()
    page.get_by_role("link", name="Building 1").click()
    assert "Olga" in page.locator("main").inner_text()
    screenshot(page, "building-register")

    row_in_db = Responsibility.objects.get(community=world.harmony, category__code="facilities.lifts")
    assert row_in_db.lead_subject == world.committee
    assert row_in_db.time_limit_hours == 12


def test_a_resident_switches_to_chinese_and_large_text(phone: Any, live_server: Any, world: Any) -> None:
    page = phone
    log_in(page, live_server, "rui", world.password)
    page.wait_for_url(f"{live_server.url}/c/{world.harmony.pk}/")
    page.get_by_label("Language").select_option("zh-hans")
    page.get_by_role("button", name="Change").click()
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.get_by_role("heading", name="各类治理主体").is_visible()
    page.get_by_role("button", name="大字").click()
    assert "large-text" in (page.locator("html").get_attribute("class") or "")
    screenshot(page, "overview-resident-zh-large")
