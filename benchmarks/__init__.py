"""skgan's benchmarks; run each from the repository root as ``python -m benchmarks.NAME``.

``benchmarks._common`` holds what the scripts share: the environment
record, the JSON result writer, the peak-memory probe, the MNIST loader and
thread pinning.
"""
