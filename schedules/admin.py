from django.contrib import admin

from schedules.models import ArrangementRequest, Directive, Recall, ScheduleDay


@admin.register(ArrangementRequest)
class ArrangementRequestAdmin(admin.ModelAdmin):
    list_display = ("id", "employee", "location", "first_date", "last_date", "status", "step")
    list_filter = ("status", "location")
    raw_id_fields = ("employee", "recommender", "decider", "escalated_to", "other_office_unit", "designated_location")
    list_select_related = ("employee",)


@admin.register(ScheduleDay)
class ScheduleDayAdmin(admin.ModelAdmin):
    list_display = ("employee", "local_date", "location", "source", "cancelled_at")
    list_filter = ("location", "source")
    raw_id_fields = ("employee", "arrangement", "unit", "supervisor", "directive", "recall")
    list_select_related = ("employee",)


@admin.register(Directive)
class DirectiveAdmin(admin.ModelAdmin):
    list_display = ("id", "date_from", "date_to", "unit", "max_share_percent")


@admin.register(Recall)
class RecallAdmin(admin.ModelAdmin):
    list_display = ("employee", "local_date", "recalled_by")
    raw_id_fields = ("employee", "recalled_by")
