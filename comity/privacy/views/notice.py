"""The privacy notice: what Comity holds about residents, why, on which basis, who sees it and for how long."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language

from comity.privacy.models import NoticeVersion
from comity.privacy.selectors.notice import current_notice, notice_history
from comity.privacy.selectors.notice import notice_version as version_by_number
from comity.privacy.services.notice import publish_notice


def notice_for_reading() -> NoticeVersion:
    """The current notice; published on first reading where ``migrate`` did not (a database loaded from a dump)."""
    return current_notice() or publish_notice(None)


def _entries(notice: NoticeVersion) -> list[dict[str, Any]]:
    """The notice's categories in the reader's language, as that version published them."""
    language = "zh" if (get_language() or "").startswith("zh") else "en"
    return [item[language] for item in notice.register]


def _render(request: HttpRequest, notice: NoticeVersion) -> HttpResponse:
    history = notice_history()
    current = history[0] if history else notice
    entries = _entries(notice)
    return render(
        request,
        "privacy/notice.html",
        {
            "notice": notice,
            "is_current": notice.pk == current.pk,
            "current": current,
            "consent_entries": [item for item in entries if item["consent"]],
            "duty_entries": [item for item in entries if not item["consent"]],
            "history": history,
        },
    )


def notice(request: HttpRequest) -> HttpResponse:
    """The current notice, for everyone, signed in or not."""
    return _render(request, notice_for_reading())


def notice_version(request: HttpRequest, number: int) -> HttpResponse:
    """An earlier (or the current) version, as it was published."""
    return _render(request, version_by_number(number))
