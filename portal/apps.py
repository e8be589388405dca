from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("基础数据：区划、部门与用户")

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.db.models.signals import pre_save

        from portal.tokens import revoke_on_password_change

        pre_save.connect(
            revoke_on_password_change,
            sender=get_user_model(),
            dispatch_uid="portal.tokens.revoke_on_password_change",
        )
