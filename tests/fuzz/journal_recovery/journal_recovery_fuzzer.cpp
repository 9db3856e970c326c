// libFuzzer harness: recovery (recorder/journal/recovery.*) of a recording cut during a
// checkpoint, with its journal and data file damaged the ways storage damages them.
//
// Base states (base/<state>/, made by make_journal_seed.cpp, see journal_seed.hpp): the file
// after kCheckpoints completed checkpoints, cut during the next one's commit with an active
// journal, before its first overwrite of checkpointed bytes (state 0) or halfway through them
// (state 1). The input picks the state (first byte), then is read as operations of 6 bytes
// {kind, position u32 LE, value}:
//   0 flip a bit of the journal         1 truncate the journal      2 zero a 512-byte sector of it
//   3 set a journal byte to `value`     4 delete the journal
//   5 flip a bit, 6 zero a sector, of the data file where the cut may have left anything: bytes
//     past the checkpointed size and bytes the cut checkpoint overwrites (torn or lost writes)
//   7 truncate the data file to a size between the checkpointed size and its size (lost appends)
//   8 flip a bit anywhere in the data file (bit rot: outside the failure model)
// After recover_file() on the damaged pair, one of these must hold:
//   a. outcome recovered or clean, and the group holds exactly the checkpointed rows, each value
//      bit-exact (read back through tools/recording_reader);
//   b. the journal was damaged: the data file ends as recovery leaves it with no journal at all
//      (the same input without its journal, recovered too) and with the same outcome;
//   c. outcome unrecoverable and the data file byte-identical to before (refused, left alone).
// With only damage inside the failure model to the data file (5-7) and none to the journal, (a)
// must hold. With bit rot (8) only "no crash, no undefined behaviour, no hang" is checked, and
// the file is not read back.
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "../support/scratch_dir.hpp"
#include "journal_seed.hpp"
#include "platform/posix/posix_storage.hpp"
#include "recorder/journal/recovery.hpp"
#include "recorder/journal/rollback_journal.hpp"
#include "tools/recording_reader.hpp"

namespace {

namespace fs = std::filesystem;
namespace seed = h5rec::fuzz::journal_seed;
using Bytes = std::vector<char>;

constexpr const char* kStates[] = {"cut-before-overwrite-1", "cut-halfway"};
constexpr size_t kStateCount = std::size(kStates);
constexpr size_t kSector = 512;

struct State {
  Bytes data;
  Bytes journal;
  uint64_t checkpointed_size = 0;  // the journal's data size: the file's size at the checkpoint
  std::vector<uint64_t> legal;     // offsets the cut may have left anything at (see kind 5)
};

std::vector<State> g_states;
std::string g_dir;

[[noreturn]] void fail(const std::string& what) {
  std::fprintf(stderr, "journal_recovery_fuzzer: %s\n", what.c_str());
  std::abort();
}

Bytes read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail("cannot read " + path);
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void write_file(const std::string& path, const Bytes& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) fail("cannot write " + path);
}

uint64_t le64(const Bytes& b, size_t at) {
  uint64_t v = 0;
  for (size_t i = 0; i < 8; ++i) v |= uint64_t(uint8_t(b.at(at + i))) << (8 * i);
  return v;
}

struct Outcome {
  h5rec::journal::RecoveryOutcome outcome;
  std::string detail;
  Bytes data;  // the data file afterwards (empty if removed)
  bool exists = false;
};

// Writes the pair into the scratch directory, recovers it, returns what is left.
Outcome recover(const Bytes& data, const Bytes* journal) {
  const std::string path = g_dir + "/" + seed::kFileName;
  const std::string journal_path = h5rec::journal::journal_path(path);
  write_file(path, data);
  if (journal != nullptr) {
    write_file(journal_path, *journal);
  } else {
    std::remove(journal_path.c_str());
  }
  h5rec::platform::PosixStorage storage;
  const auto report = h5rec::journal::recover_file(storage, path);
  Outcome out{report.outcome, report.detail, {}, storage.exists(path)};
  if (out.exists) out.data = read_file(path);
  return out;
}

// Every checkpointed row present, bit-exact, and no other row (of the file left at g_dir).
std::string checkpointed_rows_intact() {
  auto reader = h5rec::tools::RecordingReader::open(g_dir + "/" + seed::kFileName);
  if (!reader) return "does not open: " + reader.message();
  const auto& groups = reader->groups();
  size_t g = 0;
  while (g < groups.size() && groups[g] != seed::kGroup) ++g;
  if (g == groups.size()) return "no group";
  const uint64_t rows = reader->rows(g);
  if (rows != seed::kCheckpointedRows) return std::to_string(rows) + " rows";
  const auto columns = reader->columns(g);
  if (columns.size() != 2 || columns[1].name != "counter") return "columns changed";
  auto times = reader->read_int64(g, 0, 0, rows);
  auto counters = reader->read_int64(g, 1, 0, rows);
  if (!times || !counters) return "unreadable rows";
  for (uint64_t r = 0; r < rows; ++r) {
    if (times.value()[r] != seed::time_of(r) || counters.value()[r] != seed::counter_of(r)) {
      return "row " + std::to_string(r) + " differs";
    }
  }
  return "";
}

void load_states() {
  for (const char* name : kStates) {
    const std::string dir = std::string(H5REC_FUZZ_JOURNAL_BASE) + "/" + name;
    State s;
    s.data = read_file(dir + "/" + seed::kFileName);
    s.journal = read_file(h5rec::journal::journal_path(dir + "/" + seed::kFileName));
    if (s.journal.size() < kSector) fail(dir + ": journal too short");
    s.checkpointed_size = le64(s.journal, 24);
    // Where the cut may have left anything: the ranges the journal holds old bytes of (read here
    // with the format of rollback_journal.hpp, not with the code under test) and past the
    // checkpointed size.
    std::vector<bool> legal(s.data.size(), false);
    for (uint64_t at = s.checkpointed_size; at < s.data.size(); ++at) legal[at] = true;
    const uint64_t count = le64(s.journal, 32);
    for (uint64_t i = 0, at = kSector; i < count; ++i) {
      const uint64_t offset = le64(s.journal, at), length = le64(s.journal, at + 8);
      constexpr uint64_t kZeroRecord = uint64_t{1} << 63;
      const uint64_t bytes = length & ~kZeroRecord;
      at += 16 + ((length & kZeroRecord) != 0 ? 0 : bytes);
      for (uint64_t b = offset; b < offset + bytes && b < s.data.size(); ++b) legal[b] = true;
    }
    for (uint64_t at = 0; at < legal.size(); ++at) {
      if (legal[at]) s.legal.push_back(at);
    }
    Outcome recovered = recover(s.data, &s.journal);
    if (recovered.outcome != h5rec::journal::RecoveryOutcome::kRecovered) {
      fail(dir + ": the undamaged base state does not recover: " + recovered.detail);
    }
    if (const std::string why = checkpointed_rows_intact(); !why.empty()) {
      fail(dir + ": the undamaged base state recovers wrong: " + why);
    }
    g_states.push_back(std::move(s));
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  g_dir = h5rec::fuzz::make_scratch_dir("journal");
  load_states();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* input, size_t size) {
  if (size == 0) return 0;
  const State& state = g_states[input[0] % kStateCount];
  Bytes data = state.data;
  Bytes journal = state.journal;
  bool has_journal = true;
  bool journal_damaged = false;
  bool bit_rot = false;
  for (size_t at = 1; at + 6 <= size; at += 6) {
    const uint8_t kind = input[at] % 9;
    uint32_t pos = 0;
    std::memcpy(&pos, input + at + 1, 4);
    const uint8_t value = input[at + 5];
    if (kind <= 4) {
      if (!has_journal) continue;
      journal_damaged = true;
    }
    switch (kind) {
      case 0:
        if (!journal.empty()) journal[pos / 8 % journal.size()] ^= char(1 << (pos % 8));
        break;
      case 1:
        journal.resize(pos % (journal.size() + 1));
        break;
      case 2:
        if (!journal.empty()) {
          const size_t from = pos % journal.size() / kSector * kSector;
          std::memset(journal.data() + from, 0, std::min(kSector, journal.size() - from));
        }
        break;
      case 3:
        if (!journal.empty()) journal[pos % journal.size()] = char(value);
        break;
      case 4:
        has_journal = false;
        break;
      case 5:
        if (!state.legal.empty()) {
          const uint64_t byte = state.legal[pos / 8 % state.legal.size()];
          if (byte < data.size()) data[byte] ^= char(1 << (pos % 8));
        }
        break;
      case 6:
        if (!state.legal.empty()) {
          const uint64_t byte = state.legal[pos % state.legal.size()];
          for (uint64_t b = byte / kSector * kSector; b < (byte / kSector + 1) * kSector; ++b) {
            // Only the bytes of that sector the cut may have touched.
            if (b < data.size() && std::binary_search(state.legal.begin(), state.legal.end(), b)) {
              data[b] = 0;
            }
          }
        }
        break;
      case 7:
        if (data.size() > state.checkpointed_size) {
          data.resize(state.checkpointed_size + pos % (data.size() - state.checkpointed_size + 1));
        }
        break;
      case 8:
        if (!data.empty()) {
          data[pos / 8 % data.size()] ^= char(1 << (pos % 8));
          bit_rot = true;
        }
        break;
    }
  }

  const Outcome got = recover(data, has_journal ? &journal : nullptr);
  // Outside the failure model recovery must only not crash: reading such a file back would test
  // HDF5 on damaged files, recording_reader_fuzzer's subject.
  if (bit_rot) return 0;
  using h5rec::journal::RecoveryOutcome;
  const bool claims_success =
      got.outcome == RecoveryOutcome::kRecovered || got.outcome == RecoveryOutcome::kClean;
  const std::string rows = got.exists ? checkpointed_rows_intact() : "file removed";
  if (claims_success && rows.empty()) return 0;  // (a)
  const bool refused_untouched =
      got.outcome == RecoveryOutcome::kUnrecoverable && got.exists && got.data == data;
  if (refused_untouched) return 0;  // (c)
  if (journal_damaged) {            // (b): never worse than the same file without its journal
    const Outcome without = recover(data, nullptr);
    if (without.outcome == got.outcome && without.exists == got.exists &&
        without.data == got.data) {
      return 0;
    }
    fail(std::string("with a damaged journal recovery left the file ") +
         h5rec::journal::describe(got.outcome) + " (" + got.detail +
         "; rows: " + (rows.empty() ? "intact" : rows) + "), without the journal " +
         h5rec::journal::describe(without.outcome) + " (" + without.detail + ")");
  }
  fail(std::string("damage inside the failure model, recovery said ") +
       h5rec::journal::describe(got.outcome) + " (" + got.detail +
       "), checkpointed rows: " + (rows.empty() ? "intact" : rows) +
       (got.outcome == RecoveryOutcome::kUnrecoverable ? ", and the file was changed" : ""));
}
