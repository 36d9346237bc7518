from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response

from flexwork.api.pagination import LimitOffsetPagination, get_paginated_response
from flexwork.api.views import BaseApi
from flexwork.notifications.selectors import notification_get_for, notification_list_for
from flexwork.notifications.services import notification_mark_read


@extend_schema_serializer(component_name="Notification")
class NotificationOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField(help_text="A stable machine word, e.g. api_token_created.")
    title = serializers.CharField(help_text="In the recipient's language.")
    body = serializers.CharField()
    url = serializers.CharField(help_text="A page about it, or empty.")
    created_at = serializers.DateTimeField()
    read_at = serializers.DateTimeField(allow_null=True)
    is_read = serializers.BooleanField()


class NotificationListApi(BaseApi):
    class Pagination(LimitOffsetPagination):
        default_limit = 20

    @extend_schema_serializer(component_name="NotificationListFilter")
    class FilterSerializer(serializers.Serializer):
        unread = serializers.BooleanField(required=False, allow_null=True, default=None)

    OutputSerializer = NotificationOutputSerializer

    @extend_schema(
        operation_id="notifications_list",
        parameters=[
            OpenApiParameter(
                "unread", bool, description="true: only unread; false: only read; absent: all.", required=False
            ),
            OpenApiParameter("limit", int, required=False),
            OpenApiParameter("offset", int, required=False),
        ],
        responses={
            200: inline_serializer(
                name="NotificationPage",
                fields={
                    "count": serializers.IntegerField(),
                    "next": serializers.URLField(allow_null=True),
                    "previous": serializers.URLField(allow_null=True),
                    "results": NotificationOutputSerializer(many=True),
                },
            )
        },
    )
    def get(self, request):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        notifications = notification_list_for(user=request.user, unread=filters.validated_data.get("unread"))
        return get_paginated_response(
            pagination_class=self.Pagination,
            serializer_class=self.OutputSerializer,
            queryset=notifications,
            request=request,
            view=self,
        )


class NotificationReadApi(BaseApi):
    OutputSerializer = NotificationOutputSerializer

    @extend_schema(operation_id="notifications_read", request=None, responses={200: NotificationOutputSerializer})
    def post(self, request, notification_id: int):
        notification = notification_get_for(user=request.user, notification_id=notification_id)
        notification = notification_mark_read(notification=notification)
        return Response(self.OutputSerializer(notification).data)
