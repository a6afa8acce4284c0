"""The appeal-rate dashboards of a community and of a street, and their CSV/XLSX exports.

Thin: parse the period → permission → read the report → render (or export). ``?format=csv`` or
``?format=xlsx`` on either page downloads the same figures; exporting needs its own permission.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from comity.accounts.selectors import signed_in
from comity.appeals.rates.cache import TIMEOUT, cached_under, report_key
from comity.appeals.rates.chart import trend_chart
from comity.appeals.rates.export import export_rates_csv, export_rates_xlsx
from comity.appeals.rates.periods import CUSTOM, PRESETS, PeriodChoice, choose_period
from comity.appeals.rates.report import RatesReport, community_report, street_report
from comity.foundation.replica import reads_from_replica
from comity.structure.importing import XLSX_CONTENT_TYPE
from comity.structure.models import Community, Street
from comity.structure.selectors import get_community_for_user, get_street_for_user

FORMATS = {"csv": "text/csv; charset=utf-8", "xlsx": XLSX_CONTENT_TYPE}


def _export(
    request: HttpRequest, target: Community | Street, report: RatesReport, file_format: str
) -> HttpResponse:
    language = get_language() or "en"
    make = export_rates_csv if file_format == "csv" else export_rates_xlsx
    response = HttpResponse(
        make(signed_in(request), target, report, language), content_type=FORMATS[file_format]
    )
    choice = report.choice
    name = f"appeal-rates-{target.code}-{choice.first_day.isoformat()}-{choice.last_day.isoformat()}"
    response["Content-Disposition"] = f'attachment; filename="{name}.{file_format}"'
    return response


def _context(
    request: HttpRequest, choice: PeriodChoice, report: Callable[[], RatesReport], *, can_export: bool
) -> dict[str, Any]:
    lazy_report = SimpleLazyObject(report)
    return {
        "choice": choice,
        # Read from the cache (or computed) only when the cached fragment of the page is not drawn: the page's
        # own parts use ``choice`` (SimpleLazyObject: on first use).
        "report": lazy_report,
        "chart": SimpleLazyObject(lambda: trend_chart(cast(RatesReport, lazy_report).trend)),
        "presets": list(PRESETS.items()),
        "custom": CUSTOM,
        "can_export": can_export,
        "today": timezone.localdate(),
        # The cached part of the page is drawn in the reader's time zone (dates, "today"): its key holds it.
        "time_zone": timezone.get_current_timezone_name(),
        # The rendered figures are cached beside the report, as long (the key changes with every write).
        "fragment_timeout": TIMEOUT,
    }


@login_required
@require_GET
@reads_from_replica
def community_rates(request: HttpRequest, community_id: int) -> HttpResponse:
    file_format = request.GET.get("format", "")
    if file_format and file_format not in FORMATS:
        return HttpResponseBadRequest("format must be csv or xlsx")
    perm = "appeals.export_rates" if file_format else "appeals.see_rates"
    community = get_community_for_user(request.user, community_id, perm=perm)
    now = timezone.now()
    choice = choose_period(request.GET, timezone.localdate(now))
    key = report_key(community.street_id, f"community:{community.pk}", choice.query, now)

    def report() -> RatesReport:
        return cached_under(key, lambda: community_report(community, choice, now=now))

    if file_format:
        return _export(request, community, report(), file_format)
    context = _context(
        request, choice, report, can_export=request.user.has_perm("appeals.export_rates", community)
    )
    context["report_key"] = key
    context["community"] = community
    context["can_see_street"] = request.user.has_perm("appeals.see_street_rates", community.street)
    return render(request, "appeals/rates.html", context)


@login_required
@require_GET
@reads_from_replica
def street_rates(request: HttpRequest, street_id: int) -> HttpResponse:
    file_format = request.GET.get("format", "")
    if file_format and file_format not in FORMATS:
        return HttpResponseBadRequest("format must be csv or xlsx")
    perm = "appeals.export_street_rates" if file_format else "appeals.see_street_rates"
    street = get_street_for_user(request.user, street_id, perm=perm)
    now = timezone.now()
    choice = choose_period(request.GET, timezone.localdate(now))
    key = report_key(street.pk, "street", choice.query, now)

    def report() -> RatesReport:
        return cached_under(key, lambda: street_report(street, choice, now=now))

    if file_format:
        return _export(request, street, report(), file_format)
    context = _context(
        request, choice, report, can_export=request.user.has_perm("appeals.export_street_rates", street)
    )
    context["report_key"] = key
    context["street"] = street
    return render(request, "appeals/rates_street.html", context)
