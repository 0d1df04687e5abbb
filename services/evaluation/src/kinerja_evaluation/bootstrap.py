"""The one place where the evaluation service's adapters are built and handed to its use cases."""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import FastAPI

from kinerja_kernel.runtime import ConsumerSpec, ServiceRuntime


async def wire(app: FastAPI, runtime: ServiceRuntime) -> Sequence[ConsumerSpec]:
    """No use cases or consumers yet: the process owns its database, topic and relay."""
    return ()
