from django.urls import path

from comity.structure import views, views_import, views_overview, views_units

app_name = "structure"

urlpatterns = [
    path("c/<int:community_id>/", views_overview.overview, name="overview"),
    path("c/<int:community_id>/structure/", views_overview.structure_map, name="map"),
    path("c/<int:community_id>/responsibilities/", views_overview.matrix, name="matrix"),
    path("c/<int:community_id>/responsibilities/new/", views.matrix_new, name="matrix_new"),
    path(
        "c/<int:community_id>/responsibilities/<int:responsibility_id>/",
        views.matrix_edit,
        name="matrix_edit",
    ),
    path(
        "c/<int:community_id>/responsibilities/<int:responsibility_id>/delete/",
        views.matrix_delete,
        name="matrix_delete",
    ),
    path("c/<int:community_id>/subjects/", views_overview.subjects, name="subjects"),
    path("c/<int:community_id>/subjects/new/", views.subject_new, name="subject_new"),
    path("subjects/<int:subject_id>/", views.subject_detail, name="subject"),
    path("subjects/<int:subject_id>/edit/", views.subject_edit, name="subject_edit"),
    path("subjects/<int:subject_id>/members/", views.membership_add, name="membership_add"),
    path(
        "subjects/<int:subject_id>/members/<int:membership_id>/end/",
        views.membership_end,
        name="membership_end",
    ),
    path("streets/<int:street_id>/", views_overview.street_overview, name="street"),
    path("c/<int:community_id>/verification/", views.claims, name="claims"),
    path("c/<int:community_id>/verification/<int:claim_id>/", views.claim_decide, name="claim_decide"),
    path("c/<int:community_id>/registry/", views.registry, name="registry"),
    path("c/<int:community_id>/registry/buildings/<int:building_id>/", views.building, name="building"),
    path("c/<int:community_id>/registry/import/", views_import.registry_import, name="registry_import"),
    path("c/<int:community_id>/registry/template/", views_import.registry_template, name="registry_template"),
    path("c/<int:community_id>/registry/export/", views_import.registry_export, name="registry_export"),
    path("units/search/", views_units.unit_search, name="unit_search"),
]
