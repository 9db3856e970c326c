"""Support code of h5rec's Python tests, imported as `h5rec_test.<module>` (CTest puts
tests/support on PYTHONPATH; by hand: PYTHONPATH=tests/support python3 -m unittest ...).

One concept per module:
  temp_dir          a scratch directory per test (kept when the test fails) or per block
  crash_markers     text on stderr that means a crash or a sanitizer report
  recorder_config   the recorder's TOML from groups and channels (Python values)
  row_schedule      when row i of a rate group is due (recorder/row_schedule.* in Python)
  sim_sensors       what the simulated sensors produce (platform/sim/sim_sensors.* in Python)
  h5rec_binary      running the h5rec binary: paths, exit codes, record, its summary
  recordings        finding and opening recordings with h5py
  recorder_lib      all of the above in one namespace, and RecorderTestCase
  logger_lib        the logger drivers: running them, their values, LoggerTestCase
  verify_recording  h5py check of one recording of counter channels (also a script)
  verify_segments   h5py check of a chain of segments of counter channels (also a script)
  bme280_oracle, gpio_oracle, iio_fake_tree: the board sensors' twins, computed independently
"""
