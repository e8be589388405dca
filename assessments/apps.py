from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = _("指标填报与考核")

    def ready(self) -> None:
        from assessments import dashboard_cache, services, signals

        dashboard_cache.connect()

        if signals.enqueue_rescore not in services.after_decision:
            services.after_decision.append(signals.enqueue_rescore)
