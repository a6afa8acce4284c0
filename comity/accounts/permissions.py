"""Who may help whom to sign in again, as ``rules`` predicates.

Residents'-committee staff look after the residents of their own community: they unlock an account that too
many wrong passwords locked, and hand a one-time code to a resident who has no e-mail to reset a password.
Only plain residents' accounts: a code for someone who acts for a subject or the street would let one staff
member take over a colleague's (or a superior's) account. Platform staff may help anyone of that kind too.
Each permission is tested for every role of the cast in ``tests/apps/test_accounts_permissions.py``.
"""

from __future__ import annotations

from typing import Any

from rules.permissions import add_perm
from rules.predicates import predicate

from comity.engine.roles import Role
from comity.structure.scope import fresh_scope_for, scope_for

#: Roles a person may hold and still count as a plain resident whose sign-in staff may reset.
PLAIN_ROLES = frozenset({Role.RESIDENT, Role.OWNER, Role.VOLUNTEER})


def is_plain_resident_account(user: Any) -> bool:
    """An active account that acts for nobody: no staff flag, no subject, no street, no grid."""
    if user is None or not user.is_active or user.is_staff or user.is_superuser:
        return False
    scope = fresh_scope_for(user)
    if scope.street_ids or scope.acting_subject_ids:
        return False
    return all(roles <= PLAIN_ROLES for roles in scope.community_roles.values())


@predicate
def is_platform_staff(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_superuser)


@predicate
def is_committee_staff_of_persons_community(user: Any, person: Any) -> bool:
    return person is not None and scope_for(user).has_role(person.community_id, Role.COMMITTEE_STAFF)


@predicate
def is_someone_elses_plain_resident_account(user: Any, person: Any) -> bool:
    account = getattr(person, "user", None)
    return account is not None and account.pk != user.pk and is_plain_resident_account(account)


@predicate
def is_committee_staff_somewhere(user: Any) -> bool:
    return any(Role.COMMITTEE_STAFF in roles for roles in scope_for(user).community_roles.values())


#: Open the sign-in help page (a search among one's own residents).
add_perm("accounts.open_sign_in_help", is_committee_staff_somewhere | is_platform_staff)
#: Unlock a resident's account or hand them a one-time code (``obj`` is the resident's Person).
add_perm(
    "accounts.help_with_sign_in",
    (is_committee_staff_of_persons_community | is_platform_staff) & is_someone_elses_plain_resident_account,
)


def may_help_with_sign_in(user: Any, person: Any) -> bool:
    """The permission, and the plain-resident guard again: Django grants an active superuser every permission
    before asking the rules, and not even platform staff may hand a code for a staff account."""
    return bool(user.has_perm("accounts.help_with_sign_in", person)) and bool(
        is_someone_elses_plain_resident_account(user, person)
    )
