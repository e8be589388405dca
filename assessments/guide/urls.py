"""Wiring: the help page under /help/."""

from django.urls import path

from assessments.guide import views

urlpatterns = [path("", views.help_page, name="help")]
