"""The audit call: services record who did what, where, in the same transaction as the write (ADR 0007).

The table is the ``audit`` app's ``AuditEntry``, which sits above the registry (it points at communities and
streets) while every app below and beside it records entries; the call therefore lives here and reaches the model
through Django's app registry rather than an import (ADR 0013).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.db import models

from comity.foundation.caching import community_changed
from comity.foundation.services import note_audit

if TYPE_CHECKING:
    from comity.audit.models import AuditEntry


def record_audit(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    summary: str,
    params: dict[str, Any] | None = None,
    community: models.Model | None = None,
    street: models.Model | None = None,
    changes: dict[str, Any] | None = None,
) -> AuditEntry:
    """Record one write.

    ``summary`` is an *untranslated* message template marked with ``gettext_noop`` and ``params`` its values, so
    that each reader sees the entry in their own language (``AuditEntry.text``).
    """
    if street is None and community is not None:
        street = community.street  # type: ignore[attr-defined]
    entry_model = apps.get_model("audit", "AuditEntry")
    entry: AuditEntry = entry_model.objects.create(
        community=community,
        street=street,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        summary=summary[:255],
        summary_params={key: str(value) for key, value in (params or {}).items()},
        changes=changes or {},
    )
    note_audit()
    if community is not None:
        # Every audited write of a community makes its versioned caches stale (comity.foundation.caching).
        community_changed(community)
    return entry
