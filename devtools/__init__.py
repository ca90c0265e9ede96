"""Development and test tools beside bench/ and chaos/: the simulated carrier and PG harness.

Nothing in the product imports this package except the composition helpers for simulated mode
(`webhooks.simulation`); import-linter enforces it.
"""
