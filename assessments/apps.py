from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    """The app's wiring: its rooms' Celery tasks, the dashboard cache's invalidation, and the
    re-score that follows a reporting decision."""

    name = "assessments"
    verbose_name = _("指标填报与考核")

    def ready(self) -> None:
        # The tasks live in the rooms that own their work; Celery's autodiscovery only looks
        # for <app>.tasks, so the rooms' task modules are registered here.
        from assessments.dashboard import cache as dashboard_cache
        from assessments.reporting import services
        from assessments.reporting import tasks as reporting_tasks  # noqa: F401
        from assessments.scoring import signals
        from assessments.scoring import tasks as scoring_tasks  # noqa: F401
        from assessments.season import tasks as season_tasks  # noqa: F401
        from assessments.workspace import tasks as workspace_tasks  # noqa: F401

        dashboard_cache.connect()

        if signals.record_rescore not in services.in_decision:
            services.in_decision.append(signals.record_rescore)
