from django.urls import path

from comity.appeals import views_rates

app_name = "appeal_rates"

urlpatterns = [
    path("c/<int:community_id>/appeals/rates/", views_rates.community_rates, name="community"),
    path("streets/<int:street_id>/appeals/rates/", views_rates.street_rates, name="street"),
]
