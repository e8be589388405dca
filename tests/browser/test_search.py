"""The search box in the top bar: an office types a 文号 fragment and a town's name and opens
what it finds."""

import pytest

from portal.models import Role

from .conftest import expect, log_in

pytestmark = pytest.mark.browser


def test_an_office_searches_from_the_top_bar(page, shoot, make_user):
    make_user(role=Role.OFFICE, region="350111", username="jinan-office")
    log_in(page, "jinan-office")
    box = page.locator("header form.search input[name=q]")
    box.fill("鼓山")
    box.press("Enter")
    expect(page.locator("#found-regions")).to_contain_text("鼓山镇")
    shoot("search-1-region")
    page.locator("#found-regions a", has_text="鼓山镇").click()
    expect(page.locator("main h1")).to_contain_text("鼓山镇")
    box = page.locator("header form.search input[name=q]")
    box.fill("抽查合格率")
    box.press("Enter")
    expect(page.locator("#found-targets li").first).to_be_visible()
    expect(page.locator("#found-regions")).to_have_count(0)
    shoot("search-2-targets")
