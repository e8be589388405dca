"""Self-service: a user reads their role and scope, changes their password, resets a forgotten
one by e-mail (once, for a day), and reads the help for their role."""

import re

import pytest
from django.urls import reverse

from portal.models import Role

pytestmark = pytest.mark.django_db

OLD, NEW = "correct-horse-battery", "a-new-long-passphrase-2026"


def test_the_profile_says_role_and_scope(client, make_user):
    user = make_user(Role.OFFICE, region="350111", first_name="晋安区办公室")
    client.force_login(user)
    page = client.get(reverse("profile")).content.decode()
    assert "领导小组办公室" in page and "晋安区及其下级区划" in page
    assert "未登记" in page  # no e-mail: the page says what that means
    nobody = make_user()
    client.force_login(nobody)
    assert "无（请联系管理员分配角色）" in client.get(reverse("profile")).content.decode()


def test_a_password_is_changed_with_the_old_one_and_checked(client, make_user):
    user = make_user(Role.REGION_OFFICIAL, region="350111100", username="gushan")
    client.force_login(user)
    url = reverse("password_change")
    wrong = client.post(url, {"old_password": "nope", "new_password1": NEW, "new_password2": NEW})
    assert wrong.status_code == 200 and "旧密码" in wrong.content.decode()
    weak = client.post(url, {"old_password": OLD, "new_password1": "12345678",
                             "new_password2": "12345678"})  # fmt: skip
    assert weak.status_code == 200 and "这个密码太常见了" in weak.content.decode()
    done = client.post(url, {"old_password": OLD, "new_password1": NEW, "new_password2": NEW})
    assert done.status_code == 302 and done["Location"] == reverse("profile")
    user.refresh_from_db()
    assert user.check_password(NEW)


def test_a_forgotten_password_is_reset_by_e_mail_once(client, make_user, mailoutbox):
    user = make_user(Role.OFFICE, region="350111", username="jinan", email="jinan@example.gov.cn")
    response = client.post(reverse("password_reset"), {"email": "jinan@example.gov.cn"})
    assert response.status_code == 302
    # An unknown address gets the same answer, and no mail: no account is confirmed.
    client.post(reverse("password_reset"), {"email": "nobody@example.gov.cn"})
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["jinan@example.gov.cn"]
    assert "重设密码" in mailoutbox[0].subject and "jinan" in mailoutbox[0].body
    link = re.search(r"https?://[^/]+(/account/reset/[^\s]+/)", mailoutbox[0].body).group(1)
    form = client.get(link, follow=True)
    assert form.status_code == 200 and "设置新密码" in form.content.decode()
    url = form.redirect_chain[-1][0]
    assert client.post(url, {"new_password1": NEW, "new_password2": NEW}).status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW)
    used = client.get(link, follow=True).content.decode()
    assert "链接无效或已过期" in used


@pytest.mark.parametrize(
    ("role", "anchor", "expected"),
    [
        (Role.REGION_OFFICIAL, {"region": "350111100"}, "填报人：每季度填报指标数据"),
        (Role.OFFICE, {"region": "350111"}, "领导小组办公室：审核、跟踪、考核"),
        (Role.DEPARTMENT, {"department": "350111:市质监局直属二分局"}, "部门用户：报送工作进展"),
        ("", {}, "尚未分配角色"),
    ],
)
def test_the_help_speaks_to_each_role(client, make_user, role, anchor, expected):
    client.force_login(make_user(role, **anchor))
    page = client.get(reverse("help")).content.decode()
    assert expected in page
    others = {"填报人：每季度填报指标数据", "领导小组办公室：审核、跟踪、考核",
              "部门用户：报送工作进展"} - {expected}  # fmt: skip
    assert not any(text in page for text in others)
