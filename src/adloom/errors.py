"""The one error tree of adloom.

    AdloomError
    ├── InputError                 bad user input; never worth retrying as-is
    │   ├── BrandInputError        a brand-folder file is missing, malformed or unreadable
    │   ├── BrandObjectError       brand.yaml does not validate, or an id in it is unknown
    │   ├── ConfigError            settings, CLI options or a selection string are wrong
    │   ├── NotFound               a concept / run / claim id that does not exist
    │   ├── Conflict               the thing changed under the caller (a review item already decided)
    │   └── Forbidden              the caller's role may not do this (an escalated item needs an admin)
    ├── FetchError                 a URL could not be fetched (refused, timeout, status, too large)
    ├── WriterError                text generation failed
    │   ├── ProviderTimeout        retryable
    │   ├── RateLimited            retryable, carries retry_after
    │   └── OutputInvalid          the writer's output failed validation after its re-asks
    ├── RenderError                a generator failed; stored with the asset, the run goes on
    │   ├── GenerationRefused      the service refused the prompt
    │   ├── UnsupportedRequest     ratio, kind or duration the generator cannot do
    │   ├── GeneratorTimeout       retryable
    │   ├── GeneratorUnavailable   retryable (service down, ffmpeg missing)
    │   └── InvalidResponse        the service answered with something unusable
    ├── PolicyViolation            governance refused something (a concept, a pack)
    │   └── PackError              a rule pack file is broken (bad input: exit 2)
    ├── ModelFileError             a packaged model file is missing, unreadable or fails its checksum
    ├── DeployError                an ad platform refused or failed a deployment or insights call
    │   ├── CredentialsExpired     the access token is expired or revoked (exit 2: fix the credentials)
    │   ├── PermissionMissing      the token lacks a permission or the account role (exit 2)
    │   ├── InvalidParameter       the platform refused a field; ``field`` names it (exit 2)
    │   ├── PolicyRejected         the platform's ad review refused a creative; carries its reason
    │   ├── PlatformRateLimited    retryable, carries retry_after
    │   └── PlatformUnavailable    retryable (5xx, timeout, transient platform error)
    └── StoreError                 the database is unreachable or its schema is behind
        └── ContentMismatch        a stored concept or rendered file differs from the hash the audit chain sealed

Errors carry *where* (file, line, field) so the CLI can print one line a person can act on. Every error
is picklable (plain constructor arguments) so Celery can carry it. Translation into exit codes happens
once, in ``adloom.cli``.
"""

from __future__ import annotations


class AdloomError(Exception):
    """Base class. ``retryable`` says whether trying the same thing again can succeed."""

    retryable = False
    exit_code = 1

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None,
                 field: str | None = None) -> None:
        super().__init__(message, file, line, field)
        self.message = message
        self.file = file
        self.line = line
        self.field = field

    def __reduce__(self) -> tuple[object, ...]:
        # keyword-only arguments do not survive the default pickling of exceptions
        return (_rebuild, (type(self), self.message, self.file, self.line, self.field))

    def where(self) -> str:
        parts = []
        if self.file:
            parts.append(self.file + (f":{self.line}" if self.line else ""))
        if self.field:
            parts.append(f"field '{self.field}'")
        return ", ".join(parts)

    def __str__(self) -> str:
        where = self.where()
        return f"{where}: {self.message}" if where else self.message


def _rebuild(cls: type[AdloomError], message: str, file: str | None, line: int | None,
             field: str | None) -> AdloomError:
    return cls(message, file=file, line=line, field=field)


class InputError(AdloomError):
    exit_code = 2


class BrandInputError(InputError):
    pass


class BrandObjectError(InputError):
    pass


class ConfigError(InputError):
    pass


class NotFound(InputError):
    exit_code = 3


class Conflict(InputError):
    pass


class Forbidden(InputError):
    pass


class FetchError(AdloomError):
    pass


class WriterError(AdloomError):
    pass


class ProviderTimeout(WriterError):
    retryable = True


class RateLimited(WriterError):
    retryable = True


class OutputInvalid(WriterError):
    pass


class RenderError(AdloomError):
    pass


class GenerationRefused(RenderError):
    pass


class UnsupportedRequest(RenderError):
    pass


class GeneratorTimeout(RenderError):
    retryable = True


class GeneratorUnavailable(RenderError):
    retryable = True


class InvalidResponse(RenderError):
    pass


class PolicyViolation(AdloomError):
    pass


class PackError(PolicyViolation):
    exit_code = 2


class ModelFileError(AdloomError):
    pass


class DeployError(AdloomError):
    """A platform call failed. ``platform`` names it, ``code`` is the platform's own error code (Graph API
    ``error.code``, TikTok ``code``, Google ``errorCode``) when there is one. Messages never carry a token."""

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None,
                 field: str | None = None, platform: str | None = None, code: int | str | None = None,
                 retry_after: float | None = None) -> None:
        super().__init__(message, file=file, line=line, field=field)
        self.platform = platform
        self.code = code
        self.retry_after = retry_after

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild_deploy, (type(self), self.message, self.file, self.line, self.field, self.platform,
                                  self.code, self.retry_after))

    def __str__(self) -> str:
        text = super().__str__()
        return f"{self.platform}: {text}" if self.platform else text


def _rebuild_deploy(cls: type[DeployError], message: str, file: str | None, line: int | None,
                    field: str | None, platform: str | None, code: int | str | None,
                    retry_after: float | None) -> DeployError:
    return cls(message, file=file, line=line, field=field, platform=platform, code=code, retry_after=retry_after)


class CredentialsExpired(DeployError):
    exit_code = 2


class PermissionMissing(DeployError):
    exit_code = 2


class InvalidParameter(DeployError):
    exit_code = 2


class PolicyRejected(DeployError):
    """``field``: the ad (or creative) name the platform refused; the message is the platform's reason."""


class PlatformRateLimited(DeployError):
    retryable = True


class PlatformUnavailable(DeployError):
    retryable = True


class StoreError(AdloomError):
    exit_code = 4


class ContentMismatch(StoreError):
    """Stored content no longer matches the hash the audit chain recorded for it: refused, never exported."""
