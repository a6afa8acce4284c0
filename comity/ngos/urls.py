from django.urls import path

from comity.ngos.views import filing, registry, support

app_name = "ngos"

C = "c/<int:community_id>/organisations/"

urlpatterns = [
    path(C, registry.organisations, name="organisations"),
    path(C + "filings/", filing.queue, name="queue"),
    path(C + "filings/<int:filing_id>/", filing.review, name="review"),
    path(C + "filings/<int:filing_id>/documents/<int:document_id>/", filing.document, name="document"),
    path(C + "incubation/", support.incubation, name="incubation"),
    path(C + "incubation/<int:incubation_id>/", support.incubation_detail, name="incubation_detail"),
    path(C + "grading/", support.grading, name="grading"),
    path(C + "<int:subject_id>/", registry.organisation, name="organisation"),
    path(C + "<int:subject_id>/profile/", registry.profile_edit, name="profile"),
    path(C + "<int:subject_id>/services/new/", registry.offer_new, name="offer_new"),
    path(C + "<int:subject_id>/filing/", filing.filing, name="filing"),
    path(C + "<int:subject_id>/hosted/", support.hosted, name="hosted"),
    path(C + "<int:subject_id>/grade/", support.grade, name="grade"),
    path("streets/<int:street_id>/organisations/", registry.street_overview, name="street"),
]
