"""The shipped prompt catalogue: one TOML file per language, English the reference."""
