"""The assessment season through its services and pages: judged items self-assessed, reviewed,
returned, adjusted, objected to, answered and published, with totals written out by hand; the
refusals of every step; who sees what.

The rulebook is 晋安区's for its departments (部门考核), 10 points, bands A ≥ 9, B ≥ 8, C ≥ 6:
- 1 规划 (judged, tiers 4 / 2 / 0), reviewed by the office (no lead department);
- 2 政策 (judged, 0.5 off per missing aspect of six), lead 区财政局 — which the office reviews
  for 区财政局 itself;
- 3 创新 (judged, free score with a reason), reviewed by the office.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments.models import (
    Appraisal,
    AppraisalState,
    PublishedResult,
    Rectification,
    Rulebook,
    RuleItem,
    SeasonFile,
    SeasonLog,
    Stage,
    Subject,
)
from assessments.scoring import judged
from assessments.season import services, stages
from assessments.season.totals import Rules, UnitScores, totals
from portal import periods
from portal.models import Department, Notice, Region, Role

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"
ASPECTS = ["产业", "环境", "科技", "金融", "财税", "人才培养"]


@pytest.fixture
def book(db) -> Rulebook:
    scope = Region.objects.get(code="350111")
    rulebook = Rulebook.objects.create(
        year=periods.today().year,
        scope=scope,
        level=scope.level,
        subject=Subject.DEPARTMENTS,
        name="晋安区各部门质量工作考核评分细则",
        total_points=10,
        grade_bands=[
            {"grade": "A", "min": 9},
            {"grade": "B", "min": 8},
            {"grade": "C", "min": 6},
            {"grade": "D", "min": 0},
        ],
    )
    finance = Department.objects.get(region=scope, short_name="区财政局")
    RuleItem.objects.create(
        rulebook=rulebook, code="1", order=1, name="质量发展目标纳入规划", points=4,
        method=judged.TIERS, rule_text="纳入国民经济和社会发展规划的得4分，纳入部门规划的得2分",
        params={"tiers": [{"score": 4, "when": "纳入国民经济和社会发展规划"},
                          {"score": 2, "when": "纳入部门规划"}, {"score": 0, "when": "未纳入"}]},
        evidence="规划文件",
    )  # fmt: skip
    RuleItem.objects.create(
        rulebook=rulebook, code="2", order=2, name="质量政策措施", points=3,
        method=judged.DEDUCT, params={"elements": ASPECTS, "deduct": 0.5},
        lead_department=finance, evidence="政策文件",
    )  # fmt: skip
    RuleItem.objects.create(
        rulebook=rulebook, code="3", order=3, name="质量工作创新", points=3, method=judged.FREE
    )
    return rulebook


@pytest.fixture
def people(make_user):
    return {
        "office": make_user(Role.OFFICE, region="350111"),
        "city": make_user(Role.OFFICE, region="350100"),
        "branch": make_user(Role.DEPARTMENT, department="350111:市质监局直属二分局"),
        "finance": make_user(Role.DEPARTMENT, department="350111:区财政局"),
        "outsider": make_user(Role.DEPARTMENT, department="120115:区质监局"),
        "town": make_user(Role.REGION_OFFICIAL, region="350111100"),
    }


def _open(book, office):
    today = periods.today()
    return services.open_season(
        rulebook=book,
        user=office,
        self_until=today + timedelta(days=7),
        review_until=today + timedelta(days=14),
        publicity_until=today + timedelta(days=21),
        rectify_due=today + timedelta(days=60),
        rectify_bottom=1,
    )


def _appraisal(season, short_name: str, code: str) -> Appraisal:
    return Appraisal.objects.get(
        unit__season=season, unit__department__short_name=short_name, item__code=code
    )


def test_totals_add_exactly_grade_and_rank_with_veto_and_pending():
    rules = Rules(bands=(("A", 9), ("B", 8), ("C", 6), ("D", 0)))
    units = [
        # 4 + 2.5 + 2.5 = 9.00: A
        UnitScores(1, judged={"1": Decimal(4), "2": Decimal("2.5"), "3": Decimal("2.5")}),
        # 4 (objection) + 3 + 2 (adjusted; reviewer gave 1.5) = 9.00: A, shares rank 1
        UnitScores(
            2,
            judged={"1": Decimal(2), "2": Decimal(3), "3": Decimal("1.5")},
            adjusted={"3": Decimal(2)},
            objections={"1": Decimal(4)},
        ),  # fmt: skip
        # 4 + 3 + 3 = 10 but vetoed: D, ranked last
        UnitScores(3, judged={"1": Decimal(4), "2": Decimal(3), "3": Decimal(3)}, veto="事故"),
        # item 3 not yet reviewed: counts 0 and is listed as pending: 2 + 1 = 3.00: D
        UnitScores(4, judged={"1": Decimal(2), "2": Decimal(1), "3": None}),
    ]
    rows = {t.key: t for t in totals(units, ["1", "2", "3"], rules)}
    assert [rows[k].total for k in (1, 2, 3, 4)] == [
        Decimal("9.00"), Decimal("9.00"), Decimal("10.00"), Decimal("3.00")
    ]  # fmt: skip
    assert [rows[k].grade for k in (1, 2, 3, 4)] == ["A", "A", "D", "D"]
    assert [rows[k].rank for k in (1, 2, 3, 4)] == [1, 1, 4, 3]
    assert rows[4].pending == ["3"] and rows[1].pending == []


def test_judged_rules_allow_only_what_the_rule_says():
    tiers = {"tiers": [{"score": 1, "when": "纳入规划"}, {"score": 0.5, "when": "部门规划"},
                       {"score": 0, "when": "未纳入"}]}  # fmt: skip
    assert judged.score_of(judged.TIERS, tiers, 1, 1) == Decimal("0.50")
    with pytest.raises(judged.JudgedRefused):
        judged.score_of(judged.TIERS, tiers, 1, 3)
    params = {"elements": ASPECTS, "deduct": 0.1}
    assert judged.score_of(judged.DEDUCT, params, 1, ["金融", "财税"]) == Decimal("0.80")
    assert judged.score_of(judged.DEDUCT, {"elements": ASPECTS, "deduct": 0.3}, 1,
                           ASPECTS) == Decimal("0.00")  # fmt: skip
    with pytest.raises(judged.JudgedRefused, match="不是本项考核的方面"):
        judged.score_of(judged.DEDUCT, params, 1, ["旅游"])
    assert judged.score_of(judged.FREE, {}, 3, "2.75") == Decimal("2.75")
    for bad in ("3.5", "-1", "abc", "1.234", "nan", "inf"):
        with pytest.raises(judged.JudgedRefused):
            judged.score_of(judged.FREE, {}, 3, bad)
    assert judged.check_params(judged.TIERS, {"tiers": [{"score": 2, "when": "a"}]}, 2)
    assert judged.check_params(judged.TIERS, tiers, 1) == []
    assert judged.check_params(judged.DEDUCT, {"elements": []}, 1)


def test_a_whole_departments_season_by_hand(book, people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    season = _open(book, people["office"])
    assert season.units.count() == 2
    assert Appraisal.objects.filter(unit__season=season).count() == 6

    # 自评: the branch claims 4 + 2.5 + 2.5; 区财政局 2 + 3 + 2.
    branch, finance, office = people["branch"], people["finance"], people["office"]
    services.save_self(appraisal=_appraisal(season, "市质监局直属二分局", "1"), user=branch,
                       choice="0", statement="已纳入十四五规划",
                       files=[services.Upload("规划.pdf", PDF)])  # fmt: skip
    services.save_self(appraisal=_appraisal(season, "市质监局直属二分局", "2"), user=branch,
                       choice=["金融"], statement="")  # fmt: skip
    with pytest.raises(services.SeasonRefused, match="自评说明"):
        services.save_self(appraisal=_appraisal(season, "市质监局直属二分局", "3"), user=branch,
                           choice="2.5", statement="")  # fmt: skip
    with pytest.raises(services.SeasonRefused, match="还有项目未自评：3"):
        services.submit_self(unit=_appraisal(season, "市质监局直属二分局", "1").unit, user=branch)
    services.save_self(appraisal=_appraisal(season, "市质监局直属二分局", "3"), user=branch,
                       choice="2.5", statement="首创质量信用分级")  # fmt: skip
    with pytest.raises(services.SeasonRefused, match="只有被考核单位本身"):
        services.save_self(appraisal=_appraisal(season, "区财政局", "1"), user=branch,
                           choice="0", statement="")  # fmt: skip
    services.submit_self(unit=_appraisal(season, "市质监局直属二分局", "1").unit, user=branch)
    with pytest.raises(services.SeasonRefused, match="已提交"):
        services.save_self(appraisal=_appraisal(season, "市质监局直属二分局", "3"), user=branch,
                           choice="3", statement="改高一点")  # fmt: skip
    for code, choice in (("1", "1"), ("2", []), ("3", "2")):
        services.save_self(appraisal=_appraisal(season, "区财政局", code), user=finance,
                           choice=choice, statement="说明")  # fmt: skip
    services.submit_self(unit=_appraisal(season, "区财政局", "1").unit, user=finance)
    stages.advance(season=season, user=office)  # → 评审

    # 评审: 区财政局 reviews item 2 of the branch (not its own); the office the rest.
    branch_2 = _appraisal(season, "市质监局直属二分局", "2")
    with pytest.raises(services.SeasonRefused, match="牵头考核部门"):
        services.review(appraisal=branch_2, user=office, choice=[], reason="")
    with pytest.raises(services.SeasonRefused, match="牵头考核部门"):
        services.review(appraisal=_appraisal(season, "区财政局", "2"), user=finance, choice=[],
                        reason="")  # fmt: skip
    services.return_item(appraisal=branch_2, user=finance, reason="缺金融方面的文件")
    assert _appraisal(season, "市质监局直属二分局", "2").state == AppraisalState.RETURNED
    services.save_self(appraisal=_appraisal(season, "市质监局直属二分局", "2"), user=branch,
                       choice=[], statement="补充金融政策文件",
                       files=[services.Upload("金融.pdf", PDF)])  # fmt: skip
    branch_2 = _appraisal(season, "市质监局直属二分局", "2")
    assert branch_2.state == AppraisalState.SUBMITTED and branch_2.self_score == Decimal("3.00")
    with pytest.raises(services.SeasonRefused, match="评审理由"):
        services.review(appraisal=branch_2, user=finance, choice=["金融", "科技"], reason="")
    services.review(appraisal=branch_2, user=finance, choice=["金融", "科技"],
                    reason="金融文件为2019年，已失效；科技方面无文件")  # fmt: skip
    services.review(appraisal=_appraisal(season, "市质监局直属二分局", "1"), user=office,
                    choice="0", reason="")  # fmt: skip
    services.review(appraisal=_appraisal(season, "市质监局直属二分局", "3"), user=office,
                    choice="2.5", reason="创新举措有实效")  # fmt: skip
    services.review(appraisal=_appraisal(season, "区财政局", "1"), user=office, choice="1",
                    reason="")  # fmt: skip
    services.review(appraisal=_appraisal(season, "区财政局", "2"), user=office, choice=[],
                    reason="")  # fmt: skip
    services.review(appraisal=_appraisal(season, "区财政局", "3"), user=office, choice="1.5",
                    reason="举措一般")  # fmt: skip
    stages.advance(season=season, user=office)  # → 汇总

    # 汇总: the office raises 区财政局's item 3 from 1.5 to 2, with its reason.
    with pytest.raises(services.SeasonRefused, match="调整理由"):
        services.adjust(appraisal=_appraisal(season, "区财政局", "3"), user=office, score="2",
                        reason="")  # fmt: skip
    services.adjust(appraisal=_appraisal(season, "区财政局", "3"), user=office, score="2",
                    reason="补充了专项经费材料")  # fmt: skip
    stages.advance(season=season, user=office)  # → 公示

    # 公示: 区财政局 objects to item 1 (2 points); the office changes it to 4.
    finance_unit = _appraisal(season, "区财政局", "1").unit
    item_1 = book.items.get(code="1")
    objection = stages.object_to(unit=finance_unit, item=item_1, user=finance,
                                   statement="已纳入区国民经济和社会发展规划",
                                   files=[services.Upload("规划纲要.pdf", PDF)])  # fmt: skip
    assert objection.score_then == Decimal("2.00")
    with pytest.raises(services.SeasonRefused, match="正在复核"):
        stages.object_to(unit=finance_unit, item=item_1, user=finance, statement="再提一次")
    with pytest.raises(services.SeasonRefused, match="只有被考核单位本身"):
        stages.object_to(unit=finance_unit, item=item_1, user=branch, statement="替它提")
    stages.advance(season=season, user=office)  # → 复核
    with pytest.raises(services.SeasonRefused, match="异议未复核"):
        stages.advance(season=season, user=office)
    stages.answer(objection=objection, user=office, change=True, new_score="4",
                    text="规划纲要第三章已列入质量目标")  # fmt: skip
    season = stages.advance(season=season, user=office)  # → 已发布
    assert season.stage == Stage.FINAL

    # Branch: 4 + (3 − 2 × 0.5) + 2.5 = 8.50 (B); 区财政局: 4 + 3 + 2 = 9.00 (A).
    published = {
        r.department.short_name: r
        for r in PublishedResult.objects.filter(publication=season.publication)
    }
    assert published["区财政局"].total == Decimal("9.00")
    assert (published["区财政局"].grade, published["区财政局"].rank) == ("A", 1)
    assert published["市质监局直属二分局"].total == Decimal("8.50")
    assert (published["市质监局直属二分局"].grade, published["市质监局直属二分局"].rank) == ("B", 2)
    assert published["区财政局"].items == {"1": 4.0, "2": 3.0, "3": 2.0}
    rectification = Rectification.objects.get(unit__season=season)
    assert rectification.unit.department.short_name == "市质监局直属二分局"
    assert rectification.due_on == season.rectify_due
    assert SeasonFile.objects.filter(appraisal__unit__season=season).count() == 2
    # The units heard of each step that concerned them, once: the branch of its return, both of
    # the publicity, 区财政局 of its answer, both of the final result.
    kinds = sorted(Notice.objects.filter(user__in=[branch, finance]).values_list(
        "user__username", "kind"))  # fmt: skip
    assert kinds == sorted([
        (branch.username, "season_returned"), (branch.username, "season_publicity"),
        (finance.username, "season_publicity"), (finance.username, "objection_answered"),
        (branch.username, "season_published"), (finance.username, "season_published"),
    ])  # fmt: skip
    assert not Notice.objects.filter(user=people["outsider"]).exists()
    actions = set(SeasonLog.objects.filter(season=season).values_list("action", flat=True))
    assert {"open", "self", "submit", "return", "resubmit", "review", "adjust", "object",
            "answer", "stage", "rectify"} <= actions  # fmt: skip
    # Frozen: a later change of a review no longer moves the published total.
    Appraisal.objects.filter(unit__season=season).update(review_score=0, adjusted_score=None)
    assert PublishedResult.objects.get(pk=published["区财政局"].pk).total == Decimal("9.00")


def test_windows_and_stages_refuse_late_or_early_steps(book, people):
    season = _open(book, people["office"])
    late = periods.today() + timedelta(days=8)
    with pytest.raises(services.SeasonRefused, match="已截止"):
        services.save_self(appraisal=_appraisal(season, "区财政局", "1"), user=people["finance"],
                           choice="0", statement="", on=late)  # fmt: skip
    with pytest.raises(services.SeasonRefused, match="尚未提交"):
        services.review(appraisal=_appraisal(season, "区财政局", "1"), user=people["office"],
                        choice="0", reason="")  # fmt: skip
    with pytest.raises(services.SeasonRefused, match="公示期内"):
        stages.object_to(
            unit=_appraisal(season, "区财政局", "1").unit,
            item=book.items.get(code="1"),
            user=people["finance"],
            statement="x",
        )
    with pytest.raises(services.SeasonRefused, match="只有组织考核"):
        stages.advance(season=season, user=people["city"])
    with pytest.raises(services.SeasonRefused, match="不能重复"):
        _open(book, people["office"])
    # Moving on without a unit's self-assessment: its items go to review unclaimed, logged.
    stages.advance(season=season, user=people["office"])
    assert not Appraisal.objects.filter(unit__season=season, state=AppraisalState.DRAFT).exists()
    assert SeasonLog.objects.filter(season=season, action="late").exists()
    with pytest.raises(services.SeasonRefused, match="未评审"):
        stages.advance(season=season, user=people["office"])


def test_a_bad_file_leaves_nothing_saved(book, people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    season = _open(book, people["office"])
    appraisal = _appraisal(season, "区财政局", "1")
    with pytest.raises(services.SeasonRefused, match="与扩展名不符"):
        services.save_self(
            appraisal=appraisal,
            user=people["finance"],
            choice="0",
            statement="x",
            files=[services.Upload("a.pdf", b"MZ\x90\x00")],
        )
    appraisal.refresh_from_db()
    assert appraisal.self_score is None and not SeasonFile.objects.exists()


def _pages(client, user, season):
    client.force_login(user)
    unit = {u.department.short_name: u for u in season.units.select_related("department")}
    return {
        "index": client.get(reverse("season:index")).status_code,
        "detail": client.get(reverse("season:detail", args=[season.pk])).status_code,
        "branch": client.get(
            reverse("season:unit", args=[unit["市质监局直属二分局"].pk])
        ).status_code,
        "finance": client.get(reverse("season:unit", args=[unit["区财政局"].pk])).status_code,
        "review": client.get(reverse("season:review", args=[season.pk])).status_code,
    }


def test_who_sees_what_through_the_pages(client, book, people, admin_user):
    season = _open(book, people["office"])
    office = _pages(client, people["office"], season)
    assert office == {"index": 200, "detail": 200, "branch": 200, "finance": 200, "review": 200}
    # The city office above reads the season; it acts in nothing (no review page of its own).
    assert _pages(client, people["city"], season)["finance"] == 200
    branch = _pages(client, people["branch"], season)
    assert branch["branch"] == 200 and branch["finance"] == 404
    assert branch["detail"] == 200  # the dates and its own links, never the other units
    finance = _pages(client, people["finance"], season)
    assert finance["finance"] == 200 and finance["branch"] == 404
    assert finance["review"] == 200  # it reviews item 2 of the branch
    outsider = _pages(client, people["outsider"], season)
    assert (outsider["detail"], outsider["branch"], outsider["review"]) == (404, 404, 404)
    assert _pages(client, people["town"], season)["index"] == 404
    # A department reads of another unit only the item it reviews.
    client.force_login(people["finance"])
    page = client.get(reverse("season:review", args=[season.pk])).content.decode()
    assert "质量政策措施" in page and "质量工作创新" not in page


def test_a_unit_reads_its_review_scores_only_from_publicity(client, book, people):
    season = _open(book, people["office"])
    finance = people["finance"]
    for code, choice in (("1", "1"), ("2", []), ("3", "2")):
        services.save_self(appraisal=_appraisal(season, "区财政局", code), user=finance,
                           choice=choice, statement="说明")  # fmt: skip
    services.submit_self(unit=_appraisal(season, "区财政局", "1").unit, user=finance)
    stages.advance(season=season, user=people["office"])
    services.review(appraisal=_appraisal(season, "区财政局", "3"), user=people["office"],
                    choice="0.75", reason="举措未落实")  # fmt: skip
    client.force_login(finance)
    url = reverse("season:unit", args=[_appraisal(season, "区财政局", "1").unit_id])
    assert "举措未落实" not in client.get(url).content.decode()
    season.stage = Stage.PUBLICITY
    season.save()
    assert "举措未落实" in client.get(url).content.decode()


def test_the_self_assessment_form_posts_files(client, book, people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    season = _open(book, people["office"])
    appraisal = _appraisal(season, "区财政局", "2")
    client.force_login(people["finance"])
    response = client.post(
        reverse("season:self", args=[appraisal.pk]),
        {"missing": ["金融", "财税"], "statement": "两方面缺文件",
         "files": [SimpleUploadedFile("政策.pdf", PDF, content_type="application/pdf")]},
    )  # fmt: skip
    assert response.status_code == 303
    appraisal.refresh_from_db()
    assert appraisal.self_score == Decimal("2.00") and appraisal.self_choice == ["金融", "财税"]
    stored = SeasonFile.objects.get(appraisal=appraisal)
    assert client.get(reverse("season:file", args=[stored.pk])).status_code == 200
    client.force_login(people["branch"])  # not its file, and it does not review item 2 of 财政局
    assert client.get(reverse("season:file", args=[stored.pk])).status_code == 404


def test_who_reads_what_through_the_api(book, people, admin_user):
    from rest_framework.test import APIClient

    season = _open(book, people["office"])
    for code, choice in (("1", "1"), ("2", []), ("3", "2")):
        services.save_self(appraisal=_appraisal(season, "区财政局", code), user=people["finance"],
                           choice=choice, statement="说明")  # fmt: skip
    services.submit_self(unit=_appraisal(season, "区财政局", "1").unit, user=people["finance"])
    stages.advance(season=season, user=people["office"])
    services.review(appraisal=_appraisal(season, "区财政局", "3"), user=people["office"],
                    choice="0.75", reason="举措未落实")  # fmt: skip

    def read(who, what=""):
        client = APIClient()
        client.force_authenticate(people[who] if who in people else admin_user)
        suffix = f"{season.pk}/{what}/" if what else ""
        return client.get(f"/api/v1/seasons/{suffix}")

    assert [s["id"] for s in read("office").json()["results"]] == [season.pk]
    assert read("outsider").json()["results"] == []
    assert read("outsider", "appraisals").status_code == 404
    assert read("town", "appraisals").status_code == 404

    def items(who):
        return {(a["unit"]["name"], a["item"]["code"]): a for a in
                read(who, "appraisals").json()["results"]}  # fmt: skip

    assert len(items("office")) == 6 and len(items("root")) == 6
    # The branch reads only its own three items; 区财政局 its own three and the branch's item 2.
    assert set(items("branch")) == {("市质监局直属二分局", c) for c in "123"}
    assert set(items("finance")) == {("区财政局", c) for c in "123"} | {("市质监局直属二分局", "2")}
    # Before publicity a unit does not read its reviewer's score; the office does.
    assert items("finance")[("区财政局", "3")]["review_score"] is None
    assert items("office")[("区财政局", "3")]["review_score"] == "0.75"
    assert read("finance", "results").json()["results"] == []
    assert len(read("office", "results").json()["results"]) == 2
    assert read("city", "results").status_code == 200


def test_reminders_go_once_to_who_still_owes_a_step(book, people, mailoutbox):
    from assessments.season import reminders

    for key in ("branch", "finance", "office"):
        people[key].email = f"{key}@example.gov.cn"
        people[key].save()
    season = _open(book, people["office"])
    for code, choice in (("1", "1"), ("2", []), ("3", "2")):
        services.save_self(appraisal=_appraisal(season, "区财政局", code), user=people["finance"],
                           choice=choice, statement="说明")  # fmt: skip
    services.submit_self(unit=_appraisal(season, "区财政局", "1").unit, user=people["finance"])
    today = periods.today()
    # A week before the self-assessment closes: nobody yet.
    assert reminders.send_season_reminders(on=today).sent == 0
    # Three days before: the branch has not submitted; 区财政局 has.
    on = season.self_until - timedelta(days=3)
    assert reminders.send_season_reminders(on=on).sent == 1
    assert reminders.send_season_reminders(on=on).sent == 0  # safe to run twice
    assert [m.to for m in mailoutbox] == [["branch@example.gov.cn"]]
    assert "提交自评" in mailoutbox[0].subject
    # In review: the office owes items 1 and 3 of both units and item 2 of 区财政局 (its own
    # lead item); 区财政局 owes item 2 of the branch. One mail each.
    stages.advance(season=season, user=people["office"])
    on = season.review_until - timedelta(days=1)
    assert reminders.send_season_reminders(on=on).sent == 2
    assert sorted(m.to[0] for m in mailoutbox[1:]) == ["finance@example.gov.cn",
                                                       "office@example.gov.cn"]  # fmt: skip


def test_the_admin_shows_a_season_and_refuses_windows_out_of_order(client, book, people,
                                                                    admin_user):  # fmt: skip
    season = _open(book, people["office"])
    client.force_login(admin_user)
    url = reverse("admin:assessments_season_change", args=[season.pk])
    assert client.get(url).status_code == 200
    assert client.get(reverse("admin:assessments_seasonlog_changelist")).status_code == 200
    data = {
        "self_until": season.review_until + timedelta(days=1),
        "review_until": season.review_until,
        "publicity_until": season.publicity_until,
        "rectify_bottom": 1,
        "rectify_due": season.rectify_due,
        "units-TOTAL_FORMS": "0",
        "units-INITIAL_FORMS": "0",
    }
    response = client.post(url, data)
    assert response.status_code == 200 and "自评截止 ≤ 评审截止" in response.content.decode()


def test_a_file_over_the_limit_is_refused_in_words_not_dropped(client, book, people, settings,
                                                                tmp_path):  # fmt: skip
    settings.MEDIA_ROOT = tmp_path
    settings.EVIDENCE_MAX_BYTES = 20
    season = _open(book, people["office"])
    appraisal = _appraisal(season, "区财政局", "1")
    client.force_login(people["finance"])
    response = client.post(
        reverse("season:self", args=[appraisal.pk]),
        {"choice": "0", "statement": "附规划文件",
         "files": [SimpleUploadedFile("规划.pdf", PDF, content_type="application/pdf")]},
        follow=True,
    )  # fmt: skip
    assert "文件过大" in response.content.decode()
    appraisal.refresh_from_db()
    assert appraisal.self_score is None and not SeasonFile.objects.exists()
