"""The home page, display preferences and error pages."""

from __future__ import annotations

from datetime import datetime

from django.db import connection
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseServerError
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import condition, require_POST, require_safe

from comity.accounts.models import User
from comity.accounts.services import set_large_text
from comity.engine.structure_metrics import RESIDENTS_PER_WORKER_GUIDELINE
from comity.structure.scope import scope_for
from comity.structure.selectors import communities_for_user
from comity.web.source import source_archive


def home(request: HttpRequest) -> HttpResponse:
    """Send people where they work: street officials to their street, others to their community."""
    if not request.user.is_authenticated:
        return render(request, "web/landing.html")
    scope = scope_for(request.user)
    if scope.street_ids:
        return redirect("structure:street", street_id=min(scope.street_ids))
    if scope.home_community_id and scope.roles_in(scope.home_community_id):
        return redirect("structure:overview", community_id=scope.home_community_id)
    communities = list(communities_for_user(request.user)[:2])
    if len(communities) == 1:
        return redirect("structure:overview", community_id=communities[0].pk)
    return render(request, "web/home.html", {"communities": communities_for_user(request.user)})


@require_POST
def text_size(request: HttpRequest) -> HttpResponse:
    large = request.POST.get("large_text") == "1"
    request.session["large_text"] = large
    if isinstance(request.user, User):
        set_large_text(request.user, large)
    target = request.POST.get("next", "/")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    return redirect(target)


def measures(request: HttpRequest) -> HttpResponse:
    """The "How we measure" page: the overview pages' figures in plain words, with their formulas, for everyone."""
    return render(request, "web/measures.html", {"guideline": RESIDENTS_PER_WORKER_GUIDELINE})


def health(request: HttpRequest) -> HttpResponse:
    """For load balancers and monitors: the app answers and its database does too."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


def _source_etag(request: HttpRequest) -> str:
    return source_archive().digest


def _source_modified(request: HttpRequest) -> datetime:
    return source_archive().modified


@require_safe
@condition(etag_func=_source_etag, last_modified_func=_source_modified)
def source_code(request: HttpRequest) -> HttpResponseBase:
    """The running code as a tarball, as the AGPL (section 13) asks of a network service.

    It is built from the installed ``comity`` package, so a city that modified its deployment offers exactly what it
    runs, with the licence; built once and then served as a file (:mod:`comity.web.source`), with its length, an
    ETag and a Last-Modified date, so a browser or a crawler that has it already gets a 304.
    """
    archive = source_archive()
    response = FileResponse(
        archive.path.open("rb"),
        as_attachment=True,
        filename=archive.filename,
        content_type="application/gzip",
    )
    response["Cache-Control"] = "public, max-age=3600"
    return response


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "web/403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "web/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """The friendly error page; if even that cannot be drawn (the database is down, say), a bare one."""
    try:
        return render(request, "web/500.html", status=500)
    except Exception:
        return HttpResponseServerError(
            "<!doctype html><title>Error</title><h1>Something went wrong · 出错了</h1>"
            "<p>Please try again later. · 请稍后再试。</p>"
        )
