"""Routes that check the caller's token before anything reads the request's body.

FastAPI reads and parses a body before it solves a route's dependencies, so a token checked
only by a dependency would be checked after a body of any size had been read and parsed. A
`TokenFirstRoute` that needs the actor (`deps.get_actor`, however deep among its dependencies)
authenticates in its handler, before the body is touched, and answers 401 at once; the actor
it found is the one `get_actor` then gives the route. Every router of the API is built with
this route class; routes that need no token (the public form and downloads, the register's
published documents) are unchanged by it.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from dataward.entrypoints.api.deps import authenticate_request, get_actor


class TokenFirstRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        if not needs_actor(self.dependant):
            return handler

        async def authenticated_first(request: Request) -> Response:
            await authenticate_request(request)
            return await handler(request)

        return authenticated_first


def needs_actor(dependant: Dependant) -> bool:
    """Whether `dependant` depends on the caller's actor, directly or through another."""
    return any(d.call is get_actor or needs_actor(d) for d in dependant.dependencies)
