"""Admin screens for regions, departments and users, in Chinese."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from portal.models import Department, Region, User

admin.site.site_header = _("质量强区目标管理平台 · 后台管理")
admin.site.site_title = _("质量目标管理平台")
admin.site.index_title = _("系统设置与基础数据")


class DepartmentInline(admin.TabularInline):
    model = Department
    extra = 0
    fields = ["name", "short_name", "aliases", "is_active"]


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "level_name", "get_level_display", "parent"]
    list_filter = ["level"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["parent"]
    readonly_fields = ["path"]
    inlines = [DepartmentInline]

    @admin.display(description=_("层级"), ordering="level")
    def get_level_display(self, obj: Region) -> str:
        return obj.get_level_display()


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["short_name", "name", "region", "is_active"]
    list_filter = ["region__level", "is_active"]
    search_fields = ["name", "short_name", "aliases", "region__name"]
    autocomplete_fields = ["region"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "first_name", "role", "region", "department", "is_active"]
    list_filter = ["role", "is_active", "is_superuser"]
    search_fields = ["username", "first_name", "last_name", "email", "region__name"]
    autocomplete_fields = ["region", "department"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        (_("角色与范围"), {"fields": ["role", "region", "department"]}),
    ]
    add_fieldsets = [
        *BaseUserAdmin.add_fieldsets,
        (_("角色与范围"), {"fields": ["role", "region", "department"]}),
    ]
