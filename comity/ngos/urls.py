from django.urls import URLPattern

app_name = "ngos"

urlpatterns: list[URLPattern] = []
