from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

from comity.config.health import HealthView
from comity.web.media import media

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    # For load balancers and monitors: 200 or 503 for everyone, details for staff or a token (docs/operations.md).
    path("health/", HealthView.as_view(), name="health"),
    path("accounts/", include("comity.accounts.urls")),
    path("api/", include("comity.config.api_urls")),
    path("", include("comity.audit.urls")),
    path("", include("comity.appeals.urls")),
    path("", include("comity.appeals.community_settings.urls")),
    path("", include("comity.consultations.urls")),
    path("", include("comity.decisions.urls")),
    path("", include("comity.budgeting.urls")),
    path("", include("comity.budgeting.urls_support")),
    path("", include("comity.notifications.urls")),
    path("", include("comity.structure.urls")),
    path("", include("comity.privacy.urls")),
    path("", include("comity.activities.urls")),
    path("", include("comity.volunteers.urls")),
    path("", include("comity.ngos.urls")),
    path("", include("comity.appeals.rates.urls")),
    path("", include("comity.web.urls")),
    # Uploads, for the local demo only (COMITY_SERVE_MEDIA; a real server's web server serves MEDIA_ROOT).
    re_path(r"^{}(?P<path>.+)$".format(settings.MEDIA_URL.lstrip("/")), media, name="demo_media"),
]

handler403 = "comity.web.views.permission_denied"
handler404 = "comity.web.views.page_not_found"
handler500 = "comity.web.views.server_error"
