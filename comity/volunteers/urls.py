from django.urls import path

from comity.volunteers.views import bank, hours, mine, roll

app_name = "volunteers"

C = "c/<int:community_id>/volunteers/"

urlpatterns = [
    # A volunteer's own pages, from My account.
    path("me/volunteering/", mine.my_volunteering, name="mine"),
    path("me/volunteering/certificate/<int:year>/", mine.certificate, name="certificate"),
    # The organisers' side.
    path(C + "hours/", hours.queue, name="queue"),
    path(C + "hours/<int:claim_id>/", hours.claim, name="claim"),
    path(C + "activities/<int:activity_id>/hours/", hours.activity_hours, name="activity_hours"),
    # The committee's time bank, and the roll of honour.
    path(C + "policy/", bank.policy, name="policy"),
    path(C + "accounts/", bank.account_list, name="accounts"),
    path(C + "accounts/<int:account_id>/", bank.account, name="account"),
    path(C + "ledger/", bank.ledger, name="ledger"),
    path(C + "roll/", roll.roll, name="roll"),
]
