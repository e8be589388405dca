"""Who may see what: the one place that turns a user into a filter on the region tree.

Deny by default. Every selector of every app builds its queryset filter from these functions,
and every page, API endpoint and export reads through a selector, so an object outside a
user's scope is simply not found (a 404, never a 403 that confirms it exists).

- A superuser or administrator sees everything.
- A region official and a leadership-group office see their region and every region below it.
- A department sees the region of the government it belongs to and the regions below it; what
  it may see of reported data is narrowed further by the apps (the targets it is responsible for).
- Anybody else (no role, or a role without its region or department) sees nothing.
"""

from django.db.models import Q

from portal.models import Region, Role

NOTHING = Q(pk__in=[])


def is_unrestricted(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active) and (
        user.is_superuser or user.role == Role.ADMIN
    )


def scope_key(user) -> str:
    """Everything the rules of this module read from a user, as one string: two users with the
    same key see exactly the same data (caches of scoped reads are keyed by it)."""
    if not (user and user.is_authenticated and user.is_active):
        return "anonymous"
    if is_unrestricted(user):
        return "unrestricted"
    return f"{user.role}:{user.region_id or '-'}:{user.department_id or '-'}"


def anchor_region(user) -> Region | None:
    """The region whose subtree bounds the user, or None when the user has no scope at all."""
    if not (user and user.is_authenticated and user.is_active):
        return None
    if user.role in {Role.REGION_OFFICIAL, Role.OFFICE}:
        return user.region
    if user.role == Role.DEPARTMENT and user.department_id:
        return user.department.region
    return None


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


def _acts_for_a_region(user, role: str) -> bool:
    return user.is_authenticated and user.role == role and user.region_id is not None


def can_enter_for(user, region: Region) -> bool:
    """Region officials enter figures for their own region and the regions below it."""
    if is_unrestricted(user):
        return True
    return _acts_for_a_region(user, Role.REGION_OFFICIAL) and region.is_within(user.region)


def can_approve_for(user, region: Region) -> bool:
    """The office of the region directly above approves (town → district → city): each level
    checks the level below it, and nobody skips a level."""
    if is_unrestricted(user):
        return True
    return _acts_for_a_region(user, Role.OFFICE) and region.parent_id == user.region_id


def can_manage_documents_for(user, region: Region) -> bool:
    """An office records the policy documents of its own region and the regions below it."""
    if is_unrestricted(user):
        return True
    return _acts_for_a_region(user, Role.OFFICE) and region.is_within(user.region)


# --- Department work: duties, progress reports and their evidence; exports -------------------
# The lead role's value of targets.TaskAssignment, written out because portal imports no app.
LEAD_ROLE = "lead"


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def departments_q(user, field: str | None = None) -> Q:
    """Departments (``field``: a Department relation; None for Department itself) whose work the
    user may follow: a department its own, an office those of its region and below."""
    if is_unrestricted(user):
        return Q()
    if not _active(user):
        return NOTHING
    if user.role == Role.DEPARTMENT and user.department_id:
        return Q(**{field or "pk": user.department_id})
    if user.role == Role.OFFICE and user.region_id:
        return Q(**{f"{_prefix(field)}region__path__startswith": user.region.path})
    return NOTHING


def reporting_q(user, field: str) -> Q:
    """Tasks, duties or targets (through ``field``, their Department relation) the user reports
    progress on: only a department user, only its own department's. Offices read, never write."""
    if _active(user) and user.role == Role.DEPARTMENT and user.department_id:
        return Q(**{field: user.department_id})
    return NOTHING


def progress_q(user, field: str | None = None) -> Q:
    """Progress reports (``field``: a ProgressUpdate relation; None for the report itself) the
    user may read: a department its own, and those of its partners on the tasks it leads; an
    office those of the departments of its region and below. Files follow their report."""
    if is_unrestricted(user):
        return Q()
    if not _active(user):
        return NOTHING
    prefix = _prefix(field)
    if user.role == Role.DEPARTMENT and user.department_id:
        return Q(**{f"{prefix}department": user.department_id}) | Q(
            **{
                f"{prefix}task__assignments__department": user.department_id,
                f"{prefix}task__assignments__role": LEAD_ROLE,
            }
        )
    if user.role == Role.OFFICE and user.region_id:
        return Q(**{f"{prefix}department__region__path__startswith": user.region.path})
    return NOTHING


def export_q(user, field: str | None = "region") -> Q:
    """Rows whose ``field`` (a Region relation) an export may cover: an office exports its own
    region and below; nobody else exports anything."""
    if is_unrestricted(user):
        return Q()
    if _active(user) and user.role == Role.OFFICE and user.region_id:
        return Q(**{f"{_prefix(field)}path__startswith": user.region.path})
    return NOTHING


def can_export_for(user, region: Region) -> bool:
    if is_unrestricted(user):
        return True
    return (
        _active(user)
        and user.role == Role.OFFICE
        and user.region_id is not None
        and region.is_within(user.region)
    )
