from django.urls import path

from comity.appeals.views import case, intake, public, queue, street

app_name = "appeals"

urlpatterns = [
    path("c/<int:community_id>/appeals/new/", intake.new_appeal, name="new"),
    path("c/<int:community_id>/appeals/suggest/", intake.suggest, name="suggest"),
    path("c/<int:community_id>/appeals/mine/", intake.mine, name="mine"),
    path("c/<int:community_id>/appeals/public/", intake.public, name="public"),
    path(
        "c/<int:community_id>/appeals/public/<int:appeal_id>/",
        public.public_detail,
        name="public_detail",
    ),
    path(
        "c/<int:community_id>/appeals/public/<int:appeal_id>/photos/<int:photo_id>/",
        public.public_photo,
        name="public_photo",
    ),
    path(
        "c/<int:community_id>/appeals/public/<int:appeal_id>/<slug:action>/",
        public.public_act,
        name="public_act",
    ),
    path("c/<int:community_id>/appeals/queue/", queue.queue, name="queue"),
    path("streets/<int:street_id>/appeals/", street.street_queue, name="street_queue"),
    path("c/<int:community_id>/appeals/queue/dispatch/", queue.bulk_dispatch, name="bulk_dispatch"),
    path("c/<int:community_id>/appeals/<int:appeal_id>/", case.detail, name="detail"),
    path("c/<int:community_id>/appeals/<int:appeal_id>/do/<slug:action>/", case.act, name="act"),
    path("c/<int:community_id>/appeals/<int:appeal_id>/photos/<int:photo_id>/", case.photo, name="photo"),
]
