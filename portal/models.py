"""The shared core: regions, departments, users and the role each user acts in."""

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.IntegerChoices):
    """Administrative level; a municipality (直辖市) is a province, its districts sit below it."""

    PROVINCE = 1, _("省级")
    CITY = 2, _("市级")
    DISTRICT = 3, _("县级")
    TOWN = 4, _("乡级")


class Region(models.Model):
    """A node of the administrative tree, keyed by its division code (GB/T 2260; towns 9 digits)."""

    code = models.CharField(_("区划代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=64)
    level = models.PositiveSmallIntegerField(_("层级"), choices=RegionLevel.choices)
    level_name = models.CharField(
        _("层级名称"), max_length=16, help_text=_("如 省、直辖市、市、区、县、镇、乡、街道")
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级区划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Materialised path of codes ("350000/350100/350111/") so a subtree is one indexed prefix match.
    path = models.CharField(_("路径"), max_length=255, editable=False, db_index=True)

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        # On PostgreSQL db_index on a CharField also builds the varchar_pattern_ops index that
        # makes path__startswith an index range scan.
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        old_path = self.path
        self.path = (self.parent.path if self.parent_id else "") + f"{self.code}/"
        super().save(*args, **kwargs)
        if old_path and old_path != self.path:
            # Re-parenting moves the whole subtree; rewrite descendants' paths in one pass.
            for child in Region.objects.filter(path__startswith=old_path).exclude(pk=self.pk):
                child.path = self.path + child.path[len(old_path) :]
                Region.objects.filter(pk=child.pk).update(path=child.path)

    def clean(self) -> None:
        if self.parent_id and self.parent.level >= self.level:
            raise ValidationError({"level": _("下级区划的层级必须低于上级区划。")})
        if self.parent_id and self.pk and self.parent.path.startswith(self.path or "\0"):
            raise ValidationError({"parent": _("上级区划不能是本区划或其下级。")})

    def ancestors(self) -> models.QuerySet["Region"]:
        """This region and those above it, top first."""
        codes = [code for code in self.path.split("/") if code]
        return Region.objects.filter(code__in=codes).order_by("level")

    def is_within(self, other: "Region") -> bool:
        return self.path.startswith(other.path)


class Department(models.Model):
    """A government department at a region (区质监局 of 晋安区, 省食品药品监管局 of 福建省)."""

    region = models.ForeignKey(
        Region, verbose_name=_("所属区划"), on_delete=models.PROTECT, related_name="departments"
    )
    name = models.CharField(_("全称"), max_length=128)
    short_name = models.CharField(
        _("简称"), max_length=64, help_text=_("文件中常用的写法，如“省质监局”“区质监局”")
    )
    aliases = models.CharField(
        _("其他写法"),
        max_length=255,
        blank=True,
        help_text=_("文件中出现的其他写法，用顿号或逗号分隔，如“质监局、质监部门”"),
    )
    is_active = models.BooleanField(_("在用"), default=True)

    class Meta:
        verbose_name = _("部门")
        verbose_name_plural = _("部门")
        ordering = ["region__path", "name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="department_unique_name"),
            models.UniqueConstraint(
                fields=["region", "short_name"], name="department_unique_short_name"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.short_name}（{self.region.name}）"

    def all_names(self) -> list[str]:
        """Every way a document may write this department's name, longest first."""
        names = {self.name, self.short_name}
        for sep in "、，,;；":
            names = {part for name in names for part in name.split(sep)}
        names |= {alias.strip() for alias in _split_aliases(self.aliases)}
        return sorted((n for n in names if n), key=len, reverse=True)


def _split_aliases(text: str) -> list[str]:
    for sep in "，,;；":
        text = text.replace(sep, "、")
    return [part for part in text.split("、") if part.strip()]


class Role(models.TextChoices):
    """What a user acts for; scope follows from it (see portal.scoping)."""

    REGION_OFFICIAL = "official", _("填报人（区县/乡镇）")
    DEPARTMENT = "department", _("部门用户")
    OFFICE = "office", _("领导小组办公室")
    ADMIN = "admin", _("系统管理员")


class User(AbstractUser):
    """A portal user acting for a region, a department or a leadership-group office."""

    role = models.CharField(_("角色"), max_length=16, choices=Role.choices, blank=True)
    region = models.ForeignKey(
        Region,
        verbose_name=_("所属区划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        help_text=_("填报人和领导小组办公室用户必填：其可见范围是该区划及其下级。"),
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("所属部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        help_text=_("部门用户必填。"),
    )

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            models.CheckConstraint(
                name="user_role_has_its_anchor",
                condition=(
                    Q(role="")
                    | Q(role="admin")
                    | Q(role__in=["official", "office"], region__isnull=False)
                    | Q(role="department", department__isnull=False)
                ),
            )
        ]

    def clean(self) -> None:
        super().clean()
        if self.role in {Role.REGION_OFFICIAL, Role.OFFICE} and not self.region_id:
            raise ValidationError({"region": _("该角色必须指定所属区划。")})
        if self.role == Role.DEPARTMENT and not self.department_id:
            raise ValidationError({"department": _("部门用户必须指定所属部门。")})


class Notice(models.Model):
    """An in-portal notice to one user (the bell in the top bar): what happened, composed in the
    reader's language from its kind and parameters (portal.notices), and where to see it. One
    per user and event (``key``), so an event repeated never notifies twice."""

    user = models.ForeignKey(
        User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="notices"
    )
    kind = models.CharField(_("类型"), max_length=32)
    params = models.JSONField(_("内容参数"), default=dict)
    link = models.CharField(_("链接"), max_length=255, blank=True)
    key = models.CharField(_("事件标识"), max_length=128)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="notice_once_per_event")
        ]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} {self.key}"
