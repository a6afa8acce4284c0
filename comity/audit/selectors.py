from __future__ import annotations

from django.db.models import QuerySet

from comity.audit.models import AuditEntry
from comity.structure.models import Community


def community_log(community: Community, *, action_prefix: str = "") -> QuerySet[AuditEntry]:
    entries = AuditEntry.objects.filter(community=community).select_related("actor")
    if action_prefix:
        entries = entries.filter(action__startswith=action_prefix)
    return entries


def action_prefixes(community: Community) -> list[str]:
    actions = AuditEntry.objects.filter(community=community).values_list("action", flat=True).distinct()
    return sorted({action.split(".")[0] for action in actions})
