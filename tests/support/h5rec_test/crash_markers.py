"""Text on a program's stderr that means it crashed or a sanitizer found a bug (ASan exits with
1, so the exit status alone does not tell)."""

UNDEFINED_BEHAVIOUR = "runtime error:"  # UBSan's report
ADDRESS_SANITIZER_ERROR = "ERROR: AddressSanitizer:"  # the first line of an ASan report
HDF5_DIAGNOSTIC = "HDF5-DIAG"  # HDF5's error stack, printed where h5rec should have handled it

CRASH_MARKERS = ("AddressSanitizer", "LeakSanitizer", "UndefinedBehaviorSanitizer",
                 UNDEFINED_BEHAVIOUR, "Traceback", "terminate called", "Segmentation fault",
                 "malloc(): ", "free(): ", "double free", "stack smashing")
