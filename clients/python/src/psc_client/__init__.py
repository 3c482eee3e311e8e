"""A Python client for the Parsec security service (wire protocol 1.0, PSA Crypto API).

>>> from psc_client import Client
>>> with Client("my-app") as client:               # doctest: +SKIP
...     client.generate_signing_key("release")
...     signature = client.sign("release", b"release 1.0")
"""

from .client import Auth, AuthenticatorInfo, Client, KeyInfo, ProviderInfo, SEALED_VERSION
from .errors import *  # noqa: F401,F403
from .errors import __all__ as _errors_all
from .types import *  # noqa: F401,F403
from .types import __all__ as _types_all

__version__ = "0.1.0"

__all__ = [
    "Auth",
    "AuthenticatorInfo",
    "Client",
    "KeyInfo",
    "ProviderInfo",
    "SEALED_VERSION",
    *_errors_all,
    *_types_all,
]
