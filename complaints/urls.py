from django.urls import path

from . import views

app_name = "complaints"

urlpatterns = [
    path("", views.index, name="index"),
    path("xiexin/", views.message_create, name="message-create"),
    path("xiexin/<str:tracking_number>/", views.message_receipt, name="message-receipt"),
    path("chaxun/", views.message_lookup, name="message-lookup"),
    path("chaxun/<str:tracking_number>/", views.message_status, name="message-status"),
    path("chaxun/<str:tracking_number>/pingjia/", views.message_rate, name="message-rate"),
    path("liuyan/", views.message_list, name="message-list"),
    path("liuyan/<str:tracking_number>/", views.message_detail, name="message-detail"),
    path("tongji/", views.statistics, name="statistics"),
]
