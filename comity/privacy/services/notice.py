"""Publishing the privacy notice: a new version whenever the processing register's words or rules change."""

from __future__ import annotations

from typing import Any

from django.db.models import Max

from comity.foundation.services import service
from comity.privacy.models import NoticeVersion
from comity.privacy.register import register_fingerprint, snapshot
from comity.privacy.selectors.notice import current_notice

__all__ = ["current_notice", "publish_notice"]


@service(
    audited=False,
    reason="a notice version is its own record: its number, the moment it was published and the register as "
    "published, in both languages, are kept for ever",
)
def publish_notice(actor: Any = None) -> NoticeVersion:
    """Publish the register as a new notice version, unless the latest already says the same. Categories whose
    purposes, basis or sensitivity changed are listed in ``changed``: consents to them are asked again."""
    latest = NoticeVersion.objects.select_for_update().order_by("-number").first()
    entries = snapshot()
    now_print = register_fingerprint(entries)
    if latest is not None and latest.fingerprint == now_print:
        return latest
    before = {item["code"]: item["fingerprint"] for item in (latest.register if latest else [])}
    changed = [
        item["code"]
        for item in entries
        if item["code"] in before and before[item["code"]] != item["fingerprint"]
    ]
    number = (NoticeVersion.objects.aggregate(top=Max("number"))["top"] or 0) + 1
    notice = NoticeVersion.objects.create(
        number=number, fingerprint=now_print, register=entries, changed=changed
    )
    return notice
