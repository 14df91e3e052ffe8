"""One Settings object for the whole process, read from ``JAGA_*`` environment variables.

The embedded default is a SQLite file in ``./jaga-data`` so that a fresh machine needs no server;
production points ``JAGA_DATABASE_URL`` at PostgreSQL.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from jaga.errors import ConfigError

DEMO_PUBLIC_URL = "http://127.0.0.1:8000"
"""Where ``jaga up`` serves by default; the public URL unless ``JAGA_PUBLIC_URL`` says otherwise."""
_LOOPBACK = ("127.0.0.1", "localhost", "::1")
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class Settings(BaseSettings):
    """Process-wide configuration; every field can be set as ``JAGA_<NAME>``."""

    model_config = SettingsConfigDict(env_prefix="JAGA_", extra="ignore")

    data_dir: Path = Path("jaga-data")
    database_url: str | None = None
    secret_key: str | None = None
    public_url: str = DEMO_PUBLIC_URL
    """The one base of every absolute link jaga sends or redirects to (never taken from request headers)."""
    trusted_hosts: Annotated[list[str], NoDecode] = []
    """Host names accepted besides the public URL's (comma-separated); any other ``Host`` is refused."""
    trusted_proxies: Annotated[list[str], NoDecode] = []
    """Addresses or networks of reverse proxies whose ``X-Forwarded-For`` is believed (comma-separated)."""
    secure_cookies: bool | None = None
    """Mark cookies ``Secure``; unset: on when the public URL is https."""
    max_body_bytes: int = 1024 * 1024
    """Largest request body of the JSON API (HTTP 413 beyond)."""
    max_upload_bytes: int = 32 * 1024 * 1024
    """Largest body of the API's bulk endpoints (a batch of up to 10,000 requests)."""
    timezone: str | None = None
    """Retired: the controller's zone comes from the policy alone (``controller.timezone``); set, an error."""

    @field_validator("timezone")
    @classmethod
    def _no_process_zone(cls, value: str | None) -> None:
        if value is not None:
            raise ValueError("is no longer read: set controller.timezone in the policy instead")
        return None

    @field_validator("trusted_hosts", "trusted_proxies", mode="before")
    @classmethod
    def _comma_list(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    def effective_database_url(self) -> str:
        """The store URL: explicit setting, else a SQLite file inside the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'jaga.db').resolve()}"

    def public_base(self) -> str:
        """The public URL without a trailing slash; :class:`ConfigError` for one that is not a plain
        ``http(s)://host[:port][/path]`` (a query or fragment would corrupt every link built on it)."""
        return checked_public_url(self.public_url)

    def allowed_hosts(self) -> list[str]:
        """The ``Host`` names requests may carry (see :func:`allowed_hosts`)."""
        return allowed_hosts(self.public_url, self.trusted_hosts)

    def cookies_secure(self) -> bool:
        """Whether cookies get ``Secure``: as set, else whenever the public URL is https."""
        if self.secure_cookies is not None:
            return self.secure_cookies
        return urlsplit(self.public_base()).scheme == "https"


def allowed_hosts(public_url: str, extra: Sequence[str] = ()) -> list[str]:
    """The ``Host`` names requests may carry: the public URL's (with its loopback aliases when it is
    local, so the demo answers on localhost and 127.0.0.1) and the ``extra`` trusted ones."""
    host = urlsplit(checked_public_url(public_url)).hostname or ""
    for name in extra:
        wild = name.strip()[1:] if name.strip().startswith("*.") else name.strip()
        if not wild or any(c in wild for c in "*/@ ") or (":" in wild and not _is_address(wild)):
            raise ConfigError(
                f"trusted host {name!r} is not a host name",
                hint="set JAGA_TRUSTED_HOSTS to names like internal.example or *.example.com (no port, no '*' alone)",
            )
    hosts = [host, *(_LOOPBACK if host in _LOOPBACK else ()), *extra]
    return list(dict.fromkeys(h.strip().lower() for h in hosts if h.strip()))


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def proxy_networks(entries: Sequence[str]) -> tuple[Network, ...]:
    """Proxy addresses or networks as networks; :class:`ConfigError` names an entry that is neither."""
    try:
        return tuple(ipaddress.ip_network(p.strip(), strict=False) for p in entries)
    except ValueError as exc:
        raise ConfigError(
            f"trusted proxies: {exc}", hint="set JAGA_TRUSTED_PROXIES to IP addresses or networks, e.g. 10.0.0.0/8"
        ) from None


def checked_public_url(url: str) -> str:
    """``url`` without a trailing slash if it is a plain ``http(s)://host[:port][/path]``, else :class:`ConfigError`."""
    parts = urlsplit(url.strip())
    try:
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        parts = parts._replace(netloc="")
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment or parts.username:
        raise ConfigError(
            f"public URL {url!r} is not a plain http(s) address",
            hint="set JAGA_PUBLIC_URL like https://privacy.example.com (no query, fragment or user)",
        )
    return parts.geturl().rstrip("/")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The cached settings; tests clear it with ``get_settings.cache_clear()``.

    A variable that does not parse (``JAGA_SECURE_COOKIES=maybe``) is a :class:`ConfigError` naming it,
    without its value (it may be a secret), so commands end with one message and exit code 2.
    """
    try:
        return Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        name = "JAGA_" + "_".join(str(part) for part in first["loc"]).upper()
        raise ConfigError(f"{name}: {first['msg']}", hint=f"fix or unset {name}") from None
