"""Request body size limit (ASGI middleware): a body above the limit is answered with 413
problem+json naming the ``body`` field, before any route parses it."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kinerja_kernel.http import problem


class BodyLimit:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None:
            if declared.isdigit() and int(declared) > self.max_bytes:
                await self._refuse(scope, receive, send)
                return
            await self.app(scope, receive, send)
            return
        # no declared length (chunked): read up to the limit, then replay what was read
        chunks: list[bytes] = []
        size, more = 0, True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._refuse(scope, receive, send)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        kib = self.max_bytes // 1024
        response = problem(
            413, "Isi permintaan terlalu besar", code="payload-too-large",
            detail=f"Isi permintaan melebihi batas {kib} KiB", detail_en=f"request body exceeds {self.max_bytes} bytes",
            errors=[{"field": "body", "message": f"melebihi batas {kib} KiB",
                     "message_en": f"larger than {self.max_bytes} bytes"}],
        )
        await response(scope, receive, send)
