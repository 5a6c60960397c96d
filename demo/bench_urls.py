"""/bench/floor/…: the floor views of `make bench` (demo/bench_views.py), bench mode only."""

from django.urls import path

from . import bench_views

urlpatterns = [
    path("floor/api/<str:code>", bench_views.api_floor, name="bench-floor-api"),
    path("floor/xueji/", bench_views.xueji_floor, name="bench-floor-xueji"),
]
