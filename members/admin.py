from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from members.models import (
    ExtensionRequest,
    Invitation,
    Jurisdiction,
    Membership,
    MonitoringBody,
    MonitoringBodyMember,
    Notification,
    Reinstatement,
    StatusChange,
    StatusOverride,
    Term,
    User,
    VoluntaryInactivityRequest,
)
from ogplocal.admin import SubmittedRecordAdmin


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ("email",)
    list_display = ("email", "name", "is_staff", "is_active", "date_joined")
    list_filter = ("is_staff", "is_active")
    search_fields = ("email", "name")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Person"), {"fields": ("name", "language")}),
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
class JurisdictionAdmin(SubmittedRecordAdmin):
    list_display = ("name", "country", "joined_on", "status", "status_since", "first_plan_deadline")
    list_filter = ("status", "country", "has_elections")
    readonly_fields = ("status", "status_since", "status_reasons", "status_evaluated_on")
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


@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(SubmittedRecordAdmin):
    list_display = ("jurisdiction", "requested_on", "requested_until", "decision", "decided_on")
    list_filter = ("decision",)
    search_fields = ("jurisdiction__name",)


@admin.register(VoluntaryInactivityRequest)
class VoluntaryInactivityRequestAdmin(SubmittedRecordAdmin):
    list_display = ("jurisdiction", "starts_on", "ends_on", "decision", "decided_on")
    list_filter = ("decision",)
    search_fields = ("jurisdiction__name",)


@admin.register(StatusOverride)
class StatusOverrideAdmin(SubmittedRecordAdmin):
    list_display = ("jurisdiction", "status", "starts_on", "ends_on", "withdrawn_on")
    list_filter = ("status",)
    search_fields = ("jurisdiction__name",)


@admin.register(Reinstatement)
class ReinstatementAdmin(SubmittedRecordAdmin):
    list_display = ("jurisdiction", "on")
    search_fields = ("jurisdiction__name",)


@admin.register(StatusChange)
class StatusChangeAdmin(admin.ModelAdmin):
    list_display = ("jurisdiction", "on", "status", "reasons")
    list_filter = ("status",)
    search_fields = ("jurisdiction__name",)

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False  # written by the rules only

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Staff see every email the portal decided to send, and whether the server accepted it."""

    list_display = ("subject", "email", "jurisdiction", "topic", "due", "offset", "sent_at")
    list_filter = ("topic", "deadline_kind")
    search_fields = ("subject", "email", "key", "jurisdiction__name")
    date_hierarchy = "created_at"

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False  # written by the outbox only (members.outbox)

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
