"""`GET /api/v1/audit/`: the agency's audit log for HR (docs/api.md; docs/audit.md "The audit log").

Same reading as the page (flexwork/common/audit_viewer.py): only the caller's agency; `actor` and
`object` are employee ids of that agency (another agency's id is a 404); any role but HR is a 403."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers

from flexwork.api.pagination import get_paginated_response
from flexwork.api.views import BaseApi
from flexwork.common import audit_viewer
from flexwork.common.dates import ApiDateField
from flexwork.common.nav import require_page
from flexwork.org.models import Employee


@extend_schema_serializer(component_name="AuditPerson")
class AuditPersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    nip = serializers.CharField()


class AuditEventListApi(BaseApi):
    @extend_schema_serializer(component_name="AuditEventListFilter")
    class FilterSerializer(serializers.Serializer):
        actor = serializers.IntegerField(required=False, min_value=1, help_text="Employee id of who acted.")
        object = serializers.IntegerField(
            required=False, min_value=1, help_text="Employee id of the person the record is about."
        )
        what = serializers.CharField(
            required=False,
            max_length=80,
            help_text='A record kind ("schedules.arrangementrequest"), optionally with its event '
            '("schedules.arrangementrequest:update").',
        )
        date_from = ApiDateField(required=False, help_text="Office date (the caller's zone), inclusive.")
        date_to = ApiDateField(required=False, help_text="Office date (the caller's zone), inclusive.")

        def validate_what(self, value):
            if audit_viewer.what_parse(value) is None:
                raise serializers.ValidationError(_("Unknown kind of record or event."))
            return value

        def validate(self, attrs):
            first, last = attrs.get("date_from"), attrs.get("date_to")
            if first and last and first > last:
                raise serializers.ValidationError({"date_to": [_("The end date is before the start date.")]})
            return attrs

    @extend_schema_serializer(component_name="AuditEvent")
    class OutputSerializer(serializers.Serializer):
        at = serializers.DateTimeField()
        record = serializers.CharField(help_text='The model the row belongs to, e.g. "schedules.ArrangementRequest".')
        record_id = serializers.IntegerField()
        event = serializers.CharField(help_text="insert, update or delete.")
        what = serializers.CharField(help_text="The event in the caller's language.")
        detail = serializers.CharField(allow_blank=True, help_text="A status, location or role in words, or empty.")
        actor_kind = serializers.ChoiceField(choices=["user", "anonymous", "system"])
        actor = AuditPersonSerializer(allow_null=True, help_text="The employee who acted, when one did.")
        actor_name = serializers.CharField(help_text="Who acted, in words (also for the system and others).")
        employee = AuditPersonSerializer(allow_null=True, help_text="The person the record is about.")
        about = serializers.CharField(help_text="The person's name, else the record's own name, else a dash.")

    @extend_schema(
        operation_id="audit_list",
        parameters=[FilterSerializer],
        responses={200: OutputSerializer(many=True)},
        tags=["audit"],
        description="Every recorded change in the caller's agency, newest first (HR admins).",
    )
    def get(self, request):
        scope = require_page(request.user, "hr-audit")
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        for name in ("actor", "object"):
            if data.get(name) and not Employee.objects.filter(agency_id=scope.agency_id, id=data[name]).exists():
                raise Http404
        audit_filters = audit_viewer.AuditFilters(
            agency_id=scope.agency_id,
            zone_name=scope.office_time_zone or settings.FLEXWORK_DEFAULT_TIME_ZONE,
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            what=data.get("what", ""),
            actor_id=data.get("actor"),
            object_id=data.get("object"),
        )
        return get_paginated_response(
            serializer_class=AuditRowSerializer,
            queryset=audit_viewer.AuditPage(audit_filters),
            request=request,
            view=self,
        )


class AuditRowSerializer(AuditEventListApi.OutputSerializer):
    """The output serializer fed with AuditRow objects."""

    def to_representation(self, row):
        actor = (
            {"id": row.actor_employee_id, "name": row.actor_name, "nip": row.actor_nip}
            if row.actor_employee_id
            else None
        )
        employee = (
            {"id": row.employee_id, "name": row.employee_name, "nip": row.employee_nip} if row.employee_id else None
        )
        return super().to_representation(
            {
                "at": row.at,
                "record": row.source.key.removesuffix("Event"),
                "record_id": row.object_pk,
                "event": row.verb,
                "what": row.what,
                "detail": row.detail,
                "actor_kind": row.actor_kind,
                "actor": actor,
                "actor_name": row.actor,
                "employee": employee,
                "about": row.about,
            }
        )
