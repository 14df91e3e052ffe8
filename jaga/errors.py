"""The error hierarchy every domain module raises for problems the user can fix.

One base class lets the CLI turn any of them into a single clear message with exit code 2, and the
API into a 4xx, without either shell knowing the domain. Messages must never contain personal data.
"""

from __future__ import annotations


class JagaError(Exception):
    """A problem the user caused and can fix: bad input, unreachable database, unknown key.

    ``where`` names the place (``file:line:column``, a table, a request id); ``hint`` says what to do.
    """

    def __init__(self, message: str, *, where: str | None = None, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.where = where
        self.hint = hint

    def __str__(self) -> str:
        text = f"{self.where}: {self.message}" if self.where else self.message
        return f"{text}\n  hint: {self.hint}" if self.hint else text


class PolicyError(JagaError):
    """The policy file cannot be read or does not match the policy model."""


class NotFoundError(JagaError):
    """A named thing (purpose, subject, request, tenant) does not exist."""


class ConfigError(JagaError):
    """Settings or a connection are wrong: bad database URL, missing secret, unreachable server."""


class PermissionDenied(JagaError):
    """The caller is not allowed to do this (wrong tenant, role or unverified identity)."""
