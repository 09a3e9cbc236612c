"""skgan's benchmarks; run each from the repository root as ``python -m benchmarks.NAME``.

``benchmarks._common`` holds what the scripts share: the command line's
common options (``make_parser``: ``--quick``, ``--threads``, ``--device``,
``--seed``, ``--output``, the MNIST path) and their application with the
environment record of every report (``setup``), the JSON result writer, the
peak-memory probe, the MNIST loader and thread pinning.
"""
