"""Django admin for platform operators: agencies only (docs/rules.md §7: the platform operator creates
agencies and never sees agency data it does not need). Everything inside an agency is managed
by its HR admins through FlexWork's own pages and API."""

from django.contrib import admin

from flexwork.org import services
from flexwork.org.models import Agency


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "time_zone", "fwa_start_date", "mfa_required_for_hr", "mfa_required_for_head")
    search_fields = ("code", "name")
    fields = ("code", "name", "address", "time_zone", "fwa_start_date", "mfa_required_for_hr", "mfa_required_for_head")

    def save_model(self, request, obj, form, change):
        if change:
            services.agency_update(
                agency=Agency.objects.get(pk=obj.pk),
                data={name: form.cleaned_data[name] for name in services.AGENCY_UPDATE_FIELDS},
            )
        else:  # through the service, so the agency gets its default policy
            created = services.agency_create(**{name: form.cleaned_data[name] for name in self.fields})
            obj.pk = created.pk

    def has_delete_permission(self, request, obj=None):
        return False  # agencies own PROTECTed data; retire them instead
