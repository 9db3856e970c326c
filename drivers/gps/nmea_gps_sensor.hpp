// A channel that records one field of an NMEA GPS receiver on a serial port (kind "nmea_gps").
// Channels naming the same port share one GpsReceiver (through SensorSpec::shared, keyed by the
// port's path) and so one reader thread; they must be in one rate group and agree on the baud.
//
// params: port (text, required: "ttyS1" under dev_root, or an absolute path), baud (9600; 4800,
// 9600, 19200, 38400, 57600 or 115200), field (text, required: see kGpsFields), max_age_s (2, > 0:
// a value older than this is stale). read(): the field's latest value; kBadValue while it is stale
// or not yet received (no fix), kDeviceError once the port failed. The counters (sentences,
// rejected) are never stale. Attributes: port, baud, max_age_s.
#pragma once

#include <memory>

#include "platform/sensor.hpp"

namespace h5rec::platform {

// For spec.kind "nmea_gps"; the error names the parameter that is wrong.
Result<std::unique_ptr<Sensor>> make_nmea_gps_sensor(const SensorSpec& spec);

}  // namespace h5rec::platform
