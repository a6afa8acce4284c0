from django.urls import path

from comity.appeals.community_settings import views

app_name = "appeal_settings"

urlpatterns = [
    path("c/<int:community_id>/appeals/settings/", views.settings_page, name="settings"),
    path("c/<int:community_id>/appeals/settings/time-limits/new/", views.policy_new, name="policy_new"),
    path(
        "c/<int:community_id>/appeals/settings/time-limits/reference/",
        views.policy_reference,
        name="policy_reference",
    ),
    path(
        "c/<int:community_id>/appeals/settings/time-limits/<int:policy_id>/",
        views.policy_edit,
        name="policy_edit",
    ),
    path(
        "c/<int:community_id>/appeals/settings/time-limits/<int:policy_id>/delete/",
        views.policy_delete,
        name="policy_delete",
    ),
    path("c/<int:community_id>/appeals/settings/replies/new/", views.template_new, name="template_new"),
    path(
        "c/<int:community_id>/appeals/settings/replies/<int:template_id>/",
        views.template_edit,
        name="template_edit",
    ),
    path(
        "c/<int:community_id>/appeals/settings/replies/<int:template_id>/delete/",
        views.template_delete,
        name="template_delete",
    ),
]
