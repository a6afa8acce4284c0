from django.urls import path

from comity.audit import views

app_name = "audit"

urlpatterns = [path("c/<int:community_id>/audit/", views.log, name="log")]
