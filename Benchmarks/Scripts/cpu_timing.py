# SPDX-License-Identifier: Apache-2.0
"""The timing both peer scripts of `kernel-report` use: the median over `rounds` samples of the thread CPU time of
one call, each sample repeating the call until it takes at least 0.1 s, so a machine shared with other jobs does
not skew the ratios."""
import time


def median_seconds(f, rounds, clock=time.thread_time):
    """`clock` is thread CPU time by default; pass `time.perf_counter` for calls that run on several threads."""
    reps = 1
    while True:
        t = clock()
        for _ in range(reps):
            f()
        if clock() - t >= 0.1 or reps >= 1 << 20:
            break
        reps *= 2
    samples = []
    for _ in range(rounds):
        t = clock()
        for _ in range(reps):
            f()
        samples.append((clock() - t) / reps)
    return sorted(samples)[len(samples) // 2]
