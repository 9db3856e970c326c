# Shared part of the cross toolchain files; they set H5REC_TRIPLE, H5REC_QEMU and the processor.
#   H5REC_CROSS_PREFIX  compiler name prefix (default: "<triple>-", Debian's cross compilers in
#                       PATH; e.g. /opt/sdk/sysroots/x86_64-pokysdk-linux/usr/bin/aarch64-poky-linux/aarch64-poky-linux-)
#   H5REC_SYSROOT       the target's root filesystem (default: none, Debian's cross libc in
#                       /usr/<triple>; e.g. a Yocto SDK's target sysroot or toolchains/debian-sysroot.sh)
set(CMAKE_SYSTEM_NAME Linux)
set(H5REC_CROSS_PREFIX "${H5REC_TRIPLE}-" CACHE STRING "cross compiler prefix")
set(H5REC_SYSROOT "" CACHE PATH "target root filesystem (empty: Debian's cross libc in /usr/${H5REC_TRIPLE})")
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES H5REC_CROSS_PREFIX H5REC_SYSROOT)
set(CMAKE_C_COMPILER ${H5REC_CROSS_PREFIX}gcc)
set(CMAKE_CXX_COMPILER ${H5REC_CROSS_PREFIX}g++)
if(H5REC_SYSROOT)
  set(CMAKE_SYSROOT "${H5REC_SYSROOT}")
  set(H5REC_TARGET_ROOT "${H5REC_SYSROOT}")
else()
  set(H5REC_TARGET_ROOT "/usr/${H5REC_TRIPLE}")
endif()
set(CMAKE_FIND_ROOT_PATH "${H5REC_TARGET_ROOT}")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE BOTH)  # header-only CLI11 and toml++ come from the host
# ctest and HDF5's configure checks run the target's programs under qemu-user.
set(CMAKE_CROSSCOMPILING_EMULATOR ${H5REC_QEMU} -L "${H5REC_TARGET_ROOT}")
