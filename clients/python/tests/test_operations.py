"""Every operation against our daemon, results cross-checked with the ``cryptography``
package."""

from __future__ import annotations

import hashlib
import os

import pytest
from cryptography.exceptions import InvalidSignature as CryptoInvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)
from cryptography.hazmat.primitives.ciphers import Cipher as CryptoCipher
from cryptography.hazmat.primitives.ciphers import algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from conftest import Daemon
from psc_client import (
    Aead,
    AeadAlg,
    AuthType,
    CheckType,
    Cipher,
    Client,
    Ecdsa,
    EccFamily,
    Hash,
    Hmac,
    InvalidSignature,
    KeyAttributes,
    KeyExists,
    KeyKind,
    KeyNotFound,
    KeyType,
    NotPermitted,
    NotSupported,
    Opcode,
    ProviderId,
    RawKeyAgreement,
    RsaOaep,
    RsaPkcs1v15Crypt,
    RsaPkcs1v15Sign,
    RsaPss,
    UsageFlags,
)


def der_signature(raw: bytes) -> bytes:
    half = len(raw) // 2
    return encode_dss_signature(int.from_bytes(raw[:half], "big"), int.from_bytes(raw[half:], "big"))


def test_ping(client: Client) -> None:
    assert client.ping() == (1, 0)


def test_discovery_picks_the_crypto_provider_and_peer_credentials(daemon: Daemon) -> None:
    with Client("ignored-name", endpoint=daemon.endpoint) as client:
        assert client.provider == ProviderId.MBED_CRYPTO
        assert client.auth.type == AuthType.UNIX_PEER_CREDENTIALS


def test_the_endpoint_comes_from_the_environment(daemon: Daemon, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARSEC_SERVICE_ENDPOINT", daemon.endpoint)
    with Client() as client:
        assert client.endpoint == daemon.endpoint
        assert client.ping() == (1, 0)


def test_listings(client: Client) -> None:
    providers = client.list_providers()
    assert [p.id for p in providers] == [ProviderId.MBED_CRYPTO, ProviderId.CORE]
    assert providers[1].uuid == "47049873-2a43-4845-9d72-831eab668784"
    assert [a.id for a in client.list_authenticators()] == [
        AuthType.UNIX_PEER_CREDENTIALS, AuthType.DIRECT]  # fmt: skip
    core = client.list_opcodes(provider=ProviderId.CORE)
    assert {Opcode.PING, Opcode.LIST_KEYS, Opcode.LIST_PROVIDERS} <= core
    crypto = client.list_opcodes()
    assert {Opcode.PSA_GENERATE_KEY, Opcode.PSA_SIGN_HASH, Opcode.PSA_AEAD_ENCRYPT} <= crypto
    assert Opcode.PSA_MAC_COMPUTE not in crypto  # never advertised (docs/wire-protocol.md)


def test_generate_list_destroy(client: Client) -> None:
    assert client.list_keys() == []
    client.generate_signing_key("k")
    (key,) = client.list_keys()
    assert (key.name, key.provider) == ("k", ProviderId.MBED_CRYPTO)
    assert key.attributes == KeyAttributes.ecc_signing()
    with pytest.raises(KeyExists) as exists:
        client.generate_signing_key("k")
    assert "already exists" in str(exists.value)
    client.destroy_key("k")
    assert client.list_keys() == []
    with pytest.raises(KeyNotFound):
        client.destroy_key("k")


def test_ecdsa_sign_and_verify_cross_checked(client: Client) -> None:
    client.generate_signing_key("ecdsa")
    public = serialization.load_pem_public_key(client.public_key_pem("ecdsa").encode())
    assert isinstance(public, ec.EllipticCurvePublicKey) and public.curve.name == "secp256r1"
    point = client.export_public_key("ecdsa")
    assert point == public.public_bytes(serialization.Encoding.X962,
                                        serialization.PublicFormat.UncompressedPoint)  # fmt: skip
    message = b"release 1.0"
    signature = client.sign("ecdsa", message)
    assert len(signature) == 64
    public.verify(der_signature(signature), message, ec.ECDSA(hashes.SHA256()))
    client.verify("ecdsa", message, signature)
    with pytest.raises(InvalidSignature):
        client.verify("ecdsa", b"release 2.0", signature)
    # the explicit operations
    digest = hashlib.sha256(message).digest()
    by_hash = client.sign_hash("ecdsa", digest, alg=Ecdsa(Hash.SHA_256))
    public.verify(der_signature(by_hash), message, ec.ECDSA(hashes.SHA256()))
    client.verify_hash("ecdsa", digest, by_hash, alg=Ecdsa(Hash.SHA_256))
    by_message = client.sign_message("ecdsa", message, alg=Ecdsa(Hash.SHA_256))
    public.verify(der_signature(by_message), message, ec.ECDSA(hashes.SHA256()))
    client.verify_message("ecdsa", message, by_message, alg=Ecdsa(Hash.SHA_256))
    with pytest.raises(InvalidSignature):
        client.verify_message("ecdsa", b"other", by_message, alg=Ecdsa(Hash.SHA_256))


def test_signatures_made_elsewhere_verify(client: Client) -> None:
    private = ec.generate_private_key(ec.SECP256R1())
    scalar = private.private_numbers().private_value.to_bytes(32, "big")
    client.import_key("imported", KeyAttributes.ecc_signing(bits=0), scalar)
    message = b"signed by cryptography"
    r, s = decode_dss_signature(private.sign(message, ec.ECDSA(hashes.SHA256())))
    client.verify("imported", message, r.to_bytes(32, "big") + s.to_bytes(32, "big"))
    assert client.export_public_key("imported") == private.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)  # fmt: skip
    with pytest.raises(NotPermitted):
        client.export_key("imported")  # not exportable


def test_rsa_signatures_cross_checked(client: Client) -> None:
    client.generate_key("rsa", KeyAttributes.rsa_signing(2048))
    public = serialization.load_pem_public_key(client.public_key_pem("rsa").encode())
    assert isinstance(public, rsa.RSAPublicKey) and public.key_size == 2048
    signature = client.sign("rsa", b"data")
    public.verify(signature, b"data", padding.PKCS1v15(), hashes.SHA256())
    client.generate_key("pss", KeyAttributes.rsa_signing(2048, RsaPss(Hash.SHA_256)))
    pss = serialization.load_pem_public_key(client.public_key_pem("pss").encode())
    assert isinstance(pss, rsa.RSAPublicKey)
    signature = client.sign("pss", b"data")
    pss.verify(signature, b"data", padding.PSS(padding.MGF1(hashes.SHA256()), 32), hashes.SHA256())


def test_asymmetric_encryption_cross_checked(client: Client) -> None:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    der = private.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.TraditionalOpenSSL,
                                serialization.NoEncryption())  # fmt: skip
    oaep = padding.OAEP(padding.MGF1(hashes.SHA256()), hashes.SHA256(), None)
    client.import_key("oaep", KeyAttributes.rsa_encryption(0), der)
    ciphertext = client.asymmetric_encrypt("oaep", b"secret", alg=RsaOaep(Hash.SHA_256))
    assert private.decrypt(ciphertext, oaep) == b"secret"
    theirs = private.public_key().encrypt(b"other secret", oaep)
    assert client.asymmetric_decrypt("oaep", theirs, alg=RsaOaep(Hash.SHA_256)) == b"other secret"
    client.generate_key("pkcs1", KeyAttributes.rsa_encryption(2048, RsaPkcs1v15Crypt()))
    ciphertext = client.asymmetric_encrypt("pkcs1", b"x", alg=RsaPkcs1v15Crypt())
    assert client.asymmetric_decrypt("pkcs1", ciphertext, alg=RsaPkcs1v15Crypt()) == b"x"


def test_aead_cross_checked(client: Client) -> None:
    key = AESGCM.generate_key(bit_length=256)
    client.import_key("gcm", KeyAttributes.aes_gcm(0, export=True), key)
    assert client.export_key("gcm") == key
    nonce = os.urandom(12)
    sealed = client.aead_encrypt("gcm", b"plain", nonce=nonce, additional_data=b"ad", alg=AeadAlg.GCM)
    assert AESGCM(key).decrypt(nonce, sealed, b"ad") == b"plain"
    theirs = AESGCM(key).encrypt(nonce, b"from cryptography", b"")
    assert client.aead_decrypt("gcm", theirs, nonce=nonce) == b"from cryptography"
    with pytest.raises(InvalidSignature):
        client.aead_decrypt("gcm", theirs[:-1] + bytes([theirs[-1] ^ 1]), nonce=nonce)
    # seal/open under a library-chosen nonce: version, nonce, ciphertext and tag
    box = client.seal("gcm", b"the password", b"db.conf")
    assert box[0] == 1 and len(box) == 1 + 12 + len(b"the password") + 16
    assert AESGCM(key).decrypt(box[1:13], box[13:], b"db.conf") == b"the password"
    assert client.open("gcm", box, b"db.conf") == b"the password"
    assert client.seal("gcm", b"the password", b"db.conf")[1:13] != box[1:13]
    with pytest.raises(InvalidSignature):
        client.open("gcm", box, b"other.conf")


def test_generated_encryption_key(client: Client) -> None:
    client.generate_encryption_key("box")
    assert client.open("box", client.seal("box", b"")) == b""
    with pytest.raises(NotPermitted):
        client.sign_hash("box", bytes(32), alg=Ecdsa(Hash.SHA_256))


def test_cipher_cross_checked(client: Client) -> None:
    key = os.urandom(16)
    attributes = KeyAttributes(KeyType.AES, 0, UsageFlags.encryption(), Cipher.CBC_PKCS7)
    client.import_key("cbc", attributes, key)
    output = client.cipher_encrypt("cbc", b"sixteen bytes!!!" * 2, alg=Cipher.CBC_PKCS7)
    iv, body = output[:16], output[16:]
    decryptor = CryptoCipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
    padded = decryptor.update(body) + decryptor.finalize()
    assert padded[:32] == b"sixteen bytes!!!" * 2 and padded[32:] == bytes([16]) * 16
    assert client.cipher_decrypt("cbc", output, alg=Cipher.CBC_PKCS7) == b"sixteen bytes!!!" * 2


def test_mac(client: Client) -> None:
    import hmac as std_hmac

    key = os.urandom(32)
    attributes = KeyAttributes(KeyType.HMAC, 0, UsageFlags(sign_message=True, verify_message=True), Hmac(Hash.SHA_256))
    client.import_key("mac", attributes, key)
    mac = client.mac_compute("mac", b"data", alg=Hmac(Hash.SHA_256))
    assert mac == std_hmac.new(key, b"data", "sha256").digest()
    client.mac_verify("mac", b"data", mac, alg=Hmac(Hash.SHA_256))
    with pytest.raises(InvalidSignature):
        client.mac_verify("mac", b"datA", mac, alg=Hmac(Hash.SHA_256))


def test_hashes_and_random(client: Client) -> None:
    assert client.hash_compute(b"abc") == hashlib.sha256(b"abc").digest()
    assert client.hash_compute(b"abc", alg=Hash.SHA_512) == hashlib.sha512(b"abc").digest()
    client.hash_compare(b"abc", hashlib.sha256(b"abc").digest())
    with pytest.raises(InvalidSignature):
        client.hash_compare(b"abd", hashlib.sha256(b"abc").digest())
    assert client.hash(b"abc", alg=Hash.SHA3_256) == hashlib.sha3_256(b"abc").digest()
    first, second = client.generate_random(32), client.generate_random(32)
    assert len(first) == 32 and first != second
    assert client.generate_random(0) == b""


def test_raw_key_agreement_cross_checked(client: Client) -> None:
    attributes = KeyAttributes(KeyType.ecc_key_pair(EccFamily.SECP_R1), 256, UsageFlags(derive=True),
                               RawKeyAgreement.ECDH)  # fmt: skip
    client.generate_key("ecdh", attributes)
    ours = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), client.export_public_key("ecdh"))
    peer = ec.generate_private_key(ec.SECP256R1())
    peer_point = peer.public_key().public_bytes(serialization.Encoding.X962,
                                                serialization.PublicFormat.UncompressedPoint)  # fmt: skip
    shared = client.raw_key_agreement("ecdh", peer_point, alg=RawKeyAgreement.ECDH)
    assert shared == peer.exchange(ec.ECDH(), ours)


def test_can_do_crypto(client: Client) -> None:
    assert client.can_do_crypto(KeyAttributes.ecc_signing(), check=CheckType.GENERATE)
    assert client.can_do_crypto(KeyAttributes.aes_gcm(), check=CheckType.USE)
    weird = KeyAttributes(KeyType.ecc_key_pair(EccFamily.SECT_K1), 571, UsageFlags.signing(), Ecdsa())
    assert not client.can_do_crypto(weird, check=CheckType.GENERATE)


def test_attestation_is_not_supported_by_the_software_provider(client: Client) -> None:
    client.generate_signing_key("attested")
    with pytest.raises(NotSupported):
        client.prepare_key_attestation("attested")
    with pytest.raises(NotSupported):
        client.attest_key("attested", credential_blob=b"blob", secret=b"secret")


def test_admin_operations(daemon: Daemon) -> None:
    with daemon.client("victim") as victim, daemon.client("admin") as admin:
        victim.generate_signing_key("v1")
        victim.generate_encryption_key("v2")
        assert "victim" in admin.list_clients()
        admin.delete_client("victim")
        assert victim.list_keys() == []
        assert "victim" not in admin.list_clients()


def test_keys_of_every_kind_show_in_list_keys(client: Client) -> None:
    client.generate_key("aes", KeyAttributes(KeyType.AES, 128, UsageFlags.encryption(), Aead(AeadAlg.CCM)))
    client.generate_key("rsa-sign", KeyAttributes.rsa_signing(2048, RsaPkcs1v15Sign(Hash.SHA_384)))
    kinds = {k.name: k.attributes.key_type.kind for k in client.list_keys()}
    assert kinds == {"aes": KeyKind.AES, "rsa-sign": KeyKind.RSA_KEY_PAIR}


def test_sign_follows_a_key_remade_by_another_client(daemon: Daemon) -> None:
    with daemon.client("remade") as first, daemon.client("remade") as second:
        first.generate_signing_key("k")
        first.sign("k", b"x")  # the policy is now cached by `first`
        second.destroy_key("k")
        second.generate_key("k", KeyAttributes.rsa_signing(2048))
        signature = first.sign("k", b"x")  # stale policy refused, looked up again
        assert len(signature) == 256
        first.verify("k", b"x", signature)


def test_the_readme_example_runs(daemon: Daemon) -> None:
    import subprocess
    import sys
    from pathlib import Path

    example = Path(__file__).parent.parent / "examples" / "sign.py"
    env = {**os.environ, "PARSEC_SERVICE_ENDPOINT": daemon.endpoint}
    try:
        done = subprocess.run([sys.executable, str(example)], env=env, capture_output=True,
                              text=True, timeout=60)  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert len(bytes.fromhex(done.stdout.strip())) == 64
    finally:
        with Client(endpoint=daemon.endpoint) as same_identity:  # peer credentials, as the example
            same_identity.destroy_key("my-key")
