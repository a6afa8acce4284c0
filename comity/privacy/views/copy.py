"""A resident's copy of their data, downloaded from My data: JSON, or a spreadsheet in either language.

Not audited: it is the person's own read of their own data (PIPL Art. 45)."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from comity.foundation.services import require
from comity.privacy.copy import copy_workbook, data_copy

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PERM = "privacy.manage_own_data"


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # Personal data: never kept by a shared cache or the browser's.
    response["Cache-Control"] = "private, no-store"
    return response


def _stem() -> str:
    return f"comity-my-data-{timezone.localdate():%Y-%m-%d}"


def workbook_language(request: HttpRequest) -> str:
    """``?lang=`` when it names one of the site's languages, else the page's."""
    asked = request.GET.get("lang", "")
    codes = [code for code, _name in settings.LANGUAGES]
    if asked in codes:
        return asked
    current = get_language() or settings.LANGUAGE_CODE
    return current if current in codes else settings.LANGUAGE_CODE


@login_required
@require_GET
def copy_json(request: HttpRequest) -> HttpResponse:
    require(request.user, PERM)
    content = json.dumps(data_copy(request.user), ensure_ascii=False, indent=2).encode()
    return _download(content, "application/json; charset=utf-8", f"{_stem()}.json")


@login_required
@require_GET
def copy_xlsx(request: HttpRequest) -> HttpResponse:
    require(request.user, PERM)
    language = workbook_language(request)
    return _download(copy_workbook(request.user, language), XLSX_CONTENT_TYPE, f"{_stem()}-{language}.xlsx")
