"""Writes for the shared core: regions, departments and demo accounts."""

import secrets
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from portal.models import Department, Region, Role, User


def upsert_regions(*, tree: list[dict[str, Any]]) -> int:
    """Create or update the region tree given as nested dicts; returns how many regions it holds."""
    count = 0

    def visit(node: dict[str, Any], parent: Region | None) -> None:
        nonlocal count
        region, _ = Region.objects.update_or_create(
            code=str(node["code"]),
            defaults={
                "name": node["name"],
                "level": int(node["level"]),
                "level_name": node["level_name"],
                "parent": parent,
            },
        )
        count += 1
        for child in node.get("children") or []:
            visit(child, region)

    for root in tree:
        visit(root, None)
    return count


def upsert_departments(*, groups: list[dict[str, Any]]) -> int:
    """Create or update departments given per region; returns how many the data holds."""
    count = 0
    for group in groups:
        region = Region.objects.get(code=str(group["region"]))
        for item in group["departments"]:
            Department.objects.update_or_create(
                region=region,
                short_name=item["short_name"],
                defaults={"name": item["name"], "aliases": item.get("aliases") or ""},
            )
            count += 1
    return count


@dataclass
class DemoAccount:
    username: str
    role: str
    label: str


@transaction.atomic
def ensure_demo_accounts(*, accounts: list[dict[str, Any]], password: str) -> list[DemoAccount]:
    """Create or reset the demo accounts described in the fixtures, all with ``password``."""
    created = []
    for item in accounts:
        region = Region.objects.get(code=str(item["region"])) if item.get("region") else None
        department = None
        if item.get("department"):
            code, short_name = item["department"].split(":", 1)
            department = Department.objects.get(region__code=code, short_name=short_name)
        user, _ = User.objects.get_or_create(username=item["username"])
        user.first_name = item.get("name", "")
        user.email = item.get("email", "")
        user.role = item["role"]
        user.region = region
        user.department = department
        user.is_superuser = user.is_staff = item["role"] == Role.ADMIN
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save()
        created.append(DemoAccount(user.username, user.get_role_display(), item.get("name", "")))
    return created


def generate_password() -> str:
    """A password that is easy to type from a printed sheet and hard to guess."""
    return secrets.token_urlsafe(12)
