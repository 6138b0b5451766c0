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
    path("zhengqiu/", views.consultation_list, name="consultation-list"),
    path("zhengqiu/<int:pk>/", views.consultation_detail, name="consultation-detail"),
    path("zhengqiu/<int:pk>/yijian/", views.consultation_comment, name="consultation-comment"),
    path(
        "zhengqiu/<int:pk>/yijian/yitijiao/",
        views.consultation_comment_done,
        name="consultation-comment-done",
    ),
    path("zhengqiu/<int:pk>/fankui/", views.consultation_feedback, name="consultation-feedback"),
    path(
        "zhengqiu/<int:pk>/wenjian/<int:file_pk>/",
        views.consultation_file,
        name="consultation-file",
    ),
    path("pingyi/", views.evaluation_list, name="evaluation-list"),
    path("pingyi/<int:pk>/", views.evaluation_detail, name="evaluation-detail"),
    path("pingyi/<int:pk>/yitijiao/", views.evaluation_done, name="evaluation-done"),
    path("pingyi/<int:pk>/jieguo/", views.evaluation_results, name="evaluation-results"),
]
