"""Fixtures: our daemon on a temporary socket (the binary named by ``PSC_DAEMON``), and
clients of it."""

from __future__ import annotations

import os
import socket
import subprocess
import time
import uuid
from pathlib import Path
from typing import Iterator

import pytest

from psc_client import Auth, Client

CONFIG = """\
[core_settings]
allow_root = true

[listener]
listener_type = "DomainSocket"
timeout = 2000
socket_path = "{socket}"

[[authenticator]]
auth_type = "UnixPeerCredentials"

[[authenticator]]
auth_type = "Direct"
admins = [{{ name = "admin" }}]

[[key_manager]]
name = "sqlite-manager"
manager_type = "SQLite"
sqlite_db_path = "{store}"

[[provider]]
name = "mbed-crypto-provider"
provider_type = "MbedCrypto"
key_info_manager = "sqlite-manager"
"""


class Daemon:
    """A running ``parsec`` process and its endpoint."""

    def __init__(self, process: "subprocess.Popen[bytes]", socket_path: Path, log: Path) -> None:
        self.process = process
        self.socket_path = socket_path
        self.log = log

    @property
    def endpoint(self) -> str:
        return f"unix:{self.socket_path}"

    def client(self, name: str = "", **options: object) -> Client:
        """A Direct client named ``name`` (a fresh unique name by default)."""
        app = name or f"app-{uuid.uuid4().hex[:8]}"
        return Client(endpoint=self.endpoint, auth=Auth.direct(app), **options)  # type: ignore[arg-type]


def _daemon_binary() -> Path:
    value = os.environ.get("PSC_DAEMON")
    if not value:
        pytest.fail(
            "PSC_DAEMON is not set: point it at the daemon binary, e.g. "
            "PSC_DAEMON=target/debug/parsec (scripts/test sets it)",
            pytrace=False,
        )
    path = Path(value)
    if not (path.is_file() and os.access(path, os.X_OK)):
        pytest.fail(f"PSC_DAEMON={value} is not an executable file; build it with "
                    "`cargo build -p psc-daemon --bin parsec`", pytrace=False)  # fmt: skip
    return path


def start_daemon(directory: Path, config_text: str) -> Iterator[Daemon]:
    """Runs the daemon on ``config_text`` (``{socket}`` and ``{store}`` filled in with paths
    in ``directory``) until the generator is closed."""
    binary = _daemon_binary()
    socket_path = directory / "parsec.sock"
    config = directory / "config.toml"
    config.write_text(config_text.format(socket=socket_path, store=directory / "keys.sqlite3"))
    log = directory / "daemon.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [str(binary), "--config", str(config)], stdout=out, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )  # fmt: skip
    deadline = time.monotonic() + 20
    while True:
        if process.poll() is not None:
            pytest.fail(f"the daemon exited ({process.returncode}):\n{log.read_text()}", pytrace=False)
        try:
            with socket.socket(socket.AF_UNIX) as probe:
                probe.connect(str(socket_path))
            break
        except OSError:
            if time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"the daemon did not listen within 20 s:\n{log.read_text()}", pytrace=False)
            time.sleep(0.02)
    yield Daemon(process, socket_path, log)
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="session")
def daemon(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Daemon]:
    # A short directory: Unix socket paths are limited to 107 bytes.
    yield from start_daemon(tmp_path_factory.mktemp("psc"), CONFIG)


@pytest.fixture
def client(daemon: Daemon) -> Iterator[Client]:
    """A Direct client with a fresh application name: no keys, isolated from other tests."""
    with daemon.client() as c:
        yield c
