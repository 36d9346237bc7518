from django.contrib import admin

from flexwork.outbox.models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["id", "topic", "status", "attempts", "created_at", "published_at", "processed_at"]
    list_filter = ["status", "topic"]
    search_fields = ["topic", "last_error"]
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]
    ordering = ["-created_at"]

    def has_add_permission(self, request):
        return False
