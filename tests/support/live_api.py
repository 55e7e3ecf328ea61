"""Serve the API from a process of its own, for tests that watch the server's memory.

    python -m tests.support.live_api DATA_DIR   (from the repository root)

Initialises an embedded installation in DATA_DIR with one tenant (`tenant-a`), issues a DCO
token, binds a free port on 127.0.0.1, prints `{"port": ..., "token": ...}` on one line and
serves until it is terminated.
"""

from __future__ import annotations

import json
import socket
import sys
from pathlib import Path

import uvicorn
from tests.builders import NOW, a_tenant

from dataward.bootstrap import bootstrap
from dataward.config import Settings
from dataward.domain.clock import FixedClock
from dataward.domain.subjects import Actor
from dataward.entrypoints.api.app import create_app
from dataward.services.setup import initialise
from dataward.services.staff import issue_token


def main(data_dir: Path) -> None:
    container = bootstrap(Settings(data_dir=data_dir), clock=FixedClock(NOW))
    initialise(container)
    with container.uow() as uow:
        uow.tenants.add(a_tenant("tenant-a"))
        uow.commit()
    register = container.active_register.get(container.uow(read_only=True)).register
    tokens = {
        role: issue_token(
            container.uow(),
            container.clock,
            register,
            Actor(id="test-setup", role="dco"),
            actor_id=role,
            role=role,
            tenant_id=None,
        ).token
        for role in ("dco", "operator")
    }
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    config = uvicorn.Config(create_app(container), log_level="warning", access_log=False)
    print(json.dumps({"port": port, "tokens": tokens}), flush=True)  # noqa: T201 - for the test
    uvicorn.Server(config).run(sockets=[listener])


if __name__ == "__main__":
    main(Path(sys.argv[1]))
