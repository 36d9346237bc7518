from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from flexwork.accounts.models import ApiToken, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "email", "first_name", "last_name", "is_staff", "mfa_required", "language")
    list_filter = ("is_staff", "is_superuser", "is_active", "mfa_required", "language")
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("FlexWork"), {"fields": ("language", "mfa_required", "mfa_required_by_policy")}),
    )
    readonly_fields = ("mfa_required_by_policy",)  # follows the user's roles and the agency's switches


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are made by their owner on the profile page (the key is shown once there), so the
    admin can look at them and revoke them (set "revoked at"), never make one or see a key."""

    list_display = ("name", "user", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("name", "prefix", "user__username", "user__email")
    list_select_related = ("user",)
    raw_id_fields = ("user",)
    readonly_fields = ("user", "prefix", "key_hash", "created_at", "updated_at", "last_used_at")
    fields = ("user", "name", "prefix", "key_hash", "created_at", "expires_at", "last_used_at", "revoked_at")

    def has_add_permission(self, request):
        return False
