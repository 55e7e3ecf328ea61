"""Serve the API from a process of its own, for tests that watch the server's memory, or kill
it mid-request.

    python -m tests.support.live_api DATA_DIR [--named-spool]   (from the repository root)

Initialises an embedded installation in DATA_DIR with one tenant (`tenant-a`), or reuses the
one there, issues a DCO and an operator token, binds a free port on 127.0.0.1, prints
`{"port": ..., "tokens": ...}` on one line and serves, with `dataward serve`'s options, until
it is terminated. `--named-spool` spools uploads as on a system that cannot make a file without
a name (`entrypoints.api.uploads`).
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
from dataward.entrypoints.api.server import server_options
from dataward.installation import initialise
from dataward.services.organisation.staff import IssueToken, issue_token


def main(data_dir: Path, *, named_spool: bool = False) -> None:
    settings = Settings(data_dir=data_dir)
    container = bootstrap(settings, clock=FixedClock(NOW))
    initialise(container)
    with container.uow() as uow:
        if uow.tenants.get("tenant-a") is None:
            uow.tenants.add(a_tenant("tenant-a"))
            uow.commit()
    register = container.active_register.get(container.uow(read_only=True)).register
    tokens = {
        role: issue_token(
            container.use_case(Actor(id="test-setup", role="dco"), register), IssueToken(role, role)
        ).token
        for role in ("dco", "operator")
    }
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    app = create_app(container)
    app.state.anonymous_uploads = not named_spool
    options = {**server_options(settings), "log_level": "warning"}
    print(json.dumps({"port": port, "tokens": tokens}), flush=True)  # noqa: T201 - for the test
    uvicorn.Server(uvicorn.Config(app, **options)).run(sockets=[listener])


if __name__ == "__main__":
    main(Path(sys.argv[1]), named_spool="--named-spool" in sys.argv[2:])
