"""Admin screens for documents, targets, tasks, duties, leadership groups and phases."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from targets.models import (
    CampaignPhase,
    Duty,
    LeadershipGroup,
    PolicyDocument,
    Section,
    Target,
    Task,
    TaskAssignment,
)


class SectionInline(admin.TabularInline):
    model = Section
    extra = 0
    fields = ["path", "title", "depth", "start", "end"]
    readonly_fields = fields
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class PhaseInline(admin.TabularInline):
    model = CampaignPhase
    extra = 0


@admin.register(PolicyDocument)
class PolicyDocumentAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "doc_number",
        "issuer",
        "issue_date",
        "horizon_year",
        "region",
        "in_force",
    ]
    list_filter = ["in_force", "horizon_year", "region__level"]
    search_fields = ["title", "doc_number", "issuer", "full_text"]
    autocomplete_fields = ["region"]
    date_hierarchy = "issue_date"
    inlines = [PhaseInline, SectionInline]


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "indicator",
        "describe_requirement",
        "kind",
        "horizon_year",
        "aspirational",
        "document",
    ]
    list_filter = ["document", "kind", "aspirational", "horizon_year"]
    search_fields = ["indicator", "quote", "code"]
    autocomplete_fields = ["document", "region", "responsible_departments"]
    raw_id_fields = ["section"]
    fieldsets = [
        (None, {"fields": ["document", "section", "code", "order", "region"]}),
        (
            _("目标"),
            {
                "fields": [
                    "indicator",
                    "kind",
                    "comparator",
                    "value",
                    "unit",
                    "reference",
                    "horizon_year",
                    "aspirational",
                ]
            },
        ),
        (_("基期"), {"fields": ["baseline_year", "baseline_value"], "classes": ["collapse"]}),
        (_("出处与责任"), {"fields": ["quote", "responsible_departments", "responsibility_basis"]}),
    ]

    @admin.display(description=_("要求"))
    def describe_requirement(self, obj: Target) -> str:
        return obj.describe()


class TaskAssignmentInline(admin.TabularInline):
    model = TaskAssignment
    extra = 1
    autocomplete_fields = ["department"]


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "document", "lead_departments", "deadline", "phase"]
    list_filter = ["document", "phase"]
    search_fields = ["title", "text", "assignment_text"]
    autocomplete_fields = ["document"]
    raw_id_fields = ["section", "phase"]
    inlines = [TaskAssignmentInline]

    @admin.display(description=_("牵头部门"))
    def lead_departments(self, obj: Task) -> str:
        leads = [a.department.short_name for a in obj.assignments.all() if a.role == "lead"]
        return "、".join(leads) or "—"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("document", "phase")
            .prefetch_related("assignments__department")
        )


@admin.register(Duty)
class DutyAdmin(admin.ModelAdmin):
    list_display = ["code", "holder", "short_text", "document"]
    list_filter = ["document"]
    search_fields = ["holder", "text"]
    autocomplete_fields = ["document", "departments"]
    raw_id_fields = ["section"]

    @admin.display(description=_("职责内容"))
    def short_text(self, obj: Duty) -> str:
        return obj.text[:40]


@admin.register(LeadershipGroup)
class LeadershipGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "region", "office_name", "office_host", "document"]
    search_fields = ["name", "office_name"]
    autocomplete_fields = ["document", "region", "office_host", "members"]


@admin.register(CampaignPhase)
class CampaignPhaseAdmin(admin.ModelAdmin):
    list_display = ["name", "document", "start", "end"]
    list_filter = ["document"]
    search_fields = ["name"]
