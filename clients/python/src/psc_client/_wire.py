"""The fixed 36-byte header, and one request/response exchange over a Unix socket with the
keep-alive extension (``docs/wire-protocol.md``) and its fallback."""

from __future__ import annotations

import dataclasses
import os
import select
import socket
import struct
import threading
import time
from dataclasses import dataclass
from typing import List, Optional, Tuple
from urllib.parse import unquote

from .errors import (
    ConnectionLost,
    EndpointError,
    MalformedResponse,
    ResponseTimeout,
    ServiceUnavailable,
    Status,
)

MAGIC = 0x5EC0A710
HEADER_SIZE = 36
FLAG_KEEP_ALIVE = 0x0001
DEFAULT_ENDPOINT = "unix:/run/parsec/parsec.sock"
MAX_IDLE = 8
MAX_IDLE_TIME = 25.0  # the service closes idle kept connections after 30 s

_HEADER = struct.Struct("<IHBBHBQBBBIHIHBB")
assert _HEADER.size == HEADER_SIZE


@dataclass(frozen=True)
class Header:
    """A request or response header."""

    provider: int
    opcode: int
    auth_type: int = 0
    body_len: int = 0
    auth_len: int = 0
    status: int = 0
    flags: int = 0
    session: int = 0
    content_type: int = 0
    accept_type: int = 0

    def pack(self) -> bytes:
        """The 36 header bytes."""
        return _HEADER.pack(
            MAGIC, 30, 1, 0, self.flags, self.provider, self.session, self.content_type,
            self.accept_type, self.auth_type, self.body_len, self.auth_len, self.opcode,
            self.status, 0, 0,
        )  # fmt: skip

    @staticmethod
    def unpack(data: bytes) -> "Header":
        """Parses and checks a response header as the Rust client does."""
        if len(data) != HEADER_SIZE:
            raise MalformedResponse(f"a header of {len(data)} bytes")
        (magic, size, major, minor, flags, provider, session, content, accept, auth,
         body_len, auth_len, opcode, status, res1, res2) = _HEADER.unpack(data)  # fmt: skip
        if magic != MAGIC:
            raise MalformedResponse(f"magic number {magic:#010x} instead of {MAGIC:#010x}")
        if size != 30:
            raise MalformedResponse(f"header size {size} instead of 30")
        if (major, minor) != (1, 0):
            raise MalformedResponse(f"wire protocol version {major}.{minor} instead of 1.0")
        if res1 or res2:
            raise MalformedResponse("non-zero reserved bytes")
        if content != 0:
            raise MalformedResponse(f"content type {content} instead of 0 (protobuf)")
        return Header(provider, opcode, auth, body_len, auth_len, status, flags, session,
                      content, accept)  # fmt: skip


def request_bytes(header: Header, body: bytes, auth: bytes) -> bytes:
    """A whole request: header, body, auth field."""
    return header.pack() + body + auth


def parse_endpoint(uri: str) -> str:
    """The socket path of a ``unix:`` URI (``unix:/path`` or ``unix:///path``)."""
    if uri[:5].lower() != "unix:":
        raise EndpointError(uri, "only the unix: scheme is supported")
    rest = uri[5:]
    if "?" in rest or "#" in rest:
        raise EndpointError(uri, "a query or fragment is not allowed")
    if rest.startswith("//"):
        host, slash, path = rest[2:].partition("/")
        if host not in ("", "localhost") and host.lower() != "localhost":
            raise EndpointError(uri, f"the host {host!r} is not allowed; use unix:/path")
        rest = slash + path
    path = unquote(rest)
    if not path.startswith("/"):
        raise EndpointError(uri, "the path must be absolute")
    return path


def endpoint_from_env() -> Tuple[str, str]:
    """The endpoint URI (``PARSEC_SERVICE_ENDPOINT`` or the default) and its path."""
    uri = os.environ.get("PARSEC_SERVICE_ENDPOINT") or DEFAULT_ENDPOINT
    return uri, parse_endpoint(uri)


class _Unanswered(Exception):
    """Nothing of the answer arrived on a connection: on a reused one, send again."""

    def __init__(self, error: Exception) -> None:
        self.error = error


class Transport:
    """Sends requests to one socket path; thread-safe.

    Idle kept connections wait in a small pool. A *successful* answer without the keep-alive
    flag shows a service that serves one request per connection (the original): from then on
    requests go without the flag, byte for byte as the published clients send them. A request
    on a reused connection is sent once more on a fresh one when nothing of its answer came
    (the service may have closed the idle connection meanwhile); nothing else is retried.
    """

    def __init__(self, path: str, *, timeout: Optional[float], keep_alive: bool = True,
                 max_body_size: int = 1 << 24) -> None:  # fmt: skip
        self.path = path
        self.timeout = timeout
        self.max_body_size = max_body_size
        self._lock = threading.Lock()
        self._idle: List[Tuple[socket.socket, float]] = []
        self._pid = os.getpid()
        self.per_request = not keep_alive

    # --- the pool ---

    def _take(self) -> Optional[socket.socket]:
        with self._lock:
            if self._pid != os.getpid():  # a forked child must not share the parent's
                self._idle.clear()
                self._pid = os.getpid()
            while self._idle:
                sock, since = self._idle.pop()
                if time.monotonic() - since < MAX_IDLE_TIME and _still_open(sock):
                    return sock
                sock.close()
        return None

    def _give_back(self, sock: socket.socket) -> None:
        with self._lock:
            if len(self._idle) < MAX_IDLE and self._pid == os.getpid():
                self._idle.append((sock, time.monotonic()))
                return
        sock.close()

    def idle_count(self) -> int:
        """How many connections wait in the pool."""
        with self._lock:
            return len(self._idle)

    def close(self) -> None:
        """Closes every idle connection."""
        with self._lock:
            idle, self._idle = self._idle, []
        for sock, _ in idle:
            sock.close()

    # --- one exchange ---

    def _connect(self) -> socket.socket:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        try:
            sock.connect(self.path)
        except socket.timeout:
            sock.close()
            raise ResponseTimeout(self.timeout or 0.0) from None
        except OSError as error:
            sock.close()
            raise ServiceUnavailable(self.path, error) from error
        return sock

    def exchange(self, header: Header, body: bytes, auth: bytes) -> Tuple[Header, bytes]:
        """Sends one request and returns the response header and body."""
        keep = not self.per_request
        if keep:
            header = dataclasses.replace(header, flags=header.flags | FLAG_KEEP_ALIVE)
        request = request_bytes(header, body, auth)
        sock = self._take() if keep else None
        if sock is not None:
            try:
                return self._exchange_on(sock, request, keep)
            except _Unanswered:
                pass  # the kept connection was closed meanwhile: once more, fresh
        try:
            return self._exchange_on(self._connect(), request, keep)
        except _Unanswered as unanswered:
            raise unanswered.error from None

    def _exchange_on(self, sock: socket.socket, request: bytes, keep: bool) -> Tuple[Header, bytes]:
        deadline = None if self.timeout is None else time.monotonic() + self.timeout
        done = False
        try:
            try:
                sock.sendall(request)
            except socket.timeout:
                raise ResponseTimeout(self.timeout or 0.0) from None
            except OSError as error:
                # The service may have answered and closed before reading it all: its answer
                # (a refusal) can still be read.
                if not isinstance(error, (BrokenPipeError, ConnectionResetError)):
                    raise ConnectionLost(str(error)) from error
            raw = _read_exact(sock, HEADER_SIZE, deadline, self.timeout, first=True)
            response = Header.unpack(raw)
            if response.body_len > self.max_body_size:
                raise MalformedResponse(
                    f"a body of {response.body_len} bytes, above this client's limit of "
                    f"{self.max_body_size} (Client(max_body_size=...))"
                )
            body = _read_exact(sock, response.body_len, deadline, self.timeout, first=False)
            if keep and response.flags & FLAG_KEEP_ALIVE:
                self._give_back(sock)
                done = True
            elif keep and response.status == Status.SUCCESS:
                self.per_request = True
            return response, body
        finally:
            if not done:
                sock.close()


def _still_open(sock: socket.socket) -> bool:
    """Whether the service has not closed (or written on) an idle connection."""
    try:
        readable, _, _ = select.select([sock], [], [], 0)
    except (OSError, ValueError):
        return False
    return not readable  # an idle connection has nothing to read unless it was closed


def _read_exact(sock: socket.socket, size: int, deadline: Optional[float],
                timeout: Optional[float], *, first: bool) -> bytes:  # fmt: skip
    chunks = bytearray()
    while len(chunks) < size:
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0:
                raise ResponseTimeout(timeout or 0.0)
            sock.settimeout(left)
        try:
            chunk = sock.recv(min(size - len(chunks), 1 << 20))
        except socket.timeout:
            raise ResponseTimeout(timeout or 0.0) from None
        except (ConnectionResetError, BrokenPipeError) as error:
            if first and not chunks:
                raise _Unanswered(ConnectionLost(str(error))) from error
            raise ConnectionLost(str(error)) from error
        except OSError as error:
            raise ConnectionLost(str(error)) from error
        if not chunk:
            if first and not chunks:
                raise _Unanswered(ConnectionLost("the stream ended before the answer"))
            part = "header" if first else "body"
            raise ConnectionLost(
                f"the stream ended after {len(chunks)} of the {size} bytes of the {part}"
            )
        chunks += chunk
    return bytes(chunks)
