from django.urls import path

from comity.privacy.views import access, consent, copy, notice, people, requests, retention

app_name = "privacy"

C = "c/<int:community_id>/privacy/"

urlpatterns = [
    # The notice: for everyone, signed in or not.
    path("privacy/", notice.notice, name="notice"),
    path("privacy/v<int:number>/", notice.notice_version, name="notice_version"),
    # A resident's own data, from My account.
    path("me/privacy/", consent.my_data, name="mine"),
    path("me/privacy/consent/<slug:category>/", consent.my_consent, name="my_consent"),
    path("me/privacy/copy.json", copy.copy_json, name="copy_json"),
    path("me/privacy/copy.xlsx", copy.copy_xlsx, name="copy_xlsx"),
    path("me/privacy/requests/new/<slug:kind>/", requests.new_request, name="new_request"),
    path("me/privacy/requests/<int:request_id>/", requests.my_request, name="my_request"),
    path("me/privacy/looked/", access.who_looked, name="who_looked"),
    # The committee's side.
    path(C + "requests/", requests.queue, name="requests"),
    path(C + "requests/<int:request_id>/", requests.handle, name="handle_request"),
    path(C + "people/", people.people, name="people"),
    path(C + "people/<int:person_id>/consent/", consent.assisted, name="assisted_consent"),
    path(C + "people/<int:person_id>/request/<slug:kind>/", people.record_for, name="record_for"),
    path(C + "access/", access.community_access, name="access"),
    path(C + "access/alerts/<int:alert_id>/", access.review_alert, name="review_alert"),
    path(C + "retention/", retention.report, name="retention"),
    path("streets/<int:street_id>/privacy/access/", access.street_access, name="street_access"),
]
