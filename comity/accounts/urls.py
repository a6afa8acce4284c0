from django.contrib.auth import views as auth_views
from django.urls import path

from comity.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("me/", views.me, name="me"),
    path("me/claim/", views.claim_unit, name="claim"),
]
