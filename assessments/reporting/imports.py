"""Bulk import (Excel, API): every row checked, then all written or nothing."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from assessments.models import (
    DataElement,
    Period,
    Submission,
)
from assessments.reporting import selectors, services
from assessments.reporting.errors import Conflict, ReportingError
from assessments.reporting.validation import as_typed, clears, validate
from portal.models import Region
from portal.scoping import can_enter_for, can_see_region


@dataclass(frozen=True)
class ImportRow:
    """One figure of an upload, with where it stands so that problems can name the cell."""

    sheet: str
    row: int
    region_code: str
    element_code: str
    value: object
    comment: str = ""
    version: int | None = None


@dataclass(frozen=True)
class ImportProblem:
    sheet: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = (
            _("工作表“%(sheet)s”第 %(row)d 行") % {"sheet": self.sheet, "row": self.row}
            if self.row
            else _("工作表“%(sheet)s”") % {"sheet": self.sheet}
        )
        if self.column:
            return _("%(where)s【%(column)s】：%(message)s") % {
                "where": where,
                "column": self.column,
                "message": self.message,
            }
        return _("%(where)s：%(message)s") % {"where": where, "message": self.message}


# Problems listed at most: a file with a quarter of a million bad rows answers with the first
# ones and the count, not a page of 43 MB.
SHOWN_PROBLEMS = 200


class ImportRejected(ReportingError):
    def __init__(self, problems: list[ImportProblem]):
        count = len(problems)
        if count > SHOWN_PROBLEMS:
            message = _(
                "文件未导入：发现 %(count)d 处问题，下面列出前 %(shown)d 处，没有保存任何数据。"
            ) % {"count": count, "shown": SHOWN_PROBLEMS}
        else:
            message = ngettext(
                "文件未导入：发现 %(count)d 处问题，已全部列出，没有保存任何数据。",
                "文件未导入：发现 %(count)d 处问题，已全部列出，没有保存任何数据。",
                count,
            ) % {"count": count}
        super().__init__(message)
        self.count = count
        self.problems = problems[:SHOWN_PROBLEMS]


@dataclass
class ImportResult:
    rows: int = 0
    submissions: int = 0
    changed: int = 0
    untouched: int = 0  # rows sent back as they were: accepted, nothing written
    warnings: list[ImportProblem] = field(default_factory=list)


# The template's column headers: part of the file format, so never translated (a problem names
# the column as it is headed in the file).
REGION_COLUMN, ELEMENT_COLUMN, VALUE_COLUMN, COMMENT_COLUMN, VERSION_COLUMN = (
    "区划代码",
    "数据项代码",
    "本季度数值",
    "说明",
    "版本",
)


def import_rows(
    *, user, period: Period, rows: Iterable[ImportRow], source: str = "excel"
) -> ImportResult:
    """Validate every row, then save all of them in one transaction, or none with every problem."""
    rows = list(rows)
    problems: list[ImportProblem] = []
    regions = {r.code: r for r in Region.objects.filter(code__in={row.region_code for row in rows})}
    elements = {e.code: e for e in DataElement.objects.filter(is_active=True)}
    by_region: dict[str, list[ImportRow]] = defaultdict(list)
    entered = {
        pk: {e.code for e in found}
        for pk, found in selectors.elements_by_region(list(regions.values())).items()
    }

    def entered_by(region: Region) -> set[str]:
        return entered[region.pk]

    seen: dict[tuple[str, str], int] = {}
    for row in rows:
        region = regions.get(row.region_code)
        # Outside the user's scope a region is simply not there: no name, no confirmation.
        if region is None or not can_see_region(user, region):
            problems.append(
                ImportProblem(
                    row.sheet,
                    row.row,
                    REGION_COLUMN,
                    _("区划代码“%(code)s”不存在") % {"code": row.region_code},
                )
            )
            continue
        if not can_enter_for(user, region):
            problems.append(
                ImportProblem(
                    row.sheet,
                    row.row,
                    REGION_COLUMN,
                    _("您无权填报“%(region)s”的数据") % {"region": region.name},
                )
            )
            continue
        element = elements.get(row.element_code)
        if element is None:
            problems.append(ImportProblem(row.sheet, row.row, ELEMENT_COLUMN,
                _("数据项代码“%(code)s”不存在") % {"code": row.element_code}))  # fmt: skip
            continue
        if row.element_code not in entered_by(region):
            problems.append(ImportProblem(row.sheet, row.row, ELEMENT_COLUMN,
                _("“%(element)s”不由%(region)s填报")
                % {"element": element.name, "region": region.name}))  # fmt: skip
            continue
        key = (row.region_code, row.element_code)
        if key in seen:
            problems.append(
                ImportProblem(
                    row.sheet,
                    row.row,
                    ELEMENT_COLUMN,
                    _("与第 %(row)d 行重复（同一区划、同一数据项）") % {"row": seen[key]},
                )
            )
            continue
        seen[key] = row.row
        by_region[row.region_code].append(row)

    submissions = {
        s.region.code: s
        for s in Submission.objects.filter(
            period=period, region__code__in=list(by_region)
        ).select_related("region", "period")
    }
    existing = services.stored_values(list(submissions.values()))
    histories = selectors.histories_for([regions[code].pk for code in by_region], period)
    specs_by_set: dict[frozenset, tuple] = {}
    prepared = []
    result = ImportResult(rows=len(rows))
    for code, region_rows in by_region.items():
        region = regions[code]
        codes = frozenset(entered_by(region))
        if codes not in specs_by_set:
            level_elements = [e for e in elements.values() if e.code in codes]
            level_elements.sort(key=lambda e: (e.order, e.code))
            specs_by_set[codes] = (
                level_elements,
                selectors.element_specs(level_elements),
                selectors.rule_specs(level_elements),
            )
        level_elements, specs, rules = specs_by_set[codes]
        submission = submissions.get(code)
        first = region_rows[0]
        raw = {row.element_code: None if clears(row.value) else row.value for row in region_rows}
        outcome = validate(specs, raw, rules, histories.get(region.pk, {}))
        # An empty cell changes nothing (a formula without a stored result, a cell left blank);
        # only a figure, or the word 清空, touches an element. Others keep their figures.
        present = {
            row.element_code for row in region_rows if row.value is not None or clears(row.value)
        }
        write = services.ValueWrite(
            submission or Submission(region=region, period=period),
            [e for e in level_elements if e.code in present],
            outcome,
            {row.element_code: row.comment for row in region_rows},
        )
        row_of = {row.element_code: row for row in region_rows}
        changed = services.changed_elements(write, existing)
        if not changed:
            # A row as it was downloaded is accepted as it is, locked or not: a district's
            # template holds its towns' approved quarters, and sending it back unchanged is fine.
            result.untouched += len(region_rows)
            continue
        if submission is not None:
            try:
                services.check_editable(submission)
            except ReportingError as error:
                message = _("%(region)s：%(message)s") % {"region": region.name, "message": error}
                for row in sorted((row_of[c] for c in changed), key=lambda r: r.row):
                    problems.append(ImportProblem(row.sheet, row.row, VALUE_COLUMN, message))
                continue
            # Version 0 in a template means "nothing had been entered when it was downloaded".
            versions = {row.version for row in region_rows if row.version is not None}
            stored = {
                code: existing[(submission.pk, elements[code].pk)].value
                for code in changed
                if (submission.pk, elements[code].pk) in existing
            }
            overwritten = sorted(c for c in stored if stored[c] != outcome.values.get(c))
            if not versions and overwritten:
                # Without the version it was read at, a figure that is already stored may have
                # changed since: never overwrite it blind.
                for code in overwritten:
                    row = row_of[code]
                    problems.append(ImportProblem(row.sheet, row.row, VERSION_COLUMN,
                        _("%(region)s的%(element)s已有数据 %(stored)s：修改已有数据须带上读取时的"
                          "版本号（请使用最新下载的模板，或在接口中传 version）")
                        % {"region": region.name, "element": elements[code].name,
                           "stored": as_typed(stored[code])}))  # fmt: skip
                continue
            if versions and versions != {submission.version}:
                problems.append(ImportProblem(first.sheet, first.row, VERSION_COLUMN,
                    _("%(region)s的数据在模板下载后已被修改（模板为第 %(template)d 版，"
                      "当前为第 %(current)d 版），请重新下载模板")
                    % {"region": region.name, "template": min(versions),
                       "current": submission.version}))  # fmt: skip
                continue
        elif any(row.version for row in region_rows):
            problems.append(ImportProblem(first.sheet, first.row, VERSION_COLUMN,
                _("%(region)s：模板中的版本号与系统不符，请重新下载模板")
                % {"region": region.name}))  # fmt: skip
            continue
        elif not selectors.window_open(period, region):
            problems.append(ImportProblem(first.sheet, first.row, REGION_COLUMN,
                _("%(region)s：%(period)s不在填报期内")
                % {"region": region.name, "period": selectors.period_name(period)}))  # fmt: skip
            continue
        for issue in outcome.issues:
            row = row_of.get(issue.element, first)
            message = _("%(region)s：%(message)s") % {
                "region": region.name,
                "message": issue.message,
            }
            if issue.is_error:
                problems.append(ImportProblem(row.sheet, row.row, VALUE_COLUMN, message))
        prepared.append((region, submission, region_rows, outcome, write))

    if problems:
        problems.sort(key=lambda p: (p.sheet, p.row))
        raise ImportRejected(problems)

    result.submissions = len(prepared)
    with transaction.atomic():
        try:
            with transaction.atomic():
                created = Submission.objects.bulk_create(
                    [
                        Submission(region=region, period=period, version=2)
                        for region, submission, *_rest in prepared
                        if submission is None
                    ]
                )
        except IntegrityError:
            raise Conflict(
                _(
                    "保存冲突：在您上传期间，其他人已为其中的区划创建了本季度数据。"
                    "您的文件没有保存任何内容，请重新下载模板。"
                )
            ) from None
        new_by_region = {s.region_id: s for s in created}
        _bump_versions(
            [submission for _region, submission, *_rest in prepared if submission is not None]
        )
        writes = []
        for region, submission, region_rows, outcome, write in prepared:
            write.submission = submission or new_by_region[region.pk]
            writes.append(write)
            row_of = {row.element_code: row for row in region_rows}
            for warning in outcome.warnings:
                row = row_of[warning.element]
                message = _("%(region)s：%(message)s") % {
                    "region": region.name,
                    "message": warning.message,
                }
                result.warnings.append(ImportProblem(row.sheet, row.row, VALUE_COLUMN, message))
        result.changed = services.write_values(writes, user, source, existing)
    return result


def _bump_versions(submissions: list[Submission]) -> None:
    """Claim many submissions at once (one UPDATE per distinct version), or raise Conflict."""
    by_version: dict[int, list[Submission]] = defaultdict(list)
    for submission in submissions:
        by_version[submission.version].append(submission)
    now = timezone.now()
    for version, group in by_version.items():
        updated = Submission.objects.filter(pk__in=[s.pk for s in group], version=version).update(
            version=F("version") + 1, updated_at=now
        )
        if updated != len(group):
            raise Conflict(
                _(
                    "保存冲突：在您上传期间，其他人修改了其中部分区划的数据。"
                    "您的文件没有保存任何内容，请重新下载模板后再上传。"
                )
            )
        for submission in group:
            submission.version = version + 1
