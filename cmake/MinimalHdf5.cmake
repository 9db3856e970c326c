# The minimal HDF5: HDF5's C library only, static, built for the target at configure time with
# HDF5's own CMake and this build's toolchain file (no Fortran, C++, high-level library, tools,
# tests or examples; not threadsafe, not parallel; zlib only with H5REC_HDF5_ZLIB).
#
#   H5REC_HDF5_SOURCE  an HDF5 1.10/1.12/1.14 source tarball or unpacked directory; empty: the
#                      source package Debian ships, fetched with `apt-get source --download-only
#                      hdf5` (needs a deb-src line in the apt sources, see toolchains/README.md)
#
# HDF5's configure checks run small programs for the target through CMAKE_CROSSCOMPILING_EMULATOR
# (qemu-user). The result is installed into <build>/hdf5-minimal/prefix and reused while the
# source and options stay the same. Defines HDF5::HDF5 and HDF5_C_LIBRARIES as FindHDF5 would.

set(H5REC_HDF5_SOURCE "" CACHE FILEPATH "HDF5 source tarball or directory for the minimal build (empty: Debian's source package)")
option(H5REC_HDF5_ZLIB "Build the minimal HDF5 with the deflate filter (needs the target's zlib)" OFF)

set(_h5m_root ${CMAKE_BINARY_DIR}/hdf5-minimal)
set(_h5m_prefix ${_h5m_root}/prefix)

function(_h5m_run what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out
                  WORKING_DIRECTORY ${_h5m_cwd})
  if(NOT rc EQUAL 0)
    string(LENGTH "${out}" len)
    if(len GREATER 6000)
      math(EXPR from "${len} - 6000")
      string(SUBSTRING "${out}" ${from} -1 out)
    endif()
    message(FATAL_ERROR "minimal HDF5: ${what} failed (exit ${rc}) in ${_h5m_cwd}:\n${out}")
  endif()
endfunction()

# Unpacks a tarball into ${_h5m_root}/src and returns the directory holding CMakeLists.txt.
function(_h5m_unpack tarball out_var)
  file(REMOVE_RECURSE ${_h5m_root}/src)
  file(MAKE_DIRECTORY ${_h5m_root}/src)
  set(_h5m_cwd ${_h5m_root}/src)
  _h5m_run("unpacking ${tarball}" ${CMAKE_COMMAND} -E tar xf ${tarball})
  file(GLOB top LIST_DIRECTORIES true ${_h5m_root}/src/*)
  foreach(dir ${top})
    if(EXISTS ${dir}/CMakeLists.txt AND EXISTS ${dir}/src/H5.c)
      set(${out_var} ${dir} PARENT_SCOPE)
      return()
    endif()
  endforeach()
  message(FATAL_ERROR "minimal HDF5: ${tarball} holds no HDF5 source tree (no */src/H5.c)")
endfunction()

function(_h5m_source out_var)
  if(H5REC_HDF5_SOURCE STREQUAL "")
    set(download ${_h5m_root}/download)
    file(GLOB tarballs ${download}/hdf5_*.orig.tar.*)
    if(NOT tarballs)
      file(MAKE_DIRECTORY ${download})
      set(_h5m_cwd ${download})
      message(STATUS "minimal HDF5: fetching Debian's source package (apt-get source --download-only hdf5)")
      _h5m_run("apt-get source --download-only hdf5 (is there a deb-src line? see toolchains/README.md)"
               apt-get source --download-only hdf5)
      file(GLOB tarballs ${download}/hdf5_*.orig.tar.*)
      if(NOT tarballs)
        message(FATAL_ERROR "minimal HDF5: apt-get source left no hdf5_*.orig.tar.* in ${download}")
      endif()
    endif()
    list(GET tarballs 0 tarball)
    _h5m_unpack(${tarball} dir)
    set(${out_var} ${dir} PARENT_SCOPE)
    return()
  endif()
  get_filename_component(source ${H5REC_HDF5_SOURCE} ABSOLUTE BASE_DIR ${CMAKE_SOURCE_DIR})
  if(IS_DIRECTORY ${source})
    set(dir ${source})
    if(NOT EXISTS ${dir}/src/H5.c)
      message(FATAL_ERROR "minimal HDF5: H5REC_HDF5_SOURCE=${dir} is not an HDF5 source tree (no src/H5.c)")
    endif()
  elseif(EXISTS ${source})
    _h5m_unpack(${source} dir)
  else()
    message(FATAL_ERROR "minimal HDF5: H5REC_HDF5_SOURCE=${H5REC_HDF5_SOURCE} does not exist")
  endif()
  set(${out_var} ${dir} PARENT_SCOPE)
endfunction()

set(_h5m_lto "")
if(H5REC_LTO_BINARY)
  set(_h5m_lto "-flto=auto -ffat-lto-objects")
endif()
set(_h5m_args
  -G ${CMAKE_GENERATOR} -DCMAKE_BUILD_TYPE=MinSizeRel -DCMAKE_INSTALL_PREFIX=${_h5m_prefix}
  # Size: sections the link can drop, no unwind tables (C code; h5rec's callbacks from HDF5
  # catch what they could throw), with H5REC_LTO_BINARY link-time optimisation with fat objects
  # (the h5rec binary links through LTO, test programs link the machine code: CMakeLists.txt).
  # The library info text is not embedded.
  "-DCMAKE_C_FLAGS=-ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables -fno-unwind-tables ${_h5m_lto}"
  -DCMAKE_AR=${CMAKE_C_COMPILER_AR} -DCMAKE_RANLIB=${CMAKE_C_COMPILER_RANLIB}
  -DHDF5_ENABLE_EMBEDDED_LIBINFO=OFF
  -DBUILD_SHARED_LIBS=OFF -DBUILD_TESTING=OFF -DHDF5_BUILD_TOOLS=OFF -DHDF5_BUILD_UTILS=OFF
  -DHDF5_BUILD_EXAMPLES=OFF -DHDF5_BUILD_HL_LIB=OFF -DHDF5_BUILD_CPP_LIB=OFF
  -DHDF5_BUILD_FORTRAN=OFF -DHDF5_BUILD_JAVA=OFF -DHDF5_ENABLE_THREADSAFE=OFF
  -DHDF5_ENABLE_PARALLEL=OFF -DHDF5_ENABLE_SZIP_SUPPORT=OFF -DHDF5_ENABLE_DEPRECATED_SYMBOLS=OFF
  -DHDF5_ENABLE_Z_LIB_SUPPORT=${H5REC_HDF5_ZLIB})
if(CMAKE_TOOLCHAIN_FILE)
  list(APPEND _h5m_args -DCMAKE_TOOLCHAIN_FILE=${CMAKE_TOOLCHAIN_FILE}
       -DH5REC_SYSROOT=${H5REC_SYSROOT} -DH5REC_CROSS_PREFIX=${H5REC_CROSS_PREFIX})
else()
  list(APPEND _h5m_args -DCMAKE_C_COMPILER=${CMAKE_C_COMPILER})
endif()
# Rebuilt when the source, the compiler or any of these options change (or this file's recipe:
# bump the 1).
set(_h5m_stamp "recipe=2;source=${H5REC_HDF5_SOURCE};compiler=${CMAKE_C_COMPILER_VERSION};${_h5m_args}")
set(_h5m_stamp_file ${_h5m_prefix}/h5rec-minimal-hdf5.stamp)
set(_h5m_built "")
if(EXISTS ${_h5m_stamp_file})
  file(READ ${_h5m_stamp_file} _h5m_built)
endif()
if(NOT _h5m_built STREQUAL _h5m_stamp)
  _h5m_source(_h5m_src)
  message(STATUS "minimal HDF5: building ${_h5m_src} for ${CMAKE_SYSTEM_PROCESSOR} (about a minute)")
  file(REMOVE_RECURSE ${_h5m_root}/build ${_h5m_prefix})
  file(MAKE_DIRECTORY ${_h5m_root}/build)
  # HDF5's configure checks write their programs' output into the working directory and read it
  # back from the build directory: run it from the build directory.
  set(_h5m_cwd ${_h5m_root}/build)
  _h5m_run("configuring HDF5" ${CMAKE_COMMAND} ${_h5m_args} ${_h5m_src})
  _h5m_run("building HDF5" ${CMAKE_COMMAND} --build . --config MinSizeRel --target install)
  # HDF5 1.10's hdf5.pc lists its library after the ones it needs (Libs.private: -lm -ldl
  # -lhdf5): a static link of a C program then misses libm (lround, H5Zscaleoffset.c). Ours first.
  file(GLOB _h5m_pcs ${_h5m_prefix}/lib/pkgconfig/hdf5*.pc)
  foreach(_h5m_pc IN LISTS _h5m_pcs)
    file(READ ${_h5m_pc} _h5m_text)
    string(REGEX REPLACE "Libs.private:([^\n]*) -lhdf5" "Libs.private: -lhdf5\\1" _h5m_text
           "${_h5m_text}")
    file(WRITE ${_h5m_pc} "${_h5m_text}")
  endforeach()
  file(WRITE ${_h5m_stamp_file} "${_h5m_stamp}")
  file(REMOVE_RECURSE ${_h5m_root}/build ${_h5m_root}/src)
endif()

# 1.10 installs its package file in share/cmake, 1.12 in share/cmake/hdf5, 1.14 in cmake.
file(GLOB_RECURSE _h5m_config ${_h5m_prefix}/hdf5-config.cmake)
if(NOT _h5m_config)
  message(FATAL_ERROR "minimal HDF5: no hdf5-config.cmake under ${_h5m_prefix}")
endif()
list(GET _h5m_config 0 _h5m_config)
get_filename_component(_h5m_config_dir ${_h5m_config} DIRECTORY)
find_package(HDF5 CONFIG REQUIRED PATHS ${_h5m_config_dir} NO_DEFAULT_PATH NO_CMAKE_FIND_ROOT_PATH)
if(TARGET hdf5::hdf5-static)      # 1.14
  set(_h5m_target hdf5::hdf5-static)
elseif(TARGET hdf5-static)        # 1.10, 1.12
  set(_h5m_target hdf5-static)
else()
  message(FATAL_ERROR "minimal HDF5: ${_h5m_prefix} exports no hdf5-static target")
endif()
add_library(HDF5::HDF5 INTERFACE IMPORTED)
target_link_libraries(HDF5::HDF5 INTERFACE ${_h5m_target})
get_target_property(_h5m_location ${_h5m_target} LOCATION)
set(HDF5_C_LIBRARIES ${_h5m_location} m dl)
if(H5REC_HDF5_ZLIB)
  list(INSERT HDF5_C_LIBRARIES 1 z)
endif()
set(HDF5_PKGCONFIG_DIR ${_h5m_prefix}/lib/pkgconfig)
message(STATUS "minimal HDF5: ${HDF5_VERSION} static, ${_h5m_location}")
