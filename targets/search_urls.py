"""Wiring: the portal's search page under /search/."""

from django.urls import path

from targets import views

urlpatterns = [path("", views.search_page, name="search")]
