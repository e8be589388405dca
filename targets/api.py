"""REST endpoints for what a policy says: documents (with their targets and tasks) and targets.

Read-only, through targets.selectors: a user reads the documents of their region, of the regions
above it (a province's plan governs its districts) and of those below it.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers

from portal.api import PK, DepartmentSerializer, RegionRefSerializer, ScopedReadOnlyViewSet
from targets import selectors
from targets.filters import TargetFilterSet
from targets.models import (
    Duty,
    PolicyDocument,
    Target,
    Task,
    TaskAssignment,
)


class DocumentRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = PolicyDocument
        fields = ["id", "key", "title", "doc_number"]


class TargetSerializer(serializers.ModelSerializer):
    document = DocumentRefSerializer(read_only=True)
    region = RegionRefSerializer(read_only=True)
    section = serializers.CharField(source="section.path", read_only=True, allow_null=True)
    requirement = serializers.CharField(source="describe", read_only=True)
    responsible_departments = DepartmentSerializer(many=True, read_only=True)

    class Meta:
        model = Target
        fields = [
            "id",
            "document",
            "code",
            "order",
            "section",
            "region",
            "indicator",
            "kind",
            "comparator",
            "value",
            "unit",
            "reference",
            "requirement",
            "horizon_year",
            "baseline_year",
            "baseline_value",
            "aspirational",
            "quote",
            "responsible_departments",
            "responsibility_basis",
        ]


class AssignmentSerializer(serializers.ModelSerializer):
    department = DepartmentSerializer(read_only=True)

    class Meta:
        model = TaskAssignment
        fields = ["department", "role", "wording"]


class TaskSerializer(serializers.ModelSerializer):
    section = serializers.CharField(source="section.path", read_only=True, allow_null=True)
    phase = serializers.CharField(source="phase.name", read_only=True, allow_null=True)
    assignments = AssignmentSerializer(many=True, read_only=True)

    class Meta:
        model = Task
        fields = [
            "id",
            "code",
            "order",
            "section",
            "title",
            "text",
            "assignment_text",
            "deadline",
            "phase",
            "assignments",
        ]


class DutySerializer(serializers.ModelSerializer):
    section = serializers.CharField(source="section.path", read_only=True, allow_null=True)
    departments = DepartmentSerializer(many=True, read_only=True)

    class Meta:
        model = Duty
        fields = ["id", "code", "order", "section", "holder", "text", "departments"]


DOCUMENT_FIELDS = ["id", "key", "title", "doc_number", "issuer", "issue_date", "published_date",
                   "start_year", "horizon_year", "region", "in_force"]  # fmt: skip


class DocumentSerializer(serializers.ModelSerializer):
    region = RegionRefSerializer(read_only=True)
    target_count = serializers.IntegerField(read_only=True)
    task_count = serializers.IntegerField(read_only=True)
    duty_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = PolicyDocument
        fields = [*DOCUMENT_FIELDS, "target_count", "task_count", "duty_count"]


class DocumentDetailSerializer(serializers.ModelSerializer):
    region = RegionRefSerializer(read_only=True)
    targets = TargetSerializer(many=True, read_only=True)
    tasks = TaskSerializer(many=True, read_only=True)
    duties = DutySerializer(many=True, read_only=True)

    class Meta:
        model = PolicyDocument
        fields = [*DOCUMENT_FIELDS, "full_text", "targets", "tasks", "duties"]


@extend_schema_view(
    list=extend_schema(summary=_("政策文件列表（本区划、上级和下级区划的文件）")),
    retrieve=extend_schema(summary=_("政策文件详情，含目标、任务和职责")),
)
class DocumentViewSet(ScopedReadOnlyViewSet):
    """Policy documents of the user's region, the regions above it and those below it."""

    lookup_value_regex = PK

    def get_queryset(self):
        return selectors.documents_for(user=self.request.user)

    def get_serializer_class(self):
        return DocumentDetailSerializer if self.action == "retrieve" else DocumentSerializer

    def get_object(self):
        # The selector decides what the detail page shows (and 404s outside the user's scope).
        return selectors.document_for(user=self.request.user, pk=self.kwargs["pk"])


@extend_schema_view(
    list=extend_schema(summary=_("量化目标列表")),
    retrieve=extend_schema(summary=_("量化目标详情")),
)
class TargetViewSet(ScopedReadOnlyViewSet):
    """Quantitative targets of the documents the user may read, with their source sentence."""

    serializer_class = TargetSerializer
    filterset_class = TargetFilterSet
    lookup_value_regex = PK

    def get_queryset(self):
        return (
            selectors.targets_for(user=self.request.user)
            .prefetch_related("responsible_departments__region")
            .order_by("document__key", "order", "pk")
        )
