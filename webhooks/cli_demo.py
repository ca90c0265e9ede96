"""`holdless config demo EXAMPLE --out FILE`: write the round-the-clock demo config."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from callback.config import ConfigError, parse_config
from webhooks.cli_users import Commands
from webhooks.demo_config import demo_config


def add_demo_config_command(config: Commands) -> None:
    """Hang `demo` off the `config` group."""
    demo = config.add_parser("demo", help="write the demo config: the example, open 24/7")
    demo.add_argument("file", help="the example config to start from")
    demo.add_argument("--out", required=True, help="where to write it (replaced atomically)")
    demo.set_defaults(run=cmd_config_demo)


def cmd_config_demo(args: argparse.Namespace) -> int:
    """Write the demo config made from `args.file` to `args.out`: 0, or 1 and why not."""
    source, out = Path(args.file), Path(args.out)
    try:
        text = demo_config(source.read_text(encoding="utf-8"))
        parse_config(text.encode(), str(out))  # never leave a config the service refuses
    except (OSError, ValueError) as exc:
        print(f"config demo: {exc}", file=sys.stderr)
        return 1
    except ConfigError as exc:
        print(exc.text(), file=sys.stderr)
        return 1
    partial = out.with_name(f".{out.name}.partial")
    partial.write_text(text, encoding="utf-8")
    partial.replace(out)
    print(f"wrote {out}: the demo config, every queue open round the clock")
    return 0
