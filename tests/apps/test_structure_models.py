import pytest
from django.core.exceptions import ValidationError

from comity.structure.models import Area, AreaKind, Membership, Unit

from ..factories import AreaFactory, PersonFactory


def test_a_stairwell_must_sit_in_a_building(world):
    zone = AreaFactory(community=world.harmony, kind=AreaKind.ZONE, code="north")
    stairwell = Area(community=world.harmony, kind=AreaKind.STAIRWELL, code="x", name="x", parent=zone)
    with pytest.raises(ValidationError) as error:
        stairwell.full_clean()
    assert "parent" in error.value.message_dict
    Area(
        community=world.harmony, kind=AreaKind.STAIRWELL, code="1-2", name="1-2", parent=world.building
    ).full_clean()


def test_areas_never_nest_across_communities(world):
    stairwell = Area(
        community=world.riverside, kind=AreaKind.STAIRWELL, code="y", name="y", parent=world.building
    )
    with pytest.raises(ValidationError, match="another community"):
        stairwell.full_clean()


def test_a_unit_lies_in_its_building_and_stairwell(world):
    other_building = AreaFactory(community=world.harmony, kind=AreaKind.BUILDING, code="2")
    unit = Unit(
        community=world.harmony,
        building=other_building,
        stairwell=world.stairwell,
        number="9",
        floor=1,
        exclusive_area="50.00",
    )
    with pytest.raises(ValidationError) as error:
        unit.full_clean()
    assert "stairwell" in error.value.message_dict


def test_a_membership_carries_its_subjects_community(world):
    membership = Membership(
        community=world.riverside,
        street=world.street,
        subject=world.committee,
        person=PersonFactory(community=world.harmony),
        role="member",
    )
    with pytest.raises(ValidationError):
        membership.full_clean()
