"""Every #include follows the layer table (layers.toml; docs/ARCHITECTURE.md, "Layers").

Reads every #include "..." and #include <...> of every C/C++ source under ROOT and fails, naming
file:line and the edge, on one the table does not allow; also on a source in no layer.
Usage: check_layers.py ROOT
"""
import pathlib
import re
import sys
import tomllib

INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')
OS_HEADER = re.compile(
    r'(unistd\.h|fcntl\.h|pthread\.h|dirent\.h|signal\.h|csignal|termios\.h|poll\.h|dlfcn\.h|'
    r'semaphore\.h|mqueue\.h|malloc\.h|time\.h|ctime|thread|fstream|sys/.+|linux/.+)$')
SOURCE_SUFFIXES = {".c", ".h", ".cpp", ".hpp"}


def main() -> int:
    root = pathlib.Path(sys.argv[1]).resolve()
    table = tomllib.loads((root / "layers.toml").read_text())
    layers, external = table["layer"], table["external"]
    folders = sorted(((f, name) for name, l in layers.items() for f in l["folders"]),
                     key=lambda fn: -len(fn[0]))

    def layer_of(path: pathlib.Path):
        rel = path.relative_to(root).as_posix()
        return next((name for f, name in folders if rel.startswith(f + "/")), None)

    def target_of(source: pathlib.Path, kind: str, name: str):
        """The layer or library an include reaches; None: the standard library."""
        candidates = [source.parent / name, root / name] if kind == '"' else [root / "include" / name]
        for c in candidates:
            if c.is_file():
                return layer_of(c.resolve()) or f"no layer ({c.resolve().relative_to(root)})"
        if OS_HEADER.match(name):
            return "os"
        lib = next((lib for lib, prefixes in external.items()
                    if any(name.startswith(p) for p in prefixes)), None)
        if lib is None and kind == '"':
            return f"a missing file ({name})"
        return lib

    problems, checked = [], 0
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if path.suffix not in SOURCE_SUFFIXES or rel.parts[0] == "build" or any(
                p.startswith(".") for p in rel.parts):
            continue
        checked += 1
        layer = layer_of(path)
        if layer is None:
            problems.append(f"{rel}: in no layer (add its folder to layers.toml)")
            continue
        rules = layers[layer]
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            m = INCLUDE.match(line)
            if not m:
                continue
            target = target_of(path, m.group(1), m.group(2))
            allowed = (target is None or target == layer or target in rules["uses"] or
                       (target == "os" and rules.get("os", False)))
            if not allowed:
                problems.append(f"{rel}:{number}: {layer} -> {target}: {line.strip()}")
    for p in problems:
        print("layer violation:", p)
    print(f"{checked} sources checked, {len(problems)} violations (table: layers.toml)")
    return 1 if problems or checked == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
