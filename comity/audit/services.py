"""Writing audit entries. Services call :func:`record_audit` inside their transaction."""

from __future__ import annotations

from typing import Any

from django.db import models

from comity.audit.models import AuditEntry
from comity.structure.models import Community, Street


def record_audit(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    summary: str,
    params: dict[str, Any] | None = None,
    community: Community | None = None,
    street: Street | None = None,
    changes: dict[str, Any] | None = None,
) -> AuditEntry:
    """Record one write.

    ``summary`` is an *untranslated* message template marked with ``gettext_noop`` and ``params`` its values, so
    that each reader sees the entry in their own language (:attr:`AuditEntry.text`).
    """
    if street is None and community is not None:
        street = community.street
    return AuditEntry.objects.create(
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
