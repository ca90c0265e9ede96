"""Reading a config file: bytes -> TOML -> `SupervisorConfig`, or every issue found."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path

from pydantic import ValidationError

from callback.config.catalogue import Catalogue
from callback.config.issues import (
    ConfigError,
    ConfigIssue,
    from_toml_error,
    from_validation_error,
)
from callback.config.model import SupervisorConfig
from callback.config.partial import rules_beyond


def parse_config(data: bytes, source: str, catalogue: Catalogue | None = None) -> SupervisorConfig:
    """Validate the bytes of a config file; `source` names it in a `ConfigError`.

    The languages are those of `catalogue`, by default the shipped prompt catalogue.
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ConfigError(source, [ConfigIssue("", f"not UTF-8 text: {error.reason}")]) from None
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(source, [from_toml_error(error)]) from None
    return validate_document(document, source, catalogue)


def validate_document(
    document: Mapping[str, object], source: str, catalogue: Catalogue | None = None
) -> SupervisorConfig:
    """Validate an already parsed TOML document; `source` names it in a `ConfigError`."""
    context = {"catalogue": catalogue} if catalogue is not None else None
    try:
        return SupervisorConfig.model_validate(document, context=context)
    except ValidationError as error:
        beyond = rules_beyond(dict(document), error)
        raise ConfigError(source, [*from_validation_error(error), *beyond]) from None
    except ConfigError as error:
        raise ConfigError(source, error.issues) from None


def read_config_bytes(path: Path) -> bytes:
    """The file's bytes, or a `ConfigError` saying why it cannot be read."""
    try:
        return path.read_bytes()
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise ConfigError(str(path), [ConfigIssue("", f"cannot read the file: {reason}")]) from None


def load_config(path: Path) -> SupervisorConfig:
    """Read and validate the config file at `path`, raising `ConfigError` when it is unusable."""
    return parse_config(read_config_bytes(path), str(path))
