from django.urls import path

from . import views

app_name = "disclosure"

urlpatterns = [
    path("", views.index, name="index"),
]
