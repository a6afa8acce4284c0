from django.contrib.auth import views as auth_views
from django.urls import path

from comity.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("me/claim/", views.claim_unit, name="claim"),
    path("me/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password/reset/sent/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("password/reset/done/", views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("password/code/", views.sign_in_with_code, name="sign_in_with_code"),
    path("sign-in-help/", views.sign_in_help, name="sign_in_help"),
    path("sign-in-help/<int:person_id>/", views.sign_in_help_person, name="sign_in_help_person"),
    path("sign-in-help/<int:person_id>/unlock/", views.unlock, name="unlock"),
    path("sign-in-help/<int:person_id>/code/", views.issue_code, name="issue_code"),
]
