"""Two Direct identities are isolated: each sees and uses only its own keys, even under the
same name."""

from __future__ import annotations

import pytest

from conftest import Daemon
from psc_client import Auth, Client, KeyNotFound


def test_two_direct_identities_are_isolated(daemon: Daemon) -> None:
    with daemon.client("alice") as alice, daemon.client("bob") as bob:
        alice.generate_signing_key("same-name")
        assert [k.name for k in bob.list_keys()] == []
        with pytest.raises(KeyNotFound):
            bob.sign("same-name", b"x")
        with pytest.raises(KeyNotFound):
            bob.export_public_key("same-name")
        with pytest.raises(KeyNotFound):
            bob.destroy_key("same-name")
        bob.generate_signing_key("same-name")
        assert alice.export_public_key("same-name") != bob.export_public_key("same-name")
        signature = alice.sign("same-name", b"x")
        alice.verify("same-name", b"x", signature)
        with pytest.raises(Exception):
            bob.verify("same-name", b"x", signature)
        alice.destroy_key("same-name")
        assert [k.name for k in bob.list_keys()] == ["same-name"]
        bob.destroy_key("same-name")


def test_direct_and_peer_credentials_are_different_identities(daemon: Daemon) -> None:
    with daemon.client("peer-twin") as direct, Client(endpoint=daemon.endpoint, auth=Auth.unix_peer()) as peer:
        direct.generate_signing_key("twin-key")
        assert "twin-key" not in [k.name for k in peer.list_keys()]
        direct.destroy_key("twin-key")
