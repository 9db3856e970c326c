#include "drivers/gps/nmea_line_splitter.hpp"

namespace h5rec::platform {

void NmeaLineSplitter::clear() {
  size_ = 0;
  overflow_ = false;
  garbage_ = false;
}

void NmeaLineSplitter::restart() {
  clear();
  synced_ = false;
  line_ready_ = false;
}

NmeaLineEvent NmeaLineSplitter::classify(bool by_dollar) const {
  if (!synced_ || size_ == 0) return NmeaLineEvent::kNone;  // nothing, or a mid-sentence start
  if (garbage_ || text_[0] != '$') return NmeaLineEvent::kGarbage;
  if (overflow_) return NmeaLineEvent::kTooLong;
  return by_dollar ? NmeaLineEvent::kTruncated : NmeaLineEvent::kLine;
}

NmeaLineEvent NmeaLineSplitter::push(char byte) {
  if (line_ready_) {
    clear();
    line_ready_ = false;
  }
  if (byte == '\r' || byte == '\n') {
    const NmeaLineEvent event = classify(false);
    synced_ = true;
    if (event == NmeaLineEvent::kLine) {
      line_ready_ = true;
    } else {
      clear();
    }
    return event;
  }
  NmeaLineEvent event = NmeaLineEvent::kNone;
  if (byte == '$') {
    event = classify(true);
    synced_ = true;
    clear();
  } else if (static_cast<unsigned char>(byte) < 0x20 || static_cast<unsigned char>(byte) > 0x7e) {
    garbage_ = true;
  }
  if (size_ < text_.size()) {
    text_[size_++] = byte;
  } else {
    overflow_ = true;
  }
  return event;
}

}  // namespace h5rec::platform
