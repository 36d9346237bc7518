from django.urls import path

from flexwork.accounts.apis import ApiTokenListApi, ApiTokenRevokeApi

urlpatterns = [
    path("tokens/", ApiTokenListApi.as_view(), name="api-token-list"),
    path("tokens/<int:token_id>/revoke/", ApiTokenRevokeApi.as_view(), name="api-token-revoke"),
]
