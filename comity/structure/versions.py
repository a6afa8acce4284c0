"""What makes a community's structure pages stale beyond the community's own audited writes.

Every audited write of a community bumps its data version (``comity.foundation.caching``), and the pages' cached
parts are keyed by it. The structure pages also show what belongs to no one community:

- the street-level subjects (the street office, government departments: ``community`` empty), which serve every
  community of their street, and their memberships: written by ``update_subject``, ``add_membership`` and
  ``end_membership``, whose audit entries then name no community;
- the dispatch catalogue (``MatterCategory``: the kinds of matter, their names and default time limits), shared by
  every community and written only in the Django admin and by migrations, with no audit entry.

Rather than a second version every page would read, such a write bumps the data version of every community it
shows on (:func:`street_changed`: the street's communities; :func:`catalogue_changed`: all of them). Those writes
are rare (a street office renamed, a member added, a kind of matter added in the admin) and the communities of a
street few, while the pages are read all day. The receivers below (connected in ``apps.py``) do it after every
save or delete of a street-level subject, of its memberships and of the catalogue; they also bump the community's
version after a save or delete of a community's subject, membership or matrix row, so an edit in the Django admin
(which records no audit entry) shows at once like one through the services. Bulk writes send no signals (the demo
generator's ``bulk_create``): those are bounded by the parts' timeouts.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model

from comity.foundation.caching import community_changed
from comity.structure.models import Community, GovernanceSubject, Responsibility


def street_changed(street: Model | int) -> None:
    """Make every cached part of the street's communities stale, now and again after the commit."""
    street_id = int(street.pk if isinstance(street, Model) else street)
    for community_id in Community.objects.filter(street_id=street_id).values_list("pk", flat=True):
        community_changed(community_id)


def catalogue_changed(*args: object, **kwargs: object) -> None:
    """The dispatch catalogue is every community's: make every community's cached parts stale (a signal receiver)."""
    for community_id in Community.objects.values_list("pk", flat=True):
        community_changed(community_id)


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
    # The subject's own places; the membership's copies of them when the subject is gone (deleted with it).
    for community_id, street_id in list(found) or [(instance.community_id, instance.street_id)]:
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
