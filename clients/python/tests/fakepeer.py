"""A fake Parsec service on a temporary socket: it records each request and answers with
whatever the test's handler writes, bytes exactly as given (or nothing at all)."""

from __future__ import annotations

import socket
import struct
import tempfile
import threading
from pathlib import Path
from typing import Callable, List, Optional

HEADER = struct.Struct("<IHBBHBQBBBIHIHBB")


def response(opcode: int, body: bytes = b"", *, status: int = 0, flags: int = 0,
             provider: int = 0) -> bytes:  # fmt: skip
    """A well-formed response."""
    return HEADER.pack(0x5EC0A710, 30, 1, 0, flags, provider, 0, 0, 0, 0, len(body), 0,
                       opcode, status, 0, 0) + body  # fmt: skip


class Request:
    """One request as received."""

    def __init__(self, raw: bytes) -> None:
        self.raw = raw
        fields = HEADER.unpack(raw[:36])
        self.flags = fields[4]
        self.provider = fields[5]
        self.auth_type = fields[9]
        self.opcode = fields[12]
        body_len, auth_len = fields[10], fields[11]
        self.header = raw[:36]
        self.body = raw[36 : 36 + body_len]
        self.auth = raw[36 + body_len : 36 + body_len + auth_len]


# handler(connection, request) -> True to keep the connection for another request
Handler = Callable[[socket.socket, Request], bool]


def _read_exact(conn: socket.socket, n: int) -> Optional[bytes]:
    data = bytearray()
    while len(data) < n:
        chunk = conn.recv(n - len(data))
        if not chunk:
            return None
        data += chunk
    return bytes(data)


class FakePeer:
    """Serves connections one at a time on a thread; use as a context manager."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.requests: List[Request] = []
        self.connections = 0
        self._dir = tempfile.TemporaryDirectory(prefix="psc-fake-")
        self.path = Path(self._dir.name) / "fake.sock"
        self._listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._listener.bind(str(self.path))
        self._listener.listen(8)
        self._listener.settimeout(0.1)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def endpoint(self) -> str:
        return f"unix:{self.path}"

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            self.connections += 1
            conn.settimeout(5)
            try:
                while not self._stop.is_set():
                    head = _read_exact(conn, 36)
                    if head is None:
                        break
                    body_len, auth_len = HEADER.unpack(head)[10:12]
                    rest = _read_exact(conn, body_len + auth_len)
                    if rest is None:
                        break
                    request = Request(head + rest)
                    self.requests.append(request)
                    if not self.handler(conn, request):
                        break
            except OSError:
                pass
            finally:
                conn.close()

    def close(self) -> None:
        self._stop.set()
        self._listener.close()
        self._thread.join(timeout=5)
        self._dir.cleanup()

    def __enter__(self) -> "FakePeer":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def answering(body: bytes = b"", *, status: int = 0, keep_alive: bool = True) -> Handler:
    """A handler answering every request with ``body`` and ``status``; it echoes the
    keep-alive flag when ``keep_alive`` (as our service does), else closes (the original)."""

    def handle(conn: socket.socket, request: Request) -> bool:
        keep = keep_alive and bool(request.flags & 1)
        conn.sendall(response(request.opcode, body, status=status, flags=1 if keep else 0,
                              provider=request.provider))  # fmt: skip
        return keep

    return handle
