# Cross toolchain for 64-bit ARM Linux boards (Debian: g++-aarch64-linux-gnu, qemu-user).
# Options in linux-gnu-cross.cmake; how to use it in README.md.
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(H5REC_TRIPLE aarch64-linux-gnu)
set(H5REC_QEMU qemu-aarch64)
include(${CMAKE_CURRENT_LIST_DIR}/linux-gnu-cross.cmake)
