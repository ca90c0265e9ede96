"""The Holdless core: callback requests, queue order, policies and estimates (no network I/O)."""
