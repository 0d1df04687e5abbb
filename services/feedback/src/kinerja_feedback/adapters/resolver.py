"""Resolving a webhook's host to every address it has now (the policy checks each one)."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable

from kinerja_feedback.domain.webhooks import IpAddress, literal_address

Resolver = Callable[[str], Awaitable[list[IpAddress]]]


async def resolve(host: str) -> list[IpAddress]:
    """The addresses of ``host`` (an address literal is itself; a name that does not resolve has none)."""
    literal = literal_address(host)
    if literal is not None:
        return [literal]
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError):
        return []
    found: list[IpAddress] = []
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if address not in found:
            found.append(address)
    return found
