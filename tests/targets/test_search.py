"""The one search box finds, by kind, only what the user may open: a 晋安区 official finds the
documents of its line (晋安区, 福州市, 福建省) and its own regions, never 宝坻区's; an office
finds the departments of its region; a user without a role finds nothing."""

import pytest
from django.urls import reverse

from portal.models import Role
from targets import search

pytestmark = pytest.mark.django_db


def test_scoped_by_kind(make_user):
    official = make_user(Role.REGION_OFFICIAL, region="350111")
    assert {d.key for d in search.search(user=official, text="质量").documents} >= {"jinan-2012"}
    assert not [d for d in search.search(user=official, text="宝坻").documents]
    assert not search.search(user=official, text="宝坻").regions
    assert [r.code for r in search.search(user=official, text="350111100").regions] == ["350111100"]
    # An official follows no department's work.
    assert not search.search(user=official, text="质监").departments
    office = make_user(Role.OFFICE, region="350111")
    found = search.search(user=office, text="质监")
    assert [d.short_name for d in found.departments] == ["市质监局直属二分局"]
    baodi = make_user(Role.OFFICE, region="120115")
    assert {d.region.code for d in search.search(user=baodi, text="质监").departments} == {"120115"}
    nobody = make_user()
    assert search.search(user=nobody, text="质量").total == 0


def test_targets_by_indicator_and_exact_first(make_user):
    official = make_user(Role.REGION_OFFICIAL, region="350111")
    found = search.search(user=official, text="抽查合格率")
    assert found.targets and all("jinan" in t.document.key or t.document.region.code in
                                 {"350000", "350100", "350111"} for t in found.targets)  # fmt: skip
    assert search.search(user=official, text="   ").total == 0
    assert search.search(user=official, text="\x00质量").total > 0


def test_the_page(client, make_user):
    client.force_login(make_user(Role.OFFICE, region="350111"))
    page = client.get(reverse("search"), {"q": "鼓山"}).content.decode()
    assert "鼓山镇" in page and 'href="/dashboard/350111100/"' in page
    assert "找到" in client.get(reverse("search"), {"q": "不存在的词语"}).content.decode()
