"""Checks the binary that goes onto a board: fully static (no program interpreter, no dynamic
section) and, stripped, no larger than the limit. Prints both sizes.

Usage: check_static_binary.py BINARY STRIP LIMIT_MIB
"""
import os
import struct
import subprocess
import sys

from h5rec_test.temp_dir import ScratchDir

PT_DYNAMIC, PT_INTERP = 2, 3


def segment_types(path):
    with open(path, "rb") as f:
        elf = f.read()
    if elf[:4] != b"\x7fELF":
        sys.exit("%s is not an ELF file" % path)
    is64 = elf[4] == 2
    order = "<" if elf[5] == 1 else ">"
    if is64:
        phoff, = struct.unpack_from(order + "Q", elf, 0x20)
        phentsize, phnum = struct.unpack_from(order + "HH", elf, 0x36)
    else:
        phoff, = struct.unpack_from(order + "I", elf, 0x1C)
        phentsize, phnum = struct.unpack_from(order + "HH", elf, 0x2A)
    return [struct.unpack_from(order + "I", elf, phoff + i * phentsize)[0] for i in range(phnum)]


def main():
    binary, strip, limit_mib = sys.argv[1], sys.argv[2], float(sys.argv[3])
    types = segment_types(binary)
    if PT_INTERP in types or PT_DYNAMIC in types:
        sys.exit("FAIL %s is dynamically linked (PT_INTERP or PT_DYNAMIC present)" % binary)
    with ScratchDir() as tmp:
        stripped = os.path.join(tmp, "h5rec")
        subprocess.run([strip, "-o", stripped, binary], check=True)
        size = os.path.getsize(stripped)
    mib = size / 2**20
    print("static h5rec: %d bytes unstripped, %d bytes (%.2f MiB) stripped, limit %.2f MiB"
          % (os.path.getsize(binary), size, mib, limit_mib))
    if mib > limit_mib:
        sys.exit("FAIL stripped h5rec is %.2f MiB, over the %.2f MiB limit" % (mib, limit_mib))


if __name__ == "__main__":
    main()
