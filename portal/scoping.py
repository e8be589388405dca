"""The one access gate: who may see what and do what. Deny by default.

Every page, API endpoint, export, upload and menu entry asks a function of this module; no
other module reads a user's role to decide access. Reads build their queryset filters from the
``*_q`` functions, so an object outside a user's scope is simply not found (a 404, never a 403
that confirms it exists); actions ask the ``may_*`` and ``can_*_for`` predicates. The shape is
NetBox's ``restrict(user, action)``: ``restrict(user, action, queryset)`` narrows any queryset of
a region-bound model by the named action.

- A superuser or administrator sees and does everything.
- A region official and a leadership-group office see their region and every region below it;
  officials enter figures there, each office approves the level directly below it.
- A department sees the region of the government it belongs to and the regions below it; of
  reported data it reads only what measures the targets it is responsible for, and it never
  reads the reporting chain's audit trail.
- Anybody else (no role yet, or a role without its region or department) sees nothing.
"""

from django.db.models import Q, QuerySet

from portal.models import Region, Role

NOTHING = Q(pk__in=[])


# --- Who the user is ------------------------------------------------------------------------------


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def is_unrestricted(user) -> bool:
    return _active(user) and (user.is_superuser or user.role == Role.ADMIN)


def _acts_for_a_region(user, role: str) -> bool:
    return _active(user) and user.role == role and user.region_id is not None


def is_office(user) -> bool:
    return _acts_for_a_region(user, Role.OFFICE)


def is_official(user) -> bool:
    return _acts_for_a_region(user, Role.REGION_OFFICIAL)


def is_department(user) -> bool:
    return _active(user) and user.role == Role.DEPARTMENT and user.department_id is not None


def scope_key(user) -> str:
    """Everything the rules of this module read from a user, as one string: two users with the
    same key see exactly the same data (caches of scoped reads are keyed by it)."""
    if not _active(user):
        return "anonymous"
    if is_unrestricted(user):
        return "unrestricted"
    return f"{user.role}:{user.region_id or '-'}:{user.department_id or '-'}"


def anchor_region(user) -> Region | None:
    """The region whose subtree bounds the user, or None when the user has no scope at all."""
    if is_official(user) or is_office(user):
        return user.region
    if is_department(user):
        return user.department.region
    return None


# --- The region tree ------------------------------------------------------------------------------


def _prefix(field: str | None) -> str:
    return f"{field}__" if field else ""


def subtree_q(user, field: str | None = "region") -> Q:
    """Rows whose ``field`` (a Region relation; None for Region itself) lies in the user's region
    or below it."""
    if is_unrestricted(user):
        return Q()
    region = anchor_region(user)
    if region is None:
        return NOTHING
    return Q(**{f"{_prefix(field)}path__startswith": region.path})


def line_q(user, field: str | None = "region") -> Q:
    """Rows whose ``field`` lies in the user's subtree or above it: a province's policy governs
    its districts too, so an official of 晋安区 reads the documents of 福建省 and 福州市."""
    if is_unrestricted(user):
        return Q()
    region = anchor_region(user)
    if region is None:
        return NOTHING
    ancestors = [code for code in region.path.split("/") if code]
    prefix = _prefix(field)
    return Q(**{f"{prefix}path__startswith": region.path}) | Q(**{f"{prefix}code__in": ancestors})


def visible_regions(user):
    """Regions the user may open: their own and those below it."""
    return Region.objects.filter(subtree_q(user, field=None))


def can_see_region(user, region: Region) -> bool:
    if is_unrestricted(user):
        return True
    anchor = anchor_region(user)
    return anchor is not None and region.is_within(anchor)


# --- Quarterly reporting --------------------------------------------------------------------------


def entry_region(user) -> Region | None:
    """The region whose subtree the user enters figures for (their own), or None."""
    if not _active(user) or not user.region_id:
        return None
    return user.region if is_official(user) or is_unrestricted(user) else None


def may_enter(user) -> bool:
    """Whether the user enters figures at all (the reporting menu, the Excel template)."""
    return entry_region(user) is not None


def can_enter_for(user, region: Region) -> bool:
    """Region officials enter figures for their own region and the regions below it."""
    if is_unrestricted(user):
        return True
    return is_official(user) and region.is_within(user.region)


def can_approve_for(user, region: Region) -> bool:
    """The office of the region directly above approves (town → district → city): each level
    checks the level below it, and nobody skips a level."""
    if is_unrestricted(user):
        return True
    return is_office(user) and region.parent_id == user.region_id


def may_review(user) -> bool:
    """Whether the user decides on submissions at all (the approval queue, completeness)."""
    return is_unrestricted(user) or is_office(user)


def review_q(user, field: str = "region") -> Q:
    """Submissions (through ``field``) waiting for this user's decision: those of the regions
    directly below an office; every one for an administrator."""
    if is_unrestricted(user):
        return Q()
    if is_office(user):
        return Q(**{f"{field}__parent": user.region_id})
    return NOTHING


def reads_only_responsible(user) -> bool:
    """Whether the user's reading of reported figures is narrowed to what measures the targets
    its department is responsible for (a department); everybody else with a scope reads all
    figures of their subtree."""
    return not is_unrestricted(user) and _active(user) and user.role == Role.DEPARTMENT


def figures_q(user, *, responsible: Q, field: str = "region") -> Q | None:
    """Rows whose reported figures the user may read (None: all of them). ``field`` names the
    rows' region; ``responsible`` is the caller's condition for "the user's department is
    responsible for this row" (it knows its model's relation), applied to departments."""
    if is_unrestricted(user):
        return None
    condition = subtree_q(user, field)
    if reads_only_responsible(user):
        condition &= responsible if is_department(user) else NOTHING
    return condition


def may_read_audit(user, region: Region) -> bool:
    """The audit trail of a region's submission (who changed which figure, and why): the
    reporting chain reads it (the officials who enter for the region, the offices above it,
    administrators); departments do not, on the page as in the API."""
    if is_unrestricted(user) or can_enter_for(user, region):
        return True
    return is_office(user) and can_see_region(user, region)


# --- Reference values -----------------------------------------------------------------------------


def reference_q(user, field: str = "region") -> Q:
    """Reference values (全省平均水平) the user may read: those of their own region and the
    regions above it, which their relative targets compare to; all for an administrator;
    none without a scope."""
    if is_unrestricted(user):
        return Q()
    region = anchor_region(user)
    if region is None:
        return NOTHING
    return Q(**{f"{field}__code__in": [code for code in region.path.split("/") if code]})


def may_record_reference_for(user, region: Region) -> bool:
    """Only the office of the region a reference value belongs to records it (全省平均水平 by the
    province's office); administrators too. An office below reads it but never writes it: a
    district that changed the province's average would change every peer district's score."""
    if is_unrestricted(user):
        return True
    return is_office(user) and user.region_id == region.pk


# --- Policy documents -----------------------------------------------------------------------------


def can_manage_documents_for(user, region: Region) -> bool:
    """An office records the policy documents of its own region and the regions below it."""
    if is_unrestricted(user):
        return True
    return is_office(user) and region.is_within(user.region)


def may_manage_documents(user) -> bool:
    return is_unrestricted(user) or is_office(user)


# --- Department work: duties, progress reports and their evidence --------------------------------
# The lead role's value of targets.TaskAssignment, written out because portal imports no app.
LEAD_ROLE = "lead"


def departments_q(user, field: str | None = None) -> Q:
    """Departments (``field``: a Department relation; None for Department itself) whose work the
    user may follow: a department its own, an office those of its region and below."""
    if is_unrestricted(user):
        return Q()
    if is_department(user):
        return Q(**{field or "pk": user.department_id})
    if is_office(user):
        return Q(**{f"{_prefix(field)}region__path__startswith": user.region.path})
    return NOTHING


def may_follow_departments(user) -> bool:
    """Whether the user opens the overview of the departments below it (an office)."""
    return is_unrestricted(user) or is_office(user)


def reporting_q(user, field: str) -> Q:
    """Tasks, duties or targets (through ``field``, their Department relation) the user reports
    progress on: only a department user, only its own department's. Offices read, never write."""
    if is_department(user):
        return Q(**{field: user.department_id})
    return NOTHING


def progress_q(user, field: str | None = None) -> Q:
    """Progress reports (``field``: a ProgressUpdate relation; None for the report itself) the
    user may read: a department its own, and those of its partners on the tasks it leads; an
    office those of the departments of its region and below. Files follow their report."""
    if is_unrestricted(user):
        return Q()
    prefix = _prefix(field)
    if is_department(user):
        return Q(**{f"{prefix}department": user.department_id}) | Q(
            **{
                f"{prefix}task__assignments__department": user.department_id,
                f"{prefix}task__assignments__role": LEAD_ROLE,
            }
        )
    if is_office(user):
        return Q(**{f"{prefix}department__region__path__startswith": user.region.path})
    return NOTHING


# --- The office's tools: dashboard, assessment runs, exports --------------------------------------


def may_open_dashboard(user) -> bool:
    """Offices and administrators; the dashboard is the office's tool."""
    return is_unrestricted(user) or is_office(user)


def may_run_assessment(user) -> bool:
    """Offices start the year's assessment and watch its runs; administrators too."""
    return is_unrestricted(user) or is_office(user)


def may_sign_for(user, scope: Region) -> bool:
    """Who may publish (发布) or correct a rulebook's results, and issue its rulebook (upload a
    new version, copy it to next year): the office of the region the rulebook belongs to, which
    is the office that assesses the regions below it; administrators too. Never an office above
    or beside it: a result is the act of the office that runs the assessment."""
    if is_unrestricted(user):
        return True
    return is_office(user) and user.region_id == scope.pk


def runs_q(user, field: str = "path_region") -> Q:
    """Runs an office follows: the year's full runs, and the re-scores of a region on its own
    path (a re-score of 晋安区 climbs 福州市 and 福建省; 宝坻区's office does not see it)."""
    if is_unrestricted(user):
        return Q()
    if not is_office(user):
        return NOTHING
    return Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__path__startswith": user.region.path})


def export_q(user, field: str | None = "region") -> Q:
    """Rows whose ``field`` (a Region relation) an export may cover: an office exports its own
    region and below; nobody else exports anything."""
    if is_unrestricted(user):
        return Q()
    if is_office(user):
        return Q(**{f"{_prefix(field)}path__startswith": user.region.path})
    return NOTHING


def may_export(user) -> bool:
    return is_unrestricted(user) or is_office(user)


def can_export_for(user, region: Region) -> bool:
    if is_unrestricted(user):
        return True
    return is_office(user) and region.is_within(user.region)


# --- The assessment season (考核季) ---------------------------------------------------------------
# A season belongs to the office of its rulebook's scope; its units are regions (acting through
# their office) or departments (through their users); a judged item is reviewed by its lead
# department, or by the office when it has none or when the unit is that department itself.


def may_run_season(user, scope: Region) -> bool:
    """Open a season, set its windows, move it on, adjust scores, publish: the office that signs
    the rulebook (see ``may_sign_for``)."""
    return may_sign_for(user, scope)


def may_oversee_season(user, scope: Region) -> bool:
    """Read every unit's self-assessment, scores and objections: the season's own office and
    the offices above it (administrators too)."""
    if is_unrestricted(user):
        return True
    return is_office(user) and scope.is_within(user.region)


def acts_for_unit(user, *, region_id: int | None, department_id: int | None) -> bool:
    """Self-assess and object for a unit: the office of the unit's region, or the unit
    department's own users (administrators too)."""
    if is_unrestricted(user):
        return True
    if region_id is not None:
        return is_office(user) and user.region_id == region_id
    return is_department(user) and user.department_id == department_id


def reviewer_is_office(*, lead_department_id: int | None, unit_department_id: int | None) -> bool:
    """Whether the office reviews an item of a unit itself: the item names no lead department,
    or the unit is that department (nobody scores their own work)."""
    return lead_department_id is None or lead_department_id == unit_department_id


def may_review_item(user, *, scope: Region, lead_department_id: int | None,
                    unit_department_id: int | None) -> bool:  # fmt: skip
    """Score, return, and answer objections on a judged item of a unit."""
    if reviewer_is_office(lead_department_id=lead_department_id,
                          unit_department_id=unit_department_id):  # fmt: skip
        return may_run_season(user, scope)
    if is_unrestricted(user):
        return True
    return is_department(user) and user.department_id == lead_department_id


def seasons_q(user) -> Q:
    """Seasons the user may open: an office's own and those of the offices below it, those in
    which the user's region or department is assessed, and those in which their department
    reviews items."""
    if is_unrestricted(user):
        return Q()
    if is_office(user):
        return Q(rulebook__scope__path__startswith=user.region.path) | Q(
            units__region_id=user.region_id
        )
    if is_department(user):
        return Q(units__department_id=user.department_id) | Q(
            rulebook__items__lead_department_id=user.department_id
        )
    return NOTHING


def season_units_q(user, field: str = "") -> Q:
    """Units (``field`` the path to a SeasonUnit, "" for the unit itself) whose self-assessment,
    results and objections the user may read: an office reads every unit of its own seasons and
    of the seasons below it; a unit reads only itself; a department also reads the units whose
    items it reviews (restricted to those items by ``appraisals_q``)."""
    prefix = f"{field}__" if field else ""
    if is_unrestricted(user):
        return Q()
    if is_office(user):
        return Q(**{f"{prefix}season__rulebook__scope__path__startswith": user.region.path}) | Q(
            **{f"{prefix}region_id": user.region_id}
        )
    if is_department(user):
        return Q(**{f"{prefix}department_id": user.department_id})
    return NOTHING


def appraisals_q(user) -> Q:
    """Judged items of units the user may read: those of the units above, and for a department
    the items it reviews (and never another item of those units)."""
    if not is_department(user):
        return season_units_q(user, "unit")
    reviewed = Q(item__lead_department_id=user.department_id) & ~Q(
        unit__department_id=user.department_id
    )
    return season_units_q(user, "unit") | reviewed


# --- One question for querysets and menus ---------------------------------------------------------

# What each action means as a filter on a region relation.
_RESTRICTIONS = {
    "view": subtree_q,
    "read_policy": line_q,
    "export": export_q,
    "read_reference": reference_q,
}


def restrict(user, action: str, queryset: QuerySet, field: str | None = "region") -> QuerySet:
    """``queryset`` narrowed to the rows the user may ``action`` ("view", "read_policy",
    "export", "read_reference"), through its Region relation ``field``. An unknown action
    restricts to nothing."""
    rule = _RESTRICTIONS.get(action)
    if rule is None:
        return queryset.none()
    return queryset.filter(rule(user, field) if field is not None else rule(user, None))


def menu(user) -> dict[str, bool]:
    """Which of the portal's sections the user may open: the top menu shows only these, so a
    page never links what its viewer cannot open."""
    return {
        "dashboard": may_open_dashboard(user),
        "duties": is_department(user),
        "reporting": may_enter(user) or may_review(user),
        "review": may_review(user),
        "departments": may_follow_departments(user),
        "runs": may_run_assessment(user),
        "exports": may_export(user),
        "references": _active(user) and (is_unrestricted(user) or anchor_region(user) is not None),
        "manage_documents": may_manage_documents(user),
        "all_regions": is_unrestricted(user),
        "seasons": is_unrestricted(user) or is_office(user) or is_department(user),
    }
