from django.urls import path

from targets import views

app_name = "targets"
urlpatterns = [
    path("", views.document_list, name="document_list"),
    path("<int:pk>/", views.document_detail, name="document_detail"),
]
