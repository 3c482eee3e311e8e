"""JWT-SVID authentication (auth type 4) against the real daemon: tokens minted here with an
EC key whose public half is the daemon's trust bundle."""

from __future__ import annotations

import base64
import json
import time
from pathlib import Path
from typing import Any, Iterator

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from psc_client import Auth, AuthenticationFailed, AuthType, Client, JwtSvidUnreadable

from conftest import Daemon, start_daemon

DOMAIN = "example.org"


def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


class Issuer:
    """A trust domain's JWT-SVID signer, ES256 under ``kid`` "k1"."""

    def __init__(self) -> None:
        self.key = ec.generate_private_key(ec.SECP256R1())

    def bundle(self) -> str:
        numbers = self.key.public_key().public_numbers()
        jwk = {"kty": "EC", "crv": "P-256", "kid": "k1", "use": "jwt-svid", "alg": "ES256",
               "x": b64u(numbers.x.to_bytes(32, "big")), "y": b64u(numbers.y.to_bytes(32, "big"))}  # fmt: skip
        return json.dumps({"keys": [jwk]})

    def mint(self, sub: str, *, lifetime: int = 300, aud: str = "parsec") -> str:
        now = int(time.time())
        header = {"alg": "ES256", "typ": "JWT", "kid": "k1"}
        claims: dict[str, Any] = {"sub": sub, "aud": [aud], "iat": now, "exp": now + lifetime}
        signing_input = f"{b64u(json.dumps(header).encode())}.{b64u(json.dumps(claims).encode())}"
        r, s = decode_dss_signature(self.key.sign(signing_input.encode(), ec.ECDSA(hashes.SHA256())))
        return f"{signing_input}.{b64u(r.to_bytes(32, 'big') + s.to_bytes(32, 'big'))}"


ISSUER = Issuer()


@pytest.fixture(scope="module")
def jwt_daemon(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Daemon]:
    directory = tmp_path_factory.mktemp("jwt")
    bundle = directory / "bundle.json"
    bundle.write_text(ISSUER.bundle())
    config = f"""\
[core_settings]
allow_root = true

[listener]
listener_type = "DomainSocket"
timeout = 2000
socket_path = "{{socket}}"

[[authenticator]]
auth_type = "JwtSvid"
bundle_path = "{bundle}"
trust_domains = ["{DOMAIN}"]

[[authenticator]]
auth_type = "Direct"

[[key_manager]]
name = "sqlite-manager"
manager_type = "SQLite"
sqlite_db_path = "{{store}}"

[[provider]]
name = "mbed-crypto-provider"
provider_type = "MbedCrypto"
key_info_manager = "sqlite-manager"
"""
    yield from start_daemon(directory, config)


def client(daemon: Daemon, auth: Auth) -> Client:
    return Client(endpoint=daemon.endpoint, provider=1, auth=auth)


def test_a_workload_reaches_only_its_own_keys(jwt_daemon: Daemon) -> None:
    alice = f"spiffe://{DOMAIN}/alice"
    with client(jwt_daemon, Auth.jwt_svid(ISSUER.mint(alice))) as c:
        c.generate_signing_key("jwt-key")
        signature = c.sign("jwt-key", b"release")
        c.verify("jwt-key", b"release", signature)
        assert [k.name for k in c.list_keys()] == ["jwt-key"]
    bob = Auth.jwt_svid(ISSUER.mint(f"spiffe://{DOMAIN}/bob"))
    with client(jwt_daemon, bob) as other, client(jwt_daemon, Auth.direct(alice)) as claimer:
        assert other.list_keys() == []
        # A Direct application claiming the same SPIFFE ID is another namespace.
        assert claimer.list_keys() == []


@pytest.mark.parametrize("token", [
    ISSUER.mint(f"spiffe://{DOMAIN}/late", lifetime=-120),       # expired beyond the leeway
    ISSUER.mint(f"spiffe://{DOMAIN}/aud", aud="someone-else"),   # not for this service
    ISSUER.mint("spiffe://elsewhere.org/app"),                   # not a trusted domain
    Issuer().mint(f"spiffe://{DOMAIN}/forged"),                  # a key not in the bundle
    "not.a.token",
])  # fmt: skip
def test_a_bad_token_is_an_authentication_error(jwt_daemon: Daemon, token: str) -> None:
    with client(jwt_daemon, Auth.jwt_svid(token)) as c, pytest.raises(AuthenticationFailed):
        c.list_keys()


def test_a_token_file_is_read_at_every_request(jwt_daemon: Daemon, tmp_path: Path) -> None:
    path = tmp_path / "svid.token"
    path.write_text(ISSUER.mint(f"spiffe://{DOMAIN}/rotating") + "\n")
    with client(jwt_daemon, Auth.jwt_svid_file(str(path))) as c:
        c.generate_signing_key("rotating-key")
        assert [k.name for k in c.list_keys()] == ["rotating-key"]
        # Rotated to another workload's token: the next request is that workload.
        path.write_text(ISSUER.mint(f"spiffe://{DOMAIN}/successor"))
        assert c.list_keys() == []
        path.write_text("")
        with pytest.raises(JwtSvidUnreadable, match="empty"):
            c.list_keys()
        path.unlink()
        with pytest.raises(JwtSvidUnreadable, match=str(path)):
            c.list_keys()


def test_discovery_takes_the_token_from_the_environment(
    jwt_daemon: Daemon, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("PARSEC_JWT_SVID_FILE", raising=False)
    token = ISSUER.mint(f"spiffe://{DOMAIN}/from-env")
    monkeypatch.setenv("PARSEC_JWT_SVID", token)
    with Client(endpoint=jwt_daemon.endpoint) as c:
        assert c.auth.type == AuthType.JWT_SVID
        c.generate_signing_key("env-key")
    monkeypatch.delenv("PARSEC_JWT_SVID")
    path = tmp_path / "svid"
    path.write_text(token)
    monkeypatch.setenv("PARSEC_JWT_SVID_FILE", str(path))
    with Client(endpoint=jwt_daemon.endpoint) as c:
        assert c.auth == Auth.jwt_svid_file(str(path))
        assert [k.name for k in c.list_keys()] == ["env-key"]
    monkeypatch.delenv("PARSEC_JWT_SVID_FILE")
    # Without a token, discovery falls back to Direct with the application name.
    with Client("plain-app", endpoint=jwt_daemon.endpoint) as c:
        assert c.auth == Auth.direct("plain-app")


def test_a_token_never_shows_in_a_repr() -> None:
    token = ISSUER.mint(f"spiffe://{DOMAIN}/secret")
    auth = Auth.jwt_svid(token)
    assert token not in repr(auth)
    assert token.split(".")[2] not in repr(auth)
    with pytest.raises(ValueError):
        Auth.jwt_svid("  ")
