"""A resident's personal information on a phone, in English and in Chinese: they read the privacy notice, agree
to be called, download their copy, ask for a correction that committee staff carry out beside the register's
record, see who looked at their data, and withdraw their consent — which takes effect at once. Every page is
checked with axe and for width at 390 px and 320 px."""

from __future__ import annotations

from typing import Any

import pytest

from comity.privacy.models import Consent, RequestStatus, RightsRequest

from .conftest import PHONE, SMALL_PHONE, screenshot, signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TEXT = {
    "en": {"notice": "How we use your personal information", "staff": "residents' committee"},
    "zh-hans": {"notice": "我们如何使用您的个人信息", "staff": "居委会"},
}


def _in(page: Any, live_server: Any, language: str) -> None:
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])


@pytest.mark.parametrize(
    ("viewport", "language"),
    [(PHONE, "en"), (SMALL_PHONE, "zh-hans")],
    ids=["390-en", "320-zh"],
)
def test_a_resident_reads_the_notice_gets_a_copy_has_a_correction_made_sees_who_looked_and_withdraws(
    browser: Any, live_server: Any, world: Any, viewport: dict[str, int], language: str
) -> None:
    resident = world.users["resident"]
    person = resident.person
    person.phone = "13800001111"
    person.birth_year = 1958
    person.save()
    name = f"privacy-{viewport['width']}-{language}"
    words = TEXT[language]

    with signed_in(browser, live_server, resident.username, world.password, viewport=viewport) as page:
        _in(page, live_server, language)
        page.goto(f"{live_server.url}/privacy/")
        assert page.locator("html").get_attribute("lang") == language
        assert words["notice"] in page.locator("h1").inner_text()
        screenshot(page, f"{name}-notice")

        page.goto(f"{live_server.url}/me/privacy/")
        screenshot(page, f"{name}-mine")
        page.locator("#consent-contact a.button").first.click()
        page.wait_for_load_state()
        page.locator("form:has(input[name=action][value=give]) button[type=submit]").click()
        page.wait_for_load_state()
        assert Consent.objects.filter(person=person, category="contact", withdrawn_at__isnull=True).exists()

        with page.expect_download() as download:
            page.locator("#copy a[href*='copy.xlsx']").first.click()
        assert download.value.suggested_filename.endswith(".xlsx")

        page.goto(f"{live_server.url}/me/privacy/requests/new/correction/")
        page.locator("#id_target").select_option("birth_year")
        page.locator("#id_proposed").fill("3000")
        page.locator("form:has(#id_proposed) button[type=submit]").click()
        page.wait_for_load_state()
        # An absurd year is refused on its field, with what was typed kept.
        assert page.locator("#id_proposed").input_value() == "3000"
        assert page.locator(".errorlist, .field-error").count() >= 1
        screenshot(page, f"{name}-request-error")
        page.locator("#id_proposed").fill("1959")
        page.locator("#id_details").fill("My year of birth is 1959.")
        page.locator("form:has(#id_proposed) button[type=submit]").click()
        page.wait_for_load_state()
        asked = RightsRequest.objects.get(person=person)
        assert asked.status == RequestStatus.OPEN

    staff = world.users["committee_staff"]
    with signed_in(browser, live_server, staff.username, world.password, viewport=viewport) as page:
        _in(page, live_server, language)
        page.goto(f"{live_server.url}/c/{world.harmony.pk}/privacy/requests/")
        screenshot(page, f"{name}-queue")
        page.locator(f"a[href$='/privacy/requests/{asked.pk}/']").first.click()
        page.wait_for_load_state()
        assert "1958" in page.content()  # the register's record beside the request
        screenshot(page, f"{name}-handle")
        page.locator("form:has(input[name=action][value=correct]) button[type=submit]").click()
        page.wait_for_load_state()
    person.refresh_from_db()
    assert person.birth_year == 1959
    asked.refresh_from_db()
    assert asked.status == RequestStatus.DONE

    with signed_in(browser, live_server, resident.username, world.password, viewport=viewport) as page:
        _in(page, live_server, language)
        page.goto(f"{live_server.url}/me/privacy/looked/")
        listed = page.locator("main").inner_text()
        assert staff.person.full_name in listed
        assert words["staff"] in listed.lower()
        screenshot(page, f"{name}-looked")

        page.goto(f"{live_server.url}/me/privacy/consent/contact/")
        assert page.locator("#consequences").inner_text().strip()
        screenshot(page, f"{name}-withdraw")
        page.locator("form:has(input[name=action][value=withdraw]) button[type=submit]").click()
        page.wait_for_load_state()
    person.refresh_from_db()
    assert person.phone == ""
    assert not Consent.objects.filter(person=person, category="contact", withdrawn_at__isnull=True).exists()
