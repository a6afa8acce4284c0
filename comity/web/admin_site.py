"""Django's admin, with one addition: a change made in it makes every cached page part stale.

The services record an audit entry for each write of a community, and that bumps the community's data version
(``comity.foundation.caching``). An edit in the admin goes around the services, so it bumps the version of
everything instead: every POST the admin answers with a redirect (a saved form, a deletion, an action) changed
something (signing in and out aside). Admin edits are rare beside page views, so recomputing every cached part after one costs little.
"""

from __future__ import annotations

from functools import wraps
from typing import Any

from django.contrib.admin.apps import AdminConfig
from django.contrib.admin.sites import AdminSite
from django.http import HttpRequest, HttpResponse

from comity.foundation.caching import everything_changed


class ComityAdminSite(AdminSite):
    def admin_view(self, view: Any, cacheable: bool = False) -> Any:
        @wraps(view)
        def changing(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            response: HttpResponse = view(request, *args, **kwargs)
            match = request.resolver_match
            signing = match is not None and match.url_name in ("login", "logout")
            if request.method == "POST" and response.status_code in (301, 302, 303) and not signing:
                everything_changed()
            return response

        return super().admin_view(changing, cacheable)


class ComityAdminConfig(AdminConfig):
    default_site = "comity.web.admin_site.ComityAdminSite"
