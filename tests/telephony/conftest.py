"""The simulated carrier's fixtures, shared with the other carrier-facing test packages."""

from tests.carrier_support import anyio_backend, app, carrier

__all__ = ["anyio_backend", "app", "carrier"]
