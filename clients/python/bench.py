#!/usr/bin/env python3
"""Requests per second from Python, one thread, one persistent connection: ping and ECDSA
P-256 SHA-256 sign (hash computed here, one PsaSignHash request per signature).

    PARSEC_SERVICE_ENDPOINT=unix:/path/parsec.sock python bench.py [--seconds 3]

Keys are created as the Direct application ``psc-py-bench-PID`` when the service accepts
Direct authentication (else with the caller's identity), and destroyed at the end.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import time
from typing import Callable

from psc_client import Auth, AuthType, Client, Ecdsa, Hash


def rate(name: str, seconds: float, call: Callable[[], object]) -> float:
    """Calls ``call`` for a short warm-up, then for ``seconds``; prints and returns ops/s."""
    warm = time.monotonic() + min(0.5, seconds / 4)
    while time.monotonic() < warm:
        call()
    count = 0
    start = time.monotonic()
    end = start + seconds
    while True:
        call()
        count += 1
        now = time.monotonic()
        if now >= end:
            break
    per_second = count / (now - start)
    print(f"python  {name:<11} threads=1  {count:>7} ops  {per_second:>9.0f} ops/s  "
          f"{1e6 / per_second:>7.1f} us/op")  # fmt: skip
    return per_second


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seconds", type=float, default=3.0, help="measured seconds per case")
    parser.add_argument("--endpoint", help="unix:PATH (default: PARSEC_SERVICE_ENDPOINT)")
    args = parser.parse_args()

    with Client(endpoint=args.endpoint, auth=Auth.none(), provider=0) as probe:
        direct = any(a.id == AuthType.DIRECT for a in probe.list_authenticators())
    app = f"psc-py-bench-{os.getpid()}"
    auth = Auth.direct(app) if direct else None
    with Client(app, endpoint=args.endpoint, auth=auth) as client:
        rate("ping", args.seconds, client.ping)
        key = f"{app}-ecdsa"
        client.generate_signing_key(key)
        try:
            digest = hashlib.sha256(b"the benchmark's message").digest()
            alg = Ecdsa(Hash.SHA_256)
            rate("ecdsa-sign", args.seconds, lambda: client.sign_hash(key, digest, alg=alg))
        finally:
            client.destroy_key(key)
        print(f"(persistent connection: {not client.per_request})")


if __name__ == "__main__":
    main()
