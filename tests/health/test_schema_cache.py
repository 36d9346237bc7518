"""/api/schema/ is generated once per process, language and format, then served from memory."""

from __future__ import annotations

import json
from unittest import mock

import pytest
from drf_spectacular.generators import SchemaGenerator

from flexwork.api.schema_views import MAX_ENTRIES, _documents, schema_cache_clear

pytestmark = pytest.mark.django_db


@pytest.fixture
def generations():
    schema_cache_clear()
    original = SchemaGenerator.get_schema
    with mock.patch.object(SchemaGenerator, "get_schema", autospec=True, side_effect=original) as counted:
        yield counted
    schema_cache_clear()


def test_the_second_call_does_not_generate_again(client, generations):
    first = client.get("/api/schema/")
    second = client.get("/api/schema/")

    assert generations.call_count == 1
    assert (first.status_code, second.status_code) == (200, 200)
    assert first.content == second.content
    assert first["Content-Type"] == second["Content-Type"] == "application/vnd.oai.openapi; charset=utf-8"
    assert second["Content-Disposition"] == first["Content-Disposition"]
    assert "X-Request-ID" in second


def test_each_language_and_format_has_its_own_document(client, generations):
    indonesian = client.get("/api/schema/?format=json").json()
    english = client.get("/api/schema/?format=json&lang=en").json()
    client.get("/api/schema/?format=json&lang=en")
    client.get("/api/schema/?format=json&lang=id")
    client.get("/api/schema/?format=json&lang=xx")  # not a catalogue of ours: the default language's document
    yaml = client.get("/api/schema/")

    assert generations.call_count == 3
    assert indonesian["paths"].keys() == english["paths"].keys()
    assert yaml["Content-Type"].startswith("application/vnd.oai.openapi;")
    assert not any(path.startswith("/api/schema") for path in indonesian["paths"])  # the view is not in itself


def test_the_cache_holds_a_bounded_number_of_documents(client, generations):
    for number in range(MAX_ENTRIES + 3):
        _documents[("old", number)] = (b"{}", "application/json", "inline")
    client.get("/api/schema/?format=json")

    assert len(_documents) == MAX_ENTRIES
    assert json.loads(client.get("/api/schema/?format=json").content)["openapi"].startswith("3.")
    assert generations.call_count == 1


def test_a_changed_urlconf_is_not_served_the_old_document(client, generations, settings):
    client.get("/api/schema/")
    settings.ROOT_URLCONF = "flexwork.urls"  # any change of the setting empties the cache

    client.get("/api/schema/")

    assert generations.call_count == 2
