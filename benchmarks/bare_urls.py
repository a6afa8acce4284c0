"""The benchmark's URLconf: Comity's own, plus a bare one-query Django view to compare the pages with.

``bench_load.py`` serves the site with ``DJANGO_SETTINGS_MODULE=benchmarks.bare_settings`` (Comity's settings with
this URLconf), so the bare view runs in the same gunicorn workers, behind the same middleware, as every page.
Never part of the product: only the benchmark's settings name it.
"""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from comity.config.urls import handler403, handler404, handler500
from comity.config.urls import urlpatterns as comity_urlpatterns
from comity.structure.models import Community


def bare(request: HttpRequest) -> HttpResponse:
    """One query (a community's name), a few bytes of HTML: what Django and the server cost by themselves."""
    name = Community.objects.order_by("pk").values_list("name", flat=True).first()
    return HttpResponse(f"<!doctype html><title>bare</title><p>{name}</p>")


urlpatterns = [path("bench/bare/", bare, name="bench_bare"), *comity_urlpatterns]

__all__ = ["handler403", "handler404", "handler500", "urlpatterns"]
