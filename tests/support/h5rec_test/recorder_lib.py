"""Everything the tests of the h5rec binary use, in one namespace, and their test case:

    from h5rec_test import recorder_lib as lib

    class MyTest(lib.RecorderTestCase):
        def test_it(self):
            config = lib.write_config(self.tmp, [lib.counter_group("fast", 1000)])
            self.assertExit(lib.record(config, duration=1), lib.EXIT_OK)

Standard library plus h5py and numpy only; run with Debian's /usr/bin/python3.
"""

import os

from h5rec_test.crash_markers import CRASH_MARKERS, HDF5_DIAGNOSTIC  # noqa: F401
from h5rec_test.h5rec_binary import *  # noqa: F401,F403
from h5rec_test.h5rec_binary import H5REC, describe
from h5rec_test.recorder_config import *  # noqa: F401,F403
from h5rec_test.recordings import *  # noqa: F401,F403
from h5rec_test.row_schedule import offset_ns, expected_times, elapsed_s  # noqa: F401
from h5rec_test.sim_sensors import (ALL_DTYPES, FLOAT_DTYPES, INT_DTYPES,  # noqa: F401
                                    expected_channel, sensor_values, store_as)
from h5rec_test.temp_dir import TempDirTestCase


class RecorderTestCase(TempDirTestCase):
    """A test of the h5rec binary: its own temporary directory, self.tmp (temp_dir), and the
    binary checked to be there once per class."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not (H5REC.is_file() and os.access(H5REC, os.X_OK)):
            raise AssertionError("h5rec binary not found at %s: build it (cmake --build "
                                 "build/host) or set H5REC" % H5REC)

    def assertExit(self, proc, code):
        self.assertEqual(proc.returncode, code, describe(proc))

    def assertNoCrash(self, proc):
        """Exit status is a normal exit (not a signal) and stderr shows no sanitizer report."""
        self.assertGreaterEqual(proc.returncode, 0, "killed by a signal\n" + describe(proc))
        for marker in CRASH_MARKERS + (HDF5_DIAGNOSTIC,):
            self.assertNotIn(marker, proc.stderr, describe(proc))
