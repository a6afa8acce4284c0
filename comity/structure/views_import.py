"""Pages of the registry import: upload a spreadsheet, and download its template. Thin: the service works."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.http import require_GET, require_http_methods

from comity.structure.forms_import import RegistryImportForm
from comity.structure.importing import (
    XLSX_CONTENT_TYPE,
    ImportReport,
    registry_template_csv,
    registry_template_xlsx,
)
from comity.structure.registry_export import export_registry_csv, export_registry_xlsx
from comity.structure.selectors import get_community_for_user
from comity.structure.services import import_registry

IMPORT_PERM = "structure.import_registry"
#: Problems listed on the page; the rest are counted (the first ones are the ones to fix first).
MAX_SHOWN_ERRORS = 500


@login_required
@require_http_methods(["GET", "POST"])
def registry_import(request: HttpRequest, community_id: int) -> HttpResponse:
    community = get_community_for_user(request.user, community_id, perm=IMPORT_PERM)
    report: ImportReport | None = None
    if request.method == "POST":
        form = RegistryImportForm(request.POST, request.FILES)
        if form.is_valid():
            report = import_registry(
                request.user, community, form.cleaned_data["file"], dry_run=form.cleaned_data["dry_run"]
            )
    else:
        form = RegistryImportForm()
    context = {
        "community": community,
        "form": form,
        "report": report,
        "shown_errors": report.errors[:MAX_SHOWN_ERRORS] if report else [],
        "hidden_errors": max(0, len(report.errors) - MAX_SHOWN_ERRORS) if report else 0,
    }
    return render(request, "structure/registry_import.html", context)


@login_required
@require_GET
def registry_template(request: HttpRequest, community_id: int) -> HttpResponse:
    get_community_for_user(request.user, community_id, perm=IMPORT_PERM)
    language = get_language() or "en"
    file_format = request.GET.get("format", "csv")
    if file_format == "csv":
        response = HttpResponse(registry_template_csv(language), content_type="text/csv; charset=utf-8")
    elif file_format == "xlsx":
        response = HttpResponse(registry_template_xlsx(language), content_type=XLSX_CONTENT_TYPE)
    else:
        return HttpResponseBadRequest("format must be csv or xlsx")
    response["Content-Disposition"] = f'attachment; filename="registry-template-{language}.{file_format}"'
    return response


@login_required
@require_GET
def registry_export(request: HttpRequest, community_id: int) -> HttpResponse:
    """The community's registry in the template's format: edit it in a spreadsheet and import it again."""
    community = get_community_for_user(request.user, community_id, perm=IMPORT_PERM)
    language = get_language() or "en"
    file_format = request.GET.get("format", "xlsx")
    if file_format == "csv":
        response = HttpResponse(
            export_registry_csv(request.user, community, language), content_type="text/csv; charset=utf-8"
        )
    elif file_format == "xlsx":
        response = HttpResponse(
            export_registry_xlsx(request.user, community, language), content_type=XLSX_CONTENT_TYPE
        )
    else:
        return HttpResponseBadRequest("format must be csv or xlsx")
    response["Content-Disposition"] = f'attachment; filename="registry-{community.code}.{file_format}"'
    return response
