"""The `juki` command: one entry point, subcommands registered by their modules.

Every failure ends as one line on stderr and an exit code (0 ok, 1 records rejected, 2 input unusable), never a
traceback: exception texts from libraries can quote the data they choked on, and the data are residents'. An
unexpected error prints only its type; ``JUKI_DEBUG=1`` shows the traceback to an operator who asks for it.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback

from juki.cli import (
    access_cmd,
    audit_cmd,
    cities_cmd,
    codec_cmd,
    jobs_cmd,
    layout_cmd,
    nightly_cmd,
    reconcile_cmd,
    sample_cmd,
    validate_cmd,
)
from juki.errors import EXIT_UNUSABLE, JukiError

COMMANDS = (layout_cmd, codec_cmd, validate_cmd, nightly_cmd, jobs_cmd, reconcile_cmd, access_cmd, audit_cmd,
            sample_cmd, cities_cmd)
EPILOG = "exit codes: 0 ok, 1 records rejected, 2 input unusable (or a usage error)"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="juki", description=__doc__.splitlines()[0], epilog=EPILOG)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMANDS:
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    code = EXIT_UNUSABLE
    try:
        code = _run(args)
        return code
    finally:
        if getattr(args, "audit", None):
            audit_cmd.record(args, "completed" if code == 0 else f"exit {code}")


def _run(args) -> int:
    try:
        return int(args.run(args) or 0)
    except JukiError as e:
        print(f"juki: {e}", file=sys.stderr)
        return e.exit_code
    except BrokenPipeError:  # output piped into `head` and the like: not an error of ours
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print("juki: interrupted; nothing was committed", file=sys.stderr)
        return 130
    except Exception as e:  # noqa: BLE001 - the last line of defence against a traceback with personal data
        if os.environ.get("JUKI_DEBUG") == "1":
            traceback.print_exc()
        print(f"juki: internal error ({type(e).__name__}); nothing was committed. "
              "Set JUKI_DEBUG=1 to see the details (they may quote personal data).", file=sys.stderr)
        return EXIT_UNUSABLE


if __name__ == "__main__":
    sys.exit(main())
