"""Process settings: environment variables with the HOLDLESS_ prefix, or a `.env` file.

Built once in the entry point and passed down; nothing reads them at import time.
The supervisor's rules (queues, hours, staffing, policy) live in the TOML config file
named by `config_file`, modelled in `callback.config`.
"""

from __future__ import annotations

import ipaddress
import re
from pathlib import Path
from typing import Annotated, Any, Literal, Self

from pydantic import (
    AnyHttpUrl,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

TWILIO_API_URL = "https://api.twilio.com"

_PLACEHOLDER = re.compile(
    r"^(|.*(change[-_ ]?me|your[-_ ]|placeholder|example|dummy|redacted|<.*>|\.\.\.).*"
    r"|x+|0+|1234.*|secret|password|token|test|todo|none|null)$",
    re.IGNORECASE,
)
_ACCOUNT_SID = re.compile(r"^AC[0-9a-f]{32}$")
_AUTH_TOKEN = re.compile(r"^[0-9a-f]{32}$")
_API_KEY_SECRET = re.compile(r"^[0-9A-Za-z]{32}$")

Carrier = Literal["twilio", "simulated"]
CREDENTIALS = {
    "twilio_account_sid": "HOLDLESS_TWILIO_ACCOUNT_SID",
    "twilio_auth_token": "HOLDLESS_TWILIO_AUTH_TOKEN",
}
"""The settings Twilio needs, by field and by environment variable."""


def _refuse_placeholder(value: str, field: str) -> None:
    """Refuse values that are obviously copied from a sample file rather than real secrets."""
    if _PLACEHOLDER.match(value.strip()) or len(set(value.lower())) <= 2:
        raise ValueError(f"{field} looks like a placeholder, not a real value")


def _proxy(entry: str) -> str:
    """One trusted proxy, an address or a network, in its canonical spelling."""
    try:
        network = ipaddress.ip_network(entry)
    except ValueError:
        message = "each trusted proxy is an IP address or a network like 10.1.0.0/16"
        raise ValueError(message) from None
    # Trusting every address would let any client write its own X-Forwarded-For.
    if network.prefixlen == 0:
        raise ValueError("a trusted proxy network may not cover every address")
    return str(network) if "/" in entry else str(network.network_address)


def _sid(value: str | None, prefix: str, field: str) -> str | None:
    """A Twilio SID: `prefix` and 32 hex digits, not a sample's placeholder."""
    if value is None:
        return None
    _refuse_placeholder(value.removeprefix(prefix), field)
    if not re.fullmatch(rf"{prefix}[0-9a-f]{{32}}", value):
        raise ValueError(f"{field} must be '{prefix}' followed by 32 hex digits")
    return value


class Settings(BaseSettings):
    """Everything the process needs that is not the supervisor's business."""

    model_config = SettingsConfigDict(
        env_prefix="HOLDLESS_", env_file=".env", extra="ignore", frozen=True
    )

    database_url: str = Field(
        default="sqlite:///holdless.db",
        description="SQLAlchemy URL: SQLite file by default, postgresql+psycopg://... for many",
    )
    public_base_url: AnyHttpUrl = Field(
        default=AnyHttpUrl("http://127.0.0.1:8000"),
        description="The URL Twilio and browsers use to reach us (signatures use it)",
    )
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    config_file: Path = Path("holdless.toml")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    metrics_token: SecretStr | None = Field(
        default=None,
        min_length=16,
        description="When set, GET /metrics requires 'Authorization: Bearer <token>'; "
        "unset, the metrics are open as exporters' are (keep them off the public internet)",
    )

    carrier: Carrier | None = Field(
        default=None,
        description="'twilio', or 'simulated' for development (a built-in stand-in plays "
        "Twilio); unset: 'twilio' when both Twilio credentials are given, else no carrier",
    )
    twilio_account_sid: str | None = None
    twilio_auth_token: SecretStr | None = None
    twilio_secondary_auth_token: SecretStr | None = Field(
        default=None, description="The next auth token while Twilio rotates it"
    )
    twilio_api_url: AnyHttpUrl = Field(
        default=AnyHttpUrl(TWILIO_API_URL),
        description="Twilio's REST API base URL; point it at a local stand-in for tests",
    )
    twilio_http_timeout: float = Field(
        default=10.0,
        gt=0,
        le=20,
        description="Seconds one Twilio REST request may take; under the shortest lease (30 s)",
    )
    simulated_traffic_per_minute: float = Field(
        default=0.0, ge=0, le=600, description="Simulated callers per minute when no Twilio account"
    )
    verify_twilio_signatures: bool = Field(
        default=True, description="Only switch off for local experiments; the service warns"
    )
    trusted_proxies: Annotated[tuple[str, ...], NoDecode] = Field(
        default=(),
        description="Proxy addresses or networks whose X-Forwarded-For is believed; "
        "comma-separated, like '10.0.0.5, 10.1.0.0/16'; empty: the peer is the client",
    )

    # -- The console (webhooks/console): session cookies and sign-in limits ---------------
    session_secret: SecretStr | None = Field(
        default=None,
        description="Signs the console's session cookies (at least 32 random characters); "
        "required for the console with a real carrier, random per process when simulated",
    )
    session_idle_minutes: int = Field(
        default=30, ge=1, le=24 * 60, description="A console session ends after this idle time"
    )
    session_max_hours: int = Field(
        default=12, ge=1, le=7 * 24, description="A console session ends this long after sign-in"
    )
    login_window_minutes: int = Field(
        default=15, ge=1, le=24 * 60, description="The window the sign-in limits count in"
    )
    login_attempts_per_account: int = Field(
        default=10, ge=1, le=1000, description="Sign-in attempts per account name in the window"
    )
    login_attempts_per_ip: int = Field(
        default=50,
        ge=1,
        le=100_000,
        description="Sign-in attempts per client address, same window",
    )

    @field_validator("session_secret")
    @classmethod
    def _session_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None:
            return None
        raw = value.get_secret_value()
        _refuse_placeholder(raw, "session_secret")
        if len(raw) < 32:
            raise ValueError("session_secret has at least 32 characters")
        return value

    # -- end of the console's settings -----------------------------------------------------

    # -- Browser phones (webhooks/console/voice_token.py): Twilio Voice access tokens ---------
    twilio_api_key_sid: str | None = Field(
        default=None,
        description="The API key ('SK' + 32 hex digits) that signs agents' voice access tokens",
    )
    twilio_api_key_secret: SecretStr | None = Field(
        default=None, description="That API key's secret (32 characters); never logged"
    )
    twilio_twiml_app_sid: str | None = Field(
        default=None,
        description="The TwiML app ('AP' + 32 hex digits) a browser phone's outgoing calls use",
    )
    voice_token_ttl_seconds: int = Field(
        default=3600,
        ge=60,
        le=86_400,
        description="How long a voice access token lives (Twilio allows at most 24 hours)",
    )

    @field_validator("twilio_api_key_sid")
    @classmethod
    def _api_key_sid(cls, value: str | None) -> str | None:
        return _sid(value, "SK", "twilio_api_key_sid")

    @field_validator("twilio_twiml_app_sid")
    @classmethod
    def _twiml_app_sid(cls, value: str | None) -> str | None:
        return _sid(value, "AP", "twilio_twiml_app_sid")

    @field_validator("twilio_api_key_secret")
    @classmethod
    def _api_key_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None:
            return None
        raw = value.get_secret_value()
        _refuse_placeholder(raw, "twilio_api_key_secret")
        if not _API_KEY_SECRET.match(raw):
            raise ValueError("twilio_api_key_secret is 32 letters and digits")
        return value

    def voice_token_missing(self) -> list[str]:
        """The environment variables voice access tokens still need (empty: they can be made)."""
        wanted = {
            "HOLDLESS_TWILIO_ACCOUNT_SID": self.twilio_account_sid,
            "HOLDLESS_TWILIO_API_KEY_SID": self.twilio_api_key_sid,
            "HOLDLESS_TWILIO_API_KEY_SECRET": self.twilio_api_key_secret,
            "HOLDLESS_TWILIO_TWIML_APP_SID": self.twilio_twiml_app_sid,
        }
        return [env for env, value in wanted.items() if value is None]

    # -- end of the browser phones' settings -------------------------------------------------

    @field_validator("twilio_account_sid")
    @classmethod
    def _account_sid(cls, value: str | None) -> str | None:
        if value is None:
            return None
        _refuse_placeholder(value.removeprefix("AC"), "twilio_account_sid")
        if not _ACCOUNT_SID.match(value):
            raise ValueError("twilio_account_sid must be 'AC' followed by 32 hex digits")
        return value

    @field_validator("twilio_auth_token", "twilio_secondary_auth_token")
    @classmethod
    def _auth_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None:
            return None
        raw = value.get_secret_value()
        _refuse_placeholder(raw, "twilio auth token")
        if not _AUTH_TOKEN.match(raw):
            raise ValueError("a Twilio auth token is 32 hex digits")
        return value

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _proxies(cls, value: object) -> object:
        if isinstance(value, str):
            value = [part for part in re.split(r"[\s,]+", value) if part]
        if isinstance(value, list | tuple):
            return tuple(_proxy(str(part)) for part in value)
        return value

    @model_validator(mode="before")
    @classmethod
    def _credentials_choose_twilio(cls, data: Any) -> Any:
        # Deployments from before the setting existed name only their credentials.
        if not isinstance(data, dict) or data.get("carrier") is not None:
            return data
        if all(data.get(field) for field in CREDENTIALS):
            return {**data, "carrier": "twilio"}
        return data

    @model_validator(mode="after")
    def _twilio_has_credentials(self) -> Self:
        if self.carrier == "twilio" and (missing := self.missing_credentials()):
            raise ValueError(f"HOLDLESS_CARRIER is 'twilio' but {' and '.join(missing)} unset")
        return self

    def missing_credentials(self) -> list[str]:
        """The environment variables of the Twilio credentials that are not set."""
        return [env for field, env in CREDENTIALS.items() if getattr(self, field) is None]

    @property
    def has_twilio_credentials(self) -> bool:
        """True when both the account SID and the auth token are set."""
        return not self.missing_credentials()

    def carrier_refusal(self) -> str | None:
        """Why no carrier may start (none was chosen), or None when one was."""
        if self.carrier is not None:
            return None
        missing = " and ".join(self.missing_credentials())
        return (
            f"no carrier chosen: {missing} unset and HOLDLESS_CARRIER not set. Give the "
            "Twilio credentials, or set HOLDLESS_CARRIER=simulated to develop without Twilio"
        )

    @property
    def is_sqlite(self) -> bool:
        """True when the database is an embedded SQLite file."""
        return self.database_url.startswith("sqlite")


class SettingsError(Exception):
    """Invalid process settings, described without echoing any value (it may be a secret)."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def load_settings(**overrides: object) -> Settings:
    """Read the settings from the environment and `.env`, with `overrides` on top."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        problems = [
            _problem(error["loc"], error["msg"])
            for error in exc.errors(include_input=False, include_url=False)
        ]
        raise SettingsError(problems) from None


def _problem(loc: tuple[int | str, ...], message: str) -> str:
    # A rule over several settings has no location; its message names the variables.
    if not loc:
        return message.removeprefix("Value error, ")
    return f"HOLDLESS_{'_'.join(str(part) for part in loc).upper()}: {message}"
