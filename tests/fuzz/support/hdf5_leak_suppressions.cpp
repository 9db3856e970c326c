// Built into every harness: LeakSanitizer ignores memory that HDF5 allocated itself. HDF5 1.10.8
// leaks object headers and other metadata it fails to load from damaged files (H5O_protect /
// H5C_protect error paths, found by these harnesses): those are HDF5's findings, not ours. Memory
// of ours that HDF5 holds for an object never closed is still reachable through its id table, so
// nothing of ours is hidden.
extern "C" const char* __lsan_default_suppressions() { return "leak:libhdf5\n"; }
