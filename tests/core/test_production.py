"""The production profile inside one process: health endpoint, forgiving Redis cache, request ids and JSON logs.
Across processes (two web servers, two workers, Redis, PostgreSQL) see tests/production/."""

import json
import logging

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import override_settings

from cooperer.core import stamps
from cooperer.core.logs import JsonLinesFormatter, RequestIdFilter, request_id

CLOSED_REDIS = {
    "default": {
        "BACKEND": "cooperer.core.cache.ForgivingRedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
}
DATABASE_CACHE = {
    "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "cooperer_cache"}
}


def test_health_answers_when_the_database_and_the_cache_answer(client, db):
    response = client.get("/sante/")
    assert response.status_code == 200
    assert response.json() == {"base": "ok", "cache": "ok"}
    assert "no-store" in response["Cache-Control"]


def test_health_needs_no_account_and_refuses_to_be_posted_to(client, db):
    assert client.post("/sante/").status_code == 405


@override_settings(CACHES=CLOSED_REDIS)
def test_health_says_503_when_redis_does_not_answer(client, db):
    response = client.get("/sante/")
    assert response.status_code == 503
    assert response.json() == {"base": "ok", "cache": "erreur"}


@override_settings(CACHES=CLOSED_REDIS)
def test_with_redis_down_cached_values_are_computed_and_a_warning_is_logged(db, caplog, monkeypatch):
    monkeypatch.setattr("cooperer.core.cache.ForgivingRedisCache._next_warning", 0.0)
    calls = []
    with caplog.at_level(logging.WARNING, logger="cooperer.core.cache"):
        assert stamps.cached("essai", "valeur", lambda: calls.append(1) or 42) == 42
        assert stamps.cached("essai", "valeur", lambda: calls.append(1) or 42) == 42
        cache.set_many({"a": 1})
        assert cache.get_or_set("b", 2) == 2 and not cache.has_key("b") and not cache.touch("b")
        cache.delete("a")
    assert len(calls) == 2  # nothing was kept: each read recomputes
    assert "Cache Redis injoignable" in caplog.text
    assert len(caplog.records) == 1  # one warning, not one per call


@override_settings(CACHES=CLOSED_REDIS)
def test_pages_answer_with_redis_down(client, db):
    assert client.get("/").status_code == 200


@override_settings(CACHES=DATABASE_CACHE)
def test_the_embedded_default_shares_its_cache_through_the_database(db):
    call_command("createcachetable", verbosity=0)
    cache.set("partagé", {"valeur": 1})
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM cooperer_cache")
        assert cursor.fetchone()[0] == 1
    assert cache.get("partagé") == {"valeur": 1}


def test_every_response_carries_a_request_id_and_keeps_the_proxy_one(client, db):
    made = client.get("/sante/")["X-Request-ID"]
    assert len(made) == 32
    assert client.get("/sante/", headers={"X-Request-ID": "lb-1234.abc"})["X-Request-ID"] == "lb-1234.abc"
    forged = client.get("/sante/", headers={"X-Request-ID": "<script>"})["X-Request-ID"]
    assert forged != "<script>" and len(forged) == 32


def test_log_lines_are_json_with_the_request_id():
    record = logging.LogRecord("cooperer.essai", logging.WARNING, __file__, 1, "Import de %s", ("QPV",), None)
    token = request_id.set("abc123")
    try:
        RequestIdFilter().filter(record)
    finally:
        request_id.reset(token)
    line = json.loads(JsonLinesFormatter().format(record))
    assert line["message"] == "Import de QPV"
    assert line["request_id"] == "abc123"
    assert line["level"] == "WARNING" and line["logger"] == "cooperer.essai"


@pytest.mark.parametrize("fmt", ["json", "text"])
def test_the_log_format_is_chosen_by_the_environment(fmt):
    from cooperer.core.logs import logging_config

    config = logging_config("INFO", fmt)
    assert ("()" in config["formatters"]["main"]) == (fmt == "json")
