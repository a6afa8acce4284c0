from django.urls import path

from comity.appeals import views, views_public, views_street

app_name = "appeals"

urlpatterns = [
    path("c/<int:community_id>/appeals/new/", views.new_appeal, name="new"),
    path("c/<int:community_id>/appeals/suggest/", views.suggest, name="suggest"),
    path("c/<int:community_id>/appeals/mine/", views.mine, name="mine"),
    path("c/<int:community_id>/appeals/public/", views.public, name="public"),
    path(
        "c/<int:community_id>/appeals/public/<int:appeal_id>/",
        views_public.public_detail,
        name="public_detail",
    ),
    path(
        "c/<int:community_id>/appeals/public/<int:appeal_id>/photos/<int:photo_id>/",
        views_public.public_photo,
        name="public_photo",
    ),
    path(
        "c/<int:community_id>/appeals/public/<int:appeal_id>/<slug:action>/",
        views_public.public_act,
        name="public_act",
    ),
    path("c/<int:community_id>/appeals/queue/", views.queue, name="queue"),
    path("streets/<int:street_id>/appeals/", views_street.street_queue, name="street_queue"),
    path("c/<int:community_id>/appeals/queue/dispatch/", views.bulk_dispatch, name="bulk_dispatch"),
    path("c/<int:community_id>/appeals/<int:appeal_id>/", views.detail, name="detail"),
    path("c/<int:community_id>/appeals/<int:appeal_id>/do/<slug:action>/", views.act, name="act"),
    path("c/<int:community_id>/appeals/<int:appeal_id>/photos/<int:photo_id>/", views.photo, name="photo"),
]
