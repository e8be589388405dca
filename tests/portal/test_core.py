"""Regions, users, scoping and demo accounts."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from portal import scoping
from portal.models import Region, RegionLevel, Role, User
from portal.services import ensure_demo_accounts

pytestmark = pytest.mark.django_db


def test_a_region_path_follows_its_parents_and_moves_with_them():
    province = Region.objects.create(
        code="990000", name="测试省", level=RegionLevel.PROVINCE, level_name="省"
    )
    city = Region.objects.create(
        code="990100", name="测试市", level=RegionLevel.CITY, level_name="市", parent=province
    )
    district = Region.objects.create(
        code="990101", name="测试区", level=RegionLevel.DISTRICT, level_name="区", parent=city
    )
    assert district.path == "990000/990100/990101/"
    other = Region.objects.create(
        code="980000", name="另一省", level=RegionLevel.PROVINCE, level_name="省"
    )
    city.parent = other
    city.save()
    district.refresh_from_db()
    assert district.path == "980000/990100/990101/"
    assert [r.code for r in district.ancestors()] == ["980000", "990100", "990101"]


def test_a_child_region_must_sit_below_its_parent_level():
    district = Region.objects.get(code="350111")
    region = Region(
        code="350199", name="错误", level=RegionLevel.CITY, level_name="市", parent=district
    )
    with pytest.raises(ValidationError):
        region.clean()


def test_roles_need_their_anchor():
    with pytest.raises(ValidationError):
        User(username="x", role=Role.OFFICE).clean()
    with pytest.raises(ValidationError):
        User(username="y", role=Role.DEPARTMENT).clean()


def test_scope_follows_the_region_tree(make_user):
    jinan = Region.objects.get(code="350111")
    town = Region.objects.get(code="350111100")
    official = make_user(role=Role.REGION_OFFICIAL, region="350111")
    visible = set(scoping.visible_regions(official).values_list("code", flat=True))
    assert "350111" in visible and "350111100" in visible
    assert not visible & {"350000", "350100", "120115"}
    assert scoping.can_see_region(official, town)
    assert not scoping.can_see_region(
        make_user(role=Role.REGION_OFFICIAL, region="350111100"), jinan
    )
    nobody = make_user()
    assert not scoping.visible_regions(nobody).exists()
    inactive = make_user(role=Role.OFFICE, region="350000", is_active=False)
    assert not scoping.visible_regions(inactive).exists()


def test_demo_accounts_are_created_once_and_reset_on_rerun():
    spec = [
        {"username": "demo-office", "role": "office", "region": "350111"},
        {"username": "demo-dept", "role": "department", "department": "350000:省质监局"},
    ]
    ensure_demo_accounts(accounts=spec, password="first-password-1")
    ensure_demo_accounts(accounts=spec, password="second-password-2")
    assert User.objects.filter(username__startswith="demo-").count() == 2
    assert User.objects.get(username="demo-office").check_password("second-password-2")
    assert User.objects.get(username="demo-dept").department.short_name == "省质监局"


def test_seed_demo_prints_the_password_from_the_environment(monkeypatch, capsys):
    monkeypatch.setenv("DEMO_PASSWORD", "printed-password-9")
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert "printed-password-9" in out and "jinan-office" in out
    assert User.objects.get(username="admin").is_superuser


def test_seed_demo_generates_a_password_when_none_is_given(monkeypatch, capsys):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    call_command("seed_demo")
    password = capsys.readouterr().out.split("password:")[1].strip()
    assert len(password) >= 12
    assert User.objects.get(username="jinan-official").check_password(password)


def test_login_is_throttled_after_repeated_failures(client, make_user, settings):
    make_user(role=Role.OFFICE, region="350111", username="target")
    url = reverse("login")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(url, {"username": "target", "password": "wrong"}, REMOTE_ADDR="10.0.0.1")
    response = client.post(
        url, {"username": "target", "password": "correct-horse-battery"}, REMOTE_ADDR="10.0.0.1"
    )
    assert response.status_code == 429
    assert "锁定" in response.content.decode()


@pytest.mark.parametrize(
    ("role", "anchor", "landing"),
    [
        (Role.OFFICE, {"region": "350111"}, "dashboard:home"),
        (Role.REGION_OFFICIAL, {"region": "350111"}, "assessments:my_submissions"),
        (Role.DEPARTMENT, {"department": "350000:省质监局"}, "workspace:home"),
        ("", {}, "targets:document_list"),
    ],
)
def test_a_correct_login_lands_where_the_users_work_is(client, make_user, role, anchor, landing):
    make_user(role=role, username="ok", **anchor)
    response = client.post(
        reverse("login"), {"username": "ok", "password": "correct-horse-battery"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse(landing)
    assert response.status_code == 200
    assert "政策文件" in response.content.decode()


def test_the_portal_speaks_chinese_whatever_the_browser_asks(client):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="zh-hans">' in response.content.decode()
    assert response.headers["Content-Language"] == "zh-hans"


def test_the_switch_chooses_english(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/login/"})
    assert response.status_code == 302
    page = client.get(reverse("login"))
    assert '<html lang="en">' in page.content.decode()
    assert page.headers["Content-Language"] == "en"


def test_out_of_scope_pages_answer_with_the_portals_own_404(client, make_user, settings):
    settings.DEBUG = False
    client.force_login(make_user(role=Role.REGION_OFFICIAL, region="120115"))
    response = client.get("/dashboard/350111/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "页面不存在，或不在您的权限范围内" in body and "质量强区目标管理平台" in body
