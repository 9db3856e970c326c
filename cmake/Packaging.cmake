# Debian packages of what a board needs (install component `runtime`: the h5rec binary, the
# systemd unit, the config /etc/h5rec/h5rec.toml as a conffile, the example configs) with CPack's
# DEB generator, one per build:
#
#   cmake --preset aarch64 && cmake --build --preset aarch64 --target h5rec
#   cpack --preset aarch64            # build/aarch64/packages/h5rec_<version>_arm64.deb
#
# (presets amd64, aarch64, armhf: the static binary, so the package depends on nothing but
# adduser). The maintainer scripts in packaging/deb create the system user h5rec the unit runs
# as (groups i2c, gpio, dialout) and its data directory /var/lib/h5rec; packaging/README.md
# says what install, removal and purge do.

# dpkg's architecture name for the target.
if(CMAKE_SYSTEM_PROCESSOR MATCHES "^(aarch64|arm64|ARM64)$")
  set(_h5rec_deb_arch arm64)
elseif(CMAKE_SYSTEM_PROCESSOR MATCHES "^arm")
  if(CMAKE_C_COMPILER MATCHES "gnueabihf")
    set(_h5rec_deb_arch armhf)
  else()
    set(_h5rec_deb_arch armel)
  endif()
elseif(CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64|amd64)$")
  set(_h5rec_deb_arch amd64)
elseif(CMAKE_SYSTEM_PROCESSOR MATCHES "^(i.86|x86)$")
  set(_h5rec_deb_arch i386)
else()
  set(_h5rec_deb_arch "${CMAKE_SYSTEM_PROCESSOR}")
endif()
set(H5REC_DEB_ARCHITECTURE "${_h5rec_deb_arch}" CACHE STRING
    "Architecture field of the Debian package (dpkg's name of the target: amd64, arm64, armhf)")
set(H5REC_DEB_MAINTAINER "h5rec maintainers" CACHE STRING "Maintainer field of the Debian package")

# udev rules giving /dev/i2c-* and /dev/gpiochip* to the groups the service's user is in.
install(FILES ${PROJECT_SOURCE_DIR}/packaging/deb/60-h5rec.rules
        DESTINATION lib/udev/rules.d COMPONENT runtime)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME h5rec)
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "crash-safe HDF5 data recorder for Linux boards")
# The Description's first line is the summary; CPack indents these lines (empty: " .").
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "h5rec samples sensors (IIO, hwmon, thermal zones, BME280 over I2C, GPIO pulse
counters, NMEA GPS, any sysfs number) on an absolute-time schedule and commits
them to chunked HDF5 files with journaled, crash-safe checkpoints and SWMR.

This package holds the static h5rec binary, its systemd unit (h5rec.service,
running as the system user h5rec) and the config /etc/h5rec/h5rec.toml;
recordings go to /var/lib/h5rec/recordings.")
set(CPACK_PACKAGE_CONTACT "${H5REC_DEB_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${H5REC_DEB_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE "${H5REC_DEB_ARCHITECTURE}")
set(CPACK_DEBIAN_FILE_NAME "h5rec_${PROJECT_VERSION}_${H5REC_DEB_ARCHITECTURE}.deb")
set(CPACK_DEBIAN_PACKAGE_DEPENDS adduser)
if(NOT H5REC_STATIC_BINARY AND NOT CMAKE_CROSSCOMPILING)
  # A dynamic host build: the shared libraries' packages, by dpkg-shlibdeps (dpkg-dev).
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
endif()
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${PROJECT_SOURCE_DIR}/packaging/deb/conffiles
    ${PROJECT_SOURCE_DIR}/packaging/deb/postinst
    ${PROJECT_SOURCE_DIR}/packaging/deb/prerm
    ${PROJECT_SOURCE_DIR}/packaging/deb/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

# Only component runtime, installed into the package as `cmake --install --prefix /usr` would
# (DESTDIR: the install script sees the real prefix and puts the config under /etc).
set(CPACK_INSTALL_CMAKE_PROJECTS "${PROJECT_BINARY_DIR};${PROJECT_NAME};runtime;/")
set(CPACK_SET_DESTDIR ON)
set(CPACK_INSTALL_PREFIX /usr)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGE_DIRECTORY "${PROJECT_BINARY_DIR}/packages")
set(CPACK_SOURCE_GENERATOR "")
include(CPack)
