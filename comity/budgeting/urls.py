from django.urls import path

from comity.budgeting import views, views_steps
from comity.budgeting.views_steps import cycle_step, proposal_step

app_name = "budgeting"

C = "c/<int:community_id>/budgets/<int:cycle_id>/"
P = C + "proposals/<int:proposal_id>/"

urlpatterns = [
    path("c/<int:community_id>/funds/", views.fund_list, name="funds"),
    path("c/<int:community_id>/funds/<int:fund_id>/", views.fund_detail, name="fund"),
    path(
        "c/<int:community_id>/funds/<int:fund_id>/entries/<int:entry_id>/receipt/",
        views.receipt,
        name="receipt",
    ),
    path("c/<int:community_id>/budgets/", views.cycle_list, name="cycles"),
    path("c/<int:community_id>/budgets/new/", views.cycle_new, name="cycle_new"),
    path("c/<int:community_id>/budgets/import/", views.import_file, name="import"),
    path(C, views_steps.cycle_detail, name="cycle"),
    path(C + "open-proposals/", cycle_step("open_proposals"), name="open_proposals"),
    path(C + "review/", cycle_step("start_review"), name="start_review"),
    path(C + "open-voting/", cycle_step("open_voting"), name="open_voting"),
    path(C + "close/", cycle_step("close"), name="close"),
    path(C + "cancel/", cycle_step("cancel"), name="cancel"),
    path(C + "districts/", cycle_step("district_add", "districts"), name="district_add"),
    path(C + "districts/<int:district_id>/export.pb", views.export_file, name="export"),
    path(C + "propose/", views.propose, name="propose"),
    path(C + "vote/", views.vote, name="vote"),
    path(C + "results/", views.results, name="results"),
    path(P, views_steps.proposal_detail, name="proposal"),
    path(P + "review/", proposal_step("review", "review"), name="review"),
    path(P + "cost/", proposal_step("cost", "costing"), name="cost"),
    path(P + "withdraw/", proposal_step("withdraw", ""), name="withdraw"),
    path(P + "milestones/", proposal_step("milestone_add", "delivery"), name="milestone_add"),
    path(
        P + "milestones/<int:milestone_id>/done/",
        proposal_step("milestone_done", "delivery"),
        name="milestone_done",
    ),
    path(P + "accept/", proposal_step("accept", "delivery"), name="accept"),
]
