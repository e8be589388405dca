"""Pages for quarterly reporting: entry, review, the approval queue and completeness.

Views only read through selectors and change state through services; they translate a
service's refusal into a message on the page.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import groupby
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessments.models import (
    AuditEntry,
    DataElement,
    ExtensionRequest,
    Indicator,
    Period,
    ReferenceValue,
    Status,
    Submission,
    Value,
)
from assessments.reporting import errors, extensions, selectors, services
from assessments.reporting import references as reference_service
from assessments.reporting.validation import Issue, ParseError, as_typed, parse_number, validate
from portal import periods
from portal.models import Region
from portal.periods import Quarter
from portal.redirects import safe_next
from portal.scoping import (
    anchor_region,
    can_approve_for,
    can_enter_for,
    is_official,
    may_read_audit,
    may_record_reference_for,
    reads_only_responsible,
    restrict,
    visible_regions,
)


@login_required
def my_submissions(request):
    """Where each user's reporting work is: the regions they enter for, this quarter first."""
    user = request.user
    period = selectors.current_period()
    periods = list(Period.objects.order_by("-year", "-quarter")[:8])
    rows = []
    if is_official(user):
        regions = [user.region, *selectors.expected_regions(user.region)]
        regions = [r for r in regions if selectors.elements_for_region(r)]
        existing = {
            (s.region_id, s.period_id): s
            for s in Submission.objects.filter(
                region__in=[r.pk for r in regions], period__in=[p.pk for p in periods]
            )
        }
        for region in regions:
            rows.append((region, [(p, existing.get((region.pk, p.pk))) for p in periods]))
    # Every submission the user may open, newest change first: filtered, twenty to a page.
    recent = selectors.submissions_for(user=user).select_related("region", "period")
    status = request.GET.get("status", "")
    if status in Status.values:
        recent = recent.filter(status=status)
    name = request.GET.get("q", "").replace("\x00", "").strip()[:50]
    if name:
        recent = recent.filter(Q(region__name__icontains=name) | Q(region__code__startswith=name))
    page = Paginator(recent.order_by("-updated_at", "-pk"), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "assessments/my_submissions.html",
        {
            "period": period,
            "periods": periods,
            "rows": rows,
            "recent": page,
            "statuses": Status.choices,
            "status": status,
            "q": name,
        },
    )


@dataclass
class Field:
    """One line of the entry form."""

    element: DataElement
    value: str
    comment: str
    previous: str  # as typed: no trailing zeros; "" when there is none
    last_year: str
    issues: list[Issue]

    @property
    def has_error(self) -> bool:
        return any(issue.is_error for issue in self.issues)


def _fields(elements, raw, comments, previous, last_year, issues) -> list[tuple[str, list[Field]]]:
    by_element: dict[str, list[Issue]] = {}
    for issue in issues:
        by_element.setdefault(issue.element, []).append(issue)
    fields = [
        Field(
            element=e,
            value=raw.get(e.code, ""),
            comment=comments.get(e.code, ""),
            previous=as_typed(previous.get(e.code)),
            last_year=as_typed(last_year.get(e.code)),
            issues=by_element.get(e.code, []),
        )
        for e in elements
    ]
    return [(group, list(items)) for group, items in groupby(fields, key=lambda f: f.element.group)]


def _stored(submission: Submission | None) -> tuple[dict[str, str], dict[str, str]]:
    if submission is None:
        return {}, {}
    values = selectors.values_of(submission)
    return (
        {code: as_typed(v.value) for code, v in values.items()},
        {code: v.comment for code, v in values.items()},
    )


@login_required
@require_POST
def check_figures(request, region_code: str, year: int, quarter: int):
    """The entry form's checks as the official types: the figures typed so far, checked by the
    same rules and in the same words as on save (validation.validate), nothing saved."""
    region = selectors.visible_region_or_404(request.user, region_code)
    period = selectors.period_or_404(year, quarter)
    if not can_enter_for(request.user, region):
        raise Http404(_("只有填报人可以填报数据。"))
    elements = selectors.elements_for_region(region)
    raw = {e.code: request.POST.get(f"v_{e.code}", "").strip() for e in elements}
    outcome = validate(
        selectors.element_specs(elements),
        raw,
        selectors.rule_specs(elements),
        selectors.history_for(region, period),
    )
    issues: dict[str, list[dict]] = {}
    for issue in outcome.issues:
        issues.setdefault(issue.element, []).append(
            {"level": issue.level, "message": str(issue.message)}
        )
    return JsonResponse({"issues": issues})


@login_required
def entry(request, region_code: str, year: int, quarter: int):
    """The entry form of one region and quarter; read-only when the user may not edit it."""
    region = selectors.visible_region_or_404(request.user, region_code)
    period = selectors.period_or_404(year, quarter)
    elements = selectors.elements_for_region(region)
    if not elements:
        raise Http404(_("该区划本级没有需要填报的数据项"))
    submission = Submission.objects.filter(region=region, period=period).first()
    may_enter = can_enter_for(request.user, region)
    if submission is None and not may_enter:
        raise Http404(_("该区划尚未填报本季度数据"))
    if submission is not None and reads_only_responsible(request.user):
        visible = set(selectors.elements_for(user=request.user).values_list("code", flat=True))
        elements = [e for e in elements if e.code in visible]

    raw, comments = _stored(submission)
    issues: list[Issue] = []
    status = 200
    if request.method == "POST":
        if not may_enter:
            raise PermissionDenied(_("只有填报人可以填报数据。"))
        raw = {e.code: request.POST.get(f"v_{e.code}", "").strip() for e in elements}
        comments = {e.code: request.POST.get(f"c_{e.code}", "").strip() for e in elements}
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            version = -1
        first_save = submission is None
        try:
            # A first save that is refused must not leave an empty draft behind.
            with transaction.atomic():
                if first_save:
                    submission = services.open_submission(
                        user=request.user, region=region, period=period
                    )
                    version = submission.version
                result = services.save_figures(
                    user=request.user,
                    submission=submission,
                    version=version,
                    figures=raw,
                    comments=comments,
                )
            if request.POST.get("action") == "submit":
                services.submit(
                    user=request.user, submission=submission, version=submission.version
                )
                messages.success(
                    request,
                    _("%(region)s%(period)s的数据已提交，等待审核。")
                    % {"region": region.name, "period": selectors.period_name(period)},
                )
                return redirect("assessments:submission_detail", pk=submission.pk)
            warnings = result.outcome.warnings
            saved = _("草稿已保存（第 %(version)d 版）。") % {"version": submission.version}
            if warnings:
                saved += _("有 %(count)d 项数据提示异常，提交前请填写说明。") % {
                    "count": len(warnings)
                }
            messages.success(request, saved)
            return redirect(request.path)
        except errors.InvalidFigures as error:
            issues = error.issues
            messages.error(request, str(error))
            status = 400
        except errors.Conflict as error:
            messages.error(request, str(error))
            status = 409
        except errors.ReportingError as error:
            messages.error(request, str(error))
            status = 400
        if first_save and submission is not None and status != 200:
            if not Submission.objects.filter(pk=submission.pk).exists():
                submission = None
        if submission is not None:
            submission.refresh_from_db()
    elif submission is not None:
        # Show the soft warnings of stored figures straight away.
        outcome = validate(
            selectors.element_specs(elements),
            raw,
            selectors.rule_specs(elements),
            selectors.history_for(region, period),
        )
        issues = outcome.issues

    previous, last_year = selectors.comparison_values(region, period)
    editable = may_enter and (submission is None or submission.is_editable)
    window_open = selectors.window_open(period, region)
    context = {
        "region": region,
        "period": period,
        "submission": submission,
        "files": submission.files.all() if submission is not None else [],
        "may_attach": submission is not None
        and submission.status != "approved"
        and can_enter_for(request.user, region),
        "groups": _fields(elements, raw, comments, previous, last_year, issues),
        "editable": editable and (window_open or (submission and submission.status == "returned")),
        "window_open": window_open,
        "version": submission.version if submission else 0,
        "conflict": status == 409,
        # A closed window: who can reopen it, and the request to them.
        "reviewer": extensions.reviewing_office(region),
        "extension": ExtensionRequest.objects.filter(period=period, region=region).first(),
        "may_request_extension": (submission is None or submission.is_editable)
        and extensions.may_request(request.user, period, region),
    }
    return render(request, "assessments/entry.html", context, status=status)


@login_required
def submission_detail(request, pk: int):
    """A submission's figures, status and audit trail; the office decides here."""
    submission = selectors.submission_for(user=request.user, pk=pk)
    visible = selectors.elements_for(user=request.user)
    values = (
        Value.objects.filter(submission=submission, element__in=visible)
        .select_related("element")
        .order_by("element__order")
    )
    audit = AuditEntry.objects.none()
    if may_read_audit(request.user, submission.region):
        audit = (
            AuditEntry.objects.filter(submission=submission)
            .select_related("user", "element")
            .order_by("-at", "-pk")
        )
    context = {
        "submission": submission,
        "values": values,
        "rows": _review_rows(submission, list(values)),
        "late": bool(
            submission.first_submitted_at
            and submission.first_submitted_at.date() > submission.period.closes_on
        ),
        "audit": audit,
        "may_read_audit": may_read_audit(request.user, submission.region),
        "may_decide": can_approve_for(request.user, submission.region),
        "may_enter": can_enter_for(request.user, submission.region),
        "pending_below": services.pending_below(submission)
        if submission.status == "submitted"
        else [],
        "files": submission.files.select_related("uploaded_by")
        if may_read_audit(request.user, submission.region)
        else [],
    }
    return render(request, "assessments/submission_detail.html", context)


# A figure this far from its peers' median (relatively) is marked for the reviewer to look at.
OUTLIER_SHARE = Decimal("0.5")


def _plain(number: Decimal | None) -> str:
    """A figure as the official typed it (0 stays 0, no padding); a dash when there is none."""
    return "—" if number is None else f"{number.normalize():f}"


def _review_rows(submission: Submission, values: list) -> list[dict]:
    """Each figure beside last quarter's, the same quarter last year's and the peers' median,
    with the soft-rule warnings the server applies and the official's explanation."""
    region, period = submission.region, submission.period
    previous, last_year = selectors.comparison_values(region, period)
    medians = selectors.peer_medians(region, period)
    elements = [v.element for v in values]
    outcome = validate(
        selectors.element_specs(elements),
        {v.element.code: f"{v.value.normalize():f}" for v in values},
        selectors.rule_specs(elements),
        selectors.history_for(region, period),
    )
    issues: dict[str, list[Issue]] = {}
    for issue in outcome.issues:
        issues.setdefault(issue.element, []).append(issue)
    rows = []
    for v in values:
        code = v.element.code
        median = medians.get(code)
        far = bool(median and abs(v.value - median) > abs(median) * OUTLIER_SHARE)
        rows.append({"value": v, "previous": _plain(previous.get(code)),
                     "last_year": _plain(last_year.get(code)), "median": _plain(median),
                     "far": far, "issues": issues.get(code, [])})  # fmt: skip
    return rows


@login_required
@require_POST
def decide(request, pk: int):
    """Approve, return or unlock a submission (the office above it)."""
    submission = selectors.submission_for(user=request.user, pk=pk)
    action = request.POST.get("action")
    reason = request.POST.get("reason", "")
    try:
        version = int(request.POST.get("version", submission.version))
    except ValueError:
        version = submission.version
    try:
        if action == "approve":
            services.approve(user=request.user, submission=submission, version=version)
            messages.success(
                request,
                _("已审核通过并锁定：%(submission)s")
                % {"submission": selectors.submission_name(submission)},
            )
        elif action == "return":
            services.return_to_official(
                user=request.user, submission=submission, reason=reason, version=version
            )
            messages.success(
                request,
                _("已退回：%(submission)s") % {"submission": selectors.submission_name(submission)},
            )
        elif action == "unlock":
            services.unlock(
                user=request.user, submission=submission, reason=reason, version=version
            )
            messages.success(
                request,
                _("已解锁，退回填报人更正：%(submission)s")
                % {"submission": selectors.submission_name(submission)},
            )
        else:
            messages.error(request, _("未知的操作。"))
    except errors.ReportingError as error:
        messages.error(request, str(error))
    fallback = reverse("assessments:submission_detail", args=[submission.pk])
    return redirect(safe_next(request, request.POST.get("next"), fallback))


@login_required
def approval_queue(request):
    """Submitted figures waiting for this office."""
    queue = selectors.approval_queue(user=request.user).select_related("region", "period")
    text = request.GET.get("q", "").replace("\x00", "").strip()[:50]
    if text:
        queue = queue.filter(Q(region__name__icontains=text) | Q(region__code__startswith=text))
    quarter = Quarter.parse(request.GET.get("period", ""))
    if quarter is not None:
        queue = queue.filter(period__year=quarter.year, period__quarter=quarter.quarter)
    page = Paginator(queue, 50).get_page(request.GET.get("page"))
    rows = [(s, services.pending_below(s)) for s in page]
    return render(
        request,
        "assessments/approval_queue.html",
        {
            "rows": rows,
            "page": page,
            "q": text,
            "period": quarter.label if quarter else "",
            "extensions": extensions.pending_for(user=request.user),
        },
    )


@login_required
def completeness_report(request):
    """Expected, received, on time, late and missing, for a period and a region."""
    periods = list(Period.objects.order_by("-year", "-quarter"))
    if not periods:
        raise Http404(_("尚未设置填报期"))
    period = selectors.current_period() or periods[0]
    if request.GET.get("period"):
        quarter = Quarter.parse(request.GET["period"])
        if quarter is None:
            raise BadRequest(_("填报期格式应为“2026Q3”（年份加 Q 和季度）。"))
        period = selectors.period_or_404(quarter.year, quarter.quarter)
    anchor = anchor_region(request.user)
    if request.GET.get("region"):
        region = selectors.visible_region_or_404(request.user, request.GET["region"])
    elif anchor is not None:
        region = anchor
    else:
        region = visible_regions(request.user).order_by("level", "path").first()
        if region is None:
            raise Http404(_("没有可查看的区划"))
    report = selectors.completeness(user=request.user, region=region, period=period)
    return render(
        request,
        "assessments/completeness.html",
        {
            "report": report,
            "region": region,
            "periods": periods,
            "period": period,
            "reopenable": {
                row.region.code for row in report.rows if can_approve_for(request.user, row.region)
            },
        },
    )


@login_required
@require_POST
def reopen(request):
    """The office reopens a closed quarter for a region, until a date, for a reason."""
    year = periods.parse_year(request.POST.get("year"))
    quarter = request.POST.get("quarter", "")
    if year is None or quarter not in {"1", "2", "3", "4"}:
        raise BadRequest(_("请选择有效的年度和季度。"))
    period = selectors.period_or_404(year, int(quarter))
    region = selectors.visible_region_or_404(request.user, request.POST.get("region", ""))
    try:
        until = date.fromisoformat(request.POST.get("until", ""))
    except ValueError:
        messages.error(request, _("请填写有效的延期截止日期（如 2026-04-30）。"))
    else:
        try:
            services.reopen_window(
                user=request.user,
                period=period,
                region=region,
                until=until,
                reason=request.POST.get("reason", ""),
            )
            messages.success(
                request,
                _("已为%(region)s延期开放%(period)s填报，至 %(until)s。")
                % {
                    "region": region.name,
                    "period": selectors.period_name(period),
                    "until": f"{until:%Y-%m-%d}",
                },
            )
        except (errors.ReportingError, PermissionDenied) as error:
            messages.error(request, str(error))
    back = request.POST.get("back") or region.code
    query = urlencode({"period": period.label, "region": back})
    return redirect(f"{reverse('assessments:completeness')}?{query}")


@login_required
def reference_values(request):
    """Reference figures of relative targets (全省平均水平), by year, with their source."""
    user = request.user
    anchor = anchor_region(user)
    candidates = anchor.ancestors() if anchor else Region.objects.filter(parent__isnull=True)
    regions = [r for r in candidates if may_record_reference_for(user, r)]
    if request.method == "POST":
        try:
            region = next(r for r in regions if r.code == request.POST.get("region"))
            indicator = Indicator.objects.get(code=request.POST.get("indicator"))
            value = parse_number(request.POST.get("value"), indicator.unit)
            if value is None:
                raise errors.ReportingError(_("请填写参照值。"))
            reference_service.record_reference_value(
                user=request.user,
                indicator=indicator,
                region=region,
                year=periods.parse_year(request.POST.get("year")) or 0,
                value=value,
                source=request.POST.get("source", ""),
            )
            messages.success(
                request,
                _("已保存：%(region)s%(indicator)s参照值 %(value)s")
                % {"region": region.name, "indicator": indicator.name, "value": value},
            )
            return redirect("assessments:reference_values")
        except (StopIteration, Indicator.DoesNotExist, ValueError, ParseError) as error:
            messages.error(
                request,
                _("输入无效：%(error)s") % {"error": error} if str(error) else _("输入无效。"),
            )
        except (errors.ReportingError, PermissionDenied) as error:
            messages.error(request, str(error))
    references = (
        restrict(user, "read_reference", ReferenceValue.objects.all())
        .select_related("indicator", "region", "entered_by")
        .order_by("-year", "indicator__code")
    )
    relative = Indicator.objects.filter(measures__reference_region__isnull=False).distinct()
    return render(
        request,
        "assessments/reference_values.html",
        {
            "references": references,
            "regions": regions,
            "indicators": relative,
            "may_record": bool(regions),
            "year": periods.today().year,
        },
    )
