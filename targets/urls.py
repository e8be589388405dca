from django.urls import path

from targets import views

app_name = "targets"
urlpatterns = [
    path("", views.document_list, name="document_list"),
    path("<int:pk>/", views.document_detail, name="document_detail"),
    path("<int:pk>/carry-forward/", views.carry_forward, name="carry_forward"),
    path("new/", views.draft_new, name="draft_new"),
    path("drafts/<int:pk>/", views.draft_review, name="draft_review"),
    path("drafts/<int:pk>/discard/", views.draft_discard, name="draft_discard"),
]
