"""Peak resident memory of one call, for the benchmarks (Linux /proc, best effort)."""


def _status_kb(key):
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def _reset_peak():
    """Reset VmHWM to the current RSS (Linux >= 4.0); False if impossible."""
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


def peak_extra_mb(fn):
    """Run fn(); return (result, peak RSS above the RSS before, in MB)."""
    import resource

    resettable = _reset_peak()
    before = _status_kb("VmRSS")
    ru_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result = fn()
    if resettable and before is not None:
        extra = (_status_kb("VmHWM") - before) / 1024
    else:  # max RSS can only grow: a lower bound of 0 when the peak was earlier
        extra = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - ru_before) / 1024
    return result, max(extra, 0.0)
