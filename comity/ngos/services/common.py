"""The ngos services' private helpers."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from comity.engine.ngo_grading import Party
from comity.ngos.permissions import parties_of


def _parties(actor: Any, obj: Any) -> frozenset[Party]:
    return parties_of(actor, obj)


def _user_id(actor: Any) -> int | None:
    return actor.pk if getattr(actor, "is_authenticated", False) else None


def _refuse() -> None:
    raise PermissionDenied
