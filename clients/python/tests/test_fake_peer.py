"""Answers from a fake peer: malformed or truncated ones raise a clear error and never hang;
the keep-alive extension falls back to one request per connection with a service that
closes after each answer (the original Parsec)."""

from __future__ import annotations

import socket
import struct
import threading
import time
from typing import Callable, List

import pytest

from fakepeer import FakePeer, Request, answering, response
from psc_client import Auth, Client, ConnectionLost, MalformedResponse, ResponseTimeout, ServiceError

Send = Callable[[socket.socket, Request], bool]


def ping_client(peer: FakePeer, timeout: float = 2.0) -> Client:
    return Client(endpoint=peer.endpoint, provider=1, auth=Auth.none(), timeout=timeout)


def writes(data: bytes, *, then_wait: float = 0.0) -> Send:
    def handle(conn: socket.socket, request: Request) -> bool:
        conn.sendall(data)
        time.sleep(then_wait)
        return False

    return handle


PING_OK = response(1, b"\x08\x01")


@pytest.mark.parametrize(
    "answer, message",
    [
        (b"\x10\xa7\xc0\x5e" + bytes(32), "header size 0 instead of 30"),
        (b"\x00" * 36, "magic number"),
        (PING_OK[:6] + b"\x02" + PING_OK[7:], "version 2.0"),
        (PING_OK[:34] + b"\x01" + PING_OK[35:], "reserved"),
        (PING_OK[:19] + b"\x01" + PING_OK[20:], "content type 1"),
        (response(8, b"\x08\x01"), "an answer to opcode 8 for a ping request"),
        (response(1, b"\x0a\x05ab"), "not valid protobuf"),
        (response(1, b"\x08\x80\x04"), "does not fit 8 bits"),
    ],
)
def test_malformed_answers(answer: bytes, message: str) -> None:
    with FakePeer(writes(answer)) as peer, ping_client(peer) as client:
        with pytest.raises(MalformedResponse) as caught:
            client.ping()
    assert message in str(caught.value)
    assert "speaking wire protocol 1.0" in str(caught.value)


@pytest.mark.parametrize(
    "answer, message",
    [
        (b"", "the stream ended before the answer"),
        (PING_OK[:20], "after 20 of the 36 bytes of the header"),
        (PING_OK[:37], "after 1 of the 2 bytes of the body"),
    ],
)
def test_truncated_answers(answer: bytes, message: str) -> None:
    with FakePeer(writes(answer)) as peer, ping_client(peer) as client:
        with pytest.raises(ConnectionLost) as caught:
            client.ping()
    assert message in str(caught.value)


@pytest.mark.parametrize("answer", [b"", PING_OK[:20], PING_OK[:37]])
def test_a_stalled_peer_times_out(answer: bytes) -> None:
    with FakePeer(writes(answer, then_wait=1)) as peer, ping_client(peer, timeout=0.3) as client:
        start = time.monotonic()
        with pytest.raises(ResponseTimeout) as caught:
            client.ping()
        assert time.monotonic() - start < 2
    assert "did not answer within 0.3 s" in str(caught.value)
    assert isinstance(caught.value, TimeoutError)


def test_an_oversized_body_is_refused_before_reading_it() -> None:
    huge = response(1)[:22] + struct.pack("<I", 1 << 30) + response(1)[26:]
    with FakePeer(writes(huge, then_wait=1)) as peer:
        with Client(endpoint=peer.endpoint, provider=1, auth=Auth.none(), timeout=5,
                    max_body_size=1 << 20) as client:  # fmt: skip
            start = time.monotonic()
            with pytest.raises(MalformedResponse) as caught:
                client.ping()
            assert time.monotonic() - start < 2
    assert "max_body_size" in str(caught.value)


def test_an_unknown_status_is_kept() -> None:
    with FakePeer(answering(status=4242)) as peer, ping_client(peer) as client:
        with pytest.raises(ServiceError) as caught:
            client.ping()
    assert caught.value.status == 4242


def test_keep_alive_with_our_service_reuses_one_connection() -> None:
    with FakePeer(answering(b"\x08\x01", keep_alive=True)) as peer, ping_client(peer) as client:
        for _ in range(5):
            assert client.ping() == (1, 0)
        assert client.idle_connections() == 1 and not client.per_request
    assert peer.connections == 1
    assert all(r.flags == 1 for r in peer.requests)


def test_fallback_with_a_one_request_service() -> None:
    with FakePeer(answering(b"\x08\x01", keep_alive=False)) as peer, ping_client(peer) as client:
        for _ in range(3):
            assert client.ping() == (1, 0)
        assert client.per_request and client.idle_connections() == 0
    assert peer.connections == 3
    # only the first request asked; the next ones are byte for byte the published clients'
    assert [r.flags for r in peer.requests] == [1, 0, 0]


def test_a_refusal_without_the_flag_proves_nothing() -> None:
    with FakePeer(answering(status=17, keep_alive=False)) as peer, ping_client(peer) as client:
        with pytest.raises(ServiceError):
            client.ping()
        assert not client.per_request


def test_a_kept_connection_closed_meanwhile_is_replaced() -> None:
    served = []

    def once_then_close(conn: socket.socket, request: Request) -> bool:
        served.append(request)
        conn.sendall(response(1, b"\x08\x01", flags=request.flags & 1))
        if len(served) == 1:
            time.sleep(0.2)  # the client's request arrives while we close
            return False
        return True

    with FakePeer(once_then_close) as peer, ping_client(peer) as client:
        assert client.ping() == (1, 0)
        assert client.ping() == (1, 0)  # sent again on a fresh connection, transparently
    assert peer.connections == 2


def test_keep_alive_off() -> None:
    with FakePeer(answering(b"\x08\x01")) as peer:
        with Client(endpoint=peer.endpoint, provider=1, auth=Auth.none(), keep_alive=False) as client:
            client.ping()
            client.ping()
    assert [r.flags for r in peer.requests] == [0, 0]


def test_threads_share_a_client(daemon: object) -> None:
    from conftest import Daemon

    assert isinstance(daemon, Daemon)
    with daemon.client() as client:
        client.generate_signing_key("shared")
        errors: List[Exception] = []

        def work() -> None:
            try:
                for _ in range(20):
                    signature = client.sign("shared", b"message")
                    client.verify("shared", b"message", signature)
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(error)

        threads = [threading.Thread(target=work) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert errors == []
        assert 1 <= client.idle_connections() <= 8
