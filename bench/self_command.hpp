// How h5rec-bench starts itself as a child process (a measured loop under callgrind, a recording
// that reports its own memory): its own path, behind the emulator a cross build's tests run it
// with (H5REC_EMULATOR, e.g. "qemu-aarch64 -L /usr/aarch64-linux-gnu", set by CTest).
#pragma once

#include <string>

namespace h5rec::bench {

std::string self_path();
// self_path() behind $H5REC_EMULATOR when set: a shell command's first words.
std::string self_command();

}  // namespace h5rec::bench
