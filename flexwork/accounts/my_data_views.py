"""My data (UU PDP 27/2022, docs/rules.md §7 "Personal data"): the readable page, the JSON download
and `GET /api/v1/me/data/`. Everyone signed in sees only their own data; each download is audited."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from flexwork.accounts.models import PersonalDataChannel
from flexwork.accounts.my_data import (
    download_filename,
    personal_data_collect,
    personal_data_download_record,
    personal_data_json,
)
from flexwork.api.views import BaseApi


@require_GET
@login_required
def my_data_page(request: HttpRequest) -> HttpResponse:
    data = personal_data_collect(user=request.user)
    return render(request, "accounts/my_data.html", {"data": data})


@require_GET
@login_required
def my_data_download(request: HttpRequest) -> HttpResponse:
    data = personal_data_collect(user=request.user)
    personal_data_download_record(user=request.user, channel=PersonalDataChannel.PAGE, url=request.path)
    body = json.dumps(personal_data_json(data), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = HttpResponse(body.encode("utf-8"), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{download_filename(data)}"'
    response["Cache-Control"] = "no-store"
    return response


class MyDataApi(BaseApi):
    @extend_schema(
        operation_id="me_data_retrieve",
        responses={200: OpenApiTypes.OBJECT},
        tags=["organisation"],
        description="Everything FlexWork keeps about the caller (UU PDP 27/2022): account, employee record, "
        "roles, requests, check events with positions, daily statuses, daily logs, SKP, notifications and API "
        "tokens. Codes come with their words in the caller's language; instants are ISO 8601 in the caller's "
        "office zone with its offset. Each call is recorded in the agency's audit log.",
    )
    def get(self, request):
        data = personal_data_collect(user=request.user)
        personal_data_download_record(user=request.user, channel=PersonalDataChannel.API, url=request.path)
        response = Response(personal_data_json(data))
        response["Cache-Control"] = "no-store"
        return response
