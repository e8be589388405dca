"""The office dashboard: who opens which region, what it shows computed by hand, that its query
count does not grow with the number of regions, that nothing on it points outside the intranet,
and that a document's marks link to their live status."""

import json
import re
from datetime import datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.dashboard import panels
from assessments.dashboard.pace import Pace, pace_needed
from assessments.dashboard.panels import grade_distribution
from assessments.dashboard.trends import (
    ElementInfo,
    IndicatorInfo,
    quarter_coverage,
    quarter_values,
)
from assessments.models import (
    DataElement,
    Period,
    Rulebook,
    RuleItem,
    Status,
    Submission,
    Value,
)
from assessments.reporting import services
from assessments.scoring import lifecycle, runs
from portal.models import Department, Region, RegionLevel, Role
from portal.periods import today
from targets.models import PolicyDocument, Target

YEAR = 2090
JINAN, FUZHOU, GUSHAN, XINDIAN, YUEFENG = "350111", "350100", "350111100", "350111101", "350111102"
SIBLING, TIANJIN, BAODI = "350102", "120000", "120115"


# --- Pure helpers (no database) -----------------------------------------------------------------


def test_a_quarters_rate_is_the_ratio_of_the_sums_not_the_mean_of_the_rates():
    rate = IndicatorInfo(
        code="r",
        numerator=ElementInfo(id=1, averaged=False),
        denominator=ElementInfo(id=2, averaged=False),
        scale=100.0,
    )
    # One grouped row per quarter and element, as quarterly_sums returns them: Q1 holds a town
    # with 10/10 (100 %) and one with 900/1000 (90 %) already summed: 910/1010.
    rows = [
        (YEAR, 1, 1, 910, None, None, 2, 2),
        (YEAR, 1, 2, 1010, None, None, 2, 2),
        (YEAR, 2, 1, 95, None, None, 1, 1),
        (YEAR, 2, 2, 100, None, None, 1, 1),
    ]
    labels = [(YEAR, 1), (YEAR, 2), (YEAR, 3)]
    values = quarter_values(rows, rate, labels)
    assert values[0] == pytest.approx(100 * 910 / 1010)
    assert values[0] != pytest.approx(95.0)
    assert values[1] == pytest.approx(95.0)
    assert values[2] is None
    assert quarter_coverage(rows, rate, labels) == [2, 1, 0]


def test_a_survey_score_is_weighted_by_its_respondents():
    score = IndicatorInfo(
        code="s", numerator=ElementInfo(id=7, averaged=True), denominator=None, scale=1.0
    )
    # 100 respondents scoring 90 and 300 scoring 80: Σ score × n = 33,000 over 400 → 82.5.
    rows = [(YEAR, 1, 7, 170, 33000, 400, 2, 2)]
    assert quarter_values(rows, score, [(YEAR, 1)]) == [pytest.approx(82.5)]


def test_the_pace_of_a_rate_is_what_the_remaining_quarters_must_reach():
    # 1005/1110 after two quarters, target ≥ 93 %: the next 1110 batches need
    # (0.93 × 2220 − 1005) / 1110 = 95.46 %.
    pace = pace_needed(comparator=">=", threshold=93, current=90.54, quarters=2, year=YEAR,
                       horizon_year=2015, flow=True, ratio=True, numerator=1005,
                       denominator=1110, scale=100)  # fmt: skip
    assert pace.kind == "rate" and pace.quarters == 2
    assert pace.value == pytest.approx(100 * (0.93 * 2220 - 1005) / 1110)
    impossible = pace_needed(comparator=">=", threshold=99, current=90, quarters=3, year=YEAR,
                             horizon_year=None, flow=True, ratio=True, numerator=90,
                             denominator=100, scale=100)  # fmt: skip
    assert impossible == Pace("unreachable", quarters=1)


def test_the_pace_of_a_stock_and_of_a_campaign_count_spreads_the_gap_over_the_quarters_left():
    # 22 brands after two quarters, target 30 by a horizon already past: this year's end.
    stock = pace_needed(comparator=">=", threshold=30, current=22, quarters=2, year=YEAR,
                        horizon_year=2015, flow=False)  # fmt: skip
    assert stock == Pace("per_quarter", 4.0, 2)
    # 6 standards this year and 8 before, target 20 by the end of next year: 6 quarters left.
    campaign = pace_needed(comparator=">=", threshold=20, current=6, quarters=2, year=YEAR,
                           horizon_year=YEAR + 1, flow=True, cumulative=True,
                           earlier=8)  # fmt: skip
    assert campaign == Pace("per_quarter", 1.0, 6)
    met = pace_needed(comparator=">=", threshold=5, current=5, quarters=1, year=YEAR,
                      horizon_year=None, flow=False)  # fmt: skip
    assert met == Pace("met")
    assert pace_needed(comparator=">=", threshold=None, current=5, quarters=1, year=YEAR,
                       horizon_year=None, flow=False) is None  # fmt: skip


def test_the_grade_distribution_follows_the_rulebooks_bands():
    bands = [{"grade": "A", "min": 90}, {"grade": "B", "min": 80}, {"grade": "C", "min": 60},
             {"grade": "D", "min": 0}]  # fmt: skip
    assert grade_distribution(["D", "A", "D", "B"], bands) == [("A", 1), ("B", 1), ("C", 0),
                                                               ("D", 2)]  # fmt: skip


# --- Set-up with the database -------------------------------------------------------------------


@pytest.fixture
def periods(db):
    """2090: Q1–Q3 closed long ago; Q4 is this quarter, its window closed ten days ago."""
    now = today()
    windows = {
        1: (now - timedelta(days=300), now - timedelta(days=280)),
        2: (now - timedelta(days=200), now - timedelta(days=180)),
        3: (now - timedelta(days=100), now - timedelta(days=80)),
        4: (now - timedelta(days=30), now - timedelta(days=10)),
    }
    return {
        q: Period.objects.create(year=YEAR, quarter=q, opens_on=opens, closes_on=closes)
        for q, (opens, closes) in windows.items()
    }


@pytest.fixture
def rulebook(db):
    """晋安区 scores its towns: 60 points by deduction on 省级合格率 ≥ 93, 40 for 食品 ≥ 96."""
    book = Rulebook.objects.create(year=YEAR, scope=Region.objects.get(code=JINAN),
                                   level=RegionLevel.TOWN, name="测试细则")  # fmt: skip
    targets = {t.code: t for t in Target.objects.filter(document__key="jinan-2012")}
    RuleItem.objects.create(rulebook=book, code="1", order=1, name="省级合格率", points=60,
                            method="deduction", target=targets["T03"],
                            indicator=targets["T03"].measure.indicator,
                            params={"per": 1, "deduct": 5})  # fmt: skip
    RuleItem.objects.create(rulebook=book, code="2", order=2, name="食品合格率", points=40,
                            method="met", target=targets["T04"],
                            indicator=targets["T04"].measure.indicator)  # fmt: skip
    return book


def submit(code: str, period: Period, figures: dict, status=Status.APPROVED, submitted_at=None):
    submission = Submission.objects.create(
        region=Region.objects.get(code=code), period=period, status=status,
        first_submitted_at=submitted_at, submitted_at=submitted_at,
    )  # fmt: skip
    elements = {e.code: e for e in DataElement.objects.filter(code__in=figures)}
    Value.objects.bulk_create(
        Value(submission=submission, element=elements[c], value=Decimal(str(v)))
        for c, v in figures.items()
    )
    return submission


def at(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10, 0)))


@pytest.fixture
def data(periods, rulebook):
    """Two approved quarters, then this quarter's submissions; the year run once."""
    # Q1: 鼓山镇 10/10 (100 %) and 新店镇 900/1000 (90 %): 晋安区's Q1 rate is 910/1010 = 90.1 %.
    submit(GUSHAN, periods[1], {"prov_sampled": 10, "prov_qualified": 10,
                                "food_sampled": 5, "food_qualified": 5})  # fmt: skip
    submit(XINDIAN, periods[1], {"prov_sampled": 1000, "prov_qualified": 900,
                                 "food_sampled": 50, "food_qualified": 48})  # fmt: skip
    submit(GUSHAN, periods[2], {"prov_sampled": 100, "prov_qualified": 95,
                                "food_sampled": 100, "food_qualified": 97})  # fmt: skip
    # 晋安区 itself: 福建名牌产品 (a stock) 20 then 22.
    submit(JINAN, periods[1], {"fujian_brands": 20})
    submit(JINAN, periods[2], {"fujian_brands": 22})
    # This quarter: 鼓山镇 on time, 新店镇 late (both waiting for approval), 岳峰镇 a draft.
    q4 = periods[4]
    submit(GUSHAN, q4, {"prov_sampled": 1}, Status.SUBMITTED, at(q4.closes_on - timedelta(days=5)))
    submit(XINDIAN, q4, {"prov_sampled": 1}, Status.SUBMITTED, at(q4.closes_on + timedelta(days=3)))
    submit(YUEFENG, q4, {"prov_sampled": 1}, Status.DRAFT)
    runs.run_year(year=YEAR)


@pytest.fixture
def office(make_user):
    return make_user(role=Role.OFFICE, region=JINAN, username="jinan-office")


def page(client, user, code=JINAN, **params):
    client.force_login(user)
    response = client.get(reverse("dashboard:region", args=[code]), params)
    assert response.status_code == 200
    return response


def rows_by_code(response) -> dict:
    return {row.target.code: row for row in response.context["table"].rows}


# --- Access -------------------------------------------------------------------------------------


def dashboard_urls(code: str) -> list[str]:
    return [
        reverse("dashboard:region", args=[code]),
        reverse("dashboard:targets_data", args=[code]),
        reverse("dashboard:trends_data", args=[code]),
        reverse("dashboard:ranking_data", args=[code]),
    ]


@pytest.fixture
def sibling(db):
    """鼓楼区, a sibling district of 晋安区 under 福州市."""
    fuzhou = Region.objects.get(code=FUZHOU)
    return Region.objects.create(code=SIBLING, name="鼓楼区", level=3, level_name="区",
                                 parent=fuzhou)  # fmt: skip


# Region requested → expected status, for an office of 晋安区.
OFFICE_MATRIX = [
    (JINAN, 200),  # its own region
    (GUSHAN, 200),  # a town below it
    (SIBLING, 404),  # a sibling district
    (FUZHOU, 404),  # the parent city
    (TIANJIN, 404),  # another province
    (BAODI, 404),
    ("999999", 404),  # no such region
]


@pytest.mark.parametrize(("code", "expected"), OFFICE_MATRIX)
def test_an_office_opens_its_region_and_below_and_nothing_else(client, office, sibling, code,
                                                               expected):  # fmt: skip
    client.force_login(office)
    for url in dashboard_urls(code):
        assert client.get(url).status_code == expected, url


def test_the_plain_address_opens_the_users_own_region(client, office):
    client.force_login(office)
    response = client.get(reverse("dashboard:home"))
    assert response.status_code == 200 and response.context["region"].code == JINAN


def test_the_city_office_drills_down_to_its_districts_and_towns(client, make_user, sibling):
    city = make_user(role=Role.OFFICE, region=FUZHOU, username="city")
    client.force_login(city)
    for code in (FUZHOU, SIBLING, JINAN, GUSHAN):
        for url in dashboard_urls(code):
            assert client.get(url).status_code == 200, url
    for url in dashboard_urls(TIANJIN) + dashboard_urls("350000"):
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize(
    "who",
    [
        {"role": Role.DEPARTMENT, "department": "350111:市质监局直属二分局"},
        {"role": Role.REGION_OFFICIAL, "region": JINAN},
        {"role": Role.REGION_OFFICIAL, "region": GUSHAN},
        {"role": ""},
    ],
)
def test_departments_officials_and_users_without_a_role_open_no_dashboard(client, make_user, who):
    client.force_login(make_user(**who))
    assert client.get(reverse("dashboard:home")).status_code == 404
    for url in dashboard_urls(JINAN) + dashboard_urls(GUSHAN):
        assert client.get(url).status_code == 404, url


def test_anonymous_visitors_go_to_the_login_page_and_data_answers_401(client, db):
    for url in [reverse("dashboard:home"), reverse("dashboard:region", args=[JINAN])]:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
    for url in dashboard_urls(JINAN)[1:]:
        assert client.get(url).status_code == 401, url
    document = PolicyDocument.objects.get(key="jinan-2012")
    status = client.get(reverse("dashboard:target_status", args=[document.pk, "T03"]))
    assert status.status_code == 302


def test_an_administrator_starts_from_the_top_regions_and_opens_any(client, admin_user):
    client.force_login(admin_user)
    response = client.get(reverse("dashboard:home"))
    assert [r.code for r in response.context["regions"]] == ["120000", "350000"]
    for code in ("350000", TIANJIN, BAODI, GUSHAN):
        for url in dashboard_urls(code):
            assert client.get(url).status_code == 200, url


# --- What the page shows, computed by hand ------------------------------------------------------


def test_target_status_comes_from_the_published_figures(client, office, data):
    rows = rows_by_code(page(client, office))
    t03, t04, t06, t05 = rows["T03"], rows["T04"], rows["T06"], rows["T05"]
    # 省级: (10 + 900 + 95) / (10 + 1000 + 100) = 90.54 % < 93 after two quarters → amber.
    assert t03.current == pytest.approx(100 * 1005 / 1110)
    assert t03.projected == pytest.approx(100 * 1005 / 1110) and t03.quarters == 2
    assert t03.status == "amber"
    assert t03.pace.kind == "rate"
    assert t03.pace.value == pytest.approx(100 * (0.93 * 2220 - 1005) / 1110)
    # 食品: (5 + 48 + 97) / (5 + 50 + 100) = 96.77 % ≥ 96 → green.
    assert t04.current == pytest.approx(100 * 150 / 155) and t04.status == "green"
    # 福建名牌产品: a stock, 22 (the last quarter) < 30, nothing gained this year → amber,
    # 8 more in the 2 quarters left.
    assert (t06.current, t06.status, t06.pace) == (22, "amber", Pace("per_quarter", 4.0, 2))
    # No figures at all → cannot be judged.
    assert (t05.current, t05.status) == (None, "unknown")


def test_a_missed_target_turns_red_once_the_year_is_complete(client, office, data, periods):
    for q in (3, 4):
        Submission.objects.filter(period=periods[q]).delete()
        submit(GUSHAN, periods[q], {"prov_sampled": 100, "prov_qualified": 90})
    runs.run_year(year=YEAR)
    rows = rows_by_code(page(client, office))
    assert rows["T03"].status == "red" and rows["T03"].quarters == 4
    assert rows["T03"].pace == Pace("closed")


def test_targets_filter_by_document_department_and_status_and_sort(client, office, data):
    jinan_doc = PolicyDocument.objects.get(key="jinan-2012")
    other = Department.objects.filter(region__code=JINAN).exclude(short_name="市质监局直属二分局")
    other = other.first()
    Target.objects.get(document=jinan_doc, code="T03").responsible_departments.add(other)
    everything = rows_by_code(page(client, office))
    assert set(everything) == {f"T{n:02d}" for n in range(1, 12)}  # 福建省's plan has none
    amber = rows_by_code(page(client, office, status="amber"))
    assert set(amber) == {code for code, row in everything.items() if row.status == "amber"}
    assert {"T03", "T06"} <= set(amber) and "T04" not in amber
    assert set(rows_by_code(page(client, office, department=other.pk))) == {"T03"}
    assert set(rows_by_code(page(client, office, document=jinan_doc.pk))) == set(everything)
    by_status = [r.status for r in page(client, office, sort="status").context["table"].rows]
    order = ["red", "amber", "green", "unknown"]
    assert by_status == sorted(by_status, key=order.index)
    reverse_status = [r.status for r in page(client, office, sort="-status").context["table"].rows]
    assert reverse_status == sorted(reverse_status, key=order.index, reverse=True)
    client.force_login(office)
    data_rows = client.get(reverse("dashboard:targets_data", args=[JINAN]), {"status": "green"})
    assert {t["code"] for t in data_rows.json()["targets"]} == {
        code for code, row in everything.items() if row.status == "green"
    }


def test_the_quarterly_trend_sums_counts_before_dividing(client, office, data):
    client.force_login(office)
    series = client.get(reverse("dashboard:trends_data", args=[JINAN])).json()["series"]
    prov = next(s for s in series if s["code"] == "prov_pass_rate")
    by_quarter = dict(zip(prov["labels"], prov["values"], strict=True))
    # Q1: (10 + 900) / (10 + 1000), not the mean of 100 % and 90 %.
    # 910 / 1010 = 90.0990…%, published at the indicator's two decimals.
    assert by_quarter[f"{YEAR}Q1"] == 90.10
    assert by_quarter[f"{YEAR}Q2"] == pytest.approx(95.0)
    assert by_quarter[f"{YEAR}Q3"] is None  # nothing approved yet; Q4 is only submitted
    assert by_quarter[f"{YEAR - 1}Q4"] is None
    assert prov["regions"][4:6] == [2, 1]  # two towns approved in Q1, one in Q2
    assert prov["targets"] == [{"name": "T03 ≥ 93%", "value": 93.0}]
    brands = next(s for s in series if s["code"] == "fujian_brands")
    assert brands["values"][4:6] == [20.0, 22.0]
    # A town's page shows its own subtree only: 鼓山镇's Q1 is 10/10.
    town = client.get(reverse("dashboard:trends_data", args=[GUSHAN])).json()["series"]
    gushan = next(s for s in town if s["code"] == "prov_pass_rate")
    assert gushan["values"][4] == pytest.approx(100.0)


def test_the_ranking_and_the_grade_distribution(client, office, data):
    response = page(client, office)
    (ranking,) = response.context["rankings"]
    order = [(r.region.code, r.rank, r.grade, float(r.total)) for r in ranking.results]
    # 鼓山镇: 105/110 = 95.5 % ≥ 93 → 60, 食品 102/105 = 97.1 % → 40: 100 (A).
    # 新店镇: 90 % is 3 points short → 60 − 3 × 5 = 45, 食品 48/50 = 96 % → 40: 85 (B).
    assert order[:2] == [(GUSHAN, 1, "A", 100.0), (XINDIAN, 2, "B", 85.0)]
    # The seven towns without approved data are 未参评: no grade, no rank, not in the
    # distribution (the rulebook's default), and not peers: 2 towns are ranked.
    assert {(rank, grade) for _, rank, grade, _ in order[2:]} == {(None, "")} and len(order) == 9
    assert {r.peers for r in ranking.results} == {2}
    assert ranking.rows[1][1] == [45.0, 40.0]  # the score breakdown per rulebook item
    assert ranking.distribution == [("A", 1), ("B", 1), ("C", 0), ("D", 0)]
    body = response.content.decode()
    assert "未参评" in body
    # 2090 is not over: the scores are projections to the year's end, and say so.
    assert "预计得分" in body and ranking.projected
    body = response.content.decode()
    assert 'href="/dashboard/350111100/"' in body  # each ranked region drills down
    data_json = client.get(reverse("dashboard:ranking_data", args=[JINAN])).json()
    assert data_json["rankings"][0]["distribution"][0] == {"grade": "A", "count": 1}


def test_reporting_warnings_and_the_run_are_one_click_away(client, office, data):
    response = page(client, office)
    reporting = response.context["reporting"]
    assert (reporting.period.quarter, reporting.expected, reporting.on_time) == (4, 9, 1)
    assert [r.code for r in reporting.late] == [XINDIAN]
    assert YUEFENG in {r.code for r in reporting.not_submitted}
    assert len(reporting.not_submitted) == 7
    assert reporting.queue_count == 2  # both submitted towns wait for 晋安区's office
    warnings = response.context["warnings"]
    assert warnings.yellow >= 2 and warnings.red == 0
    t03 = next(w for w in warnings.rows if w.target and w.target.code == "T03")
    assert t03.gap == pytest.approx(93 - 100 * 1005 / 1110, abs=1e-3)
    body = response.content.decode()
    assert t03.departments and t03.departments in body
    assert f"{reverse('assessments:completeness')}?period={YEAR}Q4&amp;region={JINAN}" in body
    assert reverse("assessments:approval_queue") in body
    assert f"{reverse('assessments:assessment_runs')}?year={YEAR}" in body
    latest = response.context["run"].latest
    # The office reads when the published results were computed; the input fingerprint is a
    # technical detail folded away for administrators (tests/assessments/test_words.py).
    assert latest.finished_at and "最近一次计算" in body
    assert latest.fingerprint[:12] not in body


def test_a_running_assessment_shows_its_progress_bar(client, office, data):
    run = lifecycle.start_run(year=YEAR, trigger="manual")
    body = page(client, office).content.decode()
    assert reverse("assessments:run_status", args=[run.pk]) in body and "<progress" in body


# --- Speed: the query count does not grow with the number of regions ----------------------------


def count_queries(client, url) -> tuple[int, int]:
    """Queries of a request computed afresh (empty cache), then of the same request cached."""
    client.get(url)  # warm up the session
    counts = []
    cache.clear()
    for _attempt in ("cold", "warm"):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(queries))
    return tuple(counts)


def test_pages_and_endpoints_cost_the_same_queries_with_30_more_towns(client, office, data,
                                                                      periods):  # fmt: skip
    client.force_login(office)
    urls = dashboard_urls(JINAN)
    small = {url: count_queries(client, url) for url in urls}
    jinan = Region.objects.get(code=JINAN)
    for n in range(30):
        town = Region.objects.create(code=f"350111{300 + n}", name=f"测试镇{n}", level=4,
                                     level_name="镇", parent=jinan)  # fmt: skip
        submit(town.code, periods[1], {"prov_sampled": 50, "prov_qualified": 40 + n % 10,
                                       "food_sampled": 20, "food_qualified": 19})  # fmt: skip
        submit(town.code, periods[4], {"prov_sampled": 1}, Status.SUBMITTED,
               at(periods[4].closes_on))  # fmt: skip
    runs.run_year(year=YEAR)
    assert len(panels.rankings(region=jinan, year=YEAR)[0].results) == 39
    large = {url: count_queries(client, url) for url in urls}
    assert large == small
    # A fixed budget whatever the size: the page's own targets, the compact table of the targets
    # below, the one projection of each (scoring.outlooks), the region's own results and the
    # regions expected to report each charted element added their few queries to the 40 before.
    assert max(cold for cold, _warm in large.values()) <= 46
    # Cached: the session, the user, the region, the years, the data version (and on the page
    # the filter's choices and the run panel).
    assert all(warm < cold for cold, warm in large.values())
    assert max(warm for _cold, warm in large.values()) <= 12


# --- The cache ----------------------------------------------------------------------------------


def test_the_cache_follows_runs_submissions_and_edits(client, office, data, periods):
    def xindian_total(response):
        (ranking,) = response.context["rankings"]
        return next(float(r.total) for r in ranking.results if r.region.code == XINDIAN)

    assert xindian_total(page(client, office)) == 85.0
    # New figures and a run: 新店镇 now passes everything (1000/1000, 48/50).
    Value.objects.filter(submission__region__code=XINDIAN, element__code="prov_qualified").update(
        value=1000
    )
    runs.run_year(year=YEAR)
    assert xindian_total(page(client, office)) == 100.0
    # A submission changes state (the service bumps updated_at): the queue follows.
    pending = Submission.objects.get(region__code=GUSHAN, period=periods[4])
    services.approve(user=office, submission=pending)
    assert page(client, office).context["reporting"].queue_count == 1
    # Reference data is edited in the admin: the target's wording follows.
    target = Target.objects.get(document__key="jinan-2012", code="T03")
    target.indicator = "省级监督抽查合格率（修订）"
    target.save()
    assert "省级监督抽查合格率（修订）" in page(client, office).content.decode()


def test_cached_parts_are_never_shared_across_scopes(client, office, make_user, data):
    city = make_user(role=Role.OFFICE, region=FUZHOU, username="fuzhou-office")
    mine = page(client, office).context["reporting"].queue_count
    theirs = page(client, city).context["reporting"].queue_count  # after 晋安区's was cached
    cache.clear()
    assert page(client, city).context["reporting"].queue_count == theirs
    # 晋安区's office approves its towns; 福州市's approves districts, not towns.
    assert (mine, theirs) == (2, 0)
    # The language is part of the key: the English page after the Chinese one is English.
    chinese = page(client, office).content.decode()
    client.cookies["django_language"] = "en"
    english = page(client, office).content.decode()
    assert "质量工作看板" in chinese and "质量工作看板" not in english


def test_the_scope_key_is_what_the_access_rules_read(make_user, admin_user):
    from portal.scoping import scope_key

    a = make_user(role=Role.OFFICE, region=JINAN)
    b = make_user(role=Role.OFFICE, region=JINAN)
    c = make_user(role=Role.OFFICE, region=FUZHOU)
    department = Department.objects.filter(region__code=JINAN).order_by("pk").first()
    d = make_user(role=Role.DEPARTMENT, department=f"{JINAN}:{department.short_name}")
    assert scope_key(a) == scope_key(b) != scope_key(c)
    assert len({scope_key(a), scope_key(c), scope_key(d), scope_key(admin_user)}) == 4
    b.is_active = False
    assert scope_key(b) == "anonymous"


# --- Intranet: no external address --------------------------------------------------------------


def test_no_page_refers_to_an_external_address(client, office, data):
    client.force_login(office)
    document = PolicyDocument.objects.get(key="jinan-2012")
    pages = [
        reverse("dashboard:region", args=[JINAN]),
        reverse("dashboard:home"),
        reverse("dashboard:target_status", args=[document.pk, "T03"]),
        reverse("targets:document_detail", args=[document.pk]),
    ]
    for url in pages:
        body = client.get(url).content.decode()
        assert not re.search(r"https?://", body), url
        assert "vendor/echarts/echarts.min.js" in body or url.startswith("/documents/")
    script = Path(settings.BASE_DIR, "static", "portal", "dashboard.js").read_text()
    assert not re.search(r"https?://", script)


def test_charts_get_their_data_from_the_page(client, office, data):
    body = page(client, office).content.decode()
    embedded = re.search(r'<script id="dashboard-trends" type="application/json">(.*?)</script>',
                         body, re.S)  # fmt: skip
    series = json.loads(embedded.group(1))
    assert {s["code"] for s in series} >= {"prov_pass_rate", "food_pass_rate", "fujian_brands"}


# --- The policy document page links its marks to their live status ------------------------------


def test_document_marks_link_to_the_targets_live_status(client, office, make_user, data):
    document = PolicyDocument.objects.get(key="jinan-2012")
    client.force_login(office)
    body = client.get(reverse("targets:document_detail", args=[document.pk])).content.decode()
    # T01–T04 share one sentence: the passage links to T01, and each of them gets its own link.
    t01 = reverse("dashboard:target_status", args=[document.pk, "T01"])
    assert re.search(rf'<a class="mark-link" href="{t01}"><mark [^>]*id="mark-target-T01"', body)
    for code in [f"T{n:02d}" for n in range(1, 12)]:
        url = reverse("dashboard:target_status", args=[document.pk, code])
        assert re.search(rf'<a( id="mark-target-{code}")? href="{url}">{code}</a>', body) or (
            f'<a class="mark-link" href="{url}">' in body
        ), code
    status_url = reverse("dashboard:target_status", args=[document.pk, "T03"])
    assert f'<a id="mark-target-T03" href="{status_url}">T03</a>' in body
    response = client.get(status_url)
    assert response.status_code == 200
    row = response.context["row"]
    assert row.status == "amber" and row.current == pytest.approx(100 * 1005 / 1110)
    target = Target.objects.get(document=document, code="T03")
    assert f"/dashboard/{JINAN}/#target-{target.pk}" in response.content.decode()

    # A town official reads the district's document, but not the district's figures.
    client.force_login(make_user(role=Role.REGION_OFFICIAL, region=GUSHAN, username="town"))
    hidden = client.get(status_url)
    assert hidden.status_code == 200 and hidden.context["row"].current is None
    assert hidden.context["row"].status == "unknown" and hidden.context["on_dashboard"] is None

    # Outside the document's line of the tree the target is not found.
    client.force_login(make_user(role=Role.OFFICE, region=BAODI, username="baodi"))
    assert client.get(status_url).status_code == 404


def test_the_document_list_leads_the_office_to_the_dashboard(client, office):
    client.force_login(office)
    body = client.get(reverse("targets:document_list")).content.decode()
    document = PolicyDocument.objects.get(key="jinan-2012")
    assert f"{reverse('dashboard:home')}?document={document.pk}#targets" in body


def test_unknown_filters_and_years_fall_back_instead_of_failing(client, office, data):
    rows = page(client, office, status="purple", sort="nonsense", document="x", year="abc")
    assert rows.context["year"] == YEAR and len(rows.context["table"].rows) == 11
    earlier = page(client, office, year=str(YEAR - 1))
    assert earlier.context["year"] == YEAR - 1
    assert {row.status for row in earlier.context["table"].rows} == {"unknown"}


def test_synthetic_region_codes_have_dashboard_urls():
    # generate_synthetic names its regions X…: their pages must resolve like NBS codes do.
    assert reverse("dashboard:region", args=["X0101"]) == "/dashboard/X0101/"
    assert reverse("dashboard:targets_data", args=["350111"]) == "/dashboard/350111/targets.json"
