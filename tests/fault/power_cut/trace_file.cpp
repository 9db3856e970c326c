#include "trace_file.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

namespace h5rec::fault {
namespace {

constexpr char kMagic[] = "h5rec-trace 1\n";

struct CloseFile {
  void operator()(std::FILE* f) const { std::fclose(f); }
};
using FilePtr = std::unique_ptr<std::FILE, CloseFile>;

void put_u64(std::FILE* f, uint64_t v) { std::fwrite(&v, sizeof v, 1, f); }
void put_bytes(std::FILE* f, const void* data, size_t n) {
  put_u64(f, n);
  if (n) std::fwrite(data, 1, n, f);
}

bool get_u64(std::FILE* f, uint64_t& v) { return std::fread(&v, sizeof v, 1, f) == 1; }
template <class Bytes>
bool get_bytes(std::FILE* f, Bytes& out) {
  uint64_t n = 0;
  if (!get_u64(f, n) || n > (uint64_t{1} << 32)) return false;
  out.resize(n);
  return n == 0 || std::fread(out.data(), 1, n, f) == n;
}

}  // namespace

Status save_trace(const std::string& path, const SavedTrace& trace) {
  FilePtr f(std::fopen(path.c_str(), "wb"));
  if (!f) return Error{"open '" + path + "': " + std::strerror(errno), errno};
  std::fwrite(kMagic, 1, sizeof kMagic - 1, f.get());
  put_bytes(f.get(), trace.recording_dir.data(), trace.recording_dir.size());
  put_u64(f.get(), static_cast<uint64_t>(trace.t0_ns));
  put_u64(f.get(), trace.ops.size());
  for (const platform::TraceOp& op : trace.ops) {
    put_u64(f.get(), static_cast<uint64_t>(op.kind));
    put_bytes(f.get(), op.path.data(), op.path.size());
    put_bytes(f.get(), op.to.data(), op.to.size());
    put_u64(f.get(), op.offset);
    put_u64(f.get(), op.size);
    put_bytes(f.get(), op.data.data(), op.data.size());
    put_bytes(f.get(), op.label.data(), op.label.size());
  }
  if (std::fflush(f.get()) != 0 || std::ferror(f.get())) {
    return Error{"write '" + path + "': " + std::strerror(errno), errno};
  }
  return {};
}

Result<SavedTrace> load_trace(const std::string& path) {
  FilePtr f(std::fopen(path.c_str(), "rb"));
  if (!f) return Error{"open '" + path + "': " + std::strerror(errno), errno};
  const Error bad{"'" + path + "' is not a complete h5rec trace file"};
  char magic[sizeof kMagic - 1];
  if (std::fread(magic, 1, sizeof magic, f.get()) != sizeof magic ||
      std::memcmp(magic, kMagic, sizeof magic) != 0) {
    return bad;
  }
  SavedTrace trace;
  uint64_t t0 = 0, count = 0;
  if (!get_bytes(f.get(), trace.recording_dir) || !get_u64(f.get(), t0) ||
      !get_u64(f.get(), count)) {
    return bad;
  }
  trace.t0_ns = static_cast<int64_t>(t0);
  for (uint64_t i = 0; i < count; ++i) {
    platform::TraceOp op;
    uint64_t kind = 0;
    if (!get_u64(f.get(), kind) || kind > platform::TraceOp::kMark ||
        !get_bytes(f.get(), op.path) || !get_bytes(f.get(), op.to) ||
        !get_u64(f.get(), op.offset) || !get_u64(f.get(), op.size) ||
        !get_bytes(f.get(), op.data) || !get_bytes(f.get(), op.label)) {
      return bad;
    }
    op.kind = static_cast<platform::TraceOp::Kind>(kind);
    trace.ops.push_back(std::move(op));
  }
  return trace;
}

}  // namespace h5rec::fault
