"""What h5rec's simulated GPIO line (platform/sim/sim_gpio_line.*) produces and what the pulse
counter (platform/gpio/gpio_counter.*) makes of it, computed independently from their documented
rules."""

import math

from h5rec_test.bme280_oracle import sweep


def edges(low_hz, high_hz, sweep_ns, kind, until_ns):
    """Timestamps (ns since row 0) and seqnos of the configured edges before until_ns."""
    def period(t):
        return int(math.floor(1e9 / sweep(low_hz, high_hz, t, sweep_ns) + 0.5))

    out = []
    rise = period(0)
    while rise < until_ns:
        p = period(rise)
        if kind != "falling":
            out.append(rise)
        if kind != "rising" and rise + p // 2 < until_ns:
            out.append(rise + p // 2)
        rise += p
    return out


def counts(edge_times, boundaries, lost_seqnos=()):
    """Edges in [b[i-1], b[i]) for rows i >= 1 (row 0: None); None where a lost edge falls.

    boundaries: each row's scheduled time since row 0, in ns. lost_seqnos: 1-based numbers of
    edges the line dropped: the row whose read finds the gap (the one that reads the next edge
    delivered) is None."""
    lost = set(lost_seqnos)
    delivered = [(t, k + 1) for k, t in enumerate(edge_times) if k + 1 not in lost]
    out = [None]
    expected_seqno = None
    j = 0
    for i in range(1, len(boundaries)):
        start, end = boundaries[i - 1], boundaries[i]
        n, bad = 0, False
        # The sim line delivers the edges stamped before the row's instant.
        while j < len(delivered) and delivered[j][0] < end:
            t, seqno = delivered[j]
            if expected_seqno is not None and seqno != expected_seqno:
                bad = True
            expected_seqno = seqno + 1
            n += start <= t
            j += 1
        out.append(None if bad else n)
    return out
