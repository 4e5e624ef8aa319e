"""API key secrets: how they are made and how they are recognised without being stored."""

import hashlib
import secrets

SECRET_PREFIX = "gr_live_"
ADMIN_SECRET_PREFIX = "gr_admin_"
KEY_ID_PREFIX = "key_"
ADMIN_KEY_ID_PREFIX = "adm_"
TENANT_ID_PREFIX = "ten_"


def new_secret() -> str:
    # 32 bytes from the OS's CSPRNG, base64url: 43 characters after the prefix.
    return SECRET_PREFIX + secrets.token_urlsafe(32)


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
    return value.startswith(SECRET_PREFIX) and 40 <= len(value) <= 100


def looks_like_admin_secret(value: str) -> bool:
    return value.startswith(ADMIN_SECRET_PREFIX) and 40 <= len(value) <= 100
