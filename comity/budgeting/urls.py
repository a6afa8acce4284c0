from django.urls import path

from comity.budgeting import views

app_name = "budgeting"

C = "c/<int:community_id>/budgets/<int:cycle_id>/"
P = C + "proposals/<int:proposal_id>/"

urlpatterns = [
    path("c/<int:community_id>/funds/", views.fund_list, name="funds"),
    path("c/<int:community_id>/funds/<int:fund_id>/", views.fund_detail, name="fund"),
    path("c/<int:community_id>/budgets/", views.cycle_list, name="cycles"),
    path("c/<int:community_id>/budgets/new/", views.cycle_new, name="cycle_new"),
    path("c/<int:community_id>/budgets/import/", views.import_file, name="import"),
    path(C, views.cycle_detail, name="cycle"),
    path(C + "open-proposals/", views.cycle_open_proposals, name="open_proposals"),
    path(C + "review/", views.cycle_start_review, name="start_review"),
    path(C + "open-voting/", views.cycle_open_voting, name="open_voting"),
    path(C + "close/", views.cycle_close, name="close"),
    path(C + "cancel/", views.cycle_cancel, name="cancel"),
    path(C + "districts/", views.district_add, name="district_add"),
    path(C + "districts/<int:district_id>/export.pb", views.export_file, name="export"),
    path(C + "propose/", views.propose, name="propose"),
    path(C + "vote/", views.vote, name="vote"),
    path(C + "results/", views.results, name="results"),
    path(P, views.proposal_detail, name="proposal"),
    path(P + "review/", views.proposal_review, name="review"),
    path(P + "cost/", views.proposal_cost, name="cost"),
    path(P + "withdraw/", views.proposal_withdraw, name="withdraw"),
    path(P + "milestones/", views.milestone_add, name="milestone_add"),
    path(P + "milestones/<int:milestone_id>/done/", views.milestone_done, name="milestone_done"),
    path(P + "accept/", views.proposal_accept, name="accept"),
]
