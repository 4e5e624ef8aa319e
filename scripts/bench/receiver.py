"""A webhook receiver on loopback, as a platform would run one (for tests and the bench): it
verifies every delivery with the standardwebhooks library and answers as it is told to."""

import asyncio
import json
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from standardwebhooks.webhooks import Webhook, WebhookVerificationError


@dataclass
class Delivery:
    headers: dict[str, str]
    body: str
    verified: bool
    arrived_at: float = field(default_factory=time.time)

    @property
    def event(self) -> dict[str, Any]:
        parsed: dict[str, Any] = json.loads(self.body)
        return parsed


@dataclass
class Receiver:
    port: int
    secrets: list[str] = field(default_factory=list)
    # (request number) -> (status, extra headers, seconds to wait before answering)
    answer: Callable[[int], tuple[int, dict[str, str], float]] = lambda _n: (204, {}, 0.0)
    received: list[Delivery] = field(default_factory=list)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)
    connections: set[asyncio.StreamWriter] = field(default_factory=set)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks"

    def verified_by(self, secret: str, delivery: Delivery) -> bool:
        try:
            Webhook(secret).verify(delivery.body, delivery.headers)
        except WebhookVerificationError:
            return False
        return True

    async def wait_for(self, count: int, seconds: float = 10.0) -> list[Delivery]:
        await self.wait_until(lambda: len(self.received) >= count, seconds)
        return self.received

    async def wait_until(self, done: Callable[[], bool], seconds: float) -> None:
        async with asyncio.timeout(seconds):
            while not done():
                self.arrived.clear()
                await self.arrived.wait()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections.add(writer)
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                headers = {}
                for line in lines[1:]:
                    if ":" in line:
                        name, value = line.split(":", 1)
                        headers[name.strip().lower()] = value.strip()
                body = await reader.readexactly(int(headers.get("content-length", "0")))
                text = body.decode()
                verified = any(
                    self.verified_by(secret, Delivery(headers, text, False))
                    for secret in self.secrets
                )
                self.received.append(Delivery(headers, text, verified))
                self.arrived.set()
                status, extra, delay = self.answer(len(self.received))
                if delay:
                    await asyncio.sleep(delay)
                # No body: a 204 may not have one, and a stray one would garble the next answer.
                reply = [f"HTTP/1.1 {status} X", "content-length: 0"]
                reply += [f"{name}: {value}" for name, value in extra.items()]
                writer.write(("\r\n".join(reply) + "\r\n\r\n").encode())
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            self.connections.discard(writer)
            writer.close()


@asynccontextmanager
async def receiving(**options: Any) -> AsyncIterator[Receiver]:
    receiver = Receiver(port=0, **options)
    server = await asyncio.start_server(receiver._handle, "127.0.0.1", 0)
    receiver.port = server.sockets[0].getsockname()[1]
    try:
        yield receiver
    finally:
        server.close()
        # Connections the client keeps alive end with the receiver.
        for writer in list(receiver.connections):
            writer.close()
        await server.wait_closed()
