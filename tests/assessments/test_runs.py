"""Assessment runs through the real SQL: hand-computed figures and scores, determinism,
atomic publishing, no overlap, year isolation, and re-scoring on approval."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from assessments.models import (
    AssessmentRun,
    DataElement,
    ElementFigure,
    Period,
    QualityIncident,
    RegionFigure,
    RegionResult,
    Rulebook,
    RuleItem,
    RunStatus,
    Status,
    Submission,
    TargetWarning,
    Value,
    VetoRule,
)
from assessments.reporting import services
from assessments.scoring import lifecycle, publish, runs
from portal.models import Region, Role
from targets.models import Target

pytestmark = pytest.mark.django_db
YEAR = 2090
GUSHAN, XINDIAN, JINAN = "350111100", "350111101", "350111"


def _make_periods():
    return {
        q: Period.objects.create(year=YEAR, quarter=q, opens_on=date(YEAR, 3 * q, 1),
                                 closes_on=date(YEAR, 3 * q, 20))
        for q in (1, 2, 3, 4)
    }  # fmt: skip


@pytest.fixture
def periods(db):
    return _make_periods()


@pytest.fixture
def rulebook(db):
    return _make_rulebook()


def _make_rulebook():
    """晋安区 scores its towns: 60 points by deduction on 省级合格率 ≥ 93, 40 for 食品 ≥ 96."""
    book = Rulebook.objects.create(year=YEAR, scope=Region.objects.get(code=JINAN), level=4,
                                   name="测试细则")  # fmt: skip
    jinan = {t.code: t for t in Target.objects.filter(document__key="jinan-2012")}
    RuleItem.objects.create(rulebook=book, code="1", order=1, name="省级", points=60,
                            method="deduction", target=jinan["T03"],
                            indicator=jinan["T03"].measure.indicator,
                            params={"per": 1, "deduct": 5})  # fmt: skip
    RuleItem.objects.create(rulebook=book, code="2", order=2, name="食品", points=40,
                            method="met", target=jinan["T04"],
                            indicator=jinan["T04"].measure.indicator)  # fmt: skip
    VetoRule.objects.create(rulebook=book, min_severity=2, description="较大及以上事故否决")
    return book


def approved(code: str, period: Period, figures: dict, status=Status.APPROVED) -> Submission:
    submission = Submission.objects.create(region=Region.objects.get(code=code), period=period,
                                           status=status)  # fmt: skip
    elements = {e.code: e for e in DataElement.objects.filter(code__in=figures)}
    Value.objects.bulk_create(
        Value(submission=submission, element=elements[c], value=Decimal(str(v)))
        for c, v in figures.items()
    )
    return submission


@pytest.fixture
def data(periods):
    # 鼓山镇: Q1 10/10 (100 %), Q2 900/1000 (90 %) → 910/1010 = 90.1 %, not the mean 95 %
    approved(GUSHAN, periods[1], {"prov_sampled": 10, "prov_qualified": 10,
                                  "food_sampled": 5, "food_qualified": 5})  # fmt: skip
    approved(GUSHAN, periods[2], {"prov_sampled": 1000, "prov_qualified": 900,
                                  "food_sampled": 100, "food_qualified": 97})  # fmt: skip
    # 新店镇: 95/100 and 48/50
    approved(XINDIAN, periods[1], {"prov_sampled": 100, "prov_qualified": 95,
                                   "food_sampled": 50, "food_qualified": 48})  # fmt: skip
    # 晋安区 itself: a stock, 20 then 22 福建名牌产品 → the year's figure is 22 (LAST)
    approved(JINAN, periods[1], {"fujian_brands": 20})
    approved(JINAN, periods[2], {"fujian_brands": 22})
    # Not approved: must not count.
    approved("350111102", periods[1], {"prov_sampled": 5, "prov_qualified": 0},
             status=Status.SUBMITTED)  # fmt: skip


def figure(code, element):
    row = ElementFigure.objects.get(year=YEAR, region__code=code)
    return row.values[str(DataElement.objects.get(code=element).pk)]


def indicator(code, name):
    return RegionFigure.objects.get(year=YEAR, region__code=code, indicator__code=name)


def test_counts_go_up_before_rates_and_stocks_take_the_last_quarter(data, rulebook):
    run = runs.run_year(year=YEAR)
    assert run.status == RunStatus.SUCCEEDED
    assert figure(JINAN, "prov_sampled") == 1110  # 10 + 1000 + 100
    assert figure(JINAN, "prov_qualified") == 1005
    assert indicator(JINAN, "prov_pass_rate").value == pytest.approx(100 * 1005 / 1110)
    assert indicator(GUSHAN, "prov_pass_rate").value == pytest.approx(100 * 910 / 1010)
    assert figure(JINAN, "fujian_brands") == 22
    assert figure("350100", "fujian_brands") == 22
    assert figure("350000", "prov_sampled") == 1110
    assert indicator(JINAN, "prov_pass_rate").quarters == 2
    # Straight-line projection: flows × 4/2, so the rate stays, the stock is held.
    assert figure(JINAN, "prov_sampled") * 2 == pytest.approx(
        indicator(JINAN, "prov_pass_rate").projected
        / indicator(JINAN, "prov_pass_rate").value
        * 2220
    )


def results(book):
    return {
        r.region.code: r
        for r in RegionResult.objects.filter(rulebook=book).select_related("region")
    }


def test_scores_grades_and_ranks_as_computed_by_hand(data, rulebook):
    runs.run_year(year=YEAR)
    by_code = results(rulebook)
    gushan, xindian = by_code[GUSHAN], by_code[XINDIAN]
    # 鼓山镇: 90.1 % is 2.9 points short → 3 units × 5 = 15 off 60 → 45; 食品 102/105 = 97.1 % → 40
    assert (gushan.total, gushan.grade, gushan.items) == (
        Decimal("85.00"),
        "B",
        {"1": 45.0, "2": 40.0},
    )
    # 新店镇: 95 % and 96 % → 100, A
    assert (xindian.total, xindian.grade, xindian.rank) == (Decimal("100.00"), "A", 1)
    assert gushan.rank == 2
    others = [r for code, r in by_code.items() if code not in {GUSHAN, XINDIAN}]
    # The seven towns without approved data are not assessed (未参评): no grade, no rank, and
    # the peers are the two that reported.
    assert len(others) == 7
    assert {(r.total, r.grade, r.rank, r.reported) for r in others} == {(0, "", None, False)}
    assert {r.peers for r in by_code.values()} == {2}


def test_a_veto_forces_the_lowest_grade_and_says_why(data, rulebook):
    QualityIncident.objects.create(region=Region.objects.get(code=GUSHAN),
                                   occurred_on=date(YEAR, 3, 1), severity=2,
                                   description="食品安全事故")  # fmt: skip
    runs.run_year(year=YEAR)
    gushan = results(rulebook)[GUSHAN]
    assert (gushan.total, gushan.grade, gushan.vetoed) == (Decimal("85.00"), "D", True)
    assert "食品安全事故" in gushan.veto_reason
    assert TargetWarning.objects.filter(year=YEAR, level="red", region__code=GUSHAN).exists()


def test_warnings_read_in_the_users_language(data, rulebook):
    from django.utils import translation

    runs.run_year(year=YEAR)
    warnings = list(
        TargetWarning.objects.filter(year=YEAR, target__isnull=False).select_related(
            "region", "target"
        )
    )
    assert warnings
    for warning in warnings:
        assert warning.text == warning.message  # composed again, the same Chinese
    with translation.override("en"):
        english = warnings[0].text
    assert "must be" in english and "gap" in english
    assert warnings[0].region.name in english  # names are data: as recorded


def snapshot():
    return (
        sorted(RegionResult.objects.filter(rulebook__year=YEAR).values_list(
            "rulebook_id", "region_id", "total", "grade", "rank", "peers", "vetoed", "items")),
        sorted(RegionFigure.objects.filter(year=YEAR).values_list(
            "region_id", "indicator_id", "value", "projected", "quarters")),
        sorted(ElementFigure.objects.filter(year=YEAR).values_list(
            "region_id", "values", "quarters"), key=repr),
        sorted(TargetWarning.objects.filter(year=YEAR).values_list(
            "region_id", "target_id", "level", "message")),
    )  # fmt: skip


def _clone(element: DataElement, code: str, weight=None) -> DataElement:
    element.pk, element.code, element.weight = None, code, weight
    element.save()
    return element


def test_survey_scores_are_weighted_by_their_own_weights_in_sql(periods, rulebook):
    """Two survey scores with different weight elements, each weighed by its own, through the
    real SQL: over the quarters, then over the towns; the path re-score agrees with a run."""
    other_weight = _clone(DataElement.objects.get(code="satisfaction_respondents"), "w2")
    _clone(DataElement.objects.get(code="satisfaction_score"), "s2", weight=other_weight)
    # 鼓山镇: 80 from 100 respondents, then 90 from 300 → (8000 + 27000) / 400 = 87.5
    approved(GUSHAN, periods[1], {"satisfaction_score": 80, "satisfaction_respondents": 100,
                                  "s2": 50, "w2": 1})  # fmt: skip
    approved(GUSHAN, periods[2], {"satisfaction_score": 90, "satisfaction_respondents": 300,
                                  "s2": 60, "w2": 3})  # fmt: skip
    # 新店镇: 70 from 100 respondents
    approved(XINDIAN, periods[1], {"satisfaction_score": 70, "satisfaction_respondents": 100,
                                   "s2": 40, "w2": 4})  # fmt: skip
    runs.run_year(year=YEAR)
    assert figure(GUSHAN, "satisfaction_score") == pytest.approx(87.5)
    assert figure(XINDIAN, "satisfaction_score") == pytest.approx(70.0)
    # 晋安区: (8000 + 27000 + 7000) / 500 = 84, not the mean of the towns (78.75)
    assert figure(JINAN, "satisfaction_score") == pytest.approx(84.0)
    assert figure(JINAN, "satisfaction_respondents") == pytest.approx(500)
    # The second score by its own weight: 鼓山镇 (50 + 180) / 4 = 57.5; 晋安区 390 / 8 = 48.75
    assert figure(GUSHAN, "s2") == pytest.approx(57.5)
    assert figure(JINAN, "s2") == pytest.approx(48.75)
    # And the path re-score after an approval gives the same figures.
    submission = approved(XINDIAN, periods[2], {"satisfaction_score": 100,
                                                "satisfaction_respondents": 100},
                          status=Status.SUBMITTED)  # fmt: skip
    Submission.objects.filter(pk=submission.pk).update(status=Status.APPROVED)
    runs.rescore_path(year=YEAR, region=submission.region)
    # (42000 + 10000) / 600
    assert figure(JINAN, "satisfaction_score") == pytest.approx(52000 / 600)
    path = snapshot()
    runs.run_year(year=YEAR)
    assert snapshot() == path


def test_the_same_inputs_give_identical_rows(data, rulebook):
    first = runs.run_year(year=YEAR)
    before = snapshot()
    second = runs.run_year(year=YEAR)
    assert snapshot() == before
    assert first.fingerprint == second.fingerprint and len(first.fingerprint) == 64
    assert all(before)


def test_a_run_rewrites_only_the_figures_that_changed(data, rulebook):
    first = runs.run_year(year=YEAR)
    Value.objects.filter(submission__region__code=XINDIAN).update(value=1)  # one town changes
    second = runs.run_year(year=YEAR)
    writers = dict(
        ((code, indicator), run_id)
        for code, indicator, run_id in RegionFigure.objects.filter(year=YEAR).values_list(
            "region__code", "indicator__code", "run_id"
        )
    )
    # The town's rates and those above it are rewritten; its sibling town and the brand count
    # (which the town does not report) keep the first run's rows.
    assert writers[(XINDIAN, "prov_pass_rate")] == second.pk
    assert writers[(JINAN, "food_pass_rate")] == second.pk
    assert writers[(GUSHAN, "prov_pass_rate")] == first.pk
    assert writers[(JINAN, "fujian_brands")] == first.pk
    # What was kept and rewritten equals what a run from nothing publishes.
    kept = snapshot()
    RegionFigure.objects.filter(year=YEAR).delete()
    runs.run_year(year=YEAR)
    assert snapshot() == kept


def test_a_figure_that_vanishes_is_removed(data, rulebook):
    runs.run_year(year=YEAR)
    assert RegionFigure.objects.filter(year=YEAR, region__code=XINDIAN).exists()
    Submission.objects.filter(region__code=XINDIAN).update(status=Status.RETURNED)
    runs.run_year(year=YEAR)
    assert not RegionFigure.objects.filter(year=YEAR, region__code=XINDIAN).exists()


def test_a_run_that_dies_midway_leaves_the_previous_results(data, rulebook, monkeypatch):
    runs.run_year(year=YEAR)
    before = snapshot()
    Value.objects.filter(submission__region__code=XINDIAN).update(value=1)  # new inputs

    real_write = publish.write

    def write_then_die(*args):
        real_write(*args)  # rows are written …
        raise RuntimeError("worker killed")  # … and the worker dies before the commit

    monkeypatch.setattr(publish, "write", write_then_die)
    with pytest.raises(RuntimeError):
        runs.run_year(year=YEAR)
    assert snapshot() == before
    failed = AssessmentRun.objects.latest("pk")
    assert failed.status == RunStatus.FAILED and "worker killed" in failed.error
    assert lifecycle.latest_run(YEAR).status == RunStatus.SUCCEEDED


def test_two_runs_of_a_year_never_overlap(data):
    lifecycle.start_run(year=YEAR, trigger="manual")
    with pytest.raises(lifecycle.RunInProgress):
        runs.run_year(year=YEAR)
    runs.run_year(year=YEAR + 1)  # another year is independent


def test_a_run_whose_worker_died_is_reaped(data):
    stale = lifecycle.start_run(year=YEAR, trigger="manual")
    AssessmentRun.objects.filter(pk=stale.pk).update(
        heartbeat_at=timezone.now() - lifecycle.stale_after() - timedelta(minutes=1)
    )
    assert runs.run_year(year=YEAR).status == RunStatus.SUCCEEDED
    stale.refresh_from_db()
    assert stale.status == RunStatus.FAILED


def test_editing_next_years_rulebook_changes_nothing_for_last_year(data, rulebook):
    runs.run_year(year=YEAR)
    before = snapshot()
    next_year = Rulebook.objects.create(year=YEAR + 1, scope=rulebook.scope, level=4, name="明年")
    RuleItem.objects.create(rulebook=next_year, code="1", name="全新", points=100, method="met",
                            indicator=rulebook.items.first().indicator, comparator=">=",
                            threshold=99)  # fmt: skip
    runs.run_year(year=YEAR)
    assert snapshot() == before


def test_an_approval_rescores_the_path_without_a_manual_step(
    data, rulebook, periods, make_user, django_capture_on_commit_callbacks
):
    runs.run_year(year=YEAR)
    assert results(rulebook)["350111101"].total == 100
    town = make_user(role=Role.REGION_OFFICIAL, region="350111103", username="huanxi")
    office = make_user(role=Role.OFFICE, region=JINAN, username="office")
    submission = approved("350111103", periods[3], {
        "prov_sampled": 20, "prov_qualified": 20, "food_sampled": 10, "food_qualified": 10,
    }, status=Status.SUBMITTED)  # fmt: skip
    assert town  # the official who submitted it
    with django_capture_on_commit_callbacks(execute=True):
        services.approve(user=office, submission=submission)
    huanxi = results(rulebook)["350111103"]
    assert (huanxi.total, huanxi.rank) == (Decimal("100.00"), 1)
    assert results(rulebook)["350111101"].rank == 1  # a tie shares the rank
    latest = AssessmentRun.objects.latest("pk")
    assert (latest.trigger, latest.path_region.code, latest.status) == (
        "approval",
        "350111103",
        RunStatus.SUCCEEDED,
    )
    after_path = snapshot()
    runs.run_year(year=YEAR)
    assert snapshot() == after_path  # the path re-score equals a full run


def test_the_rollup_command_prints_a_summary(data, rulebook, capsys):
    call_command("rollup", "--year", str(YEAR))
    out = capsys.readouterr().out
    assert f"{YEAR}年考核计算" in out and "测试细则" in out and "新店镇 100.00（A）" in out


def test_the_office_button_runs_the_year_and_shows_progress(
    client, make_user, data, rulebook, django_capture_on_commit_callbacks
):
    office = make_user(role=Role.OFFICE, region=JINAN, username="runner")
    client.force_login(office)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/reporting/assessment/", {"year": YEAR})
    assert response.status_code == 302
    run = AssessmentRun.objects.get(year=YEAR)
    assert (run.status, run.trigger, run.created_by) == (RunStatus.SUCCEEDED, "manual", office)
    page = client.get(f"/reporting/assessment/?year={YEAR}")
    assert "最近一次计算" in page.content.decode()
    status = client.get(f"/reporting/assessment/runs/{run.pk}/").json()
    assert (status["status"], status["progress"]) == ("succeeded", 100)


def test_a_second_click_while_running_starts_nothing(client, make_user, data):
    lifecycle.start_run(year=YEAR, trigger="nightly")
    client.force_login(make_user(role=Role.OFFICE, region=JINAN, username="runner"))
    response = client.post("/reporting/assessment/", {"year": YEAR}, follow=True)
    assert "正在进行中" in response.content.decode()
    assert AssessmentRun.objects.filter(year=YEAR).count() == 1


def test_only_offices_start_runs(client, make_user):
    client.force_login(make_user(role=Role.REGION_OFFICIAL, region=JINAN))
    assert client.post("/reporting/assessment/", {"year": YEAR}).status_code == 404
    assert client.get("/reporting/assessment/runs/1/").status_code == 404


def test_a_path_rescore_keeps_the_own_entries_of_the_regions_above(data, rulebook, periods):
    """福州市 and 福建省 enter a figure of their own: a town's re-score climbs past them and
    keeps their entries, as a full run does."""
    approved("350100", periods[1], {"fujian_brands": 5})
    approved("350000", periods[2], {"fujian_brands": 70})
    runs.run_year(year=YEAR)
    assert figure("350100", "fujian_brands") == 5 and figure("350000", "fujian_brands") == 70
    submission = approved("350111103", periods[3], {"prov_sampled": 20, "prov_qualified": 20},
                          status=Status.SUBMITTED)  # fmt: skip
    Submission.objects.filter(pk=submission.pk).update(status=Status.APPROVED)
    runs.rescore_path(year=YEAR, region=submission.region)
    assert figure("350100", "fujian_brands") == 5 and figure("350000", "fujian_brands") == 70
    after_path = snapshot()
    runs.run_year(year=YEAR)
    assert snapshot() == after_path


def test_a_silent_run_is_dead_within_a_minute_where_it_beats(data, rulebook, settings):
    """On PostgreSQL a thread beats for the run: a minute of silence means its worker died,
    and the next run takes the year over (SQLite, without the thread, allows its stages)."""
    from django.db import connection

    expected = timedelta(minutes=1) if connection.vendor == "postgresql" else timedelta(minutes=15)
    assert lifecycle.stale_after() == expected
    dead = AssessmentRun.objects.create(year=YEAR, trigger="manual", status=RunStatus.RUNNING,
                                        heartbeat_at=timezone.now() - expected
                                        - timedelta(seconds=1))  # fmt: skip
    run = runs.run_year(year=YEAR)
    dead.refresh_from_db()
    assert dead.status == RunStatus.FAILED and run.status == RunStatus.SUCCEEDED


def test_a_failure_is_recorded_on_a_fresh_connection_when_the_runs_died(data, monkeypatch):
    """A database restart mid-run kills the run's connection: the failure is still written."""
    from django.db import DatabaseError, connections

    connection = connections["default"]  # the wrapper itself, not the module's proxy
    run = lifecycle.start_run(year=YEAR, trigger="manual")
    real_update = type(AssessmentRun.objects.all()).update
    calls = []

    def first_fails(self, **kwargs):
        calls.append(kwargs.get("status"))
        if len(calls) == 1:
            raise DatabaseError("server closed the connection unexpectedly")
        return real_update(self, **kwargs)

    closed = []
    monkeypatch.setattr(type(AssessmentRun.objects.all()), "update", first_fails)
    monkeypatch.setattr(connection, "close", lambda: closed.append(True))
    monkeypatch.setattr(connection, "in_atomic_block", False)  # as in a worker, between runs
    lifecycle.fail(run, RuntimeError("boom"))
    assert closed == [True] and calls == [RunStatus.FAILED, RunStatus.FAILED]
