"""Rate limits count by an address the client cannot choose: a forged X-Forwarded-For entry does not
give a login storm a fresh address per request."""

import pytest
from django.test import RequestFactory

from flexwork.accounts.adapters import AccountAdapter


def ip_of(remote: str, forwarded: str | None = None) -> str:
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return AccountAdapter().get_client_ip(RequestFactory().post("/accounts/login/", **meta))


def test_without_a_proxy_the_socket_address_counts_whatever_the_header_says(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    assert ip_of("203.0.113.7", "10.9.8.7") == "203.0.113.7"


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (1, "198.51.100.23", "198.51.100.23"),  # the proxy appended the client
        (1, "1.2.3.4, 198.51.100.23", "198.51.100.23"),  # a forged entry on the left is ignored
        (2, "1.2.3.4, 198.51.100.23, 10.0.0.2", "198.51.100.23"),  # two proxies: the outer one's entry
        (2, "198.51.100.23", "10.0.0.5"),  # fewer entries than proxies: the socket address
    ],
)
def test_behind_proxies_the_entry_the_outermost_proxy_appended_counts(settings, count, forwarded, expected):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = count
    assert ip_of("10.0.0.5", forwarded) == expected
