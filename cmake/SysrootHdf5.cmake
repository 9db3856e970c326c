# The target's own shared HDF5 from its sysroot (e.g. Debian's libhdf5-dev:arm64 unpacked by
# toolchains/debian-sysroot.sh, or a Yocto SDK). Not FindHDF5: it would ask the host's h5cc.
# Defines HDF5::HDF5 and HDF5_C_LIBRARIES as FindHDF5 would.
find_path(HDF5_INCLUDE_DIR hdf5.h PATH_SUFFIXES hdf5/serial ONLY_CMAKE_FIND_ROOT_PATH REQUIRED)
find_library(HDF5_C_LIBRARY NAMES hdf5_serial hdf5 PATH_SUFFIXES hdf5/serial
             ONLY_CMAKE_FIND_ROOT_PATH REQUIRED)
add_library(HDF5::HDF5 INTERFACE IMPORTED)
target_include_directories(HDF5::HDF5 INTERFACE ${HDF5_INCLUDE_DIR})
target_link_libraries(HDF5::HDF5 INTERFACE ${HDF5_C_LIBRARY})
set(HDF5_C_LIBRARIES ${HDF5_C_LIBRARY})
message(STATUS "target's HDF5: ${HDF5_C_LIBRARY}")
