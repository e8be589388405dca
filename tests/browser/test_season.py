"""A whole assessment season in the browser, as its users take it: 晋安区's office opens the
season of its departments; 市质监局直属二分局 and 区财政局 self-assess with evidence and submit;
区财政局 (the lead department of item 2) returns the branch's item 2 for more evidence, the branch
adds it, 区财政局 scores it; the office reviews the rest, moves to the summary, adjusts a score,
publishes for publicity; 区财政局 objects to item 1; the office raises it and publishes.

The rulebook (10 points; A ≥ 9, B ≥ 8): 1 规划 (tiers 4 / 2 / 0), 2 政策 (0.5 off per missing
aspect of six, lead 区财政局), 3 创新 (free score). Final totals, by hand:
- 区财政局: 4 (objection: 2 → 4) + 3 (nothing missing) + 2 (reviewer 1.5, office 2) = 9.00, A, 1st;
- 市质监局直属二分局: 4 + (3 − 2 × 0.5) + 2.5 = 8.50, B, 2nd — and its rectification task.
"""

from decimal import Decimal

import pytest

from assessments.models import (
    Appraisal,
    PublishedResult,
    Rectification,
    Rulebook,
    RuleItem,
    Season,
    Stage,
    Subject,
)
from portal import periods
from portal.models import Department, Region, Role

from .conftest import expect, log_in, log_out

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj<< /Type /Catalog >>endobj\ntrailer<< /Root 1 0 R >>\n%%EOF\n"
ASPECTS = ["产业", "环境", "科技", "金融", "财税", "人才培养"]
NAME = "晋安区各部门质量工作考核评分细则（浏览器测试）"


def _rulebook() -> Rulebook:
    scope = Region.objects.get(code="350111")
    book = Rulebook.objects.create(
        year=periods.today().year, scope=scope, level=scope.level, subject=Subject.DEPARTMENTS,
        name=NAME, total_points=10,
        grade_bands=[{"grade": "A", "min": 9}, {"grade": "B", "min": 8},
                     {"grade": "C", "min": 6}, {"grade": "D", "min": 0}],
    )  # fmt: skip
    finance = Department.objects.get(region=scope, short_name="区财政局")
    RuleItem.objects.create(
        rulebook=book, code="1", order=1, name="质量发展目标纳入规划", points=4,
        method="judge_tiers", evidence="规划文件",
        params={"tiers": [{"score": 4, "when": "纳入国民经济和社会发展规划"},
                          {"score": 2, "when": "纳入部门规划"}, {"score": 0, "when": "未纳入"}]},
    )  # fmt: skip
    RuleItem.objects.create(
        rulebook=book, code="2", order=2, name="质量政策措施", points=3, method="judge_deduct",
        params={"elements": ASPECTS, "deduct": 0.5}, lead_department=finance,
    )  # fmt: skip
    RuleItem.objects.create(
        rulebook=book, code="3", order=3, name="质量工作创新", points=3, method="judge_free"
    )
    return book


def _appraisal(unit: str, code: str) -> Appraisal:
    return Appraisal.objects.get(unit__department__short_name=unit, item__code=code,
                                 item__rulebook__name=NAME)  # fmt: skip


def _item(page, appraisal: Appraisal):
    return page.locator(f"article#item-{appraisal.item_id}")


def _self_assess(page, unit: str, choices: dict, files: dict | None = None) -> None:
    for code, (choice, statement) in choices.items():
        appraisal = _appraisal(unit, code)
        form = _item(page, appraisal).locator("form.self-form")
        method = appraisal.item.method
        if method == "judge_tiers":
            form.locator(f"input[name=choice][value='{choice}']").check()
        elif method == "judge_deduct":
            for aspect in ASPECTS:
                box = form.locator(f"input[name=missing][value='{aspect}']")
                box.check() if aspect in choice else box.uncheck()
        else:
            form.locator("input[name=score]").fill(choice)
        form.locator("textarea[name=statement]").fill(statement)
        if files and code in files:
            form.locator("input[type=file]").set_input_files(
                files=[{"name": files[code], "mimeType": "application/pdf", "buffer": PDF}]
            )
        form.get_by_role("button", name="保存自评").click()
        expect(page.locator(".messages .success")).to_contain_text(f"已保存项目 {code} 的自评")


def _review(page, unit: str, code: str, choice, reason: str = "", action: str = "评分") -> None:
    appraisal = _appraisal(unit, code)
    row = page.locator(f"tr#a-{appraisal.pk}")
    method = appraisal.item.method
    if action == "评分":
        if method == "judge_tiers":
            row.locator(f"input[name=choice][value='{choice}']").check()
        elif method == "judge_deduct":
            for aspect in ASPECTS:
                box = row.locator(f"input[name=missing][value='{aspect}']")
                box.check() if aspect in choice else box.uncheck()
        else:
            row.locator("input[name=score]").fill(choice)
    row.locator("textarea[name=reason]").fill(reason)
    row.get_by_role("button", name=action, exact=True).click()
    expect(page.locator(".messages .success")).to_be_visible()


def _advance(page, season: Season, stage: str) -> None:
    page.goto(f"/season/{season.pk}/")
    page.get_by_role("button", name=f"进入下一阶段：{stage}").click()
    expect(page.locator(".messages .success")).to_be_visible()


def test_a_whole_season_from_self_assessment_to_the_final_result(page, shoot, make_user):
    make_user(role=Role.OFFICE, region="350111", username="jinan-office")
    make_user(role=Role.DEPARTMENT, department="350111:市质监局直属二分局", username="branch")
    make_user(role=Role.DEPARTMENT, department="350111:区财政局", username="finance")
    _rulebook()
    page.on("dialog", lambda dialog: dialog.accept())  # the "确认…？" of submit and advance

    # 发起: the office opens the season from the list of its rulebooks.
    log_in(page, "jinan-office")
    page.goto("/season/")
    form = page.locator("#open form").filter(has_text=NAME)
    form.get_by_role("button", name="发起考核").click()
    expect(page.locator(".messages .success")).to_contain_text("已发起考核")
    season = Season.objects.get(rulebook__name=NAME)
    shoot("season-1-opened")
    log_out(page)

    # 自评: the branch finds its to-do on 我的职责 and self-assesses with evidence.
    log_in(page, "branch")
    todo = page.locator("#season-todos a", has_text="填写并提交自评")
    expect(todo).to_be_visible()
    todo.click()
    _self_assess(page, "市质监局直属二分局",
                 {"1": ("0", "已纳入区十四五规划"), "2": (["金融"], "金融方面暂无文件"),
                  "3": ("2.5", "首创质量信用分级监管")},
                 files={"1": "十四五规划.pdf"})  # fmt: skip
    expect(_item(page, _appraisal("市质监局直属二分局", "1"))).to_contain_text("十四五规划.pdf")
    page.get_by_role("button", name="提交自评").click()
    expect(page.locator(".messages .success")).to_contain_text("自评已提交")
    shoot("season-2-self-assessed")
    log_out(page)

    log_in(page, "finance")
    page.locator("#season-todos a", has_text="填写并提交自评").click()
    _self_assess(page, "区财政局", {"1": ("1", "纳入部门规划"), "2": ([], "六个方面均有文件"),
                                    "3": ("2", "预算绩效管理")})  # fmt: skip
    page.get_by_role("button", name="提交自评").click()
    expect(page.locator(".messages .success")).to_contain_text("自评已提交")
    log_out(page)

    # 评审: the office opens the review; 区财政局 returns the branch's item 2 for evidence.
    log_in(page, "jinan-office")
    _advance(page, season, "评审")
    log_out(page)
    log_in(page, "finance")
    page.goto(f"/season/{season.pk}/review/")
    expect(page.locator("main")).to_contain_text("质量政策措施")
    expect(page.locator("main")).not_to_contain_text("质量工作创新")  # not its item
    _review(
        page, "市质监局直属二分局", "2", None, "请补充金融方面的政策文件", action="退回补充材料"
    )
    shoot("season-3-returned")
    log_out(page)

    log_in(page, "branch")
    page.goto(f"/season/unit/{_appraisal('市质监局直属二分局', '2').unit_id}/")
    expect(page.locator(".error")).to_contain_text("请补充金融方面的政策文件")
    _self_assess(page, "市质监局直属二分局", {"2": ([], "已补充金融政策文件")},
                 files={"2": "金融政策.pdf"})  # fmt: skip
    log_out(page)

    log_in(page, "finance")
    page.goto(f"/season/{season.pk}/review/")
    _review(page, "市质监局直属二分局", "2", ["金融", "科技"], "金融文件已失效；科技方面无文件")
    log_out(page)

    log_in(page, "jinan-office")
    page.goto(f"/season/{season.pk}/review/")
    _review(page, "市质监局直属二分局", "1", "0")
    _review(page, "市质监局直属二分局", "3", "2.5", "创新举措有实效")
    _review(page, "区财政局", "1", "1")
    _review(page, "区财政局", "2", [])
    _review(page, "区财政局", "3", "1.5", "举措一般")
    shoot("season-4-reviewed")

    # 汇总: the office raises 区财政局's item 3 to 2, with its reason; then publicity.
    _advance(page, season, "汇总")
    page.goto(f"/season/unit/{_appraisal('区财政局', '3').unit_id}/")
    adjust = _item(page, _appraisal("区财政局", "3")).locator("form.inline")
    adjust.locator("input[name=score]").fill("2")
    adjust.locator("input[name=reason]").fill("补充了专项经费材料")
    adjust.get_by_role("button", name="调整得分").click()
    expect(page.locator(".messages .success")).to_contain_text("已调整项目 3 的得分")
    _advance(page, season, "公示")
    shoot("season-5-publicity")
    log_out(page)

    # 公示: 区财政局 reads its result and objects to item 1.
    log_in(page, "finance")
    page.locator("#season-todos a", has_text="查看公示结果").click()
    expect(page.locator("#result")).to_contain_text("7.00")  # 2 + 3 + 2
    item_1 = _item(page, _appraisal("区财政局", "1"))
    item_1.locator("summary").click()
    item_1.locator("textarea[name=statement]").fill("已纳入区国民经济和社会发展规划纲要第三章")
    item_1.get_by_role("button", name="提出异议").click()
    expect(page.locator(".messages .success")).to_contain_text("异议已提交")
    log_out(page)

    # 复核: the office answers by changing the score; then the final publication.
    log_in(page, "jinan-office")
    _advance(page, season, "复核")
    answer = page.locator("#objections form")
    answer.locator("input[name=decision][value=change]").check()
    answer.locator("input[name=new_score]").fill("4")
    answer.locator("textarea[name=answer]").fill("规划纲要第三章已列入质量发展目标")
    answer.get_by_role("button", name="答复").click()
    expect(page.locator(".messages .success")).to_contain_text("已答复异议")
    _advance(page, season, "已发布")
    expect(page.locator("#summary")).to_contain_text("9.00")
    shoot("season-6-published")
    # The signed publication, as every publication reads: the units, totals and the rules.
    page.get_by_role("link", name="查看最终发布的结果与计算依据").click()
    first = page.locator("table.grid tbody tr").first
    expect(first).to_contain_text("区财政局")
    expect(first).to_contain_text("9.00")
    expect(page.locator("main")).to_contain_text("评审·缺项扣分")
    shoot("season-6b-publication")
    log_out(page)

    season.refresh_from_db()
    assert season.stage == Stage.FINAL
    results = {r.department.short_name: r
               for r in PublishedResult.objects.filter(publication=season.publication)}  # fmt: skip
    assert (results["区财政局"].total, results["区财政局"].grade, results["区财政局"].rank) == (
        Decimal("9.00"), "A", 1)  # fmt: skip
    branch = results["市质监局直属二分局"]
    assert (branch.total, branch.grade, branch.rank) == (Decimal("8.50"), "B", 2)
    assert Rectification.objects.get(unit__season=season).unit.department.short_name == (
        "市质监局直属二分局"
    )

    # The branch sees its final result, the reasons, and its rectification task.
    log_in(page, "branch")
    page.locator("#season-todos a", has_text="报送整改情况").click()
    expect(page.locator("#result")).to_contain_text("8.50")
    expect(page.locator("#rectification")).to_contain_text("第 2 名")
    expect(page.locator("main")).to_contain_text("金融文件已失效；科技方面无文件")
    shoot("season-7-unit-final")
