# Cross toolchain for 64-bit ARM Linux boards (Debian: g++-aarch64-linux-gnu, qemu-user).
# -DH5REC_SYSROOT=/path overrides the sysroot (default: Debian's multiarch cross root).
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(H5REC_TRIPLE aarch64-linux-gnu)
set(H5REC_SYSROOT "/usr/${H5REC_TRIPLE}" CACHE PATH "target sysroot")
set(CMAKE_C_COMPILER ${H5REC_TRIPLE}-gcc)
set(CMAKE_CXX_COMPILER ${H5REC_TRIPLE}-g++)
set(CMAKE_FIND_ROOT_PATH "${H5REC_SYSROOT}")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE BOTH)
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64 -L "${H5REC_SYSROOT}")
