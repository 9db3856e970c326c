"""Bad configs: `h5rec record` must exit with code 2 before recording anything (no .h5 file) and
print one message on stderr naming the config file, the line and the offending key.

Every config is built from a known text, and the expected line is found by searching that text
for the offending line, so the line numbers checked are the real ones.
"""

import os
import stat
import unittest

from h5rec_test import recorder_lib as lib

# The groups of a valid config; the tests replace one line of its text or add lines.
GROUPS = [
    {"name": "fast", "rate_hz": 100, "channels": [
        {"name": "counter", "sensor": "counter", "dtype": "int64"},
        {"name": "accel", "sensor": "sine", "dtype": "float32", "shape": [3],
         "params": {"amplitude": 9.81, "frequency_hz": 2.0}},
    ]},
    {"name": "slow", "rate_hz": 10, "channels": [
        {"name": "temperature", "sensor": "random_walk", "params": {"start": 20.0, "step": 0.01}},
    ]},
]


def valid_config(out):
    """The valid config's text, writing into `out`. Comment lines on top so that line numbers
    are not all small."""
    return lib.config_text(GROUPS, device_id="dev-1", output_dir=out, checkpoint_interval=0.5,
                           comment="h5rec test config\n(line numbers in error messages are checked)")


def line_of(text, fragment, occurrence=1):
    """1-based line number of the occurrence-th line of text containing fragment."""
    seen = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if fragment in line:
            seen += 1
            if seen == occurrence:
                return number
    raise AssertionError("%r not in config text" % fragment)


class ConfigErrorTest(lib.RecorderTestCase):

    def setUp(self):
        super().setUp()
        self.out = self.tmp / "out"
        self.valid = valid_config(self.out)

    def config(self, text, name="bad.toml"):
        return lib.write_config(self.tmp, text=text, name=name)

    def replace(self, old, new, count=1):
        self.assertIn(old, self.valid)
        return self.valid.replace(old, new, count)

    def assertNothingRecorded(self):
        self.assertEqual(lib.h5_files(self.tmp), [], "a recording was created")
        if self.out.exists():
            self.assertEqual(sorted(os.listdir(self.out)), [],
                             "files left in the output directory")

    def assertConfigError(self, text, line, key, also=(), lines=None):
        """Records `text` and checks: exit 2, nothing recorded, a message naming the config file
        at `line` (or any of `lines`) and 'key', plus every string in `also`."""
        path = self.config(text)
        proc = lib.record(path, duration=1, cwd=self.tmp, timeout=60)
        self.assertExit(proc, lib.EXIT_BAD_INPUT)
        self.assertNoCrash(proc)
        self.assertNothingRecorded()
        self.assertEqual(proc.stdout, "", "printed a recording summary")
        message = proc.stderr
        self.assertEqual(len(message.strip().splitlines()), 1, "one error line:\n" + message)
        candidates = lines or [line]
        self.assertTrue(any("%s:%d:" % (path, n) in message for n in candidates),
                        "expected '%s:%s:' in %r" % (path, candidates, message))
        self.assertIn("'%s'" % key, message)
        for text_part in also:
            self.assertIn(text_part, message)
        return message

    def test_valid_config_records(self):
        """The base config of these tests is valid (so each test changes exactly one thing)."""
        path = self.config(self.valid, name="good.toml")
        proc = lib.record(path, duration=1, cwd=self.tmp)
        self.assertExit(proc, 0)
        self.assertEqual(len(lib.h5_files(self.out)), 1)

    # -------------------------------------------------------------------------- TOML syntax

    def test_toml_syntax_error(self):
        text = self.replace('rate_hz = 10\n', 'rate_hz = 10 10\n')
        path = self.config(text)
        proc = lib.record(path, duration=1, cwd=self.tmp)
        self.assertExit(proc, 2)
        self.assertNothingRecorded()
        self.assertIn("%s:%d:" % (path, line_of(text, "rate_hz = 10 10")), proc.stderr)
        self.assertIn("TOML syntax error", proc.stderr)

    def test_toml_unterminated_string(self):
        text = self.replace('name = "accel"', 'name = "accel')
        path = self.config(text)
        proc = lib.record(path, duration=1, cwd=self.tmp)
        self.assertExit(proc, 2)
        self.assertNothingRecorded()
        self.assertIn("%s:%d:" % (path, line_of(text, 'name = "accel')), proc.stderr)
        self.assertIn("TOML syntax error", proc.stderr)

    def test_toml_redefined_key(self):
        text = self.replace('checkpoint_interval = 0.5\n',
                            'checkpoint_interval = 0.5\ndevice_id = "again"\n')
        path = self.config(text)
        proc = lib.record(path, duration=1, cwd=self.tmp)
        self.assertExit(proc, 2)
        self.assertNothingRecorded()
        self.assertIn("%s:%d:" % (path, line_of(text, 'device_id = "again"')), proc.stderr)
        self.assertIn("device_id", proc.stderr)

    # -------------------------------------------------------------------------- unknown keys

    def test_unknown_top_level_key(self):
        text = self.replace('checkpoint_interval = 0.5\n',
                            'checkpoint_interval = 0.5\nsample_everything = true\n')
        self.assertConfigError(text, line_of(text, "sample_everything"), "sample_everything",
                               also=["unknown key"])

    def test_unknown_key_in_group(self):
        text = self.replace('rate_hz = 10\n', 'rate_hz = 10\npriority = 3\n')
        self.assertConfigError(text, line_of(text, "priority = 3"), "priority",
                               also=["unknown key", "'slow'"])

    def test_unknown_key_in_channel(self):
        text = self.replace('  dtype = "float32"\n', '  dtype = "float32"\n  colour = "red"\n')
        self.assertConfigError(text, line_of(text, "colour"), "colour",
                               also=["unknown key", "'accel'", "'fast'"])

    # -------------------------------------------------------------------------- missing keys

    def test_missing_device_id(self):
        text = self.replace('device_id = "dev-1"\n', '')
        # Nothing to point at: the file's root table starts on line 1.
        self.assertConfigError(text, 1, "device_id", also=["missing required key"])

    def test_missing_rate_hz(self):
        text = self.replace('rate_hz = 10\n', '')
        # The [[group]] table that lacks the key.
        self.assertConfigError(text, line_of(text, "[[group]]", occurrence=2), "rate_hz",
                               also=["missing required key", "'slow'"])

    def test_missing_sensor(self):
        text = self.replace('  sensor = "sine"\n', '')
        self.assertConfigError(text, line_of(text, "[[group.channel]]", occurrence=2), "sensor",
                               also=["missing required key", "'accel'"])

    def test_missing_channel_name(self):
        text = self.replace('  name = "temperature"\n', '')
        self.assertConfigError(text, line_of(text, "[[group.channel]]", occurrence=3), "name",
                               also=["missing required key"])

    def test_missing_groups(self):
        text = self.valid[:self.valid.index("[[group]]")]
        self.assertConfigError(text, 1, "group", also=["missing required key"])

    # -------------------------------------------------------------------------- bad values

    def test_zero_rate(self):
        text = self.replace('rate_hz = 100\n', 'rate_hz = 0\n')
        self.assertConfigError(text, line_of(text, "rate_hz = 0"), "rate_hz",
                               also=["'fast'", "got 0"])

    def test_negative_rate(self):
        text = self.replace('rate_hz = 10\n', 'rate_hz = -2.5\n')
        self.assertConfigError(text, line_of(text, "rate_hz = -2.5"), "rate_hz",
                               also=["'slow'", "-2.5"])

    def test_rate_too_high(self):
        text = self.replace('rate_hz = 10\n', 'rate_hz = 1e6\n')
        self.assertConfigError(text, line_of(text, "rate_hz = 1e6"), "rate_hz")

    def test_rate_not_a_number(self):
        text = self.replace('rate_hz = 10\n', 'rate_hz = "fast"\n')
        self.assertConfigError(text, line_of(text, 'rate_hz = "fast"'), "rate_hz",
                               also=["must be a number"])

    def test_empty_device_id(self):
        text = self.replace('device_id = "dev-1"', 'device_id = ""')
        self.assertConfigError(text, line_of(text, 'device_id = ""'), "device_id")

    def test_bad_checkpoint_interval(self):
        text = self.replace('checkpoint_interval = 0.5', 'checkpoint_interval = -1')
        self.assertConfigError(text, line_of(text, "checkpoint_interval"), "checkpoint_interval")

    def test_chunk_bytes_out_of_range(self):
        text = self.replace('checkpoint_interval = 0.5\n',
                            'checkpoint_interval = 0.5\nchunk_bytes = 100\n')
        self.assertConfigError(text, line_of(text, "chunk_bytes"), "chunk_bytes")

    def test_bad_dtype(self):
        text = self.replace('  dtype = "float32"', '  dtype = "float16"')
        self.assertConfigError(text, line_of(text, "float16"), "dtype",
                               also=["float16", "'accel'"])

    def test_bad_shape(self):
        text = self.replace('  shape = [3]', '  shape = [3, 0]')
        self.assertConfigError(text, line_of(text, "shape = [3, 0]"), "shape")

    def test_channel_named_time(self):
        text = self.replace('  name = "counter"', '  name = "time"')
        self.assertConfigError(text, line_of(text, 'name = "time"'), "name", also=["'time'"])

    def test_bad_group_name(self):
        text = self.replace('name = "slow"', 'name = "_status"')
        self.assertConfigError(text, line_of(text, 'name = "_status"'), "name",
                               also=["_status"])

    # -------------------------------------------------------------------------- duplicates

    def test_duplicate_channel_name(self):
        text = self.replace('  name = "accel"', '  name = "counter"')
        # The name key of the second channel called "counter".
        self.assertConfigError(text, line_of(text, 'name = "counter"', occurrence=2), "name",
                               also=["duplicate", "'counter'", "'fast'"])

    def test_duplicate_group_name(self):
        text = self.replace('name = "slow"', 'name = "fast"')
        self.assertConfigError(text, line_of(text, 'name = "fast"', occurrence=2), "name",
                               also=["duplicate", "'fast'"])

    # -------------------------------------------------------------------------- sensors

    def test_unknown_sensor_kind(self):
        text = self.replace('  sensor = "sine"', '  sensor = "thermometer"')
        # The channel's table or its sensor key.
        self.assertConfigError(
            text, None, "thermometer",
            lines=[line_of(text, "[[group.channel]]", occurrence=2),
                   line_of(text, "thermometer")],
            also=["sensor", "counter, sine, noise, random_walk, step"])

    def test_unknown_sensor_kind_points_at_sensor_key(self):
        text = self.replace('  sensor = "sine"', '  sensor = "thermometer"')
        self.assertConfigError(text, line_of(text, "thermometer"), "sensor")

    def test_unknown_sensor_param(self):
        text = self.replace('amplitude = 9.81,', 'amplitude = 9.81, phase = 0.5,')
        self.assertConfigError(
            text, None, "phase",
            lines=[line_of(text, "[[group.channel]]", occurrence=2), line_of(text, "phase")],
            also=["sine", "amplitude, frequency_hz, offset"])

    def test_unknown_sensor_param_points_at_params_key(self):
        text = self.replace('amplitude = 9.81,', 'amplitude = 9.81, phase = 0.5,')
        self.assertConfigError(text, line_of(text, "phase"), "phase")

    def test_sensor_param_not_a_number(self):
        text = self.replace('amplitude = 9.81,', 'amplitude = "big",')
        self.assertConfigError(text, line_of(text, '"big"'), "params.amplitude")

    # -------------------------------------------------------------------------- output_dir

    def test_output_dir_under_a_regular_file(self):
        blocker = self.tmp / "file.txt"
        blocker.write_text("not a directory\n")
        out = blocker / "sub"
        text = valid_config(out)
        message = self.assertConfigError(text, line_of(text, "output_dir"), "output_dir",
                                         also=[str(out)])
        self.assertEqual(blocker.read_text(), "not a directory\n")
        self.assertIn("Not a directory", message)

    def test_output_dir_is_a_regular_file(self):
        blocker = self.tmp / "file.txt"
        blocker.write_text("x")
        text = valid_config(blocker)
        self.assertConfigError(text, line_of(text, "output_dir"), "output_dir",
                               also=[str(blocker)])
        self.assertEqual(blocker.read_text(), "x")

    def test_output_flag_under_a_regular_file(self):
        blocker = self.tmp / "file.txt"
        blocker.write_text("x")
        path = self.config(self.valid)
        proc = lib.record(path, duration=1, output=blocker / "sub", cwd=self.tmp)
        self.assertExit(proc, 2)
        self.assertNothingRecorded()
        self.assertIn("--output", proc.stderr)
        self.assertIn(str(blocker / "sub"), proc.stderr)

    @unittest.skipIf(os.geteuid() == 0, "root can write into read-only directories")
    def test_read_only_output_dir(self):
        read_only = self.tmp / "ro"
        read_only.mkdir()
        read_only.chmod(stat.S_IRUSR | stat.S_IXUSR)
        self.addCleanup(read_only.chmod, stat.S_IRWXU)
        text = valid_config(read_only)
        message = self.assertConfigError(text, line_of(text, "output_dir"), "output_dir",
                                         also=[str(read_only)])
        self.assertIn("Permission denied", message)
        self.assertEqual(os.listdir(read_only), [])

    # -------------------------------------------------------------------------- the file itself

    def test_missing_config_file(self):
        path = self.tmp / "does-not-exist.toml"
        proc = lib.record(path, duration=1, cwd=self.tmp)
        self.assertExit(proc, 2)
        self.assertNoCrash(proc)
        self.assertNothingRecorded()
        self.assertIn(str(path), proc.stderr)
        self.assertIn("No such file", proc.stderr)

    def test_config_is_a_directory(self):
        proc = lib.record(self.tmp, duration=1, cwd=self.tmp)
        self.assertExit(proc, 2)
        self.assertNoCrash(proc)
        self.assertNothingRecorded()
        self.assertIn(str(self.tmp), proc.stderr)

    def test_empty_config_file(self):
        self.assertConfigError("", 1, "device_id", also=["missing required key"])

    def test_errors_do_not_depend_on_the_clock(self):
        """The same error without --virtual-clock: still exit 2 before anything is recorded."""
        text = self.replace('rate_hz = 100\n', 'rate_hz = 0\n')
        path = self.config(text)
        proc = lib.record(path, duration=1, virtual_clock=False, cwd=self.tmp)
        self.assertExit(proc, 2)
        self.assertNothingRecorded()
        self.assertIn("%s:%d:" % (path, line_of(text, "rate_hz = 0")), proc.stderr)


if __name__ == "__main__":
    unittest.main()
