"""What h5rec's simulated BME280 (platform/sim/bme280_emulator.*) produces, computed independently.

The compensation is the Bosch BME280 datasheet's integer code (BME280_compensate_T_int32,
BME280_compensate_P_int64, bme280_compensate_H_int32) in Python integers (arbitrary precision:
no overflow; >> on negative numbers floors like C++20's arithmetic shift; C's truncating
division is written out). The environment and the bisection follow the emulator's documented
rules. Used by the end-to-end tests and by anyone sweeping the twin.
"""

# The emulator's calibration: T and P words of the datasheet's worked example, typical H words.
CAL = dict(T1=27504, T2=26435, T3=-1000,
           P1=36477, P2=-10685, P3=3024, P4=2855, P5=140, P6=-7, P7=15500, P8=-14600, P9=6000,
           H1=75, H2=362, H3=0, H4=313, H5=50, H6=30)

SKIPPED20 = 0x80000
SKIPPED16 = 0x8000


def t_fine(adc_t, c=CAL):
    var1 = (((adc_t >> 3) - (c["T1"] << 1)) * c["T2"]) >> 11
    var2 = (((((adc_t >> 4) - c["T1"]) * ((adc_t >> 4) - c["T1"])) >> 12) * c["T3"]) >> 14
    return var1 + var2


def temperature_centi(fine):
    return (fine * 5 + 128) >> 8


def _c_div(a, b):
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q


def pressure_q24_8(fine, adc_p, c=CAL):
    var1 = fine - 128000
    var2 = var1 * var1 * c["P6"]
    var2 = var2 + ((var1 * c["P5"]) << 17)
    var2 = var2 + (c["P4"] << 35)
    var1 = ((var1 * var1 * c["P3"]) >> 8) + ((var1 * c["P2"]) << 12)
    var1 = (((1 << 47) + var1) * c["P1"]) >> 33
    if var1 == 0:
        return None
    p = 1048576 - adc_p
    p = _c_div(((p << 31) - var2) * 3125, var1)
    var1 = (c["P9"] * (p >> 13) * (p >> 13)) >> 25
    var2 = (c["P8"] * p) >> 19
    return ((p + var1 + var2) >> 8) + (c["P7"] << 4)


def humidity_q22_10(fine, adc_h, c=CAL):
    v = fine - 76800
    v = ((((adc_h << 14) - (c["H4"] << 20) - (c["H5"] * v)) + 16384) >> 15) * \
        (((((((v * c["H6"]) >> 10) * (((v * c["H3"]) >> 11) + 32768)) >> 10) + 2097152) *
          c["H2"] + 8192) >> 14)
    v = v - (((((v >> 15) * (v >> 15)) >> 7) * c["H1"]) >> 4)
    v = min(max(v, 0), 419430400)
    return v >> 12


def sweep(low, high, position, period):
    """platform/sim/sim_sweep.hpp: a triangle from low to high and back over `period`."""
    f = (position % period) / period
    tri = 2.0 * f if f < 0.5 else 2.0 - 2.0 * f
    return low + (high - low) * tri


def environment(m, sweep_rows):
    return (sweep(-40.0, 85.0, m, sweep_rows), sweep(30000.0, 110000.0, m, sweep_rows),
            sweep(0.0, 100.0, m, sweep_rows))


def _bisect(top, marker, qualifies):
    lo, hi = 0, top
    while lo < hi:
        mid = (lo + hi) // 2
        if qualifies(mid):
            hi = mid
        else:
            lo = mid + 1
    return lo + 1 if lo == marker else lo


def adc_for(m, sweep_rows):
    """(adc_T, adc_P, adc_H) in the data registers for measurement m."""
    t, p, h = environment(m, sweep_rows)
    adc_t = _bisect((1 << 20) - 1, SKIPPED20, lambda a: temperature_centi(t_fine(a)) / 100.0 >= t)
    fine = t_fine(adc_t)

    def pressure_at_most(a):
        q = pressure_q24_8(fine, a)
        return q is not None and 0 <= q <= 0xFFFFFFFF and q / 256.0 <= p

    adc_p = _bisect((1 << 20) - 1, SKIPPED20, pressure_at_most)
    adc_h = _bisect((1 << 16) - 1, SKIPPED16, lambda a: humidity_q22_10(fine, a) / 1024.0 >= h)
    return adc_t, adc_p, adc_h


def measurement(m, sweep_rows):
    """What the driver records for measurement m: {quantity: SI value, "adc_" + quantity: raw}."""
    adc_t, adc_p, adc_h = adc_for(m, sweep_rows)
    fine = t_fine(adc_t)
    return {
        "temperature": temperature_centi(fine) / 100.0,
        "pressure": pressure_q24_8(fine, adc_p) / 256.0,
        "humidity": humidity_q22_10(fine, adc_h) / 1024.0,
        "adc_temperature": float(adc_t),
        "adc_pressure": float(adc_p),
        "adc_humidity": float(adc_h),
    }
