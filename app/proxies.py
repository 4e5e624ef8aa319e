"""Which proxies may say who the client is (X-Forwarded-For, X-Forwarded-Proto)."""

from app.config import Settings


def trusted_proxies(settings: Settings) -> list[str]:
    """The addresses (or networks) of FORWARDED_ALLOW_IPS; empty, the default, trusts none.

    "*" is refused: behind it any client could name any address and so escape the limits
    counted per address.
    """
    entries = [entry.strip() for entry in settings.forwarded_allow_ips.split(",") if entry.strip()]
    if "*" in entries:
        raise ValueError("FORWARDED_ALLOW_IPS must list the proxies' addresses, not '*'")
    return entries
