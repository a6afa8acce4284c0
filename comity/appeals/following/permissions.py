"""Who may open a public appeal's page, follow it and say it affects them too, as ``rules`` predicates.

A public appeal is shared without names with everyone who may open the community (as the public list is).
Any of them may follow it; only verified residents and owners of the community say "this affects me too", so
that the count means neighbours. Each permission is tested for every member of the cast in
``tests/apps/test_appeals_following.py``.
"""

from __future__ import annotations

from typing import Any

from rules.permissions import add_perm, has_perm
from rules.predicates import predicate

from comity.appeals.models import Appeal
from comity.engine.roles import Role
from comity.structure.permissions import can_view_community
from comity.structure.scope import scope_for


@predicate
def is_public_appeal(user: Any, appeal: Any) -> bool:
    return isinstance(appeal, Appeal) and appeal.is_public


@predicate
def lives_or_owns_where_appealed(user: Any, appeal: Any) -> bool:
    """A verified resident or owner of the appeal's community."""
    if not isinstance(appeal, Appeal):
        return False
    roles = scope_for(user).roles_in(appeal.community_id)
    return Role.RESIDENT in roles or Role.OWNER in roles


can_see_public_appeal = is_public_appeal & can_view_community

add_perm("appeals.see_public_appeal", can_see_public_appeal)
add_perm("appeals.follow_appeal", can_see_public_appeal)
add_perm("appeals.say_me_too", can_see_public_appeal & lives_or_owns_where_appealed)


def may_say_me_too(user: Any, appeal: Any) -> bool:
    """The rule itself, not ``user.has_perm``: Django lets superusers pass every check, but a platform
    administrator is not a resident, and the count must mean neighbours."""
    return bool(getattr(user, "is_authenticated", False) and has_perm("appeals.say_me_too", user, appeal))
