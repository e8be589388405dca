"""Wiring: the assessment season's pages under /season/ (namespace "season")."""

from django.urls import path

from assessments.season import views

app_name = "season"
urlpatterns = [
    path("", views.index, name="index"),
    path("open/<int:rulebook_pk>/", views.open_season, name="open"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/advance/", views.advance, name="advance"),
    path("<int:pk>/review/", views.review_page, name="review"),
    path("unit/<int:pk>/", views.unit_page, name="unit"),
    path("unit/<int:pk>/submit/", views.submit, name="submit"),
    path("unit/<int:pk>/object/<int:item_pk>/", views.object_to, name="object"),
    path("appraisal/<int:pk>/self/", views.self_assess, name="self"),
    path("appraisal/<int:pk>/review/", views.review_item, name="review_item"),
    path("appraisal/<int:pk>/adjust/", views.adjust, name="adjust"),
    path("objection/<int:pk>/answer/", views.answer, name="answer"),
    path("rectification/<int:pk>/", views.rectify, name="rectify"),
    path("file/<int:pk>/", views.download, name="file"),
]
