"""The activities app's REST endpoints; ``routes`` is added to ``comity/config/api_urls.py`` under ``/api/``.

Thin, like the pages: the same selectors and services, a refusal is a 400 with the service's translated words."""

from __future__ import annotations

from django.urls import URLPattern, path

from comity.activities.api import views

routes: list[URLPattern] = [
    path(
        "v1/communities/<int:community_id>/activities/",
        views.ActivityList.as_view(),
        name="api-activities",
    ),
    path("v1/activities/<int:activity_id>/", views.ActivityDetail.as_view(), name="api-activity"),
    path(
        "v1/activities/<int:activity_id>/registration/",
        views.MyRegistration.as_view(),
        name="api-activity-registration",
    ),
]
