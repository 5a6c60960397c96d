from django.urls import path

from xuexin.views import coming

app_name = "accounts"

urlpatterns = [
    path("login/", coming, {"feature": "login"}, name="login"),
    path("register/", coming, {"feature": "register"}, name="register"),
]
