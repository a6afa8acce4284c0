from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from comity.audit.models import AuditEntry
from comity.structure.models import Community


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


def action_prefixes(community: Community) -> list[tuple[str, str]]:
    """The kinds of action present in the community's log, with a label in the reader's language."""
    actions = AuditEntry.objects.filter(community=community).values_list("action", flat=True).distinct()
    prefixes = sorted({action.split(".")[0] for action in actions})
    return [(prefix, str(ACTION_KINDS.get(prefix, _("Other")))) for prefix in prefixes]
