from django.urls import path

from . import views

app_name = "surveys"

urlpatterns = [
    path("<uuid:public_id>/", views.detail, name="detail"),
]
