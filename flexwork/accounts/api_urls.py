from django.urls import path

from flexwork.accounts.apis import ApiTokenListApi, ApiTokenRevokeApi
from flexwork.accounts.my_data_views import MyDataApi

urlpatterns = [
    path("me/data/", MyDataApi.as_view(), name="api-me-data"),
    path("tokens/", ApiTokenListApi.as_view(), name="api-token-list"),
    path("tokens/<int:token_id>/revoke/", ApiTokenRevokeApi.as_view(), name="api-token-revoke"),
]
