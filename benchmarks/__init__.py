"""engage's benchmarks: every figure is a ratio against a raw baseline measured in the same run.

    make bench        # a small scale, a few minutes
    make bench-full   # the Paris 2017 scale

Never timed assertions in the tests: this machine is shared and noisy; ratios measured
side by side in one run are what can be compared from one run to the next.
"""
