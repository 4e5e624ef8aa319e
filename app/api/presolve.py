"""Routes that solve their endpoint's arguments by hand for the common request.

FastAPI's general solving (each dependency, each parameter, the body through json.loads and
then validation) cost about a sixth of creating a decline, more than storing it. A route whose
endpoint is marked `@presolved(solver)` asks the solver first: given the request, it returns
the endpoint's keyword arguments, or None for anything but the common case, which FastAPI then
solves as usual, with all of its validation and error reporting. Solvers call the very
dependency functions the endpoint declares, so only the dispatch differs, never the outcome;
the endpoint's declared signature still describes the operation in OpenAPI.
"""

from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

from fastapi import Request, Response
from fastapi.routing import APIRoute

Solver = Callable[[Request], Awaitable[dict[str, Any] | None]]
Endpoint = TypeVar("Endpoint", bound=Callable[..., Awaitable[Response]])

_SOLVER = "__presolver__"


def presolved(solver: Solver) -> Callable[[Endpoint], Endpoint]:
    """Mark an endpoint (returning a Response) whose common requests `solver` solves."""

    def mark(endpoint: Endpoint) -> Endpoint:
        setattr(endpoint, _SOLVER, solver)
        return endpoint

    return mark


class PresolvableRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        general = super().get_route_handler()
        solver: Solver | None = getattr(self.endpoint, _SOLVER, None)
        if solver is None:
            return general
        endpoint = self.endpoint
        name = self.name

        async def handler(request: Request) -> Response:
            if request.app.dependency_overrides:
                # The solver calls the dependency functions themselves: an override would be
                # ignored on the common request, so it is refused rather than half-applied.
                raise RuntimeError(f"{name} solves its own dependencies; set app.state instead")
            # Looked up per request, so a test can send a request the general way to compare.
            arguments = await getattr(endpoint, _SOLVER)(request)
            if arguments is None:
                return await general(request)
            response: Response = await endpoint(**arguments)
            return response

        return handler
