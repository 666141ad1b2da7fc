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
    serve_cmd,
    validate_cmd,
)
from juki.errors import EXIT_UNUSABLE, JukiError
from juki.jobs.workdir import NotAWorkdir

COMMANDS = (layout_cmd, codec_cmd, validate_cmd, nightly_cmd, jobs_cmd, reconcile_cmd, access_cmd, audit_cmd,
            sample_cmd, serve_cmd, cities_cmd)
EPILOG = "exit codes: 0 ok, 1 records rejected (or files differ), 2 input unusable or a usage error; never another"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="juki", description=__doc__.splitlines()[0], epilog=EPILOG)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMANDS:
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    code = _run(args)
    if getattr(args, "audit", None):
        code = _audited(args, code)
    return code


def _audited(args, code: int) -> int:
    """Record a command that read personal data; if the run log cannot take the line, say so (exit 2)."""
    try:
        audit_cmd.record(args, "completed" if code == 0 else f"exit {code}")
    except Exception as e:  # noqa: BLE001 - one line, whatever the reason
        why = e.reason if isinstance(e, JukiError) else f"{type(e).__name__}: {getattr(e, 'strerror', None) or e}"
        print(f"juki: this {args.audit} read personal data but is not recorded: the run log could not be "
              f"appended ({why}); fix the workdir (--workdir), then run it again", file=sys.stderr)
        return EXIT_UNUSABLE
    return code


def _run(args) -> int:
    try:
        return int(args.run(args) or 0)
    except JukiError as e:
        print(f"juki: {e}", file=sys.stderr)
        if isinstance(e, NotAWorkdir):
            args.audit = None  # nothing was read; a run log must not make the typo a workdir
        return e.exit_code
    except BrokenPipeError:  # output piped into `head` and the like: not an error of ours
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:  # a job commits by one rename: interrupted before it, nothing is committed
        print("juki: interrupted; `juki runs` shows what was committed", file=sys.stderr)
        return EXIT_UNUSABLE
    except Exception as e:  # noqa: BLE001 - the last line of defence against a traceback with personal data
        if os.environ.get("JUKI_DEBUG") == "1":
            traceback.print_exc()
        print(f"juki: internal error ({type(e).__name__}); `juki runs` shows what was committed. "
              "Set JUKI_DEBUG=1 to see the details (they may quote personal data).", file=sys.stderr)
        return EXIT_UNUSABLE


if __name__ == "__main__":
    sys.exit(main())
