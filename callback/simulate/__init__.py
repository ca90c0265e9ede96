"""A dry run of a config on a virtual clock through the real line, estimate and dispatch rules."""
