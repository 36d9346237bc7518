from django.contrib import admin

from performance.models import PredikatMatrixCell, UnitResultRule


@admin.register(PredikatMatrixCell)
class PredikatMatrixCellAdmin(admin.ModelAdmin):
    """The matrix is data: an operator corrects a cell here after checking the annex (and clears `verify`)."""

    list_display = ("results_rating", "behaviour_rating", "predikat", "verify", "source")
    list_editable = ("predikat", "verify")


@admin.register(UnitResultRule)
class UnitResultRuleAdmin(admin.ModelAdmin):
    list_display = ("organisation_result", "results_rating", "verify", "source")
    list_editable = ("results_rating", "verify")
