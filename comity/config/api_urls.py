from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView

from comity.activities import api as activities_api
from comity.appeals import api as appeals_api
from comity.appeals.following import api as appeals_following_api
from comity.budgeting import api as budgeting_api
from comity.budgeting import api_support as budgeting_support_api
from comity.consultations import api as consultations_api
from comity.decisions import api as decisions_api
from comity.foundation.api import not_found
from comity.ngos import api as ngos_api
from comity.privacy.api import access as privacy_access_api
from comity.privacy.api import copy as privacy_copy_api
from comity.structure import api as structure_api
from comity.volunteers import api as volunteers_api

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("v1/communities/", structure_api.CommunityList.as_view(), name="api-communities"),
    path("v1/communities/<int:community_id>/", structure_api.CommunityDetail.as_view(), name="api-community"),
    path(
        "v1/communities/<int:community_id>/subjects/",
        structure_api.SubjectList.as_view(),
        name="api-subjects",
    ),
    path(
        "v1/communities/<int:community_id>/responsibilities/",
        structure_api.ResponsibilityList.as_view(),
        name="api-responsibilities",
    ),
    path(
        "v1/communities/<int:community_id>/responsibilities/<int:responsibility_id>/",
        structure_api.ResponsibilityDetail.as_view(),
        name="api-responsibility",
    ),
    path(
        "v1/communities/<int:community_id>/appeals/",
        appeals_api.AppealList.as_view(),
        name="api-appeals",
    ),
    path(
        "v1/communities/<int:community_id>/appeals/suggest-category/",
        appeals_api.CategorySuggestions.as_view(),
        name="api-appeal-suggest",
    ),
    path(
        "v1/communities/<int:community_id>/appeals/<int:appeal_id>/",
        appeals_api.AppealDetail.as_view(),
        name="api-appeal",
    ),
    path(
        "v1/communities/<int:community_id>/appeals/<int:appeal_id>/events/",
        appeals_api.AppealEvents.as_view(),
        name="api-appeal-events",
    ),
    path(
        "v1/communities/<int:community_id>/appeals/<int:appeal_id>/follow/",
        appeals_following_api.AppealFollow.as_view(),
        name="api-appeal-follow",
    ),
    path(
        "v1/communities/<int:community_id>/appeals/<int:appeal_id>/me-too/",
        appeals_following_api.AppealMeToo.as_view(),
        name="api-appeal-me-too",
    ),
    path(
        "v1/communities/<int:community_id>/consultations/",
        consultations_api.ConsultationList.as_view(),
        name="api-consultations",
    ),
    path(
        "v1/communities/<int:community_id>/consultations/<int:consultation_id>/",
        consultations_api.ConsultationDetail.as_view(),
        name="api-consultation",
    ),
    path(
        "v1/communities/<int:community_id>/consultations/<int:consultation_id>/votes/",
        consultations_api.ConsultationVotes.as_view(),
        name="api-consultation-votes",
    ),
    path(
        "v1/communities/<int:community_id>/consultations/<int:consultation_id>/statements/",
        consultations_api.ConsultationStatements.as_view(),
        name="api-consultation-statements",
    ),
    path(
        "v1/communities/<int:community_id>/consultations/<int:consultation_id>/report/",
        consultations_api.ConsultationReport.as_view(),
        name="api-consultation-report",
    ),
    path(
        "v1/communities/<int:community_id>/decisions/",
        decisions_api.DecisionList.as_view(),
        name="api-decisions",
    ),
    path(
        "v1/communities/<int:community_id>/decisions/<int:decision_id>/",
        decisions_api.DecisionDetail.as_view(),
        name="api-decision",
    ),
    path(
        "v1/communities/<int:community_id>/decisions/<int:decision_id>/ballots/",
        decisions_api.DecisionBallots.as_view(),
        name="api-decision-ballots",
    ),
    path(
        "v1/communities/<int:community_id>/decisions/<int:decision_id>/receipt/",
        decisions_api.DecisionReceipt.as_view(),
        name="api-decision-receipt",
    ),
    path(
        "v1/communities/<int:community_id>/decisions/<int:decision_id>/log/",
        decisions_api.DecisionLog.as_view(),
        name="api-decision-log",
    ),
    path(
        "v1/communities/<int:community_id>/funds/",
        budgeting_api.FundList.as_view(),
        name="api-funds",
    ),
    path(
        "v1/communities/<int:community_id>/funds/<int:fund_id>/ledger/",
        budgeting_api.FundLedger.as_view(),
        name="api-fund-ledger",
    ),
    path(
        "v1/communities/<int:community_id>/budgets/",
        budgeting_api.CycleList.as_view(),
        name="api-budgets",
    ),
    path(
        "v1/communities/<int:community_id>/budgets/<int:cycle_id>/",
        budgeting_api.CycleDetail.as_view(),
        name="api-budget",
    ),
    path(
        "v1/communities/<int:community_id>/budgets/<int:cycle_id>/ballot/",
        budgeting_api.CycleBallot.as_view(),
        name="api-budget-ballot",
    ),
    path(
        "v1/communities/<int:community_id>/budgets/<int:cycle_id>/proposals/",
        budgeting_api.CycleProposals.as_view(),
        name="api-budget-proposals",
    ),
    path(
        "v1/communities/<int:community_id>/budgets/<int:cycle_id>/proposals/<int:proposal_id>/support/",
        budgeting_support_api.ProposalSupportView.as_view(),
        name="api-proposal-support",
    ),
    path(
        "v1/communities/<int:community_id>/budgets/<int:cycle_id>/proposals/<int:proposal_id>/follow/",
        budgeting_support_api.ProposalFollowView.as_view(),
        name="api-proposal-follow",
    ),
    path(
        "v1/communities/<int:community_id>/budgets/<int:cycle_id>/proposals/<int:proposal_id>/comments/",
        budgeting_support_api.ProposalComments.as_view(),
        name="api-proposal-comments",
    ),
    path(
        "v1/communities/<int:community_id>/budgets/<int:cycle_id>/proposals/<int:proposal_id>/comments/"
        "<int:comment_id>/hidden/",
        budgeting_support_api.CommentHidden.as_view(),
        name="api-proposal-comment-hidden",
    ),
    path(
        "v1/communities/<int:community_id>/budgets/<int:cycle_id>/results/",
        budgeting_api.CycleResults.as_view(),
        name="api-budget-results",
    ),
    path("v1/me/data/", privacy_copy_api.MyDataCopy.as_view(), name="api-privacy-copy"),
    path("v1/me/privacy/access/", privacy_access_api.WhoLooked.as_view(), name="api-privacy-access"),
    *activities_api.routes,
    *volunteers_api.routes,
    *ngos_api.routes,
    # Last: any other address under /api/ answers the API's 404 body, not the site's HTML page.
    re_path(r"^", not_found, name="api-not-found"),
]
