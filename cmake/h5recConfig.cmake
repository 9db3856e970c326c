# CMake package file for the h5rec logger library: find_package(h5rec CONFIG) gives h5rec::h5rec.
include(CMakeFindDependencyMacro)
find_dependency(Threads)
include("${CMAKE_CURRENT_LIST_DIR}/h5recTargets.cmake")
