"""REST endpoints for quarterly reporting: elements, indicators, periods, submissions, their
figures, approval, audit, completeness, the approval queue and bulk import.

Reads go through assessments.selectors (hence portal.scoping); every state change is one call
of assessments.services, with ``source="api"`` in the audit trail. Nothing here decides a rule.

How a refusal of the services reaches the client:

============================  ======  ==========================================================
services.Conflict             409     ``conflict``: the version sent is not the current one;
                                      nothing was saved. Reload the submission and redo the edit.
services.InvalidFigures       400     ``invalid_figures`` with ``issues`` [{element, level,
                                      message}]: hard errors (or, on submit, warnings without
                                      a comment). Nothing was saved.
services.ImportRejected       400     ``import_rejected`` with every ``problems`` [{sheet, row,
                                      column, message}]. Nothing was saved.
services.ReportingError       409     ``invalid_state``: the submission's state refuses the
                                      action (already submitted, approved and locked, not
                                      submitted yet, the entry window closed, regions below not
                                      yet approved). The request itself was well-formed, so it
                                      is a conflict with the resource's state, not a 400.
                                      Blank reasons never get this far: the request serializers
                                      require them (400).
django PermissionDenied       403     only for an object the user can see (it was found
                                      through the scoped selector first).
outside the user's scope      404     never found.
============================  ======  ==========================================================
"""

import math

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import generics, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from assessments.models import (
    Aggregation,
    AuditEntry,
    DataElement,
    Indicator,
    Period,
    Submission,
    Value,
)
from assessments.reporting import selectors, services
from assessments.reporting.filters import SubmissionFilter
from assessments.reporting.validation import Issue
from portal.api import (
    ERRORS,
    PK,
    REGION_CODE,
    SLUG,
    ErrorSerializer,
    RegionRefSerializer,
    ScopedMixin,
    ScopedReadOnlyViewSet,
)
from portal.models import RegionLevel, Role
from portal.scoping import can_enter_for, can_see_region, is_unrestricted, visible_regions

SOURCE = "api"
IMPORT_SHEET = "API"

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


def _issue(issue: Issue) -> dict:
    return {"element": issue.element, "level": issue.level, "message": issue.message}


def _problem(problem: services.ImportProblem) -> dict:
    return {
        "sheet": problem.sheet,
        "row": problem.row,
        "column": problem.column,
        "message": problem.message,
    }


def reporting_error_response(exc: services.ReportingError) -> Response:
    if isinstance(exc, services.Conflict):
        return Response({"detail": str(exc), "code": "conflict"}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, services.InvalidFigures):
        return Response(
            {
                "detail": str(exc),
                "code": "invalid_figures",
                "issues": [_issue(i) for i in exc.issues],
            },
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, services.ImportRejected):
        return Response(
            {
                "detail": str(exc),
                "code": "import_rejected",
                "problems": [_problem(p) for p in exc.problems],
            },
            status=status.HTTP_400_BAD_REQUEST,
        )
    return Response({"detail": str(exc), "code": "invalid_state"}, status=status.HTTP_409_CONFLICT)


class ReportingMixin(ScopedMixin):
    """Scoped, and turns the services' refusals into the responses documented above."""

    def handle_exception(self, exc):
        if isinstance(exc, services.ReportingError):
            return reporting_error_response(exc)
        return super().handle_exception(exc)


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
    weight = serializers.SlugRelatedField(slug_field="code", read_only=True)
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
    denominator = serializers.SlugRelatedField(slug_field="code", read_only=True)

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
    submitted_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    decided_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

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
    warnings = ProblemSerializer(many=True)


class AuditEntrySerializer(serializers.ModelSerializer):
    element = serializers.SlugRelatedField(slug_field="code", read_only=True)
    user = serializers.SlugRelatedField(slug_field="username", read_only=True)

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


# --- Reference: elements, indicators, periods ----------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary=_("数据项（部门用户只见其负责目标所用的数据项）")),
    retrieve=extend_schema(summary=_("数据项详情")),
)
class DataElementViewSet(ScopedReadOnlyViewSet):
    """Data elements whose figures the user may read (see selectors.elements_for)."""

    serializer_class = ElementSerializer
    lookup_field = "code"
    lookup_value_regex = SLUG

    def get_queryset(self):
        return (
            selectors.elements_for(user=self.request.user)
            .select_related("weight")
            .order_by("order", "code")
        )


@extend_schema_view(
    list=extend_schema(summary=_("指标（部门用户只见其负责目标的指标）")),
    retrieve=extend_schema(summary=_("指标详情")),
)
class IndicatorViewSet(ScopedReadOnlyViewSet):
    """Indicators whose every element the user may read (see selectors.elements_for)."""

    serializer_class = IndicatorSerializer
    lookup_field = "code"
    lookup_value_regex = SLUG

    def get_queryset(self):
        elements = selectors.elements_for(user=self.request.user)
        return (
            Indicator.objects.filter(numerator__in=elements)
            .filter(Q(denominator__isnull=True) | Q(denominator__in=elements))
            .select_related("numerator", "denominator")
            .order_by("code")
        )


@extend_schema_view(
    list=extend_schema(summary=_("填报期（季度及其填报时间）")),
    retrieve=extend_schema(summary=_("填报期详情")),
)
class PeriodViewSet(ScopedReadOnlyViewSet):
    """The reporting quarters; shown to every user who has a scope (deny by default)."""

    serializer_class = PeriodSerializer
    lookup_value_regex = PK

    def get_queryset(self):
        user = self.request.user
        if not (is_unrestricted(user) or visible_regions(user).exists()):
            return Period.objects.none()
        return Period.objects.order_by("-year", "-quarter")


# --- Submissions ---------------------------------------------------------------------------------


def _with_visible_values(submission: Submission, user) -> Submission:
    """Attach the figures the user may read: a department reads only those of the elements
    that measure the targets it is responsible for."""
    submission.visible_values = list(
        Value.objects.filter(submission=submission, element__in=selectors.elements_for(user=user))
        .select_related("element")
        .order_by("element__order", "element__code")
    )
    return submission


def _may_read_audit(user, submission: Submission) -> bool:
    """Offices, administrators and the submission's own officials (those who enter for it)."""
    if is_unrestricted(user) or can_enter_for(user, submission.region):
        return True
    return user.role == Role.OFFICE and can_see_region(user, submission.region)


@extend_schema_view(
    list=extend_schema(summary=_("季度填报列表（本区划及下级）")),
    retrieve=extend_schema(
        summary=_("季度填报详情及数值（部门用户只见其负责目标的数据项）"),
        responses={200: SubmissionDetailSerializer},
    ),
)
class SubmissionViewSet(ReportingMixin, ScopedReadOnlyViewSet):
    """Quarterly submissions of the user's region and below, and what can be done to them.

    Every write carries the ``version`` the client read (optimistic locking): a stale one gets
    409 ``conflict`` and nothing is saved. Refusals: see the module docstring of assessments.api.
    """

    serializer_class = SubmissionSerializer
    filterset_class = SubmissionFilter
    lookup_value_regex = PK

    def get_queryset(self):
        return (
            selectors.submissions_for(user=self.request.user)
            .select_related("submitted_by", "decided_by")
            .order_by("-period__year", "-period__quarter", "region__path")
        )

    def get_serializer_class(self):
        if self.action == "audit":
            return AuditEntrySerializer
        if self.action == "list":
            return SubmissionSerializer
        return SubmissionDetailSerializer

    def retrieve(self, request, *args, **kwargs):
        return Response(self._detail(self.get_object()))

    def _detail(self, submission: Submission) -> dict:
        # Re-read through the selector: the services changed it, and this shows it as stored.
        fresh = self.get_queryset().get(pk=submission.pk)
        return SubmissionDetailSerializer(_with_visible_values(fresh, self.request.user)).data

    def _input(self, serializer_class):
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    @extend_schema(
        summary=_("打开（或取得）某区划某季度的填报，不存在时建为草稿"),
        request=OpenSubmissionSerializer,
        responses={
            200: SubmissionDetailSerializer,
            400: ERRORS["400"],
            403: ERRORS["403"],
            404: ERRORS["404"],
        },
    )
    @action(detail=False, methods=["post"], url_path="open")
    def open(self, request):
        data = self._input(OpenSubmissionSerializer)
        region = get_object_or_404(visible_regions(request.user), code=data["region_code"])
        period = get_object_or_404(Period, year=data["year"], quarter=data["quarter"])
        if not selectors.elements_for_region(region):
            raise Http404(gettext("该区划本级没有需要填报的数据项"))  # as on the entry page
        submission = services.open_submission(user=request.user, region=region, period=period)
        return Response(self._detail(submission))

    @extend_schema(
        summary=_("保存草稿数值（PUT 整表替换；PATCH 只改所列数据项）"),
        request=SaveFiguresSerializer,
        responses={
            200: SaveResultSerializer,
            400: INVALID_FIGURES,
            403: ERRORS["403"],
            409: CONFLICT,
        },
    )
    @action(detail=True, methods=["put", "patch"], url_path="figures")
    def figures(self, request, pk=None):
        submission = self.get_object()
        data = self._input(SaveFiguresSerializer)
        figures, comments = dict(data["figures"]), dict(data["comments"])
        allowed = {e.code for e in selectors.elements_for_region(submission.region)}
        unknown = sorted((set(figures) | set(comments)) - allowed)
        if unknown and can_enter_for(request.user, submission.region):
            region = submission.region.name
            raise services.InvalidFigures(
                gettext("数据有误，未保存：请求中有不属于本区划填报表的数据项。"),
                [
                    Issue(
                        code,
                        "error",
                        gettext("“%(code)s”不是%(region)s填报的数据项")
                        % {"code": code, "region": region},
                    )
                    for code in unknown
                ],
            )
        if request.method == "PATCH":
            stored = selectors.values_of(submission)
            figures = {code: v.value for code, v in stored.items()} | figures
            comments = {code: v.comment for code, v in stored.items()} | comments
        result = services.save_figures(
            user=request.user,
            submission=submission,
            version=data["version"],
            figures=figures,
            comments=comments,
            source=SOURCE,
        )
        return Response(
            {
                "submission": self._detail(result.submission),
                "changed": result.changed,
                "warnings": [_issue(w) for w in result.outcome.warnings],
            }
        )

    @extend_schema(
        summary=_("提交审核（须数据齐全、无错误、异常均有说明）"),
        request=VersionSerializer,
        responses={
            200: SubmissionDetailSerializer,
            400: INVALID_FIGURES,
            403: ERRORS["403"],
            409: CONFLICT,
        },
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        submission = self.get_object()
        data = self._input(VersionSerializer)
        services.submit(
            user=request.user, submission=submission, version=data["version"], source=SOURCE
        )
        return Response(self._detail(submission))

    @extend_schema(
        summary=_("审核通过并锁定（上级领导小组办公室；下级须先审核通过）"),
        request=DecisionSerializer,
        responses={200: SubmissionDetailSerializer, 403: ERRORS["403"], 409: CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        submission = self.get_object()
        data = self._input(DecisionSerializer)
        services.approve(
            user=request.user, submission=submission, version=data.get("version"), source=SOURCE
        )
        return Response(self._detail(submission))

    REASON_RESPONSES = {
        200: SubmissionDetailSerializer,
        400: ERRORS["400"],
        403: ERRORS["403"],
        409: CONFLICT,
    }

    def _decide_with_reason(self, decide) -> Response:
        """A decision that needs a reason (return, unlock): the same input, the same answer."""
        submission = self.get_object()
        data = self._input(ReasonSerializer)
        decide(
            user=self.request.user,
            submission=submission,
            reason=data["reason"],
            version=data.get("version"),
            source=SOURCE,
        )
        return Response(self._detail(submission))

    @extend_schema(
        summary=_("退回填报人（须填写原因）"),
        request=ReasonSerializer,
        responses=REASON_RESPONSES,
    )
    @action(detail=True, methods=["post"], url_path="return")
    def return_to_official(self, request, pk=None):
        return self._decide_with_reason(services.return_to_official)

    @extend_schema(
        summary=_("解锁已审核的数据以便更正（须填写原因），退回填报人"),
        request=ReasonSerializer,
        responses=REASON_RESPONSES,
    )
    @action(detail=True, methods=["post"])
    def unlock(self, request, pk=None):
        return self._decide_with_reason(services.unlock)

    @extend_schema(
        summary=_("修改记录（领导小组办公室、管理员和本区划填报人可查看）"),
        responses={200: AuditEntrySerializer(many=True), 403: ERRORS["403"]},
    )
    @action(detail=True, methods=["get"], filterset_class=None)
    def audit(self, request, pk=None):
        submission = self.get_object()
        if not _may_read_audit(request.user, submission):
            raise PermissionDenied(
                gettext("只有领导小组办公室、管理员和本区划的填报人可以查看修改记录。")
            )
        visible = selectors.elements_for(user=request.user)
        entries = (
            AuditEntry.objects.filter(submission=submission)
            .filter(Q(element__isnull=True) | Q(element__in=visible))
            .select_related("element", "user")
            .order_by("at", "pk")
        )
        page = self.paginate_queryset(entries)
        return self.get_paginated_response(AuditEntrySerializer(page, many=True).data)


@extend_schema(summary=_("待本办公室审核的填报（下级已提交的数据）"))
class ApprovalQueueView(ScopedMixin, generics.ListAPIView):
    """Submitted figures of the regions below this office, oldest first; empty for others."""

    serializer_class = SubmissionSerializer
    filter_backends: list = []

    def get_queryset(self):
        return selectors.approval_queue(user=self.request.user).select_related(
            "submitted_by", "decided_by"
        )


class CompletenessView(ScopedMixin, APIView):
    """Who under a region has reported a quarter: expected, received, on time, late, missing."""

    @extend_schema(
        summary=_("某区划以下某季度的填报完成情况：应报、已报、按时、逾期、草稿、未报"),
        responses={200: CompletenessSerializer, 404: ERRORS["404"]},
    )
    def get(self, request, region_code: str, year: int, quarter: int):
        region = get_object_or_404(visible_regions(request.user), code=region_code)
        period = get_object_or_404(Period, year=year, quarter=quarter)
        report = selectors.completeness(user=request.user, region=region, period=period)
        counts = {state: report.count(state) for state in ("on_time", "late", "draft", "missing")}
        data = {
            "region": region,
            "period": period,
            "expected": report.expected,
            "received": report.received,
            **counts,
            "rows": report.rows,
        }
        return Response(CompletenessSerializer(data).data)


class ImportView(ReportingMixin, APIView):
    """Bulk import of figures (a JSON list of rows), all or nothing, like the Excel upload."""

    @extend_schema(
        summary=_("批量导入数值（全部成功或全部不导入，并列出所有问题）"),
        request=ImportRowSerializer(many=True),
        responses={
            200: ImportResultSerializer,
            400: OpenApiResponse(
                ImportRejectedSerializer,
                description=_("code=import_rejected：列出全部问题，未导入任何数据"),
            ),
            404: ERRORS["404"],
        },
        parameters=[
            OpenApiParameter("year", OpenApiTypes.INT, OpenApiParameter.PATH),
            OpenApiParameter("quarter", OpenApiTypes.INT, OpenApiParameter.PATH),
        ],
    )
    def post(self, request, year: int, quarter: int):
        period = get_object_or_404(Period, year=year, quarter=quarter)
        serializer = ImportRowSerializer(data=request.data, many=True, allow_empty=False)
        serializer.is_valid(raise_exception=True)
        rows = [
            services.ImportRow(
                sheet=IMPORT_SHEET,
                row=number,
                region_code=row["region_code"],
                element_code=row["element_code"],
                value=row["value"],
                comment=row["comment"],
                version=row["version"],
            )
            for number, row in enumerate(serializer.validated_data, start=1)
        ]
        visible = set(
            visible_regions(request.user)
            .filter(code__in={row.region_code for row in rows})
            .values_list("code", flat=True)
        )
        try:
            result = services.import_rows(
                user=request.user, period=period, rows=rows, source=SOURCE
            )
        except services.ImportRejected as rejected:
            # A region outside the user's scope is "not found", as everywhere else in the API.
            hidden = {row.row: row.region_code for row in rows if row.region_code not in visible}
            rejected.problems = [
                services.ImportProblem(
                    p.sheet,
                    p.row,
                    p.column,
                    gettext("区划代码“%(code)s”不存在") % {"code": hidden[p.row]},
                )
                if p.row in hidden and p.column == services.REGION_COLUMN
                else p
                for p in rejected.problems
            ]
            raise
        return Response(
            {
                "rows": result.rows,
                "submissions": result.submissions,
                "changed": result.changed,
                "warnings": [_problem(w) for w in result.warnings],
            }
        )
