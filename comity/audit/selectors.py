from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from comity.audit.models import AuditEntry
from comity.foundation.caching import cached_for_community
from comity.structure.models import Community

#: How long the kinds of action in a community's log stay cached at most (the data version makes them fresh).
PREFIXES_SECONDS = 3600


def community_log(community: Community, *, action_prefix: str = "") -> QuerySet[AuditEntry]:
    entries = AuditEntry.objects.filter(community=community).select_related("actor__person")
    if action_prefix:
        entries = entries.filter(action__startswith=action_prefix)
    return entries


#: What each kind of action is about, for the filter of the audit log page.
ACTION_KINDS = {
    "responsibility": _("Responsibilities"),
    "claim": _("Resident verification"),
    "registry": _("Registry"),
    "subject": _("Governance subjects"),
    "membership": _("Members and roles"),
    "demo": _("Demo data"),
    "consultation": _("Consultations"),
    "appeal": _("Appeals"),
    "appeals": _("Appeal figures"),
    "appeal_settings": _("Appeal settings"),
    "time_limit_policy": _("Time limits"),
    "reply_template": _("Reply templates"),
    "decisions": _("Decisions"),
    "budgeting": _("Community budget"),
    "accounts": _("Signing in"),
}


def _present_prefixes(community: Community) -> list[str]:
    actions = AuditEntry.objects.filter(community=community).values_list("action", flat=True).distinct()
    return sorted({action.split(".")[0] for action in actions})


def action_prefixes(community: Community) -> list[tuple[str, str]]:
    """The kinds of action present in the community's log, with a label in the reader's language.

    The kinds are kept in the cache under the community's data version: an entry of a new kind is an audited
    write of the community, which bumps it (reading every entry's action again costs the most of the page)."""
    prefixes = cached_for_community(
        community, "audit-prefixes", compute=lambda: _present_prefixes(community), timeout=PREFIXES_SECONDS
    )
    return [(prefix, str(ACTION_KINDS.get(prefix, _("Other")))) for prefix in prefixes]
