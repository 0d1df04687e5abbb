"""Two portal replicas sharing ``session_database_url`` (real PostgreSQL): either serves a session signed in
on the other, and a sign-out on one is honoured by both."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from kinerja_portal.entrypoints.main import create_app

from .test_session import cookie_of, csrf_of, settings, sign_in, signed_in, with_cookie

pytestmark = pytest.mark.integration


def test_a_sign_out_on_one_replica_is_honoured_by_another(database_url: str) -> None:
    shared = settings(session_database_url=SecretStr(database_url))
    with TestClient(create_app(shared), follow_redirects=False) as first, \
            TestClient(create_app(shared), follow_redirects=False) as second:
        sign_in(first)
        name, saved = cookie_of(first)
        with_cookie(second, name, saved)
        assert signed_in(second)  # no sticky sessions needed

        first.post("/keluar", data={"csrf": csrf_of(first.get("/beranda").text)})
        with_cookie(second, name, saved)
        assert not signed_in(second)
        with_cookie(first, name, saved)
        assert not signed_in(first)


def test_only_memory_revocation_would_let_the_other_replica_accept_the_copy() -> None:
    """Why ``session_database_url`` matters: without it each replica knows only its own sign-outs."""
    alone = settings()
    with TestClient(create_app(alone), follow_redirects=False) as first, \
            TestClient(create_app(alone), follow_redirects=False) as second:
        sign_in(first)
        name, saved = cookie_of(first)
        first.post("/keluar", data={"csrf": csrf_of(first.get("/beranda").text)})
        with_cookie(first, name, saved)
        assert not signed_in(first)
        with_cookie(second, name, saved)
        assert signed_in(second)  # the documented limit of the single-process default
