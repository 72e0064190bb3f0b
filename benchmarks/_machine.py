"""Machine description and report writing shared by the benchmarks."""
import datetime
import os
import platform

import numpy as np


def describe_machine(torch=None):
    """One line: CPU, cores, Python, NumPy, Numba and (if given) PyTorch versions, threads."""
    import numba
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as info:
            lines = info.readlines()
        cpu = next(line.split(":", 1)[1].strip() for line in lines
                   if line.startswith("model name"))
        # The model name of a VM's CPU is often bare ("AMD EPYC"): the family (AMD: 25 is
        # Zen 3/4, 26 is Zen 5) and the widest vector unit tell machine kinds apart.
        family = next(line.split(":", 1)[1].strip() for line in lines
                      if line.startswith("cpu family"))
        flags = next(line.split(":", 1)[1].split() for line in lines if line.startswith("flags"))
        widest = "AVX-512" if "avx512f" in flags else "AVX2" if "avx2" in flags else "no AVX2"
        cpu += f" (family {family}, {widest})"
    except (OSError, StopIteration):
        pass
    parts = [f"{cpu}, {os.cpu_count()} cores", f"Python {platform.python_version()}",
             f"NumPy {np.__version__}", f"Numba {numba.__version__}"]
    if torch is not None:
        parts.append(f"PyTorch {torch.__version__} ({torch.get_num_threads()} threads)")
    return "; ".join(parts)


def write_report(path, title, table, torch=None):
    """Write a markdown report with the date, the machine and the table."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as report:
        report.write(f"# {title}\n\n{datetime.date.today()} — {describe_machine(torch)}\n\n")
        report.write("```\n" + table + "\n```\n")
