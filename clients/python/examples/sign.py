"""The shortest program: a key and a signature (run with PARSEC_SERVICE_ENDPOINT set when the
service is not at /run/parsec/parsec.sock)."""

from psc_client import Client

with Client("my-app") as client:
    client.generate_signing_key("my-key")
    print(client.sign("my-key", b"hello").hex())
