"""The portal's ``GET /metrics`` (issue 18): page latency by route template, no personal data, no session."""

from __future__ import annotations

from fastapi.testclient import TestClient
from pydantic import SecretStr

from kinerja_portal.config import PortalSettings
from kinerja_portal.entrypoints.main import create_app


def test_pages_are_timed_by_route_template_and_metrics_need_no_sign_in() -> None:
    settings = PortalSettings(environment="test", jwt_secret=SecretStr("s" * 40), planning_url="http://127.0.0.1:9",
                              evaluation_url="http://127.0.0.1:9", feedback_url="http://127.0.0.1:9",
                              career_url="http://127.0.0.1:9")
    with TestClient(create_app(settings), follow_redirects=False) as client:
        client.get("/health")
        client.get("/skp/0b5e1f4e-8f0e-4a7c-9f57-1c1a2b3c4d5e")  # not signed in: redirected, still timed
        response = client.get("/metrics")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    lines = [line for line in response.text.splitlines() if line.startswith("kinerja_http_requests_total{")]
    assert any('route="/health"' in line and 'service="portal"' in line for line in lines)
    assert any('route="/skp/{plan_id}"' in line for line in lines), lines
    assert "0b5e1f4e" not in response.text  # ids never become labels
    assert "set-cookie" not in response.headers


def test_readiness_follows_the_shared_session_store_and_liveness_the_event_loop() -> None:
    """Kubernetes' probes (deploy/kubernetes/base/portal.yaml): with SESSION_DATABASE_URL the portal is ready
    only while that store answers; the services behind it are not asked."""
    from kinerja_portal.session import PostgresRevocations

    base = {"environment": "test", "jwt_secret": SecretStr("s" * 40), "planning_url": "http://127.0.0.1:9",
            "evaluation_url": "http://127.0.0.1:9", "feedback_url": "http://127.0.0.1:9",
            "career_url": "http://127.0.0.1:9"}
    with TestClient(create_app(PortalSettings(**base)), follow_redirects=False) as client:
        assert client.get("/health/ready").json() == {"ready": True, "reasons": []}
        assert client.get("/health/live").json() == {"alive": True}
        store = PostgresRevocations("postgresql://unused")
        store._pool = _Unreachable()  # type: ignore[assignment]  # the shared session store went away
        client.app.state.session_revocations = store  # type: ignore[attr-defined]
        answer = client.get("/health/ready")
        assert answer.status_code == 503 and answer.json()["reasons"] == ["session-store"]
        assert client.get("/health/live").status_code == 200


class _Unreachable:
    async def fetchval(self, query: str) -> None:
        raise ConnectionRefusedError(query)
