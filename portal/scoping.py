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


def can_enter_for(user, region: Region) -> bool:
    """Region officials enter figures for their own region and the regions below it."""
    if is_unrestricted(user):
        return True
    return (
        user.is_authenticated
        and user.role == Role.REGION_OFFICIAL
        and user.region_id is not None
        and region.is_within(user.region)
    )


def can_approve_for(user, region: Region) -> bool:
    """The office of the region directly above approves (town → district → city): each level
    checks the level below it, and nobody skips a level."""
    if is_unrestricted(user):
        return True
    return (
        user.is_authenticated
        and user.role == Role.OFFICE
        and user.region_id is not None
        and region.parent_id == user.region_id
    )


def can_manage_documents_for(user, region: Region) -> bool:
    """An office records the policy documents of its own region and the regions below it."""
    if is_unrestricted(user):
        return True
    return (
        user.is_authenticated
        and user.role == Role.OFFICE
        and user.region_id is not None
        and region.is_within(user.region)
    )
