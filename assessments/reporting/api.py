"""REST endpoints for quarterly reporting: elements, indicators, periods, submissions, their
figures, approval, audit, completeness, the approval queue and bulk import.

Reads go through reporting.selectors (hence portal.scoping); every state change is one call
of the reporting services, with ``source="api"`` in the audit trail. Nothing here decides a rule.

How a refusal of the services reaches the client:

============================  ======  ==========================================================
errors.Conflict             409     ``conflict``: the version sent is not the current one;
                                      nothing was saved. Reload the submission and redo the edit.
errors.InvalidFigures       400     ``invalid_figures`` with ``issues`` [{element, level,
                                      message}]: hard errors (or, on submit, warnings without
                                      a comment). Nothing was saved.
imports.ImportRejected       400     ``import_rejected`` with every ``problems`` [{sheet, row,
                                      column, message}]. Nothing was saved.
errors.ReportingError       409     ``invalid_state``: the submission's state refuses the
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

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import generics
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from assessments.models import (
    AuditEntry,
    Indicator,
    Period,
    Submission,
    Value,
)
from assessments.reporting import errors, imports, selectors, services
from assessments.reporting.filters import SubmissionFilter
from assessments.reporting.serializers import (
    CONFLICT,
    INVALID_FIGURES,
    AuditEntrySerializer,
    CompletenessSerializer,
    DecisionSerializer,
    ElementSerializer,
    ImportRejectedSerializer,
    ImportResultSerializer,
    ImportRowSerializer,
    IndicatorSerializer,
    OpenSubmissionSerializer,
    PeriodSerializer,
    ReasonSerializer,
    SaveFiguresSerializer,
    SaveResultSerializer,
    SubmissionDetailSerializer,
    SubmissionSerializer,
    VersionSerializer,
    issue_json,
    problem_json,
    reporting_error_response,
)
from assessments.reporting.validation import Issue
from portal.api import (
    ERRORS,
    PK,
    SLUG,
    ScopedMixin,
    ScopedReadOnlyViewSet,
)
from portal.scoping import (
    can_enter_for,
    is_unrestricted,
    may_read_audit,
    visible_regions,
)

SOURCE = "api"
IMPORT_SHEET = "API"


class ReportingMixin(ScopedMixin):
    """Scoped, and turns the services' refusals into the responses documented above."""

    def handle_exception(self, exc):
        if isinstance(exc, errors.ReportingError):
            return reporting_error_response(exc)
        return super().handle_exception(exc)


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
    409 ``conflict`` and nothing is saved. Refusals: see this module's docstring.
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
            raise errors.InvalidFigures(
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
                "warnings": [issue_json(w) for w in result.outcome.warnings],
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
        if not may_read_audit(request.user, submission.region):
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
            imports.ImportRow(
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
            result = imports.import_rows(user=request.user, period=period, rows=rows, source=SOURCE)
        except imports.ImportRejected as rejected:
            # A region outside the user's scope is "not found", as everywhere else in the API.
            hidden = {row.row: row.region_code for row in rows if row.region_code not in visible}
            rejected.problems = [
                imports.ImportProblem(
                    p.sheet,
                    p.row,
                    p.column,
                    gettext("区划代码“%(code)s”不存在") % {"code": hidden[p.row]},
                )
                if p.row in hidden and p.column == imports.REGION_COLUMN
                else p
                for p in rejected.problems
            ]
            raise
        return Response(
            {
                "rows": result.rows,
                "submissions": result.submissions,
                "changed": result.changed,
                "warnings": [problem_json(w) for w in result.warnings],
            }
        )
