#!/usr/bin/env bash
# Runs the libFuzzer harnesses of a fuzz build (preset fuzz): each one over every file of its seed
# corpus (tests/fuzz/<harness>/corpus/), then fuzzing for SECONDS from that corpus (copied: the
# committed corpus is not changed), crashes, hangs and out-of-memory cases kept going (-fork=1).
# Every finding is run again to see where it happened: one whose top frame (below the sanitizer,
# libFuzzer and libc frames) is in libhdf5 is HDF5's and only listed, as h5rec runs such reads in
# a child process with a time limit; any other (our code, toml++, UBSan, a harness check) fails
# the run. Findings are kept in $H5REC_FUZZ_OUT (default: BUILD_DIR/fuzz-findings).
#
# Usage: tests/fuzz/run_fuzzers.sh BUILD_DIR SECONDS [HARNESS...]   (default: every harness)
set -euo pipefail
if [ $# -lt 2 ]; then
  echo "usage: $0 BUILD_DIR SECONDS [HARNESS...]" >&2
  exit 64
fi
build=$1
seconds=$2
shift 2
source_dir=$(cd "$(dirname "$0")" && pwd)
harnesses=("$@")
if [ ${#harnesses[@]} -eq 0 ]; then harnesses=(config_loader journal_recovery recording_reader); fi
out=${H5REC_FUZZ_OUT:-$build/fuzz-findings}
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# The harnesses' scratch files, memory-backed where possible (recovery fsyncs): one directory
# for the run, removed at its end, since a crashing run cannot remove its own.
scratch=$(mktemp -d "$( [ -d /dev/shm ] && echo /dev/shm || echo "${TMPDIR:-/tmp}")/h5rec-fuzz-run-XXXXXX")
trap 'rm -rf "$scratch"' EXIT
export TMPDIR=$scratch
# -timeout: a run longer than this is a hang. -rss_limit_mb: beyond it, an out-of-memory finding.
limits=(-timeout=10 -rss_limit_mb=2560)

# Prints "hdf5" when the first frame of a report below the runtime's own frames is in libhdf5.
where() {
  grep -q 'runtime error:' "$1" && { echo ours; return; }
  local frame
  frame=$(grep -E '^ +#[0-9]+ ' "$1" |
          grep -vE '__sanitizer|__asan|__ubsan|__lsan|__interceptor|fuzzer::|libc\.so|pthread_kill|raise|abort|__assert|__glibcxx_assert| in (free|malloc|calloc|realloc|memcpy|memmove|memset|memcmp|strlen|strcmp)( |$)' |
          head -n 1 || true)
  case $frame in *libhdf5*) echo hdf5 ;; *) echo ours ;; esac
}

# One harness: its seed corpus, then fuzzing; exit 1 on a seed that fails or a finding of ours.
fuzz_one() {
  local h=$1
  local bin=$build/tests/fuzz/${h}_fuzzer corpus=$source_dir/$h/corpus dir=$out/$h
  rm -rf "$dir"
  mkdir -p "$dir/work" "$dir/artifacts"
  echo "== fuzz $h: $(find "$corpus" -type f | wc -l) seed inputs, then ${seconds} s"
  if ! "$bin" "${limits[@]}" "$corpus"/* > "$dir/corpus.log" 2>&1; then
    echo "fuzz $h: a seed input fails (log: $dir/corpus.log)"
    tail -n 30 "$dir/corpus.log"
    return 1
  fi
  local start=$SECONDS
  "$bin" "${limits[@]}" -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
         -max_total_time="$seconds" -close_fd_mask=3 -artifact_prefix="$dir/artifacts/" \
         "$dir/work" "$corpus" > "$dir/fuzz.log" 2>&1 || true
  local runs
  runs=$(grep -oE '^#[0-9]+' "$dir/fuzz.log" | tail -n 1 || true)
  echo "fuzz $h: ${runs#\#} runs in $((SECONDS - start)) s," \
       "$(find "$dir/work" -type f | wc -l) inputs in the working corpus"
  local ours=0 artifact
  for artifact in "$dir"/artifacts/*; do
    [ -e "$artifact" ] || continue
    "$bin" "${limits[@]}" "$artifact" > "$artifact.log" 2>&1 || true
    if [ "$(where "$artifact.log")" = hdf5 ]; then
      echo "fuzz $h: HDF5's finding (not ours): $(basename "$artifact")"
    else
      echo "fuzz $h: FINDING in h5rec's code: $artifact (report: $artifact.log)"
      grep -E 'ERROR|runtime error|fuzzer: |SUMMARY|^ +#[0-9]+ ' "$artifact.log" | head -n 25
      ours=1
    fi
  done
  return "$ours"
}

# The harnesses run side by side (each is one process and -fork=1 worker); their reports are
# printed one after another.
mkdir -p "$out"
pids=()
for h in "${harnesses[@]}"; do
  fuzz_one "$h" > "$out/$h.report" 2>&1 &
  pids+=($!)
done
failed_harnesses=0
for i in "${!harnesses[@]}"; do
  wait "${pids[$i]}" || failed_harnesses=$((failed_harnesses + 1))
  cat "$out/${harnesses[$i]}.report"
done
echo "fuzz: $((${#harnesses[@]} - failed_harnesses)) passed, $failed_harnesses failed"
[ "$failed_harnesses" -eq 0 ]
