"""The real app served over HTTP on a free localhost port, in a thread of the test process.

A browser needs a real socket: the in-process test client of the other tests has none. The app
runs in uvicorn's own event loop, in its own thread, as in `coorace serve`: what the browser
waits on never shares a loop with what the test awaits.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import uvicorn
from litestar import Litestar

START_TIMEOUT_SECONDS = 30.0


@asynccontextmanager
async def served(app: Litestar) -> AsyncIterator[str]:
    """Serve `app` (its lifespan starts the platform) and yield its base URL, `http://127.0.0.1:<port>`."""
    # The socket is bound here, before the thread starts, so the port is known and no other
    # process can take it between choosing and listening.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level=None, log_config=None, access_log=False, lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name=f"uvicorn-{port}", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError("the app did not start (its lifespan failed: see the log above)")
            if time.monotonic() > deadline:
                raise RuntimeError(f"the app did not start within {START_TIMEOUT_SECONDS:.0f} s")
            await asyncio.sleep(0.02)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await asyncio.to_thread(thread.join, START_TIMEOUT_SECONDS)
        sock.close()
