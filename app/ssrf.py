"""Webhook URLs may only reach the public internet (unless WEBHOOK_ALLOW_PRIVATE_NETWORKS).

The address is checked where the connection is made: the network backend below resolves the
name itself, refuses any address that is not public, and connects to the address it checked.
A name that resolved to a public address when the endpoint was saved and to 127.0.0.1 now
(DNS rebinding) is therefore refused, and TLS still verifies the certificate for the name.
"""

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

import httpcore
import httpx

Resolver = Callable[[str, int], Awaitable[list[str]]]
IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class Blocked(Exception):
    """The URL or the address it resolves to is not allowed."""


def is_public(address: IpAddress) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


async def system_resolver(host: str, port: int) -> list[str]:
    infos = await asyncio.get_running_loop().getaddrinfo(
        host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
    )
    return [str(info[4][0]) for info in infos]


def _literal(host: str) -> IpAddress | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


async def allowed_addresses(
    host: str, port: int, *, allow_private: bool, resolver: Resolver
) -> list[str]:
    """The addresses `host` may be reached at; Blocked if none."""
    literal = _literal(host)
    found = [str(literal)] if literal is not None else await resolver(host, port)
    allowed = [a for a in found if allow_private or is_public(ipaddress.ip_address(a))]
    if not allowed:
        raise Blocked(f"{host} resolves to no public address")
    return allowed


class PinnedBackend(httpcore.AsyncNetworkBackend):
    """Connects only to addresses it has checked itself."""

    def __init__(self, *, allow_private: bool, resolver: Resolver = system_resolver) -> None:
        self._allow_private = allow_private
        self._resolver = resolver
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's interface
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = await allowed_addresses(
            host, port, allow_private=self._allow_private, resolver=self._resolver
        )
        error: Exception | None = None
        for address in addresses:
            try:
                return await self._inner.connect_tcp(
                    address,
                    port,
                    timeout=timeout,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except httpcore.ConnectError as failed:
                error = failed
        assert error is not None
        raise error

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's interface
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise Blocked("unix sockets are never webhook targets")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def pool(
    *, allow_private: bool, resolver: Resolver = system_resolver
) -> httpcore.AsyncConnectionPool:
    """The connections webhook deliveries go out on: kept alive, made only to addresses the
    backend checked. httpcore itself, not httpx over it: it never follows a redirect, reads no
    proxy from the environment (a proxy would connect on our behalf, unchecked), and costs
    about half as much a request, which a worker sending to one endpoint in order pays on every
    delivery."""
    return httpcore.AsyncConnectionPool(
        ssl_context=httpx.create_ssl_context(trust_env=False),
        max_connections=100,
        max_keepalive_connections=20,
        keepalive_expiry=30,
        network_backend=PinnedBackend(allow_private=allow_private, resolver=resolver),
    )


async def check_url(
    url: str, *, allow_private: bool, resolver: Resolver = system_resolver
) -> str | None:
    """Why this URL cannot be a webhook endpoint, or None if it can.

    Saved URLs are checked too, so a mistake shows at once; a name that does not resolve now
    is accepted (it is checked again on every connection).
    """
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL:
        return "not a valid URL"
    schemes = ("https", "http") if allow_private else ("https",)
    if parsed.scheme not in schemes:
        return "must be an https URL"
    if not parsed.host:
        return "must name a host"
    if parsed.userinfo:
        return "must not carry credentials"
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    try:
        async with asyncio.timeout(2):
            await allowed_addresses(
                parsed.host, port, allow_private=allow_private, resolver=resolver
            )
    except Blocked:
        return "must resolve to a public address"
    except (OSError, TimeoutError):
        return None
    return None
