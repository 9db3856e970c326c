"""A fake IIO subsystem in a directory, for driving h5rec's `iio` and `iio_buffered` sensors
without hardware (tests set the config's sysfs_root and dev_root to FakeIioTree's).

    tree = FakeIioTree(tmp)
    tree.add_device(0, "ads1015")
    tree.write(0, "in_voltage0_raw", "1234")          # polled: rewrite the file to change the value
    tree.add_scan_element(0, "voltage0", 0, "le:s12/16>>4")
    tree.append_scans(0, encode_scans(types, rows))   # buffered: scans the recorder reads in order

A sensor sweep writes each value into the polled file before the row that should read it (or, for
buffered channels, appends one scan per row before recording with the virtual clock) and expects
value = (raw + offset) * scale * si_factor (see config/README.md, "iio").
"""

import os
import pathlib
import re
import shutil
import struct

_TYPE = re.compile(r"^(le|be):([su])(\d+)/(\d+)(?:X(\d+))?>>(\d+)$")


class ScanType:
    """A parsed scan type descriptor ("le:s12/16>>4")."""

    def __init__(self, text):
        m = _TYPE.match(text.strip())
        if not m:
            raise ValueError("bad IIO scan type %r" % text)
        self.text = text.strip()
        self.big_endian = m.group(1) == "be"
        self.signed = m.group(2) == "s"
        self.real_bits = int(m.group(3))
        self.storage_bits = int(m.group(4))
        self.repeat = int(m.group(5) or 1)
        self.shift = int(m.group(6))

    @property
    def element_bytes(self):
        return self.storage_bits // 8 * self.repeat

    def encode(self, values, junk_low_bits=True):
        """Bytes of one element holding `values` (one per repeat); bits below the shift are set
        to ones when junk_low_bits (the driver must ignore them)."""
        if not isinstance(values, (list, tuple)):
            values = [values]
        assert len(values) == self.repeat
        out = b""
        nbytes = self.storage_bits // 8
        for v in values:
            lo, hi = ((-(1 << (self.real_bits - 1)), (1 << (self.real_bits - 1)) - 1) if self.signed
                      else (0, (1 << self.real_bits) - 1))
            assert lo <= v <= hi, (v, self.text)
            word = (v & ((1 << self.real_bits) - 1)) << self.shift
            if junk_low_bits:
                word |= (1 << self.shift) - 1
            out += word.to_bytes(nbytes, "big" if self.big_endian else "little")
        return out


def scan_layout(elements):
    """The kernel's layout: elements = [(name, index, ScanType)]; returns ([(name, offset,
    ScanType)] in scan order, scan_bytes). The timestamp goes last, each element aligned to its
    size, the scan padded to its largest element."""
    ordered = sorted(elements, key=lambda e: (e[0] == "timestamp", e[1]))
    offset, largest, placed = 0, 0, []
    for name, _, t in ordered:
        length = t.element_bytes
        offset = (offset + length - 1) & ~(length - 1)
        placed.append((name, offset, t))
        offset += length
        largest = max(largest, length)
    return placed, ((offset + largest - 1) & ~(largest - 1)) if largest else 0


def encode_scans(elements, rows):
    """Bytes of consecutive scans: elements as for scan_layout, rows = [{name: value}]."""
    placed, size = scan_layout(elements)
    out = bytearray()
    for row in rows:
        scan = bytearray(size)
        for name, offset, t in placed:
            data = t.encode(row[name])
            scan[offset:offset + len(data)] = data
        out += scan
    return bytes(out)


class FakeIioTree:
    def __init__(self, root):
        self.root = pathlib.Path(root)
        self.sysfs_root = self.root / "sys"
        self.dev_root = self.root / "dev"
        (self.sysfs_root / "bus" / "iio" / "devices").mkdir(parents=True, exist_ok=True)
        self.dev_root.mkdir(parents=True, exist_ok=True)

    def device_path(self, n):
        return self.sysfs_root / "bus" / "iio" / "devices" / ("iio:device%d" % n)

    def node_path(self, n):
        return self.dev_root / ("iio:device%d" % n)

    def add_device(self, n, name):
        self.device_path(n).mkdir(parents=True, exist_ok=True)
        self.write(n, "name", name)
        return self.device_path(n)

    def write(self, n, file, text):
        """Replaces a device file's text in one step (a reader never sees it half written)."""
        path = self.device_path(n) / file
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(str(text) + "\n")
        os.replace(tmp, path)

    def write_in_place(self, n, file, text):
        """Rewrites the file that is open (the polled driver keeps it open and rereads it)."""
        with open(self.device_path(n) / file, "r+") as f:
            f.write(str(text) + "\n")
            f.truncate()

    def read(self, n, file):
        return (self.device_path(n) / file).read_text().strip()

    def remove_device(self, n):
        """The device goes away: its open files read empty (as the kernel's fail with ENODEV)
        and its directory disappears."""
        for path in self.device_path(n).rglob("*"):
            if path.is_file():
                with open(path, "r+") as f:
                    f.truncate()
        shutil.rmtree(self.device_path(n))

    def add_scan_element(self, n, channel, index, type_text, directory="scan_elements"):
        self.write(n, "%s/in_%s_en" % (directory, channel), "0")
        self.write(n, "%s/in_%s_index" % (directory, channel), index)
        self.write(n, "%s/in_%s_type" % (directory, channel), type_text)
        buffer = "buffer" if directory == "scan_elements" else directory
        for file, text in (("enable", "0"), ("length", "0")):
            if not (self.device_path(n) / buffer / file).exists():
                self.write(n, "%s/%s" % (buffer, file), text)

    def append_scans(self, n, data):
        with open(self.node_path(n), "ab") as f:
            f.write(data)
