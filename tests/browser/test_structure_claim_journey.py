"""A resident claims a unit on a phone by typing "3号楼2单元5" and picking from the search; committee staff review
the claim beside the registry's record of the unit, with the duplicate flagged. At 390 px and 320 px, in English
and in Chinese."""

from __future__ import annotations

from typing import Any

import pytest

from comity.structure.models import AreaKind, ResidencyClaim

from ..factories import (
    AreaFactory,
    HouseholdFactory,
    OwnershipFactory,
    PersonFactory,
    UnitFactory,
    UserFactory,
)
from .conftest import PHONE, SMALL_PHONE, screenshot, signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TEXT = {
    "en": {"send": "Send my claim", "record": "Registry record of 3-2-502", "flag": "Possible duplicate:"},
    "zh-hans": {"send": "提交认证申请", "record": "3-2-502 的登记信息", "flag": "可能重复："},
}


def _estate(world: Any) -> Any:
    three = AreaFactory(community=world.harmony, code="3", name="Building 3", floors=6)
    unit = None
    for stair in ("1", "2"):
        stairwell = AreaFactory(
            community=world.harmony,
            kind=AreaKind.STAIRWELL,
            code=f"3-{stair}",
            name=f"3-{stair}",
            parent=three,
        )
        for room in ("501", "601") if stair == "1" else ("502", "602"):
            made = UnitFactory(building=three, stairwell=stairwell, number=room, floor=int(room[0]))
            if room == "502":
                unit = made
    AreaFactory(community=world.harmony, code="10", name="Building 10", floors=6)
    owner = PersonFactory(
        community=world.harmony, full_name="Wang Fang", household=HouseholdFactory(unit=unit)
    )
    OwnershipFactory(unit=unit, person=owner)
    earlier = UserFactory(username="wangf")
    ResidencyClaim.objects.create(
        community=world.harmony, user=earlier, unit=unit, relation="owner", full_name="Wang Fang"
    )
    return unit


@pytest.mark.parametrize(
    ("viewport", "language"),
    [(PHONE, "en"), (SMALL_PHONE, "en"), (SMALL_PHONE, "zh-hans")],
    ids=["390-en", "320-en", "320-zh"],
)
def test_a_resident_claims_a_unit_by_typing_and_staff_review_it_with_the_registry_record(
    browser: Any, live_server: Any, world: Any, viewport: dict[str, int], language: str
) -> None:
    unit = _estate(world)
    UserFactory(username="fang")
    name = f"{viewport['width']}-{language}"
    words = TEXT[language]

    with signed_in(browser, live_server, "fang", world.password, viewport=viewport) as page:
        page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
        page.goto(f"{live_server.url}/accounts/me/claim/")
        assert page.locator("html").get_attribute("lang") == language
        page.locator("#id_community").select_option(label="Harmony")
        box = page.locator("#id_unit")
        assert box.get_attribute("role") == "combobox"
        box.press_sequentially("3号楼2单元5", delay=20)
        option = page.locator("#id_unit_options [role=option]", has_text="3-2-502")
        option.wait_for()
        assert box.get_attribute("aria-expanded") == "true"
        labels = page.locator("#id_unit_options [role=option] .unit-picker__label").all_inner_texts()
        assert labels == ["3-2-502"]
        screenshot(page, f"claim-unit-search-{name}")
        option.click()
        assert box.input_value() == "3-2-502"
        assert box.get_attribute("aria-expanded") == "false"
        page.locator("#id_relation").select_option("owner")
        page.locator("#id_full_name").fill("Wang Fang")
        page.locator("#id_phone").fill("139 1234 5678")
        screenshot(page, f"claim-unit-filled-{name}")
        page.get_by_role("button", name=words["send"]).click()
        page.wait_for_url(f"{live_server.url}/accounts/me/")
    claim = ResidencyClaim.objects.get(user__username="fang")
    assert (claim.unit, claim.phone) == (unit, "13912345678")

    with signed_in(browser, live_server, "chen", world.password, viewport=viewport) as page:
        page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
        page.goto(f"{live_server.url}/c/{world.harmony.pk}/verification/")
        card = page.locator(f"#claim-{claim.pk}")
        text = card.inner_text()
        assert words["record"] in text
        assert words["flag"] in text
        assert "wangf" in text
        assert card.locator("[data-match=owner]").count() == 1
        screenshot(page, f"claim-review-{name}")
