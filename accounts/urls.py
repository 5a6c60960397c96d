from django.contrib.auth.views import LogoutView
from django.urls import path

from .views import account, identity, login, outbox, recovery, registration, twofactor

app_name = "accounts"

urlpatterns = [
    path("", account.account_home, name="account"),
    path("login/", login.login_view, name="login"),
    path("logout/", LogoutView.as_view(), name="logout"),
    path("register/", registration.register, name="register"),
    path("register/done/", registration.register_done, name="register-done"),
    path("terms/", registration.terms, name="terms"),
    path("recover/username/", recovery.recover_username, name="recover-username"),
    path("recover/password/", recovery.recover_password, name="recover-password"),
    path("recover/password/code/", recovery.recover_password_code, name="recover-password-code"),
    path(
        "recover/password/email/<str:uidb64>/<str:token>/",
        recovery.recover_password_email,
        name="recover-password-email",
    ),
    path("password/", account.change_password, name="change-password"),
    path("reminders/", account.reminder_settings, name="reminder-settings"),
    path("phone/", account.change_phone, name="change-phone"),
    path("email/", account.bind_email, name="bind-email"),
    path("email/verify/<str:token>/", account.verify_email, name="email-verify"),
    path("identity/", identity.identity_check, name="identity-check"),
    path("claim/", identity.claim, name="claim"),
    path(
        "claim/<uuid:public_id>/<slug:side>.jpg",
        identity.claim_evidence,
        name="claim-evidence",
    ),
    path("outbox/", outbox.outbox, name="outbox"),
    path("staff/2fa/", twofactor.staff_otp_verify, name="staff-otp-verify"),
    path("staff/2fa/setup/", twofactor.staff_otp_setup, name="staff-otp-setup"),
]
