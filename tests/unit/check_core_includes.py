"""The recorder core (recorder/, config/) reaches the OS only through platform/.

Fails when a core source includes an OS or POSIX header directly. Usage: check_core_includes.py ROOT
"""
import pathlib
import re
import sys

FORBIDDEN = re.compile(
    r'#\s*include\s*<(unistd\.h|fcntl\.h|pthread\.h|dirent\.h|signal\.h|csignal|termios\.h|'
    r'sys/[^>]+|linux/[^>]+|time\.h|ctime|poll\.h|dlfcn\.h|semaphore\.h|mqueue\.h|thread|fstream)>')
CORE_DIRS = ["recorder", "config"]
# The command-line front end may install signal handlers etc. through platform only, too.


def main() -> int:
    root = pathlib.Path(sys.argv[1])
    offenders = []
    checked = 0
    for d in CORE_DIRS:
        for path in sorted((root / d).rglob("*")):
            if path.suffix not in {".hpp", ".cpp", ".h"}:
                continue
            checked += 1
            for number, line in enumerate(path.read_text().splitlines(), 1):
                if FORBIDDEN.search(line):
                    offenders.append(f"{path.relative_to(root)}:{number}: {line.strip()}")
    if checked == 0:
        print("no core sources found under", root)
        return 1
    for o in offenders:
        print("OS header in the core:", o)
    print(f"{checked} core files checked, {len(offenders)} OS includes")
    return 1 if offenders else 0


if __name__ == "__main__":
    sys.exit(main())
