"""Choosing a unit on a phone: the unit search, the claim form reading "3号楼2单元502", phones checked and
stored normalised, buildings in natural order, and the claim review with the registry record and duplicates."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from comity.appeals.forms import AppealForm
from comity.structure.fields import NaturalAreaChoiceField
from comity.structure.forms import NewResponsibilityForm
from comity.structure.models import AreaKind, ClaimStatus, ResidencyClaim
from comity.structure.registry_export import registry_rows
from comity.structure.unit_search import find_units, search_units, unit_label

from ..conftest import CAST
from ..factories import (
    AreaFactory,
    HouseholdFactory,
    OwnershipFactory,
    PersonFactory,
    UnitFactory,
    UserFactory,
)


def _estate(world):
    """Building 3 numbered per stairwell as the import writes it (502 in stairwell 3-2), building 10 numbered
    with the stairwell in front (2-502), and building 2, so that natural order shows."""
    three = AreaFactory(community=world.harmony, code="3", name="Building 3", floors=6)
    units = {}
    for stair in ("1", "2"):
        stairwell = AreaFactory(
            community=world.harmony,
            kind=AreaKind.STAIRWELL,
            code=f"3-{stair}",
            name=f"3-{stair}",
            parent=three,
        )
        number = "502" if stair == "2" else "501"
        units[f"3-{stair}-{number}"] = UnitFactory(
            building=three, stairwell=stairwell, number=number, floor=5
        )
    ten = AreaFactory(community=world.harmony, code="10", name="Building 10", floors=6)
    for stair in ("1", "2"):
        units[f"10-{stair}-502"] = UnitFactory(building=ten, number=f"{stair}-502", floor=5)
    two = AreaFactory(community=world.harmony, code="2", name="Building 2", floors=6)
    units["2-101"] = UnitFactory(building=two, number="101", floor=1)
    return units


def _claim(client, world, unit_text, **extra):
    data = {
        "community": world.harmony.pk,
        "unit": unit_text,
        "relation": "tenant",
        "full_name": "Rui",
        **extra,
    }
    return client.post(reverse("accounts:claim"), data)


# ---------------------------------------------------------------------------------------------- lookup


@pytest.mark.parametrize(
    ("typed", "label"),
    [
        ("3号楼2单元502", "3-2-502"),
        ("3-2-502", "3-2-502"),
        ("Building 3, stairwell 2, unit 502", "3-2-502"),
        ("3-502", "3-2-502"),
        ("10号楼2单元502室", "10-2-502"),
        ("10-1-502", "10-1-502"),
        ("2-101", "2-101"),
    ],
)
def test_a_typed_address_finds_its_unit_in_either_numbering(world, typed, label):
    units = _estate(world)
    (found,) = find_units(world.harmony, typed)
    assert found == units[label]
    assert unit_label(found) == label


def test_an_address_without_its_stairwell_can_name_several_units(world):
    _estate(world)
    assert [unit_label(u) for u in find_units(world.harmony, "10-502")] == ["10-1-502", "10-2-502"]


def test_the_search_lists_units_in_natural_order_within_the_community_only(world):
    _estate(world)
    UnitFactory(building=AreaFactory(community=world.riverside, code="3"), number="502", floor=5)
    labels = [unit_label(u) for u in search_units(world.harmony, "502")]
    assert labels == ["3-2-502", "10-1-502", "10-2-502"]
    assert [unit_label(u) for u in search_units(world.harmony, "3号楼2单元502")] == ["3-2-502"]


# ---------------------------------------------------------------------------------------------- the endpoint


def _search(client, world, text, community=None):
    community = world.harmony.pk if community is None else community
    return client.get(
        reverse("structure:unit_search"), {"community": community, "field": "unit", "unit": text}
    )


@pytest.mark.parametrize("role", [role for role in CAST if role != "anonymous"])
def test_every_signed_in_role_gets_unit_labels_and_nothing_personal(world, client_for, role):
    _estate(world)
    response = _search(client_for(role), world, "3-2-5")
    assert response.status_code == 200
    content = response.content.decode()
    assert 'data-value="3-2-502"' in content
    assert 'role="option"' in content
    assert "Olga" not in content
    assert "Rui" not in content
    assert "1 unit matches." in content


def test_anonymous_visitors_are_sent_to_log_in_by_the_search(world, client_for):
    response = _search(client_for("anonymous"), world, "101")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_search_of_an_unknown_community_is_not_found_and_without_one_lists_nothing(world, client_for):
    client = client_for("resident")
    assert _search(client, world, "101", community=999_999).status_code == 404
    empty = _search(client, world, "101", community="")
    assert (empty.status_code, 'role="option"' in empty.content.decode()) == (200, False)


def test_a_search_that_matches_nothing_says_what_to_type(world, client_for):
    response = _search(client_for("resident"), world, "99-99-999")
    assert (
        "No unit matches. Type the building, stairwell and unit, like 3-2-502." in response.content.decode()
    )


# ---------------------------------------------------------------------------------------------- the claim form


@pytest.mark.parametrize("typed", ["3号楼2单元502", "3-2-502", "Building 3, stairwell 2, unit 502"])
def test_a_resident_claims_a_unit_by_typing_its_address(world, client_for, typed):
    units = _estate(world)
    response = _claim(client_for("resident"), world, typed, phone="+86 139-1234-5678")
    assert response.status_code == 302
    claim = ResidencyClaim.objects.get()
    assert (claim.unit, claim.phone) == (units["3-2-502"], "13912345678")


def test_the_claim_form_says_exactly_which_format_it_wants(world, client_for):
    _estate(world)
    response = _claim(client_for("resident"), world, "my flat")
    assert response.context["form"].errors["unit"] == [
        "Type the building, stairwell and unit, like 3-2-502 or 3号楼2单元502 (or building and unit, like 3-502)."
    ]
    missing = _claim(client_for("resident"), world, "3-9-999")
    assert missing.context["form"].errors["unit"] == [
        "There is no unit “3-9-999” in Harmony. Check the numbers, or pick from the list."
    ]
    several = _claim(client_for("resident"), world, "10-502")
    assert several.context["form"].errors["unit"] == [
        "Several units match: 10-1-502, 10-2-502. Add the stairwell, like 10-1-502."
    ]
    assert 'value="10-502"' in several.content.decode()
    assert not ResidencyClaim.objects.exists()


def test_the_claim_form_refuses_a_phone_that_is_no_mainland_number_in_chinese(world, client_for):
    _estate(world)
    response = _claim(client_for("resident"), world, "3-2-502", phone="12345", HTTP_ACCEPT_LANGUAGE="zh-hans")
    (message,) = response.context["form"].errors["phone"]
    assert message.startswith("“12345”")
    assert "010-12345678" in message
    assert not ResidencyClaim.objects.exists()


def test_the_claim_form_renders_a_combobox_with_a_plain_text_fallback(world, client_for):
    content = client_for("resident").get(reverse("accounts:claim")).content.decode()
    assert 'role="combobox"' in content
    assert 'aria-controls="id_unit_options"' in content
    assert f'hx-get="{reverse("structure:unit_search")}"' in content
    assert 'hx-include="[name=community]"' in content
    assert 'type="text" name="unit"' in content
    assert "<select" not in content.split('name="unit"')[1].split("</div>")[0]


# ---------------------------------------------------------------------------------------------- review


def test_staff_see_the_registry_record_and_duplicate_flags_beside_each_claim(world, client_for):
    units = _estate(world)
    unit = units["3-2-502"]
    owner = PersonFactory(
        community=world.harmony, full_name="Wang Fang", household=HouseholdFactory(unit=unit)
    )
    OwnershipFactory(unit=unit, person=owner)
    PersonFactory(community=world.harmony, full_name="Wang Xiaoming", household=owner.household)
    first = UserFactory(username="wf1")
    second = UserFactory(username="wf2")
    third = UserFactory(username="li")
    for user, name in ((first, "Wang Fang"), (second, "Wang  Fang"), (third, "Li Lei")):
        ResidencyClaim.objects.create(
            community=world.harmony, user=user, unit=unit, relation="owner", full_name=name
        )
    content = client_for("committee_staff").get(reverse("structure:claims", args=[world.harmony.pk])).content
    page = content.decode()
    assert page.count("Registry record of 3-2-502") == 3
    owners = re.findall(r"<dt>Owners</dt>\s*<dd>(.*?)</dd>", page)
    assert owners == ["Wang Fang"] * 3  # a sole owner is shown without a share
    assert "Wang Xiaoming" in page
    assert page.count('data-match="owner"') == 2
    assert page.count('data-match="none"') == 1
    assert page.count('data-flag="same-person"') == 2
    assert page.count('data-flag="competing"') == 3
    assert "the same name already claims this unit from another account:" in page


def test_a_claim_without_duplicates_is_not_flagged(world, client_for):
    ResidencyClaim.objects.create(
        community=world.harmony,
        user=world.user("resident"),
        unit=world.unit,
        relation="family",
        full_name="Rui",
    )
    ResidencyClaim.objects.create(
        community=world.harmony,
        user=UserFactory(),
        unit=world.unit,
        relation="family",
        full_name="Rui",
        status=ClaimStatus.REJECTED,
    )
    page = (
        client_for("committee_staff")
        .get(reverse("structure:claims", args=[world.harmony.pk]))
        .content.decode()
    )
    assert "data-flag=" not in page
    assert "Olga" in page


def test_the_review_page_reads_a_fixed_number_of_queries(world, client_for, django_assert_max_num_queries):
    units = _estate(world)
    for n, unit in enumerate(units.values()):
        ResidencyClaim.objects.create(
            community=world.harmony, user=UserFactory(), unit=unit, relation="tenant", full_name=f"P{n}"
        )
    client = client_for("committee_staff")
    with django_assert_max_num_queries(20):
        assert client.get(reverse("structure:claims", args=[world.harmony.pk])).status_code == 200


# ---------------------------------------------------------------------------------------------- natural order


def test_buildings_are_listed_in_natural_order_on_the_registry_and_in_pickers(world, client_for):
    _estate(world)
    page = client_for("committee_staff").get(reverse("structure:registry", args=[world.harmony.pk])).content
    text = page.decode()
    assert text.index("Building 2<") < text.index("Building 3<") < text.index("Building 10<")
    form = NewResponsibilityForm(community=world.harmony)
    assert isinstance(form.fields["scope_area"], NaturalAreaChoiceField)
    buildings = [label for _value, label in form.fields["scope_area"].choices if label.startswith("Building")]
    assert buildings == ["Building 1", "Building 2", "Building 3", "Building 10"]
    assert [row[0] for row in registry_rows(world.harmony, "en")][:4] == ["1", "1", "2", "3"]
    # The workbench's building filter, as drawn (its widget takes its choices when the queryset is set).
    workbench = client_for("committee_staff").get(reverse("appeals:queue", args=[world.harmony.pk]))
    html = workbench.content.decode()
    picker = html[html.index('name="area"') :]
    assert picker.index(">Building 2<") < picker.index(">Building 3<") < picker.index(">Building 10<")


def test_assisted_appeal_entry_searches_units_and_checks_the_phone(world):
    units = _estate(world)
    form = AppealForm(
        data={
            "kind": "help_request",
            "description": "The lift is stuck.",
            "category": "",
            "unit": "3号楼2单元502",
            "contact_name": "Wang",
            "contact_phone": "12345",
            "channel": "walk_in",
            "consent_note": "Asked in person.",
        },
        community=world.harmony,
        user=world.user("committee_staff"),
        assisted=True,
    )
    form.is_valid()
    assert form.cleaned_data["unit"] == units["3-2-502"]
    assert "contact_phone" in form.errors
    assert 'role="combobox"' in str(form["unit"])
