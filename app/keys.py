"""API key secrets: how they are made and how they are recognised without being stored."""

import base64
import hashlib
import secrets
import zlib

SECRET_PREFIX = "gr_live_"
ADMIN_SECRET_PREFIX = "gr_admin_"
KEY_ID_PREFIX = "key_"
ADMIN_KEY_ID_PREFIX = "adm_"
TENANT_ID_PREFIX = "ten_"


_RANDOM_LENGTH = 43  # 32 bytes from the OS's CSPRNG, base64url
_CHECKSUM_LENGTH = 6


def new_secret() -> str:
    random = secrets.token_urlsafe(32)
    return SECRET_PREFIX + random + _checksum(random)


def _checksum(random: str) -> str:
    """A CRC32 of the random part, base64url: a mistyped or invented key is known to be wrong
    without a look-up (not a secret: it only spares the database the keys that cannot exist)."""
    crc = zlib.crc32(random.encode("ascii")).to_bytes(4, "big")
    return base64.urlsafe_b64encode(crc).decode("ascii").rstrip("=")


def new_admin_secret() -> str:
    return ADMIN_SECRET_PREFIX + secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    """SHA-256 is enough for a high-entropy random key; a slow hash protects guessable ones."""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def hint(secret: str) -> str:
    prefix = ADMIN_SECRET_PREFIX if secret.startswith(ADMIN_SECRET_PREFIX) else SECRET_PREFIX
    return secret[: len(prefix) + 4]


def new_key_id() -> str:
    return KEY_ID_PREFIX + secrets.token_hex(8)


def new_admin_key_id() -> str:
    return ADMIN_KEY_ID_PREFIX + secrets.token_hex(8)


def new_tenant_id() -> str:
    return TENANT_ID_PREFIX + secrets.token_hex(8)


def looks_like_secret(value: str) -> bool:
    """Whether `value` could be a key: one with a valid checksum, or one made before keys had
    checksums (the prefix and 43 characters), which only a look-up can judge."""
    if not value.startswith(SECRET_PREFIX):
        return False
    body = value[len(SECRET_PREFIX) :]
    if len(body) == _RANDOM_LENGTH:
        return body.isascii()
    if len(body) != _RANDOM_LENGTH + _CHECKSUM_LENGTH or not body.isascii():
        return False
    random, checksum = body[:_RANDOM_LENGTH], body[_RANDOM_LENGTH:]
    return secrets.compare_digest(_checksum(random), checksum)


def looks_like_admin_secret(value: str) -> bool:
    return value.startswith(ADMIN_SECRET_PREFIX) and 40 <= len(value) <= 100
