"""Shared timing helpers for the benchmarks: interleaved runs, medians, plain tables."""
import statistics
import time


def interleaved_samples(contenders, repeats, warmup=2):
    """Seconds of every call of each contender, timed round-robin.

    Interleaving (a, b, c, a, b, c, ...) spreads drifts in clock speed and cache state
    evenly over the contenders instead of penalising whichever runs last.

    Args:
        contenders: dict name -> zero-argument callable.
        repeats: timed calls per contender.
        warmup: untimed calls per contender first (JIT compilation, first-touch pages).

    Returns:
        dict name -> list of ``repeats`` seconds; entry k of every list comes from round k,
        so ratios of entries with the same index are paired (see ``paired_ratio``).
    """
    for function in contenders.values():
        for _ in range(warmup):
            function()
    samples = {name: [] for name in contenders}
    for _ in range(repeats):
        for name, function in contenders.items():
            start = time.perf_counter()
            function()
            samples[name].append(time.perf_counter() - start)
    return samples


def paired_ratio(samples, name, other):
    """Median over rounds of ``name``'s time / ``other``'s time in the same round.

    A ratio of two calls made moments apart cancels most of a shared VM's slow drifts,
    which a ratio of two medians does not.
    """
    return statistics.median(ours / theirs for ours, theirs in zip(samples[name], samples[other]))


def format_table(headers, rows):
    """Rows of values as a fixed-width text table, columns as wide as their widest cell."""
    cells = [[str(value) for value in row] for row in [headers] + list(rows)]
    widths = [max(len(row[column]) for row in cells) for column in range(len(headers))]
    lines = ["  ".join(cell.rjust(width) for cell, width in zip(row, widths)) for row in cells]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def blocked_medians(contenders, rounds, block, discard=2):
    """Median seconds per call, contenders alternating in blocks of consecutive calls.

    PyTorch's OpenMP threads keep spinning for a while after each of its calls; interleaved
    call by call, that spinning steals the cores from the next contender's BLAS threads.
    Blocks of ``block`` calls, of which the first ``discard`` after each switch are not
    counted, keep that cost out while still spreading slow drifts over all contenders.

    Args:
        contenders: dict name -> zero-argument callable.
        rounds: how many blocks each contender runs.
        block: calls per block.
        discard: calls at the start of each block that are run but not counted.

    Returns:
        dict name -> median seconds.
    """
    samples = {name: [] for name in contenders}
    for _ in range(rounds):
        for name, function in contenders.items():
            for call in range(block):
                start = time.perf_counter()
                function()
                if call >= discard:
                    samples[name].append(time.perf_counter() - start)
    return {name: statistics.median(times) for name, times in samples.items()}
