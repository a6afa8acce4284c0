from django.urls import path

from comity.activities.views import check_in, organiser, resident

app_name = "activities"

A = "activities/<int:activity_id>/"

urlpatterns = [
    # Residents.
    path("c/<int:community_id>/activities/", resident.activity_list, name="list"),
    path(A, resident.activity_detail, name="activity"),
    path(A + "register/", resident.register_me, name="register"),
    path(A + "cancel-my-registration/", resident.cancel_mine, name="cancel_mine"),
    path("me/activities/", resident.my_registrations, name="mine"),
    path("me/activities/<int:registration_id>/", resident.ticket, name="ticket"),
    path("me/activities/<int:registration_id>/code.svg", resident.ticket_qr, name="ticket_qr"),
    # The organiser's staff and the committee's staff.
    path("c/<int:community_id>/activities/new/", organiser.create, name="create"),
    path(A + "edit/", organiser.edit, name="edit"),
    path(A + "publish/", organiser.publish, name="publish"),
    path(A + "cancel/", organiser.cancel, name="cancel"),
    path(A + "registrations/", organiser.registrations, name="registrations"),
    path(A + "registrations/<int:registration_id>/cancel/", organiser.cancel_for, name="cancel_for"),
    path(A + "counter/", organiser.counter, name="counter"),
    path(A + "check-in/", check_in.check_in_list, name="check_in"),
    path(A + "check-in/<int:registration_id>/", check_in.tick, name="tick"),
    path(A + "scan/", check_in.scan, name="scan"),
    path(A + "print/", check_in.printable, name="print"),
]
