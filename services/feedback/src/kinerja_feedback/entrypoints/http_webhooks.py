"""HTTP routes of outbound webhooks: subscriptions per office and their delivery status."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Query, status
from pydantic import BaseModel, ConfigDict, Field

from kinerja_feedback.adapters.webhook_store import DeliveryView, SubscriptionView
from kinerja_feedback.entrypoints.http import App
from kinerja_kernel.auth import Role
from kinerja_kernel.http import CurrentPrincipal

router = APIRouter(prefix="/api/v1", tags=["Webhook"])


class SubscribeBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str = Field(min_length=1, max_length=2000, description="http(s) URL of the gateway")
    roles: list[Role] = Field(default_factory=list, max_length=6, description="only notifications told in these roles")
    kinds: list[Annotated[str, Field(min_length=1, max_length=60)]] = Field(default_factory=list, max_length=40)
    description: str | None = Field(default=None, max_length=500)


class Subscribed(BaseModel):
    subscription_id: uuid.UUID
    secret: str = Field(description="HMAC-SHA256 key; shown only now")
    signature_header: str = "X-Kinerja-Signature: t=<unix seconds>,v1=<hex hmac_sha256(secret, f'{t}.{body}')>"


class Unsubscribe(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=500)


@router.post("/offices/{office_id}/webhooks", status_code=status.HTTP_201_CREATED, response_model=Subscribed)
async def subscribe(office_id: str, body: SubscribeBody, by: CurrentPrincipal, svc: App) -> Subscribed:
    """HR registers a gateway (email, messaging) for the office's notifications."""
    subscription_id, secret = await svc.webhooks.subscribe(
        office_id, url=body.url, roles=tuple(r.value for r in body.roles), kinds=tuple(body.kinds),
        description=body.description, by=by)
    return Subscribed(subscription_id=subscription_id, secret=secret)


@router.get("/offices/{office_id}/webhooks", response_model=list[SubscriptionView])
async def list_subscriptions(office_id: str, by: CurrentPrincipal, svc: App) -> list[SubscriptionView]:
    return await svc.webhooks.list_subscriptions(office_id, by)


@router.post("/offices/{office_id}/webhooks/{subscription_id}/unsubscribe", status_code=status.HTTP_204_NO_CONTENT)
async def unsubscribe(office_id: str, subscription_id: uuid.UUID, body: Unsubscribe, by: CurrentPrincipal,
                      svc: App) -> None:
    await svc.webhooks.unsubscribe(office_id, subscription_id, body.reason, by)


@router.get("/webhooks/{subscription_id}/deliveries", response_model=list[DeliveryView])
async def deliveries(
    subscription_id: uuid.UUID, by: CurrentPrincipal, svc: App,
    status_: Annotated[Literal["pending", "delivered", "parked", "cancelled"] | None, Query(alias="status")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[DeliveryView]:
    """Deliveries of a subscription, newest first, with status, attempts and the last error."""
    return await svc.webhooks.deliveries(subscription_id, status_, limit, by)


@router.post("/webhooks/{subscription_id}/deliveries/{delivery_id}/redeliver", status_code=status.HTTP_202_ACCEPTED)
async def redeliver(subscription_id: uuid.UUID, delivery_id: uuid.UUID, by: CurrentPrincipal, svc: App) -> None:
    """Put a parked delivery back in the queue (attempts start again)."""
    await svc.webhooks.redeliver(subscription_id, delivery_id, by)
