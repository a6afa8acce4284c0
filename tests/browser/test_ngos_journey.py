"""An organisation files with the street office on a phone, in English and in Chinese: its staff write the
application with its charter, the residents' committee reviews it, the street office approves it, and the committee
enters the organisation for incubation and starts it. Every page is checked with axe and for width at 390 and
320 px."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from comity.ngos.models import Filing, Grade, Incubation
from comity.ngos.services import apply_for_incubation, create_profile, move_incubation, record_hosted_money

from .conftest import PHONE, SMALL_PHONE, screenshot, signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _in(page: Any, live_server: Any, language: str) -> None:
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])


@pytest.mark.parametrize(
    ("viewport", "language"),
    [(PHONE, "en"), (SMALL_PHONE, "zh-hans")],
    ids=["390-en", "320-zh"],
)
def test_an_organisation_files_is_reviewed_approved_and_incubated(
    browser: Any,
    live_server: Any,
    world: Any,
    viewport: dict[str, int],
    language: str,
    settings: Any,
    tmp_path: Path,
) -> None:
    settings.MEDIA_ROOT = tmp_path
    create_profile(world.users["ngo_staff"], world.ngo, tier="community_guided")
    charter = tmp_path / "charter.pdf"
    charter.write_bytes(b"%PDF-1.4\n%%EOF\n")
    name = f"ngos-{viewport['width']}-{language}"
    base = f"{live_server.url}/c/{world.harmony.pk}/organisations/"

    with signed_in(browser, live_server, "nia", world.password, viewport=viewport) as page:
        _in(page, live_server, language)
        page.goto(base)
        assert page.locator("html").get_attribute("lang") == language
        assert page.locator("#target").count() == 1
        screenshot(page, f"{name}-list")
        page.goto(f"{base}{world.ngo.pk}/filing/")
        page.locator("#id_purpose").fill("Visits to elderly residents who live alone.")
        page.locator("#id_members_count").fill("0")
        page.locator("button[value=submit]").click()
        page.wait_for_load_state()
        # Refused on its field, with what was typed kept.
        assert page.locator("#id_purpose").input_value() == "Visits to elderly residents who live alone."
        assert page.locator(".field-error").count() >= 1
        screenshot(page, f"{name}-filing-error")
        page.locator("#id_members_count").fill("12")
        page.locator("#id_document_title").fill("Charter")
        page.locator("#id_documents").set_input_files(str(charter))
        page.locator("button[value=submit]").click()
        page.wait_for_load_state()
        assert Filing.objects.get().status == "submitted"
        screenshot(page, f"{name}-filing-sent")

    filing = Filing.objects.get()
    with signed_in(browser, live_server, "chen", world.password, viewport=viewport) as page:
        _in(page, live_server, language)
        page.goto(f"{base}filings/")
        screenshot(page, f"{name}-queue")
        page.goto(f"{base}filings/{filing.pk}/")
        page.locator("#id_review-supports_0").check()
        page.locator("#id_review-note").fill("Active for three years; meets in the community room.")
        page.locator("#review-form button[type=submit]").click()
        page.wait_for_load_state()
        assert Filing.objects.get().status == "reviewed"

    with signed_in(browser, live_server, "shu", world.password, viewport=viewport) as page:
        _in(page, live_server, language)
        page.goto(f"{live_server.url}/streets/{world.street.pk}/organisations/")
        screenshot(page, f"{name}-street")
        page.goto(f"{base}filings/{filing.pk}/")
        assert page.locator("#review-form").count() == 0
        screenshot(page, f"{name}-decision")
        page.locator("button[value=approve]").click()
        page.wait_for_load_state()
        assert Filing.objects.get().status == "approved"

    with signed_in(browser, live_server, "chen", world.password, viewport=viewport) as page:
        _in(page, live_server, language)
        page.goto(f"{base}incubation/")
        page.locator("#id_profile").select_option(str(world.ngo.pk))
        page.locator("#id_incubator").select_option(str(world.committee.pk))
        page.locator("#enter-form button[type=submit]").click()
        page.wait_for_load_state()
        incubation = Incubation.objects.get()
        page.goto(f"{base}incubation/{incubation.pk}/")
        screenshot(page, f"{name}-incubation")
        page.locator("button[value=incubating]").click()
        page.wait_for_load_state()
        assert Incubation.objects.get().stage == "incubating"
        screenshot(page, f"{name}-incubating")
        page.goto(f"{base}{world.ngo.pk}/")
        screenshot(page, f"{name}-organisation")


@pytest.mark.parametrize(
    ("viewport", "language"),
    [(PHONE, "en"), (SMALL_PHONE, "zh-hans")],
    ids=["390-en", "320-zh"],
)
def test_the_staff_pages_fit_a_phone_and_pass_axe(
    browser: Any,
    live_server: Any,
    world: Any,
    viewport: dict[str, int],
    language: str,
) -> None:
    staff = world.users["committee_staff"]
    profile = create_profile(
        staff,
        world.ngo,
        tier="community_guided",
        registered_or_filed_on=date(2020, 1, 1),
        fiscal_host=world.committee,
    )
    record_hosted_money(staff, profile, amount_fen=12_345, description="Donation", on=date(2026, 1, 2))
    incubation = apply_for_incubation(staff, profile, incubator=world.committee)
    move_incubation(staff, incubation, stage="incubating")
    name = f"ngos-staff-{viewport['width']}-{language}"
    base = f"{live_server.url}/c/{world.harmony.pk}/organisations/"
    with signed_in(browser, live_server, "chen", world.password, viewport=viewport) as page:
        _in(page, live_server, language)
        for slug, path in [
            ("grading", "grading/"),
            ("grade", f"{world.ngo.pk}/grade/"),
            ("hosted", f"{world.ngo.pk}/hosted/"),
            ("profile", f"{world.ngo.pk}/profile/"),
            ("offer", f"{world.ngo.pk}/services/new/"),
            ("support", f"incubation/{incubation.pk}/"),
        ]:
            page.goto(base + path)
            assert page.locator("h1").count() == 1
            screenshot(page, f"{name}-{slug}")
        page.goto(f"{base}{world.ngo.pk}/grade/")
        page.locator("#id_assessed_on").fill("2025-06-01")
        page.locator("#id_assessor").fill("District civil affairs")
        for field, value in [
            ("basic_conditions", "80"),
            ("internal_governance", "300"),
            ("performance", "999"),
            ("social_evaluation", "120"),
        ]:
            page.locator(f"#id_{field}").fill(value)
        page.locator("form.card button[type=submit]").click()
        page.wait_for_load_state()
        # The browser's own bound (max) or the server's: either way nothing is recorded and the value stays.
        assert page.locator("#id_performance").input_value() == "999"
        assert not Grade.objects.exists()
