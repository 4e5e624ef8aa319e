"""A TCP proxy in front of a database that can swallow its answers: the database does what it
is told (a COMMIT commits) but the client never hears back, as when a network or a server hangs
mid-commit."""

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field


@dataclass
class SwallowingProxy:
    upstream_port: int
    port: int = 0
    # Once a client sends bytes containing this marker, the database's answers on that
    # connection are dropped from then on.
    marker: bytes | None = None
    swallowing: set[asyncio.StreamWriter] = field(default_factory=set)
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)
    _writers: set[asyncio.StreamWriter] = field(default_factory=set)

    def arm(self, marker: bytes) -> None:
        self.marker = marker

    def heal(self) -> None:
        """Stop swallowing, and close the connections that were: their client gave up on them."""
        self.marker = None
        for writer in self.swallowing:
            writer.close()
        self.swallowing.clear()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.upstream_port)
        self._writers.update({writer, up_writer})

        async def to_database() -> None:
            while data := await reader.read(65536):
                if self.marker is not None and self.marker in data:
                    self.swallowing.add(writer)
                up_writer.write(data)
                await up_writer.drain()
            up_writer.close()

        async def to_client() -> None:
            while data := await up_reader.read(65536):
                if writer in self.swallowing:
                    continue
                writer.write(data)
                await writer.drain()
            writer.close()

        with contextlib.suppress(OSError, ConnectionError):
            await asyncio.gather(to_database(), to_client())
        writer.close()
        up_writer.close()

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator["SwallowingProxy"]:
        server = await asyncio.start_server(self._spawn, "127.0.0.1", 0)
        self.port = server.sockets[0].getsockname()[1]
        try:
            yield self
        finally:
            server.close()
            for writer in self._writers:
                writer.close()
            for task in self._tasks:
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)

    def _spawn(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.create_task(self._handle(reader, writer))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
