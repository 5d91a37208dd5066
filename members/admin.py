from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from members.models import (
    Invitation,
    Jurisdiction,
    Membership,
    MonitoringBody,
    MonitoringBodyMember,
    Term,
    User,
)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ("email",)
    list_display = ("email", "name", "is_staff", "is_active", "date_joined")
    list_filter = ("is_staff", "is_active")
    search_fields = ("email", "name")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Person"), {"fields": ("name",)}),
        (_("Access"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "name", "password1", "password2")}),
    )


class TermInline(admin.TabularInline):
    model = Term
    extra = 0


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("user",)


@admin.register(Jurisdiction)
class JurisdictionAdmin(admin.ModelAdmin):
    list_display = ("name", "country", "joined_on", "has_elections", "first_plan_deadline")
    list_filter = ("country", "has_elections")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    inlines = (TermInline, MembershipInline)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "jurisdiction", "role", "created_at")
    list_filter = ("role",)
    search_fields = ("user__email", "jurisdiction__name")
    autocomplete_fields = ("user", "jurisdiction")


class MonitoringBodyMemberInline(admin.TabularInline):
    model = MonitoringBodyMember
    extra = 0
    autocomplete_fields = ("user",)


@admin.register(MonitoringBody)
class MonitoringBodyAdmin(admin.ModelAdmin):
    list_display = ("name",)
    search_fields = ("name",)
    filter_horizontal = ("selected_jurisdictions",)
    inlines = (MonitoringBodyMemberInline,)


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("email", "jurisdiction", "role", "created_at", "expires_at", "accepted_at")
    list_filter = ("role",)
    search_fields = ("email", "jurisdiction__name")
    readonly_fields = ("token", "created_at", "accepted_at", "accepted_by")
