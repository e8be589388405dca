"""Admin screens for data elements, indicators, periods, submissions and their audit trail."""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import F
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from assessments.models import (
    AssessmentRun,
    AuditEntry,
    DataElement,
    ElementRule,
    EvidenceFile,
    Indicator,
    Period,
    ProgressReminder,
    ProgressUpdate,
    Publication,
    PublishedResult,
    QualityIncident,
    ReferenceValue,
    Rulebook,
    RuleItem,
    Season,
    SeasonLog,
    SeasonUnit,
    Submission,
    TargetMeasure,
    Value,
    VetoRule,
    WindowReopening,
)
from assessments.scoring import rulebook_checks


@admin.register(DataElement)
class DataElementAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "group", "unit", "value_type", "time_aggregation",
                    "entry_level", "applies_to", "is_active"]  # fmt: skip
    list_filter = ["group", "value_type", "time_aggregation", "entry_level", "is_active"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["applies_to", "weight"]


@admin.register(ElementRule)
class ElementRuleAdmin(admin.ModelAdmin):
    list_display = ["left", "right", "message"]
    autocomplete_fields = ["left", "right"]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "numerator", "denominator", "scale", "unit"]
    list_filter = ["kind"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["numerator", "denominator"]


@admin.register(TargetMeasure)
class TargetMeasureAdmin(admin.ModelAdmin):
    list_display = ["target", "indicator", "reference_region", "cumulative_from"]
    list_filter = ["target__document"]
    autocomplete_fields = ["target", "indicator", "reference_region"]


@admin.register(ReferenceValue)
class ReferenceValueAdmin(admin.ModelAdmin):
    list_display = ["indicator", "region", "year", "value", "source", "entered_by", "entered_at"]
    list_filter = ["year", "indicator"]
    autocomplete_fields = ["indicator", "region"]
    readonly_fields = ["entered_by", "entered_at"]

    def save_model(self, request, obj, form, change):
        obj.entered_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Period)
class PeriodAdmin(admin.ModelAdmin):
    list_display = ["__str__", "year", "quarter", "opens_on", "closes_on"]
    list_filter = ["year"]
    list_editable = ["opens_on", "closes_on"]


@admin.register(WindowReopening)
class WindowReopeningAdmin(admin.ModelAdmin):
    list_display = ["period", "region", "until", "reason", "granted_by", "granted_at"]
    autocomplete_fields = ["region"]
    readonly_fields = ["granted_by", "granted_at"]

    def save_model(self, request, obj, form, change):
        obj.granted_by = request.user
        super().save_model(request, obj, form, change)


class ValueInline(admin.TabularInline):
    model = Value
    extra = 0
    fields = ["element", "value", "comment"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class AuditInline(admin.TabularInline):
    model = AuditEntry
    extra = 0
    fields = ["at", "user", "action", "element", "old", "new", "reason", "source"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    """Read-only: figures and states change only through the reporting pages, which audit."""

    list_display = ["region", "period", "status", "version", "first_submitted_at", "decided_by"]
    list_filter = ["status", "period"]
    search_fields = ["region__name", "region__code"]
    inlines = [ValueInline, AuditInline]
    readonly_fields = [f.name for f in Submission._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class RuleItemFormSet(BaseInlineFormSet):
    """The rulebook as it will be saved (its own fields and every item row) must be scorable:
    the same checks as a workbook upload (assessments.scoring.rulebook_checks)."""

    def clean(self):
        super().clean()
        if any(form.errors for form in self.forms):
            return
        book = self.instance
        existing = {item.pk: item.code for item in book.items.all()} if book.pk else {}
        drafts = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or not data.get("code"):
                continue
            parent = data.get("parent")
            target = data.get("target")
            drafts.append(
                rulebook_checks.ItemDraft(
                    code=data["code"],
                    name=data.get("name", ""),
                    parent=existing.get(parent.pk, parent.code) if parent else None,
                    points=data.get("points"),
                    method=data.get("method") or "",
                    comparator=data.get("comparator") or "",
                    threshold=data.get("threshold"),
                    has_target=target is not None,
                    target_has_value=target is not None and target.value is not None,
                    has_indicator=data.get("indicator") is not None,
                    params=data.get("params") if data.get("params") is not None else {},
                )
            )
        problems = rulebook_checks.check(
            total_points=book.total_points, bands=book.grade_bands, items=drafts
        )
        if problems:
            raise ValidationError([problem.message for problem in problems])


class RuleItemInline(admin.TabularInline):
    model = RuleItem
    formset = RuleItemFormSet
    extra = 1
    fields = ["code", "order", "parent", "name", "points", "method", "target", "indicator",
              "comparator", "threshold", "params", "counts", "key_points", "rule_text",
              "evidence", "lead_department"]  # fmt: skip
    autocomplete_fields = ["target", "indicator", "lead_department"]


class VetoRuleInline(admin.TabularInline):
    model = VetoRule
    extra = 0


@admin.register(Rulebook)
class RulebookAdmin(admin.ModelAdmin):
    """Editing a rulebook bumps its version; runs record the versions they used, so results
    stay tied to the rules of their own year."""

    list_display = ["name", "year", "scope", "subject", "level", "total_points", "version",
                    "is_current", "updated_at"]  # fmt: skip
    list_filter = ["year", "subject", "level", "is_current"]
    search_fields = ["name", "scope__name"]
    autocomplete_fields = ["scope"]
    inlines = [RuleItemInline, VetoRuleInline]
    readonly_fields = ["version", "is_current"]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if change and (form.has_changed() or any(f.has_changed() for f in formsets)):
            Rulebook.objects.filter(pk=form.instance.pk).update(version=F("version") + 1)


@admin.register(QualityIncident)
class QualityIncidentAdmin(admin.ModelAdmin):
    list_display = ["occurred_on", "region", "severity", "description", "recorded_by"]
    list_filter = ["severity"]
    search_fields = ["region__name", "description"]
    autocomplete_fields = ["region"]
    readonly_fields = ["recorded_by", "recorded_at"]

    def save_model(self, request, obj, form, change):
        obj.recorded_by = request.user
        super().save_model(request, obj, form, change)


class PublishedResultInline(admin.TabularInline):
    model = PublishedResult
    extra = 0
    fields = ["region", "total", "grade", "rank", "reported", "vetoed", "veto_reason"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Publication)
class PublicationAdmin(admin.ModelAdmin):
    """The record of who published which results, when, and why a correction was made: read
    only (a correction is published by the office, never edited here)."""

    list_display = ["rulebook", "year", "number", "published_by", "published_at", "reason"]
    list_filter = ["year"]
    readonly_fields = [f.name for f in Publication._meta.fields]
    inlines = [PublishedResultInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AssessmentRun)
class AssessmentRunAdmin(admin.ModelAdmin):
    """Read-only history of runs."""

    list_display = ["pk", "year", "status", "trigger", "path_region", "started_at", "finished_at"]
    list_filter = ["year", "status", "trigger"]
    readonly_fields = [f.name for f in AssessmentRun._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False


class EvidenceInline(admin.TabularInline):
    """The files of a report, downloaded through the scoped view, never from a media URL."""

    model = EvidenceFile
    extra = 0
    fields = ["download", "content_type", "size", "sha256", "uploaded_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("文件"))
    def download(self, obj: EvidenceFile) -> str:
        return format_html(
            '<a href="{}">{}</a>', reverse("workspace:evidence", args=[obj.pk]), obj.name
        )


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(admin.ModelAdmin):
    """Read-only: departments report through the workspace, which checks their files."""

    list_display = ["department", "kind", "item", "year", "quarter", "author", "created_at"]
    list_filter = ["year", "quarter", "department__region"]
    search_fields = ["department__name", "text"]
    inlines = [EvidenceInline]
    readonly_fields = [f.name for f in ProgressUpdate._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(ProgressReminder)
class ProgressReminderAdmin(admin.ModelAdmin):
    """The log of reminder e-mails; written only by the daily job."""

    list_display = ["department", "kind", "item", "year", "quarter", "due_on", "overdue", "sent_at"]
    list_filter = ["year", "quarter", "overdue"]
    search_fields = ["department__name", "recipients"]
    readonly_fields = [f.name for f in ProgressReminder._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False


class SeasonUnitInline(admin.TabularInline):
    model = SeasonUnit
    extra = 0
    fields = ["region", "department", "self_status", "submitted_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Season)
class SeasonAdmin(admin.ModelAdmin):
    """The season's windows can be corrected here; its steps are taken on its pages (/season/),
    where the gate and the services decide, and its log is read-only."""

    list_display = ["rulebook", "stage", "self_until", "review_until", "publicity_until",
                    "rectify_due"]  # fmt: skip
    list_filter = ["stage"]
    readonly_fields = ["rulebook", "stage", "publication", "created_by", "created_at"]
    inlines = [SeasonUnitInline]


@admin.register(SeasonLog)
class SeasonLogAdmin(admin.ModelAdmin):
    list_display = ["at", "season", "unit", "item_code", "action", "detail", "user"]
    list_filter = ["action"]
    readonly_fields = [f.name for f in SeasonLog._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
