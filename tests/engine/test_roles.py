import pytest

from comity.engine.roles import Role, roles_from_membership


@pytest.mark.parametrize(
    ("kind", "role", "expected"),
    [
        ("residents_committee", "staff", {Role.COMMITTEE_STAFF}),
        ("residents_committee", "chair", {Role.COMMITTEE_STAFF}),
        ("residents_committee", "grid_worker", {Role.GRID_WORKER}),
        ("street_office", "staff", {Role.STREET_OFFICIAL}),
        ("government_department", "member", {Role.STREET_OFFICIAL}),
        ("social_organisation", "staff", {Role.SUBJECT_STAFF}),
        ("property_management", "chair", {Role.SUBJECT_STAFF}),
        ("volunteer_team", "volunteer", {Role.VOLUNTEER}),
        ("homeowners_committee", "member", {Role.SUBJECT_STAFF}),
    ],
)
def test_membership_gives_roles(kind: str, role: str, expected: set[Role]) -> None:
    assert roles_from_membership(kind, role) == expected


def test_volunteering_for_the_street_office_does_not_make_an_official() -> None:
    assert Role.STREET_OFFICIAL not in roles_from_membership("street_office", "volunteer")


def test_unknown_membership_role_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown membership role"):
        roles_from_membership("residents_committee", "boss")
