from django.urls import path

from comity.appeals.rates import views

app_name = "appeal_rates"

urlpatterns = [
    path("c/<int:community_id>/appeals/rates/", views.community_rates, name="community"),
    path("streets/<int:street_id>/appeals/rates/", views.street_rates, name="street"),
]
