"""The reporting API's request and response shapes, and how a refusal of the services becomes
a response (see reporting/api.py for the table)."""

import math

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema_field,
)
from rest_framework import serializers, status
from rest_framework.response import Response

from assessments.models import (
    Aggregation,
    AuditEntry,
    DataElement,
    Indicator,
    Period,
    Submission,
    Value,
)
from assessments.reporting import errors, imports
from assessments.reporting.validation import Issue
from portal.api import (
    REGION_CODE,
    ErrorSerializer,
    RegionRefSerializer,
)
from portal.models import RegionLevel

# --- Errors --------------------------------------------------------------------------------------


class IssueSerializer(serializers.Serializer):
    element = serializers.CharField(help_text=_("数据项代码"))
    level = serializers.ChoiceField(choices=["error", "warning"])
    message = serializers.CharField()


class ProblemSerializer(serializers.Serializer):
    sheet = serializers.CharField()
    row = serializers.IntegerField(help_text=_("请求中的第几行，从 1 起"))
    column = serializers.CharField()
    message = serializers.CharField()


class InvalidFiguresSerializer(ErrorSerializer):
    issues = IssueSerializer(
        many=True, required=False, help_text=_("code=invalid_figures 时：每个有问题的数据项")
    )


class ImportRejectedSerializer(ErrorSerializer):
    problems = ProblemSerializer(
        many=True, required=False, help_text=_("code=import_rejected 时：全部问题")
    )


CONFLICT = OpenApiResponse(
    ErrorSerializer,
    description=_(
        "code=conflict：版本已过期，他人已保存，本次未保存任何内容；"
        "code=invalid_state：当前状态不允许此操作（已提交、已锁定、未提交、不在填报期、下级未审核）"
    ),
)
INVALID_FIGURES = OpenApiResponse(
    InvalidFiguresSerializer, description=_("数据有误（code=invalid_figures），未保存")
)


def issue_json(issue: Issue) -> dict:
    return {"element": issue.element, "level": issue.level, "message": issue.message}


def problem_json(problem: imports.ImportProblem) -> dict:
    return {
        "sheet": problem.sheet,
        "row": problem.row,
        "column": problem.column,
        "message": problem.message,
    }


def reporting_error_response(exc: errors.ReportingError) -> Response:
    if isinstance(exc, errors.Conflict):
        return Response({"detail": str(exc), "code": "conflict"}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, errors.InvalidFigures):
        return Response(
            {
                "detail": str(exc),
                "code": "invalid_figures",
                "issues": [issue_json(i) for i in exc.issues],
            },
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, imports.ImportRejected):
        return Response(
            {
                "detail": str(exc),
                "code": "import_rejected",
                "problems": [problem_json(p) for p in exc.problems],
            },
            status=status.HTTP_400_BAD_REQUEST,
        )
    return Response({"detail": str(exc), "code": "invalid_state"}, status=status.HTTP_409_CONFLICT)


# --- Input fields --------------------------------------------------------------------------------


@extend_schema_field(
    {
        "oneOf": [{"type": "string", "maxLength": 64}, {"type": "number"}],
        "nullable": True,
        "description": _(
            "数字，或填报人写法的文本（如“１，２３４”“93.5%”“12批”）；null 或空文本表示未填"
        ),
    }
)
class FigureField(serializers.Field):
    """A figure as the official wrote it; the services parse and validate it."""

    default_error_messages = {
        "invalid": _("数值必须是数字或文本。"),
        "too_long": _("数值文本过长。"),
        "not_finite": _("数值必须是有限的数字。"),
        "null_characters_not_allowed": _("数值中不能含有空字符。"),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, str | int | float):
            self.fail("invalid")
        if isinstance(data, float) and not math.isfinite(data):  # 1e400 parses as infinity
            self.fail("not_finite")
        if isinstance(data, str):
            if len(data) > 64:
                self.fail("too_long")
            if "\x00" in data:
                self.fail("null_characters_not_allowed")
        return data

    def to_representation(self, value):
        return value


VERSION = {"min_value": 1, "max_value": 2**31 - 1}


class SaveFiguresSerializer(serializers.Serializer):
    """PUT replaces the whole form (an element left out is blank); PATCH changes only the
    elements it names and keeps the other stored figures and comments."""

    # PortalSchema documents `version` as required on PATCH too: it always is.
    required_on_patch = True

    version = serializers.IntegerField(help_text=_("读取时的版本号（乐观锁）"), **VERSION)
    figures = serializers.DictField(
        child=FigureField(), help_text=_("{数据项代码: 数值}"), allow_empty=True
    )
    comments = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=500),
        required=False,
        default=dict,
        help_text=_("{数据项代码: 说明}；提示异常的数据提交前须填写说明"),
    )


class VersionSerializer(serializers.Serializer):
    version = serializers.IntegerField(help_text=_("读取时的版本号"), **VERSION)


class DecisionSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        required=False, help_text=_("读取时的版本号；省略则按当前版本"), **VERSION
    )


class ReasonSerializer(DecisionSerializer):
    reason = serializers.CharField(max_length=2000, help_text=_("原因，填报人会看到"))


class OpenSubmissionSerializer(serializers.Serializer):
    region_code = serializers.RegexField(
        rf"^{REGION_CODE}$", max_length=12, help_text=_("区划代码")
    )
    year = serializers.IntegerField(min_value=1900, max_value=2999)
    quarter = serializers.ChoiceField(choices=Period._meta.get_field("quarter").choices)


class ImportRowSerializer(serializers.Serializer):
    region_code = serializers.CharField(max_length=12)
    element_code = serializers.CharField(max_length=64)
    value = FigureField(required=False, default=None)
    comment = serializers.CharField(allow_blank=True, max_length=500, required=False, default="")
    version = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text=_("该区划填报的版本号"), **VERSION
    )


# --- Output --------------------------------------------------------------------------------------


def _labelled(choices, prefix) -> list[tuple]:
    """The same values under their own labels: the schema then names each choice set once."""
    return [(value, format_lazy("{}{}", prefix, label)) for value, label in choices]


class ElementSerializer(serializers.ModelSerializer):
    weight = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    time_aggregation = serializers.ChoiceField(
        choices=_labelled(Aggregation.choices, _("跨季度")), read_only=True
    )
    region_aggregation = serializers.ChoiceField(
        choices=_labelled(Aggregation.choices, _("跨区划")), read_only=True
    )
    entry_level = serializers.ChoiceField(
        choices=_labelled(RegionLevel.choices, _("填报层级：")), read_only=True
    )

    class Meta:
        model = DataElement
        fields = [
            "code",
            "name",
            "group",
            "order",
            "unit",
            "value_type",
            "time_aggregation",
            "region_aggregation",
            "weight",
            "entry_level",
            "min_value",
            "max_value",
            "help_text",
        ]


class IndicatorSerializer(serializers.ModelSerializer):
    numerator = serializers.SlugRelatedField(slug_field="code", read_only=True)
    denominator = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Indicator
        fields = [
            "code",
            "name",
            "kind",
            "numerator",
            "denominator",
            "scale",
            "unit",
            "higher_is_better",
        ]


class PeriodSerializer(serializers.ModelSerializer):
    class Meta:
        model = Period
        fields = ["id", "year", "quarter", "label", "opens_on", "closes_on"]


class SubmissionSerializer(serializers.ModelSerializer):
    region = RegionRefSerializer(read_only=True)
    period = PeriodSerializer(read_only=True)
    submitted_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    decided_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = Submission
        fields = [
            "id",
            "region",
            "period",
            "status",
            "version",
            "is_editable",
            "is_locked",
            "submitted_at",
            "submitted_by",
            "first_submitted_at",
            "decided_at",
            "decided_by",
            "return_reason",
            "updated_at",
        ]


class ValueSerializer(serializers.ModelSerializer):
    element = serializers.CharField(source="element.code", read_only=True)
    name = serializers.CharField(source="element.name", read_only=True)
    unit = serializers.CharField(source="element.unit", read_only=True)
    value = serializers.SerializerMethodField()

    class Meta:
        model = Value
        fields = ["element", "name", "unit", "value", "comment"]

    def get_value(self, obj) -> str:
        return f"{obj.value.normalize():f}"


class SubmissionDetailSerializer(SubmissionSerializer):
    values = ValueSerializer(many=True, read_only=True, source="visible_values")

    class Meta(SubmissionSerializer.Meta):
        fields = [*SubmissionSerializer.Meta.fields, "values"]


class SaveResultSerializer(serializers.Serializer):
    submission = SubmissionDetailSerializer()
    changed = serializers.IntegerField(help_text=_("改动的数值个数"))
    warnings = IssueSerializer(many=True, help_text=_("提示异常的数据：提交前须填写说明"))


class ImportResultSerializer(serializers.Serializer):
    rows = serializers.IntegerField()
    submissions = serializers.IntegerField()
    changed = serializers.IntegerField()
    untouched = serializers.IntegerField(help_text=_("与系统中一致、未作改动的行数"))
    warnings = ProblemSerializer(many=True)


class AuditEntrySerializer(serializers.ModelSerializer):
    # A state change has no element; an entry by the system (or a deleted user) has no user.
    element = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    user = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = AuditEntry
        fields = ["id", "at", "action", "element", "old", "new", "reason", "source", "user"]


class CompletenessRowSerializer(serializers.Serializer):
    region = RegionRefSerializer()
    state = serializers.ChoiceField(choices=["missing", "draft", "on_time", "late"])
    submission = serializers.IntegerField(source="submission.pk", allow_null=True)
    status = serializers.CharField(source="submission.status", allow_null=True)


class CompletenessSerializer(serializers.Serializer):
    region = RegionRefSerializer()
    period = PeriodSerializer()
    expected = serializers.IntegerField(help_text=_("应报"))
    received = serializers.IntegerField(help_text=_("已报（按时或逾期提交）"))
    on_time = serializers.IntegerField(help_text=_("按时提交"))
    late = serializers.IntegerField(help_text=_("逾期提交"))
    draft = serializers.IntegerField(help_text=_("已填未提交"))
    missing = serializers.IntegerField(help_text=_("未填报"))
    rows = CompletenessRowSerializer(many=True)
