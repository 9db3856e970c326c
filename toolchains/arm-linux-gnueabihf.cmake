# Cross toolchain for 32-bit ARM Linux boards, hard float (Debian: g++-arm-linux-gnueabihf,
# qemu-user). Options in linux-gnu-cross.cmake; how to use it in README.md.
set(CMAKE_SYSTEM_PROCESSOR arm)
set(H5REC_TRIPLE arm-linux-gnueabihf)
set(H5REC_QEMU qemu-arm)
include(${CMAKE_CURRENT_LIST_DIR}/linux-gnu-cross.cmake)
