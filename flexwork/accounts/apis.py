"""Token API. Tokens are made on the profile page only (docs/api.md "Authentication"): there is no
endpoint that creates one, and the key is never part of an answer."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.response import Response

from flexwork.accounts.models import ApiTokenStatus
from flexwork.accounts.selectors import api_token_get_for, api_token_list_for
from flexwork.accounts.services import api_token_revoke
from flexwork.api.pagination import LimitOffsetPagination, get_paginated_response
from flexwork.api.views import BaseApi


class ApiTokenOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    prefix = serializers.CharField(help_text="The first characters of the key, to recognise it.")
    status = serializers.ChoiceField(choices=ApiTokenStatus.choices)
    created_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()
    last_used_at = serializers.DateTimeField(allow_null=True, help_text="Updated at most every few minutes.")
    revoked_at = serializers.DateTimeField(allow_null=True)


class ApiTokenListApi(BaseApi):
    # Read by drf-spectacular to document the {"count", "next", "previous", "results"} envelope.
    pagination_class = LimitOffsetPagination

    @extend_schema_serializer(component_name="ApiTokenListOutput")
    class OutputSerializer(ApiTokenOutputSerializer):
        pass

    @extend_schema(
        operation_id="tokens_list",
        summary="The caller's personal API tokens",
        description="Newest first. The key itself is never returned: it is shown once, on the profile page.",
        responses={200: OutputSerializer(many=True)},
        tags=["tokens"],
    )
    def get(self, request):
        return get_paginated_response(
            pagination_class=self.pagination_class,
            serializer_class=self.OutputSerializer,
            queryset=api_token_list_for(user=request.user),
            request=request,
            view=self,
        )


class ApiTokenRevokeApi(BaseApi):
    @extend_schema_serializer(component_name="ApiTokenRevokeOutput")
    class OutputSerializer(ApiTokenOutputSerializer):
        pass

    @extend_schema(
        operation_id="tokens_revoke",
        summary="Revoke one of the caller's tokens",
        description="Another user's token answers 404. Revoking twice answers 409 with code `already_revoked`.",
        request=None,
        responses={200: OutputSerializer},
        tags=["tokens"],
    )
    def post(self, request, token_id: int):
        token = api_token_get_for(user=request.user, token_id=token_id)
        token = api_token_revoke(token=token)
        return Response(self.OutputSerializer(token).data)
