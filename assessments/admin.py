"""Admin screens for data elements, indicators, periods, submissions and their audit trail."""

from django.contrib import admin

from assessments.models import (
    AuditEntry,
    DataElement,
    ElementRule,
    Indicator,
    Period,
    ReferenceValue,
    Submission,
    TargetMeasure,
    Value,
    WindowReopening,
)


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
