"""The street's data version: what a community's structure pages show that no write *of the community* changes.

The community's data version (``comity.foundation.caching``) changes with every audited write of the community.
The structure pages also show what belongs to no community:

- the street-level subjects (the street office, government departments: ``community`` empty), which serve every
  community of their street, and their memberships: written by ``update_subject``, ``add_membership`` and
  ``end_membership``, whose audit entries then name no community;
- the dispatch catalogue (``MatterCategory``: the kinds of matter, their names and default time limits), shared by
  every community and written only in the Django admin and by migrations, with no audit entry.

So those pages' cached parts vary on the *street data version* too (:func:`street_data_version`), which
:func:`street_changed` bumps. The receivers below bump it after every save or delete of a street-level subject
or of its memberships, and bump every street's after a write of the catalogue; they also bump the community's
version after a save or delete of a community's subject, membership or matrix row, so an edit in the Django
admin (which records no audit entry) shows at once like one through the services. Bulk writes send no signals
(the demo generator's ``bulk_create``): those are bounded by the parts' timeouts.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model

from comity.foundation.caching import PREFIX, bump_version, community_changed, street_key
from comity.structure.models import GovernanceSubject, Responsibility, Street


def _street_version_key(street_id: int) -> str:
    # The key ``comity.foundation.caching.street_key(..., versioned=True)`` reads the version from
    # (tests/apps/test_structure_speed.py checks that a bump here changes that key).
    return f"{PREFIX}:street:{street_id}:version"


def street_changed(street: Model | int) -> None:
    """Make every cached part that varies on the street's data version stale, now and again after the commit."""
    street_id = int(street.pk if isinstance(street, Model) else street)
    bump_version(_street_version_key(street_id))


def street_data_version(street: Model | int) -> str:
    """A value that changes whenever :func:`street_changed` is called for ``street``: vary cached parts on it."""
    return street_key(street, "data", versioned=True)


def catalogue_changed(*args: object, **kwargs: object) -> None:
    """The dispatch catalogue is every community's: make every street's cached parts stale (a signal receiver)."""
    for street_id in Street.objects.values_list("pk", flat=True):
        street_changed(street_id)


def _subject_changed(community_id: int | None, street_id: int | None) -> None:
    if community_id is not None:
        community_changed(community_id)
    elif street_id is not None:
        street_changed(street_id)


def subject_saved(sender: type[Model], instance: Any, **kwargs: object) -> None:
    """A governance subject was saved or deleted: its community's version, or its street's when it has none."""
    _subject_changed(instance.community_id, instance.street_id)


def membership_saved(sender: type[Model], instance: Any, **kwargs: object) -> None:
    """A membership was saved or deleted: the versions of its subject's community or street (member counts)."""
    found = GovernanceSubject.objects.filter(pk=instance.subject_id).values_list("community_id", "street_id")
    for community_id, street_id in found:
        _subject_changed(community_id, street_id)


def responsibility_saved(sender: type[Model], instance: Any, **kwargs: object) -> None:
    """A row of a community's matrix was saved or deleted: the community's version."""
    community_changed(instance.community_id)


def co_handlers_changed(
    sender: type[Model], instance: Any, action: str, reverse: bool, pk_set: set[int] | None, **kwargs: object
) -> None:
    """A matrix row's co-handlers were changed (from either side): the versions of the rows' communities."""
    if not reverse:
        if action.startswith("post_"):
            community_changed(instance.community_id)
        return
    if action == "pre_clear":  # a subject taken off every row: read the rows before the links go
        rows = Responsibility.objects.filter(co_handlers=instance)
    elif action in ("post_add", "post_remove") and pk_set:
        rows = Responsibility.objects.filter(pk__in=pk_set)
    else:
        return
    for community_id in set(rows.values_list("community_id", flat=True)):
        community_changed(community_id)
