"""The ngos app's REST endpoints; ``routes`` is added to ``comity/config/api_urls.py`` under ``/api/``."""

from __future__ import annotations

from django.urls import URLPattern, path

from comity.ngos.api.organisations import OrganisationDetail, OrganisationList

routes: list[URLPattern] = [
    path(
        "v1/communities/<int:community_id>/organisations/",
        OrganisationList.as_view(),
        name="api-ngos-organisations",
    ),
    path(
        "v1/communities/<int:community_id>/organisations/<int:subject_id>/",
        OrganisationDetail.as_view(),
        name="api-ngos-organisation",
    ),
]
