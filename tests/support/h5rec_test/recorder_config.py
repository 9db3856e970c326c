"""The recorder's config file (config/README.md) from Python values: groups and their channels as
dicts, top-level keys as keyword arguments. Every test that needs a config builds it here.

    write_config(tmp, [counter_group("fast", 1000), counter_group("slow", 10)],
                 output_dir=tmp / "out", checkpoint_interval=0.5)
"""

import math
import pathlib


def toml_value(value):
    """A Python value as TOML (strings, bools, numbers, lists, dicts as inline tables)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        return '"%s"' % escaped
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isinf(value) or math.isnan(value):
            raise ValueError("not representable in these configs: %r" % value)
        text = repr(value)
        return text if any(c in text for c in ".eE") else text + ".0"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join("%s = %s" % (k, toml_value(v)) for k, v in value.items()) + " }"
    raise TypeError("no TOML form for %r" % (value,))


def config_text(groups, device_id="test-dev", output_dir="out", comment="written by h5rec_test",
                **top):
    """A config file's text.

    groups: list of {"name", "rate_hz", "channels": [{"name", "sensor", "dtype", "shape",
    "params", "units", "description", ...}], plus any extra keys}. Keys whose value is None are
    left out. `top` adds top-level keys (checkpoint_interval, chunk_bytes, ...), in order, after
    device_id and output_dir (None: left out); `comment` (lines) heads the file.
    """
    lines = ["# " + line for line in comment.splitlines()]
    if device_id is not None:
        lines.append("device_id = %s" % toml_value(device_id))
    if output_dir is not None:
        lines.append("output_dir = %s" % toml_value(str(output_dir)))
    for key, value in top.items():
        if value is not None:
            lines.append("%s = %s" % (key, toml_value(value)))
    for group in groups:
        lines += ["", "[[group]]"]
        for key, value in group.items():
            if key != "channels" and value is not None:
                lines.append("%s = %s" % (key, toml_value(value)))
        for channel in group.get("channels", []):
            lines += ["", "  [[group.channel]]"]
            for key, value in channel.items():
                if value is not None:
                    lines.append("  %s = %s" % (key, toml_value(value)))
    return "\n".join(lines) + "\n"


def write_text(directory, name, text):
    path = pathlib.Path(directory) / name
    path.write_text(text)
    return path


def write_config(directory, groups=None, name="config.toml", text=None, **kwargs):
    """Writes config_text(groups, **kwargs) (or `text` as is) to directory/name; returns the path."""
    if text is None:
        text = config_text(groups, **kwargs)
    return write_text(directory, name, text)


def counter_group(name="g", rate_hz=1000, channels=1, **extra):
    """A group of scalar int64 counter channels c0..c{n-1} (units "1")."""
    group = {"name": name, "rate_hz": rate_hz}
    group.update(extra)
    group["channels"] = [
        {"name": "c%d" % k, "sensor": "counter", "dtype": "int64", "units": "1"}
        for k in range(channels)]
    return group
