from comity.engine.roles import Role
from comity.structure.scope import scope_for


def test_cast_roles_come_from_registry(world):
    harmony = world.harmony.pk
    assert scope_for(world.user("resident")).roles_in(harmony) == {Role.RESIDENT}
    assert scope_for(world.user("owner")).roles_in(harmony) == {Role.RESIDENT, Role.OWNER}
    assert scope_for(world.user("other_resident")).roles_in(harmony) == set()
    assert scope_for(world.user("grid_worker")).roles_in(harmony) == {Role.GRID_WORKER}
    assert scope_for(world.user("committee_staff")).roles_in(harmony) == {Role.COMMITTEE_STAFF}
    assert scope_for(world.user("street_official")).street_ids == {world.street.pk}
    assert scope_for(world.user("street_official")).roles_in(harmony) == set()
    assert scope_for(world.user("ngo_staff")).roles_in(harmony) == {Role.SUBJECT_STAFF}
    assert scope_for(world.user("enterprise_staff")).roles_in(harmony) == {Role.SUBJECT_STAFF}
