"""Entry, submission, approval across levels, locking, conflicts, windows and audit."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from assessments.models import AuditAction, AuditEntry, Status, Submission, WindowReopening
from assessments.reporting import errors, references, services
from assessments.reporting.selectors import completeness, expected_regions
from portal.models import Region, Role
from portal.periods import today

from .conftest import GUSHAN, JINAN, TOWN_FIGURES

pytestmark = pytest.mark.django_db


def region(code):
    return Region.objects.get(code=code)


def filled(user, code, period, figures=None, comments=None):
    submission = services.open_submission(user=user, region=region(code), period=period)
    services.save_figures(
        user=user,
        submission=submission,
        version=submission.version,
        figures=figures or TOWN_FIGURES,
        comments=comments,
    )
    return submission


def submitted(user, code, period):
    submission = filled(user, code, period)
    return services.submit(user=user, submission=submission, version=submission.version)


def test_a_draft_saves_and_audits_every_figure(people, period):
    submission = filled(people["town"], GUSHAN, period)
    assert submission.version == 2
    assert submission.values.count() == len(TOWN_FIGURES)
    entries = AuditEntry.objects.filter(submission=submission, action=AuditAction.VALUE)
    assert entries.count() == len(TOWN_FIGURES)
    first = entries.get(element__code="nat_sampled")
    assert (first.old, first.new, first.user, first.source) == ("", "40", people["town"], "form")


def test_a_hard_error_saves_nothing(people, period):
    submission = services.open_submission(user=people["town"], region=region(GUSHAN), period=period)
    bad = dict(TOWN_FIGURES, prov_qualified="121")  # more qualified than sampled
    with pytest.raises(errors.InvalidFigures) as error:
        services.save_figures(user=people["town"], submission=submission, version=1, figures=bad)
    assert [i.element for i in error.value.issues] == ["prov_qualified"]
    submission.refresh_from_db()
    assert submission.values.count() == 0 and submission.version == 1


def test_a_changed_figure_records_old_and_new(people, period):
    submission = filled(people["town"], GUSHAN, period)
    services.save_figures(
        user=people["district"],
        submission=submission,
        version=submission.version,
        figures=dict(TOWN_FIGURES, nat_sampled="41"),
        comments={"nat_sampled": "补录一批"},
    )
    entry = AuditEntry.objects.filter(element__code="nat_sampled").latest("pk")
    assert (entry.old, entry.new, entry.reason, entry.user) == (
        "40",
        "41",
        "补录一批",
        people["district"],
    )


def test_two_people_saving_the_same_version_get_a_conflict_not_a_lost_update(people, period):
    submission = services.open_submission(user=people["town"], region=region(GUSHAN), period=period)
    loaded_by_town = Submission.objects.get(pk=submission.pk)
    loaded_by_district = Submission.objects.get(pk=submission.pk)
    services.save_figures(
        user=people["town"], submission=loaded_by_town, version=1, figures=TOWN_FIGURES
    )
    with pytest.raises(errors.Conflict) as error:
        services.save_figures(
            user=people["district"],
            submission=loaded_by_district,
            version=1,
            figures=dict(TOWN_FIGURES, nat_sampled="999"),
        )
    assert "第 1 版" in str(error.value) and "第 2 版" in str(error.value)
    assert submission.values.get(element__code="nat_sampled").value == 40


def test_submission_needs_every_figure(people, period):
    submission = filled(people["town"], GUSHAN, period, figures={"nat_sampled": "3"})
    with pytest.raises(errors.InvalidFigures) as error:
        services.submit(user=people["town"], submission=submission, version=submission.version)
    assert len(error.value.issues) == len(TOWN_FIGURES) - 1


def test_a_soft_warning_needs_a_comment_before_submission(people, period):
    from assessments.models import Period

    history = []
    for quarter in (2, 3, 4):
        earlier = Period.objects.create(
            year=2089, quarter=quarter, opens_on=period.opens_on, closes_on=period.closes_on
        )
        history.append(submitted(people["town"], GUSHAN, earlier))
    figures = dict(TOWN_FIGURES, prov_sampled="1200", prov_qualified="1130")
    submission = filled(people["town"], GUSHAN, period, figures=figures)
    with pytest.raises(errors.InvalidFigures) as error:
        services.submit(user=people["town"], submission=submission, version=submission.version)
    assert {i.element for i in error.value.issues} == {"prov_sampled", "prov_qualified"}
    assert all(i.level == "warning" for i in error.value.issues)
    services.save_figures(
        user=people["town"],
        submission=submission,
        version=submission.version,
        figures=figures,
        comments={"prov_sampled": "开展食品专项抽查", "prov_qualified": "同上"},
    )
    services.submit(user=people["town"], submission=submission, version=submission.version)
    assert submission.status == Status.SUBMITTED


def test_submitted_figures_cannot_be_edited(people, period):
    submission = submitted(people["town"], GUSHAN, period)
    with pytest.raises(errors.ReportingError, match="已提交"):
        services.save_figures(
            user=people["town"], submission=submission, version=submission.version, figures={}
        )


def test_only_the_office_above_approves_and_only_after_the_levels_below(people, period):
    jinan = region(JINAN)
    town_submission = submitted(people["town"], GUSHAN, period)
    district_figures = {
        "works_completed": "12",
        "works_qualified": "12",
        "quality_award_firms": "3",
        "fujian_brands": "26",
        "fuzhou_award_products": "15",
        "famous_trademark_firms": "24",
        "china_brands": "0",
        "tianjin_brands_new": "0",
        "key_products": "40",
        "key_products_adopting": "30",
        "secretariat_firms": "2",
        "standards_drafted": "3",
        "intl_standard_products": "4",
        "enterprise_products": "300",
        "products_with_standard": "290",
        "iso9000_firms": "20",
    }
    district_submission = services.open_submission(
        user=people["district"], region=jinan, period=period
    )
    services.save_figures(
        user=people["district"], submission=district_submission, version=1, figures=district_figures
    )
    services.submit(user=people["district"], submission=district_submission, version=2)

    with pytest.raises(PermissionDenied):  # an office does not approve its own region
        services.approve(user=people["district_office"], submission=district_submission)
    with pytest.raises(PermissionDenied):  # an official never approves
        services.approve(user=people["district"], submission=town_submission)
    with pytest.raises(errors.ReportingError, match="下级区划尚有 9 个未审核通过"):
        services.approve(user=people["city_office"], submission=district_submission)

    for code in expected_regions(jinan).values_list("code", flat=True):
        submission = (
            town_submission if code == GUSHAN else submitted(people["district"], code, period)
        )
        services.approve(user=people["district_office"], submission=submission)
    services.approve(user=people["city_office"], submission=district_submission)
    assert district_submission.status == Status.APPROVED
    assert district_submission.is_locked


def test_approved_figures_are_locked_until_unlocked_with_a_reason(people, period):
    submission = submitted(people["town"], GUSHAN, period)
    services.approve(user=people["district_office"], submission=submission)
    with pytest.raises(errors.ReportingError, match="已审核锁定"):
        services.save_figures(
            user=people["town"], submission=submission, version=submission.version, figures={}
        )
    with pytest.raises(errors.ReportingError, match="必须填写原因"):
        services.unlock(user=people["district_office"], submission=submission, reason=" ")
    services.unlock(
        user=people["district_office"], submission=submission, reason="食品抽查批次录错"
    )
    assert submission.status == Status.RETURNED
    assert "食品抽查批次录错" in submission.return_reason
    actions = list(
        AuditEntry.objects.filter(submission=submission)
        .exclude(action=AuditAction.VALUE)
        .values_list("action", "new")
    )
    assert actions == [
        (AuditAction.STATUS, Status.SUBMITTED),
        (AuditAction.STATUS, Status.APPROVED),
        (AuditAction.LOCK, "locked"),
        (AuditAction.UNLOCK, ""),
        (AuditAction.STATUS, Status.RETURNED),
    ]
    services.save_figures(
        user=people["town"],
        submission=submission,
        version=submission.version,
        figures=dict(TOWN_FIGURES, food_sampled="51"),
    )


def test_a_return_needs_a_reason_the_official_sees(people, period):
    submission = submitted(people["town"], GUSHAN, period)
    with pytest.raises(errors.ReportingError):
        services.return_to_official(
            user=people["district_office"], submission=submission, reason=""
        )
    services.return_to_official(
        user=people["district_office"], submission=submission, reason="出口数据缺说明"
    )
    assert (submission.status, submission.return_reason) == (Status.RETURNED, "出口数据缺说明")


def test_officials_enter_only_for_their_region_and_below(people, period):
    with pytest.raises(PermissionDenied):
        services.open_submission(user=people["sibling_town"], region=region(GUSHAN), period=period)
    with pytest.raises(PermissionDenied):
        services.open_submission(user=people["baodi"], region=region(GUSHAN), period=period)
    with pytest.raises(PermissionDenied):
        services.open_submission(
            user=people["district_office"], region=region(GUSHAN), period=period
        )
    with pytest.raises(PermissionDenied):
        services.open_submission(user=people["town"], region=region(JINAN), period=period)
    assert services.open_submission(user=people["district"], region=region(GUSHAN), period=period)


def test_a_closed_window_needs_the_office_to_reopen_it(people, closed_period):
    submission = services.open_submission(
        user=people["town"], region=region(GUSHAN), period=closed_period
    )
    with pytest.raises(errors.ReportingError, match="不在填报期内"):
        services.save_figures(
            user=people["town"], submission=submission, version=1, figures=TOWN_FIGURES
        )
    with pytest.raises(PermissionDenied):
        services.reopen_window(
            user=people["town"],
            period=closed_period,
            region=region(GUSHAN),
            until=today() + timedelta(days=3),
            reason="补报",
        )
    services.reopen_window(
        user=people["district_office"],
        period=closed_period,
        region=region(GUSHAN),
        until=today() + timedelta(days=3),
        reason="系统故障补报",
    )
    services.save_figures(
        user=people["town"], submission=submission, version=1, figures=TOWN_FIGURES
    )
    services.submit(user=people["town"], submission=submission, version=2)
    rows = {
        row.region.code: row.state
        for row in completeness(
            user=people["district_office"], region=region(JINAN), period=closed_period
        ).rows
    }
    assert rows[GUSHAN] == "late"
    assert WindowReopening.objects.count() == 1


def test_completeness_counts_expected_received_on_time_late_and_missing(people, period):
    submitted(people["town"], GUSHAN, period)
    filled(people["district"], "350111101", period)  # a draft only
    report = completeness(user=people["district_office"], region=region(JINAN), period=period)
    assert report.expected == 9
    assert (report.received, report.count("on_time"), report.count("late")) == (1, 1, 0)
    assert (report.count("draft"), report.count("missing")) == (1, 7)
    outsider = completeness(user=people["baodi"], region=region(JINAN), period=period)
    assert outsider.expected == 0


def test_only_the_office_of_the_values_region_records_a_reference_value(people, make_user):
    from decimal import Decimal

    from assessments.models import Indicator, ReferenceValue

    indicator = Indicator.objects.get(code="nat_pass_rate")
    fujian = region("350000")
    province = make_user(role=Role.OFFICE, region="350000", username="province-office")
    reference = references.record_reference_value(
        user=province, indicator=indicator, region=fujian, year=2090,
        value=Decimal("93.6"), source="福建省2090年监督抽查通报",
    )  # fmt: skip
    assert (reference.value, reference.entered_by) == (Decimal("93.6"), province)
    # 晋安区's office once overwrote 全省平均水平 and moved every peer district's score.
    with pytest.raises(PermissionDenied):
        references.record_reference_value(
            user=people["district_office"], indicator=indicator, region=fujian, year=2090,
            value=Decimal("50"), source="晋安区",
        )  # fmt: skip
    assert ReferenceValue.objects.get(pk=reference.pk).value == Decimal("93.6")
    with pytest.raises(errors.ReportingError, match="来源"):
        references.record_reference_value(
            user=province, indicator=indicator, region=fujian, year=2090,
            value=Decimal("93"), source=" ",
        )  # fmt: skip
    with pytest.raises(errors.ReportingError, match="超出合理范围"):
        references.record_reference_value(
            user=province, indicator=indicator, region=fujian, year=2090,
            value=Decimal("101"), source="x",
        )  # fmt: skip
    with pytest.raises(PermissionDenied):  # not an office
        references.record_reference_value(
            user=people["district"], indicator=indicator, region=fujian, year=2090,
            value=Decimal("93"), source="x",
        )  # fmt: skip
    with pytest.raises(PermissionDenied):  # a region below, not above
        references.record_reference_value(
            user=people["district_office"], indicator=indicator, region=region(GUSHAN),
            year=2090, value=Decimal("93"), source="x",
        )  # fmt: skip


def test_the_reference_page_refuses_a_district_writing_the_provinces_value(people, client):
    from assessments.models import ReferenceValue

    client.force_login(people["district_office"])
    page = client.get(reverse("assessments:reference_values"))
    assert [r.code for r in page.context["regions"]] == [JINAN]  # its own region only
    before = ReferenceValue.objects.count()
    response = client.post(
        reverse("assessments:reference_values"),
        {"region": "350000", "indicator": "nat_pass_rate", "year": "2090", "value": "50",
         "source": "晋安区"},
        follow=True,
    )  # fmt: skip
    assert "输入无效" in response.content.decode()
    assert ReferenceValue.objects.count() == before
