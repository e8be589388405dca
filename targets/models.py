"""What a policy says: documents, their sections, targets, tasks, duties, groups and phases."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.models import Department, Region
from targets import status


class PolicyDocument(models.Model):
    """A policy document (意见、方案、行动计划) issued by a government for a region."""

    key = models.SlugField(
        _("标识"), max_length=64, unique=True, help_text=_("稳定的英文标识，如 fujian-2014")
    )
    title = models.CharField(_("标题"), max_length=255)
    doc_number = models.CharField(_("文号"), max_length=64, blank=True)
    issuer = models.CharField(_("发文机关"), max_length=128)
    issue_date = models.DateField(_("成文日期"), null=True, blank=True)
    published_date = models.DateField(_("印发/发布日期"), null=True, blank=True)
    start_year = models.PositiveSmallIntegerField(_("起始年度"), null=True, blank=True)
    horizon_year = models.PositiveSmallIntegerField(_("目标年度"), null=True, blank=True)
    region = models.ForeignKey(
        Region, verbose_name=_("适用区划"), on_delete=models.PROTECT, related_name="documents"
    )
    full_text = models.TextField(_("全文"))
    in_force = models.BooleanField(_("现行有效"), default=True)
    carried_forward = models.BooleanField(
        _("到期后继续考核"),
        default=False,
        help_text=_(
            "目标年度已过的文件，其目标默认不再考核；勾选后按当年继续考核（“已过，按当年评价”）"
        ),
    )

    class Meta:
        verbose_name = _("政策文件")
        verbose_name_plural = _("政策文件")
        ordering = ["-issue_date", "title"]

    def __str__(self) -> str:
        return self.title

    def expired_in(self, year: int) -> bool:
        """Whether the document's horizon has passed in ``year`` without the office carrying its
        targets forward: it shows as 已到期 and its targets are not judged (see
        targets.selectors.judged_in_q, the same rule for querysets)."""
        return bool(self.horizon_year and self.horizon_year < year and not self.carried_forward)

    def _names(self, role: str) -> str:
        # From the prefetched assignments (no query per task on a document page).
        names = [a.department.short_name for a in self.assignments.all() if a.role == role]
        return "、".join(names)

    @property
    def lead_names(self) -> str:
        """The lead departments, joined as a document writes them ("A、B")."""
        return self._names(AssignmentRole.LEAD)

    @property
    def cooperating_names(self) -> str:
        return self._names(AssignmentRole.COOPERATING)


class Section(models.Model):
    """A numbered part of a document (一、 （一） 1、) located by character offsets in its text."""

    document = models.ForeignKey(
        PolicyDocument, verbose_name=_("文件"), on_delete=models.CASCADE, related_name="sections"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级章节"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    number = models.CharField(_("序号"), max_length=16, help_text=_("如 一、（一）、1"))
    path = models.CharField(_("章节路径"), max_length=64, help_text=_("如 三/（一）/1"))
    title = models.CharField(_("标题"), max_length=255)
    depth = models.PositiveSmallIntegerField(_("层级"))
    order = models.PositiveIntegerField(_("顺序"))
    start = models.PositiveIntegerField(_("起始位置"))
    end = models.PositiveIntegerField(_("结束位置"))

    class Meta:
        verbose_name = _("章节")
        verbose_name_plural = _("章节")
        ordering = ["document", "order"]
        constraints = [
            models.UniqueConstraint(fields=["document", "path"], name="section_unique_path")
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class TargetKind(models.TextChoices):
    """The kinds of quantitative target found in the documents (DOMAIN.md)."""

    RATE = "rate", _("比率达标")
    RELATIVE = "relative", _("相对参照值")
    STOCK = "stock", _("存量数量")
    NEW_SINCE_BASELINE = "new", _("基期以来新增")
    FIRST_EVER = "first", _("零的突破")
    PARTICIPATION = "participation", _("参与数量")
    ALL_OR_NOTHING = "all", _("全部达标")


class Comparator(models.TextChoices):
    GTE = ">=", _("不低于（≥）")
    GT = ">", _("高于（>）")
    LTE = "<=", _("不高于（≤）")
    LT = "<", _("低于（<）")
    EQ = "=", _("等于（=）")


class Target(models.Model):
    """A quantitative target of a document, with the sentence it comes from."""

    document = models.ForeignKey(
        PolicyDocument, verbose_name=_("文件"), on_delete=models.CASCADE, related_name="targets"
    )
    section = models.ForeignKey(
        Section,
        verbose_name=_("所在章节"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="targets",
    )
    code = models.CharField(_("编号"), max_length=32, help_text=_("文件内唯一，如 T01"))
    order = models.PositiveIntegerField(_("顺序"), default=0)
    region = models.ForeignKey(
        Region, verbose_name=_("适用区划"), on_delete=models.PROTECT, related_name="targets"
    )
    indicator = models.CharField(_("指标名称"), max_length=128)
    kind = models.CharField(_("目标类型"), max_length=16, choices=TargetKind.choices)
    comparator = models.CharField(_("比较方式"), max_length=2, choices=Comparator.choices)
    value = models.DecimalField(
        _("目标值"),
        max_digits=14,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("相对目标（如“高于全省平均水平”）留空，并填写参照"),
    )
    unit = models.CharField(_("单位"), max_length=16, blank=True, help_text=_("如 %、项、家、个"))
    reference = models.CharField(
        _("参照"), max_length=64, blank=True, help_text=_("相对目标的参照，如“全省平均水平”")
    )
    horizon_year = models.PositiveSmallIntegerField(_("目标年度"), null=True, blank=True)
    baseline_year = models.PositiveSmallIntegerField(_("基期年度"), null=True, blank=True)
    baseline_value = models.DecimalField(
        _("基期值"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    aspirational = models.BooleanField(
        _("力争目标"), default=False, help_text=_("文件用“力争”“争取”表述的目标，仍须跟踪")
    )
    quote = models.TextField(_("原文语句"))
    responsible_departments = models.ManyToManyField(
        Department, verbose_name=_("责任部门"), blank=True, related_name="targets"
    )
    responsibility_basis = models.CharField(
        _("责任依据"),
        max_length=255,
        blank=True,
        help_text=_("责任部门的来源：文件原文或职责分工的推定"),
    )

    class Meta:
        verbose_name = _("目标")
        verbose_name_plural = _("目标")
        ordering = ["document", "order"]
        constraints = [
            models.UniqueConstraint(fields=["document", "code"], name="target_unique_code"),
            models.CheckConstraint(
                name="target_value_or_reference",
                condition=models.Q(value__isnull=False) | ~models.Q(reference=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.describe()}"

    def describe(self) -> str:
        """The requirement in words, e.g. "≥ 93%" or "> 全省平均水平"."""
        symbol = status.symbol(self.comparator)
        if self.value is None:
            return f"{symbol} {self.reference}"
        value = self.value.normalize()
        text = f"{value:f}"
        return f"{symbol} {text}{self.unit}"


class Task(models.Model):
    """A task of a document (工作任务), assigned to lead and cooperating departments."""

    document = models.ForeignKey(
        PolicyDocument, verbose_name=_("文件"), on_delete=models.CASCADE, related_name="tasks"
    )
    section = models.ForeignKey(
        Section,
        verbose_name=_("所在章节"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tasks",
    )
    code = models.CharField(_("编号"), max_length=32)
    order = models.PositiveIntegerField(_("顺序"), default=0)
    title = models.CharField(_("任务名称"), max_length=255)
    text = models.TextField(_("任务内容"))
    assignment_text = models.CharField(
        _("分工原文"), max_length=500, blank=True, help_text=_("括号中的分工表述原文")
    )
    deadline = models.DateField(_("完成时限"), null=True, blank=True)
    phase = models.ForeignKey(
        "CampaignPhase",
        verbose_name=_("所属阶段"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tasks",
    )
    departments = models.ManyToManyField(
        Department, through="TaskAssignment", verbose_name=_("责任部门"), related_name="tasks"
    )

    class Meta:
        verbose_name = _("工作任务")
        verbose_name_plural = _("工作任务")
        ordering = ["document", "order"]
        constraints = [
            models.UniqueConstraint(fields=["document", "code"], name="task_unique_code")
        ]

    def __str__(self) -> str:
        return self.title

    def expired_in(self, year: int) -> bool:
        """Whether the document's horizon has passed in ``year`` without the office carrying its
        targets forward: it shows as 已到期 and its targets are not judged (see
        targets.selectors.judged_in_q, the same rule for querysets)."""
        return bool(self.horizon_year and self.horizon_year < year and not self.carried_forward)


class AssignmentRole(models.TextChoices):
    LEAD = "lead", _("牵头")
    COOPERATING = "cooperating", _("配合/按职责分工负责")


class TaskAssignment(models.Model):
    """One department's part in a task, with the words the document used for it."""

    task = models.ForeignKey(
        Task, verbose_name=_("任务"), on_delete=models.CASCADE, related_name="assignments"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("部门"), on_delete=models.PROTECT, related_name="assignments"
    )
    role = models.CharField(_("分工"), max_length=16, choices=AssignmentRole.choices)
    wording = models.CharField(
        _("原文表述"), max_length=32, blank=True, help_text=_("如 牵头、按职责分工负责、参加")
    )
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("任务分工")
        verbose_name_plural = _("任务分工")
        ordering = ["task", "role", "order"]
        constraints = [
            models.UniqueConstraint(fields=["task", "department"], name="assignment_unique")
        ]

    def __str__(self) -> str:
        return f"{self.department.short_name}（{self.get_role_display()}）"


class Duty(models.Model):
    """A standing duty (职责) a document gives to one or more departments."""

    document = models.ForeignKey(
        PolicyDocument, verbose_name=_("文件"), on_delete=models.CASCADE, related_name="duties"
    )
    section = models.ForeignKey(
        Section,
        verbose_name=_("所在章节"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="duties",
    )
    code = models.CharField(_("编号"), max_length=32)
    order = models.PositiveIntegerField(_("顺序"), default=0)
    holder = models.CharField(
        _("责任主体原文"), max_length=128, help_text=_("文件中的写法，如“财政、税务等部门”")
    )
    text = models.TextField(_("职责内容"))
    departments = models.ManyToManyField(
        Department, verbose_name=_("对应部门"), blank=True, related_name="duties"
    )

    class Meta:
        verbose_name = _("部门职责")
        verbose_name_plural = _("部门职责")
        ordering = ["document", "order"]
        constraints = [
            models.UniqueConstraint(fields=["document", "code"], name="duty_unique_code")
        ]

    def __str__(self) -> str:
        return f"{self.holder}：{self.text[:30]}"


class LeadershipGroup(models.Model):
    """The leadership group (领导小组) a document sets up, and where its office sits."""

    document = models.ForeignKey(
        PolicyDocument,
        verbose_name=_("文件"),
        on_delete=models.CASCADE,
        related_name="leadership_groups",
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("区划"),
        on_delete=models.PROTECT,
        related_name="leadership_groups",
    )
    name = models.CharField(_("名称"), max_length=128)
    leader = models.CharField(_("组长"), max_length=128, blank=True)
    deputy_leader = models.CharField(_("副组长"), max_length=128, blank=True)
    office_name = models.CharField(_("办公室名称"), max_length=128)
    office_host = models.ForeignKey(
        Department,
        verbose_name=_("办公室设在"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hosted_offices",
    )
    office_duties = models.TextField(_("办公室职责"), blank=True)
    members = models.ManyToManyField(
        Department, verbose_name=_("成员单位"), blank=True, related_name="leadership_groups"
    )
    other_members = models.CharField(
        _("其他成员"), max_length=255, blank=True, help_text=_("非政府部门的成员，如各有关协会")
    )
    quote = models.TextField(_("原文语句"))

    class Meta:
        verbose_name = _("领导小组")
        verbose_name_plural = _("领导小组")

    def __str__(self) -> str:
        return self.name


class CampaignPhase(models.Model):
    """A phase of a campaign with its date window (动员部署、全面实施、自查整改、申报验收)."""

    document = models.ForeignKey(
        PolicyDocument, verbose_name=_("文件"), on_delete=models.CASCADE, related_name="phases"
    )
    name = models.CharField(_("阶段名称"), max_length=64)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"))
    description = models.TextField(_("工作内容"), blank=True)

    class Meta:
        verbose_name = _("工作阶段")
        verbose_name_plural = _("工作阶段")
        ordering = ["document", "order"]
        constraints = [
            models.CheckConstraint(
                name="phase_window_ordered", condition=models.Q(end__gte=models.F("start"))
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.start:%Y-%m-%d}～{self.end:%Y-%m-%d}）"


class DraftStatus(models.TextChoices):
    OPEN = "open", _("待审阅")
    ACCEPTED = "accepted", _("已采纳")
    DISCARDED = "discarded", _("已放弃")


class DocumentDraft(models.Model):
    """A pasted or uploaded policy text with what the reader found in it, awaiting review."""

    region = models.ForeignKey(
        Region, verbose_name=_("适用区划"), on_delete=models.PROTECT, related_name="+"
    )
    source_name = models.CharField(_("来源文件"), max_length=255, blank=True)
    text = models.TextField(_("全文"))
    reading = models.JSONField(_("识别结果"))
    status = models.CharField(
        _("状态"), max_length=16, choices=DraftStatus.choices, default=DraftStatus.OPEN
    )
    document = models.ForeignKey(
        PolicyDocument,
        verbose_name=_("生成的文件"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        "portal.User", verbose_name=_("创建人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("文件识别草稿")
        verbose_name_plural = _("文件识别草稿")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.reading.get("title") or self.source_name or f"草稿 {self.pk}"
