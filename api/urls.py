"""开放数据 URLs: the API under /api/v1/ (namespace api-v1, django-ninja's own), and the bulk
downloads with the data dictionary under /kfsj/ (namespace api)."""

from django.urls import include, path

from . import views
from .api import api

open_data_patterns = [
    path("", views.open_data, name="open-data"),
    path("<slug:name>.<str:format>", views.dataset_download, name="dataset"),
]

urlpatterns = [
    path("api/v1/", api.urls),
    path("kfsj/", include((open_data_patterns, "api"))),
]
