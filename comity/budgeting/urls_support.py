"""Supports, following and comments of a budget proposal (:mod:`comity.budgeting.views_support`)."""

from django.urls import path

from comity.budgeting import views_support

app_name = "budget_support"

P = "c/<int:community_id>/budgets/<int:cycle_id>/proposals/<int:proposal_id>/"

urlpatterns = [
    path(P + "engage/<slug:action>/", views_support.engage, name="engage"),
    path(P + "comments/", views_support.comment, name="comment"),
    path(P + "comments/<int:comment_id>/hide/", views_support.hide_comment, name="hide_comment"),
    path(P + "comments/<int:comment_id>/restore/", views_support.restore_comment, name="restore_comment"),
]
