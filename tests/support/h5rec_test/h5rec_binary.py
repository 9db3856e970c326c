"""Running the h5rec binary: where it is, its exit codes, `h5rec record` and its summary.

CTest sets H5REC (the binary), H5REC_SOURCE (the repository root), H5REC_EMULATOR (cross
builds) and HDF5_USE_FILE_LOCKING=FALSE; when they are unset the binary is looked up in
<repo>/build/host/h5rec, the repository root being three directories above this file.
"""

import os
import pathlib
import re
import shlex
import subprocess

HERE = pathlib.Path(__file__).resolve().parent
SOURCE_DIR = pathlib.Path(os.environ.get("H5REC_SOURCE") or HERE.parents[2]).resolve()
H5REC = pathlib.Path(os.environ.get("H5REC") or SOURCE_DIR / "build" / "host" / "h5rec")
# Cross builds: the target's emulator (qemu-user with its options), set by CTest.
EMULATOR = shlex.split(os.environ.get("H5REC_EMULATOR", ""))

EXIT_OK = 0
EXIT_RUNTIME = 1
EXIT_BAD_INPUT = 2
EXIT_ROWS_NOT_STORED = 3
EXIT_USAGE = 64


def record_exit(dropped):
    """`record`'s exit code for a run that dropped `dropped` rows: 3 when any row due was not
    stored (tools/exit_code.hpp), else 0."""
    return EXIT_ROWS_NOT_STORED if dropped else EXIT_OK

# --virtual-clock recordings start at 2026-01-01T00:00:00Z (SimClock::kDefaultEpochNs).
VIRTUAL_EPOCH_NS = 1_767_225_600 * 1_000_000_000
VIRTUAL_EPOCH_ISO = "2026-01-01T00:00:00.000000000Z"

DEFAULT_TIMEOUT_S = 120  # generous: CI also runs the tests against an ASan+UBSan build


def h5rec_command(*args):
    """The command line that runs h5rec with these arguments (under the emulator if any)."""
    return [*EMULATOR, str(H5REC), *map(str, args)]


def child_env():
    env = dict(os.environ)
    env["HDF5_USE_FILE_LOCKING"] = "FALSE"
    return env


def run_h5rec(*args, timeout=DEFAULT_TIMEOUT_S, cwd=None):
    """Runs h5rec with the given arguments; returns the CompletedProcess (text output)."""
    return subprocess.run(
        h5rec_command(*args),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        timeout=timeout,
        cwd=cwd,
        env=child_env(),
    )


def start_h5rec(*args, cwd=None):
    """Starts h5rec in the background; returns the Popen (text pipes for stdout and stderr)."""
    return subprocess.Popen(
        h5rec_command(*args),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=cwd,
        env=child_env(),
    )


def record(config, duration=None, output=None, virtual_clock=True, extra=(),
           timeout=DEFAULT_TIMEOUT_S, cwd=None):
    """`h5rec record CONFIG [--duration D] [--output DIR] [--virtual-clock]`."""
    args = ["record", config]
    if duration is not None:
        args += ["--duration", repr(float(duration)) if isinstance(duration, float) else duration]
    if output is not None:
        args += ["--output", output]
    if virtual_clock:
        args.append("--virtual-clock")
    args += list(extra)
    return run_h5rec(*args, timeout=timeout, cwd=cwd)


def describe(proc):
    """Text for assertion messages."""
    return "exit %s\n--- stdout ---\n%s\n--- stderr ---\n%s" % (
        proc.returncode, proc.stdout, proc.stderr)


_SUMMARY_GROUP = re.compile(
    r"^\s+group (\S+): (\d+) rows stored, (\d+) dropped, (\d+) due, ring high-water (\d+) rows$")
_SUMMARY_RECORDED = re.compile(r"^recorded (.+?)( \(deleted by retention\))?$")


def parse_record_summary(stdout):
    """Parses `h5rec record`'s summary: {"path": first segment, "paths": [every segment],
    "deleted": [segments of this run retention deleted], "groups": {name: {stored, dropped,
    due}}}."""
    out = {"path": None, "paths": [], "deleted": [], "groups": {}}
    for line in stdout.splitlines():
        m = _SUMMARY_RECORDED.match(line)
        if m:
            out["paths"].append(m.group(1))
            out["path"] = out["paths"][0]
            if m.group(2):
                out["deleted"].append(m.group(1))
            continue
        m = _SUMMARY_GROUP.match(line)
        if m:
            out["groups"][m.group(1)] = {
                "stored": int(m.group(2)), "dropped": int(m.group(3)), "due": int(m.group(4)),
                "high_water": int(m.group(5))}
    return out
