"""Temporary directories for tests: one per test, kept when the test fails (to look at what it
left), or one for a block of code or a test class."""

import pathlib
import shutil
import tempfile
import unittest

PREFIX = "h5rec-test-"


class ScratchDir:
    """A fresh directory under $TMPDIR (self.path), removed by remove() or at the end of a
    `with` block (which gives the path)."""

    def __init__(self, prefix=PREFIX):
        self.path = pathlib.Path(tempfile.mkdtemp(prefix=prefix))

    def remove(self):
        shutil.rmtree(self.path, ignore_errors=True)

    def __enter__(self):
        return self.path

    def __exit__(self, *exc_info):
        self.remove()


def _test_failed(case):
    """Whether the running test of `case` has failed or raised so far (subtests included), from
    what unittest reported: its outcome's success flag is reset for each cleanup (Python 3.11)."""
    result = getattr(getattr(case, "_outcome", None), "result", None)
    reported = getattr(result, "failures", []) + getattr(result, "errors", [])
    return any(getattr(test, "test_case", test) is case for test, _ in reported)


class TempDirTestCase(unittest.TestCase):
    """Gives every test its own directory, self.tmp (a pathlib.Path), removed after the test
    unless it failed unexpectedly."""

    temp_prefix = PREFIX

    def setUp(self):
        super().setUp()
        scratch = ScratchDir(self.temp_prefix)
        self.tmp = scratch.path
        self.addCleanup(lambda: None if _test_failed(self) else scratch.remove())
