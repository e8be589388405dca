"""Issuing a rulebook (考核评分细则): a new version of a year's rulebook from a checked draft (an
uploaded workbook, see ``rulebook_book``), and last year's rulebook copied to next year.

A version is never changed once results or publications may point at it: issuing makes a new
row (version = the highest of its year, scope and level + 1) and only clears ``is_current`` of
the one it replaces, in one transaction, so that nothing is half-saved and exactly one version
stays current. Every draft is checked by ``rulebook_checks`` first, the same rules as the admin.
"""

import logging
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import Indicator, Rulebook, RuleItem, VetoRule
from assessments.scoring import rulebook_checks
from assessments.scoring.rulebook_checks import ItemDraft, Problem
from portal.models import Department
from targets.models import Target

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SheetProblem:
    """A problem of an uploaded workbook, where it is (sheet, Excel row, column header)."""

    sheet: str
    row: int | None
    column: str
    message: str


class RulebookRefused(Exception):
    """A request the rules refuse as a whole; the message is for the office, in its language."""


class RulebookRejected(RulebookRefused):
    """A draft with problems: nothing was saved; ``problems`` lists every one."""

    def __init__(self, problems: list[SheetProblem], message: str | None = None):
        self.problems = problems
        super().__init__(
            message or _("评分细则有 %(count)d 处问题，未保存任何内容。") % {"count": len(problems)}
        )


@dataclass
class ItemRow:
    """An item as it will be saved: the checked draft and what it links to."""

    draft: ItemDraft  # code, name, parent code, points, method, comparator, threshold, params, row
    indicator: Indicator | None = None
    target: Target | None = None
    counts: str = ""
    evidence: str = ""
    lead_department: Department | None = None
    key_points: str = ""  # 考核要点 (judged items)
    rule_text: str = ""  # 评分标准, in words


@dataclass(frozen=True)
class VetoDraft:
    min_severity: int
    description: str
    row: int | None = None


@dataclass
class Draft:
    """A whole rulebook as it will be saved (its year, scope and level are those it is issued
    for), its items in their order."""

    name: str
    total_points: Decimal
    grade_bands: list[dict]
    decimals: int = 2
    rounding: str = "half_up"
    unreported: str = "absent"
    veto_ranking: str = "last"
    items: list[ItemRow] = field(default_factory=list)
    vetoes: list[VetoDraft] = field(default_factory=list)

    @property
    def item_drafts(self) -> list[ItemDraft]:
        return [item.draft for item in self.items]

    def problems(self) -> list[Problem]:
        return rulebook_checks.check(
            total_points=self.total_points, bands=self.grade_bands, items=self.item_drafts
        )


def _item_draft(item: RuleItem, parent_code: str | None) -> ItemDraft:
    target = item.target
    return ItemDraft(
        code=item.code,
        name=item.name,
        parent=parent_code,
        points=item.points,
        method=item.method,
        comparator=item.comparator,
        threshold=item.threshold,
        has_target=target is not None,
        target_has_value=target is not None and target.value is not None,
        has_indicator=item.indicator_id is not None,
        params=item.params if item.params is not None else {},
    )


def _items(rulebook: Rulebook) -> list[RuleItem]:
    return list(
        rulebook.items.select_related(
            "parent", "indicator", "target__document", "lead_department__region"
        ).order_by("order", "code")
    )


def drafts_of(rulebook: Rulebook) -> list[ItemDraft]:
    """The saved rulebook's items as rulebook_checks reads them."""
    return [
        _item_draft(item, item.parent.code if item.parent else None) for item in _items(rulebook)
    ]


def problems_of(rulebook: Rulebook) -> list[Problem]:
    """What rulebook_checks finds wrong with a saved rulebook ([] when it can be scored)."""
    return rulebook_checks.check(
        total_points=rulebook.total_points, bands=rulebook.grade_bands, items=drafts_of(rulebook)
    )


def draft_of(rulebook: Rulebook) -> Draft:
    """A saved rulebook as a draft: what copying it (or issuing it unchanged) would save."""
    items = [
        ItemRow(
            draft=_item_draft(item, item.parent.code if item.parent else None),
            indicator=item.indicator,
            target=item.target,
            counts=item.counts,
            evidence=item.evidence,
            lead_department=item.lead_department,
            key_points=item.key_points,
            rule_text=item.rule_text,
        )
        for item in _items(rulebook)
    ]
    return Draft(
        name=rulebook.name,
        total_points=rulebook.total_points,
        grade_bands=[dict(band) for band in rulebook.grade_bands or []],
        decimals=rulebook.decimals,
        rounding=rulebook.rounding,
        unreported=rulebook.unreported,
        veto_ranking=rulebook.veto_ranking,
        items=items,
        vetoes=[
            VetoDraft(veto.min_severity, veto.description)
            for veto in rulebook.vetoes.order_by("pk")
        ],
    )


def _checked(draft: Draft) -> None:
    problems = draft.problems()
    if problems:
        raise RulebookRejected(
            [SheetProblem("", problem.row, problem.field, problem.message) for problem in problems]
        )


def _who(user) -> str:
    if user is None:
        return "—"
    return user.get_full_name() or user.get_username()


def _now() -> str:
    return f"{timezone.localtime():%Y-%m-%d %H:%M}"


def _create(*, year: int, scope, level: int, version: int, draft: Draft, notes: str,
            subject: str) -> Rulebook:  # fmt: skip
    """The new row with its items (parents first) and veto rules; the caller is atomic."""
    rulebook = Rulebook.objects.create(
        year=year,
        scope=scope,
        level=level,
        subject=subject,
        version=version,
        is_current=True,
        name=draft.name,
        total_points=draft.total_points,
        grade_bands=draft.grade_bands,
        decimals=draft.decimals,
        rounding=draft.rounding,
        unreported=draft.unreported,
        veto_ranking=draft.veto_ranking,
        notes=notes,
    )
    saved: dict[str, RuleItem] = {}
    for order, item in enumerate(draft.items, start=1):
        spec = item.draft
        saved[spec.code] = RuleItem.objects.create(
            rulebook=rulebook,
            code=spec.code,
            order=order,
            name=spec.name,
            points=Decimal(str(spec.points)),
            method=spec.method,
            indicator=item.indicator,
            target=item.target,
            comparator=spec.comparator,
            threshold=None if spec.threshold is None else Decimal(str(spec.threshold)),
            params=spec.params,
            counts=item.counts,
            evidence=item.evidence,
            lead_department=item.lead_department,
            key_points=item.key_points,
            rule_text=item.rule_text,
        )
    # Parents second: a saved rulebook's order need not put every parent first.
    children = [item.draft for item in draft.items if item.draft.parent]
    for spec in children:
        saved[spec.code].parent = saved[spec.parent]
    RuleItem.objects.bulk_update([saved[spec.code] for spec in children], ["parent"])
    VetoRule.objects.bulk_create(
        VetoRule(rulebook=rulebook, min_severity=veto.min_severity, description=veto.description)
        for veto in draft.vetoes
    )
    return rulebook


def _versions(*, year: int, scope, level: int, subject: str) -> list[Rulebook]:
    """Every version of a year's rulebook, locked until the transaction ends (two uploads at
    once wait for each other instead of both taking the same version number)."""
    return list(
        Rulebook.objects.select_for_update()
        .filter(year=year, scope=scope, level=level, subject=subject)
        .order_by("version")
    )


@transaction.atomic
def issue_version(*, rulebook: Rulebook, draft: Draft, user) -> Rulebook:
    """Issue ``draft`` as the next version of ``rulebook``'s year, scope and level, replacing
    ``rulebook`` (which must be the current version) as the one that is scored. The previous
    version is kept as it was (only no longer current); results and publications keep pointing
    at the version they were computed with. All or nothing."""
    _checked(draft)
    versions = _versions(
        year=rulebook.year, scope=rulebook.scope, level=rulebook.level, subject=rulebook.subject
    )
    current = next((book for book in versions if book.is_current), None)
    if current is None or current.pk != rulebook.pk:
        raise RulebookRefused(
            _(
                "第 %(version)d 版已不是现行版本（此后已有新版本发布）：请下载现行版本修改后"
                "再上传，以免覆盖他人的修改。"
            )
            % {"version": rulebook.version}
        )
    version = max(book.version for book in versions) + 1
    # The old version first: one current version per year, scope and level (a constraint).
    # update() leaves the rest of the row, updated_at included, as it was.
    Rulebook.objects.filter(pk=current.pk).update(is_current=False)
    notes = _("由 %(user)s 于 %(at)s 上传（据第 %(version)d 版修改）") % {
        "user": _who(user),
        "at": _now(),
        "version": current.version,
    }
    issued = _create(
        year=current.year,
        scope=current.scope,
        level=current.level,
        version=version,
        draft=draft,
        notes=notes,
        subject=current.subject,
    )
    logger.info(
        "Rulebook %s (%s, scope %s, level %s) version %s issued by user %s, replacing %s",
        issued.pk,
        issued.year,
        issued.scope_id,
        issued.level,
        issued.version,
        getattr(user, "pk", None),
        current.pk,
    )
    return issued


@transaction.atomic
def copy_to_next_year(*, rulebook: Rulebook, user) -> Rulebook:
    """Copy ``rulebook`` (items, veto rules and settings) to the next year, for the same scope
    and level, as that year's current rulebook. Refused when the next year already has one."""
    year = rulebook.year + 1
    versions = _versions(
        year=year, scope=rulebook.scope, level=rulebook.level, subject=rulebook.subject
    )
    current = next((book for book in versions if book.is_current), None)
    if current is not None:
        raise RulebookRefused(
            _(
                "%(year)d年已有现行的评分细则（%(name)s，第 %(version)d 版），未复制："
                "如需修改，请在该细则页面下载评分细则表，修改后上传为新版本。"
            )
            % {"year": year, "name": current.name, "version": current.version}
        )
    draft = draft_of(rulebook)
    problems = draft.problems()
    if problems:
        raise RulebookRejected(
            [SheetProblem("", problem.row, problem.field, problem.message) for problem in problems],
            _("该评分细则本身有 %(count)d 处问题，未复制：请先改正后再复制。")
            % {"count": len(problems)},
        )
    notes = _("由 %(user)s 于 %(at)s 从%(year)d年第 %(version)d 版复制") % {
        "user": _who(user),
        "at": _now(),
        "year": rulebook.year,
        "version": rulebook.version,
    }
    copied = _create(
        year=year,
        scope=rulebook.scope,
        level=rulebook.level,
        version=max((book.version for book in versions), default=0) + 1,
        draft=draft,
        notes=notes,
        subject=rulebook.subject,
    )
    logger.info(
        "Rulebook %s (%s, scope %s, level %s) copied to %s as %s version %s by user %s",
        rulebook.pk,
        rulebook.year,
        rulebook.scope_id,
        rulebook.level,
        year,
        copied.pk,
        copied.version,
        getattr(user, "pk", None),
    )
    return copied
