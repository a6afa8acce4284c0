from django.urls import path

from comity.consultations import views
from comity.consultations.polis import views as polis_views
from comity.consultations.report import views as report_views

app_name = "consultations"

urlpatterns = [
    path("c/<int:community_id>/consultations/", views.consultation_list, name="list"),
    path("c/<int:community_id>/consultations/new/", views.new, name="new"),
    path("c/<int:community_id>/consultations/import/", polis_views.polis_import, name="import"),
    path("c/<int:community_id>/consultations/<int:consultation_id>/", views.detail, name="detail"),
    path("c/<int:community_id>/consultations/<int:consultation_id>/edit/", views.edit, name="edit"),
    path("c/<int:community_id>/consultations/<int:consultation_id>/publish/", views.publish, name="publish"),
    path("c/<int:community_id>/consultations/<int:consultation_id>/vote/", views.vote, name="vote"),
    path(
        "c/<int:community_id>/consultations/<int:consultation_id>/statements/",
        views.add_statement,
        name="add_statement",
    ),
    path(
        "c/<int:community_id>/consultations/<int:consultation_id>/moderation/",
        views.moderation,
        name="moderation",
    ),
    path(
        "c/<int:community_id>/consultations/<int:consultation_id>/moderation/<int:statement_id>/",
        views.moderate,
        name="moderate",
    ),
    path("c/<int:community_id>/consultations/<int:consultation_id>/drafts/", views.drafts, name="drafts"),
    path(
        "c/<int:community_id>/consultations/<int:consultation_id>/export/",
        polis_views.polis_export,
        name="export",
    ),
    path(
        "c/<int:community_id>/consultations/<int:consultation_id>/report/", report_views.report, name="report"
    ),
    path(
        "c/<int:community_id>/consultations/<int:consultation_id>/report/draft/",
        report_views.report_draft,
        name="report_draft",
    ),
]
