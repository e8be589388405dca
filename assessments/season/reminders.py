"""E-mail reminders of the assessment season: a few days before a window closes, the units that
have not submitted their self-assessment, the reviewers with items still to score, and (in
publicity) every unit, so that an objection is raised in time. Each recipient is reminded once
per season and window; a failed mail server is tried again on the next run for those only."""

import logging
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from assessments.models import (
    Appraisal,
    AppraisalState,
    Season,
    SeasonReminder,
    SeasonUnit,
    SelfStatus,
    Stage,
)
from assessments.season import services
from portal import periods, scoping
from portal.models import Role, User

logger = logging.getLogger(__name__)

AHEAD_DAYS = 3
WINDOWS = {Stage.SELF: "self_until", Stage.REVIEW: "review_until",
           Stage.PUBLICITY: "publicity_until"}  # fmt: skip


@dataclass
class Outcome:
    sent: int = 0
    failed: list[str] = field(default_factory=list)


def _unit_users(unit: SeasonUnit) -> list[User]:
    return [u for u in services.unit_users(unit) if u.email]


def _who_is_reminded(season: Season) -> list[tuple[str, list[User], str]]:
    """(key, users, what) for every recipient the season's open window concerns."""
    out = []
    if season.stage == Stage.SELF:
        for unit in season.units.filter(self_status=SelfStatus.DRAFT).select_related(
            "region", "department"
        ):
            out.append((f"unit:{unit.pk}", _unit_users(unit), _("提交自评")))
    elif season.stage == Stage.REVIEW:
        waiting = Appraisal.objects.filter(
            unit__season=season, state=AppraisalState.SUBMITTED
        ).select_related("item", "unit")
        counts: dict[int | None, int] = {}
        for appraisal in waiting:
            office = scoping.reviewer_is_office(
                lead_department_id=appraisal.item.lead_department_id,
                unit_department_id=appraisal.unit.department_id,
            )
            key = None if office else appraisal.item.lead_department_id
            counts[key] = counts.get(key, 0) + 1
        for department_id, count in counts.items():
            if department_id is None:
                users = User.objects.filter(
                    role=Role.OFFICE, region_id=season.rulebook.scope_id, is_active=True
                )
                key = "office"
            else:
                users = User.objects.filter(
                    role=Role.DEPARTMENT, department_id=department_id, is_active=True
                )
                key = f"dept:{department_id}"
            what = _("评审 %(n)d 个项目") % {"n": count}
            out.append((key, [u for u in users if u.email], what))
    elif season.stage == Stage.PUBLICITY:
        for unit in season.units.select_related("region", "department"):
            out.append(
                (f"unit:{unit.pk}", _unit_users(unit), _("核对公示结果（如有异议请在截止前提出）"))
            )
    return out


def send_season_reminders(*, on: date | None = None) -> Outcome:
    on = on or periods.today()
    outcome = Outcome()
    for season in Season.objects.exclude(stage=Stage.FINAL).select_related("rulebook__scope"):
        field_name = WINDOWS.get(season.stage)
        if field_name is None:
            continue
        closes = getattr(season, field_name)
        if not on <= closes <= on + timedelta(days=AHEAD_DAYS):
            continue
        for key, users, what in _who_is_reminded(season):
            if not users:
                continue
            recipients = sorted({u.email for u in users})
            try:
                with transaction.atomic():
                    SeasonReminder.objects.create(
                        season=season, window=season.stage, key=key,
                        recipients=", ".join(recipients),
                    )  # fmt: skip
                    send_mail(
                        _("【年度考核】%(name)s：请于 %(due)s 前%(what)s")
                        % {"name": season.rulebook.name, "due": closes, "what": what},
                        _("%(name)s（%(stage)s阶段）将于 %(due)s 截止，请于截止前%(what)s。\n\n"
                          "请登录质量强区目标管理平台办理：%(path)s")
                        % {"name": season.rulebook, "stage": season.get_stage_display(),
                           "due": closes, "what": what,
                           "path": reverse("season:detail", args=[season.pk])},
                        None,
                        recipients,
                    )  # fmt: skip
            except IntegrityError:
                continue  # reminded already (by this window's earlier run)
            except OSError as error:  # the mail server: the claim rolled back, tried again later
                logger.warning("season reminder %s/%s not sent: %s", season.pk, key, error)
                outcome.failed.append(key)
                continue
            outcome.sent += 1
    return outcome
