# Cross toolchain for 32-bit ARM Linux boards, hard float (Debian: g++-arm-linux-gnueabihf,
# qemu-user). -DH5REC_SYSROOT=/path overrides the sysroot (default: Debian's cross root).
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR arm)
set(H5REC_TRIPLE arm-linux-gnueabihf)
set(H5REC_SYSROOT "/usr/${H5REC_TRIPLE}" CACHE PATH "target sysroot")
set(CMAKE_C_COMPILER ${H5REC_TRIPLE}-gcc)
set(CMAKE_CXX_COMPILER ${H5REC_TRIPLE}-g++)
set(CMAKE_FIND_ROOT_PATH "${H5REC_SYSROOT}")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE BOTH)
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-arm -L "${H5REC_SYSROOT}")
