from django.urls import path

from comity.web import views, views_me

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/me/", views_me.me, name="me"),
    path("how-we-measure/", views.measures, name="measures"),
    path("preferences/text-size/", views.text_size, name="text_size"),
    path("healthz", views.health, name="health"),
    path("source.tar.gz", views.source_code, name="source"),
]
