from django.urls import path

from comity.decisions.views import ballots, decisions, staff, steps

app_name = "decisions"

D = "c/<int:community_id>/decisions/<int:decision_id>/"

urlpatterns = [
    path("c/<int:community_id>/decisions/", decisions.decision_list, name="list"),
    path("c/<int:community_id>/decisions/new/", decisions.new, name="new"),
    path(D, steps.detail, name="detail"),
    path(D + "edit/", decisions.edit, name="edit"),
    path(D + "vote/", steps.vote, name="vote"),
    path(D + "open/", steps.open_voting, name="open"),
    path(D + "extend/", steps.extend, name="extend"),
    path(D + "close/", steps.close, name="close"),
    path(D + "cancel/", steps.cancel, name="cancel"),
    path(D + "minutes/", steps.minutes, name="minutes"),
    path(D + "affected/", steps.affected_add, name="affected_add"),
    path(D + "affected/<int:affected_id>/remove/", steps.affected_remove, name="affected_remove"),
    path(D + "objections/", steps.objection, name="objection"),
    path(D + "objections/<int:objection_id>/withdraw/", steps.objection_withdraw, name="objection_withdraw"),
    path(D + "mediations/", steps.mediation, name="mediation"),
    path(D + "minority/", steps.minority, name="minority"),
    path(D + "receipt/", ballots.receipt, name="receipt"),
    path(D + "log/", ballots.ballot_log, name="log"),
    path(D + "log.json", ballots.ballot_log_json, name="log_json"),
    path(D + "register/", staff.register, name="register"),
    path(D + "paper/", ballots.paper, name="paper"),
    path(D + "paper/<int:participation_id>/check/", ballots.paper_check, name="paper_check"),
    path(D + "proxies/", ballots.proxies, name="proxies"),
    path(D + "simulator/", staff.simulator, name="simulator"),
    path(D + "costs/", staff.cost_plan, name="cost_plan"),
]
