from django.urls import path

from comity.decisions import views

app_name = "decisions"

D = "c/<int:community_id>/decisions/<int:decision_id>/"

urlpatterns = [
    path("c/<int:community_id>/decisions/", views.decision_list, name="list"),
    path("c/<int:community_id>/decisions/new/", views.new, name="new"),
    path(D, views.detail, name="detail"),
    path(D + "edit/", views.edit, name="edit"),
    path(D + "vote/", views.vote, name="vote"),
    path(D + "open/", views.open_voting, name="open"),
    path(D + "extend/", views.extend, name="extend"),
    path(D + "close/", views.close, name="close"),
    path(D + "cancel/", views.cancel, name="cancel"),
    path(D + "minutes/", views.minutes, name="minutes"),
    path(D + "affected/", views.affected_add, name="affected_add"),
    path(D + "affected/<int:affected_id>/remove/", views.affected_remove, name="affected_remove"),
    path(D + "objections/", views.objection, name="objection"),
    path(D + "objections/<int:objection_id>/withdraw/", views.objection_withdraw, name="objection_withdraw"),
    path(D + "mediations/", views.mediation, name="mediation"),
    path(D + "minority/", views.minority, name="minority"),
    path(D + "receipt/", views.receipt, name="receipt"),
    path(D + "log/", views.ballot_log, name="log"),
    path(D + "log.json", views.ballot_log_json, name="log_json"),
    path(D + "register/", views.register, name="register"),
    path(D + "paper/", views.paper, name="paper"),
    path(D + "paper/<int:participation_id>/check/", views.paper_check, name="paper_check"),
    path(D + "proxies/", views.proxies, name="proxies"),
    path(D + "simulator/", views.simulator, name="simulator"),
    path(D + "costs/", views.cost_plan, name="cost_plan"),
]
