"""Run every benchmark: ``python -m benchmarks [--quick]`` from the project root.

Each benchmark runs as its own script (so their thread settings cannot interfere) and
writes its table to ``benchmarks/results/*.md``; PyTorch and scikit-learn are compared
against when installed and skipped otherwise.
"""
import argparse
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
BENCHMARKS = {
    "bench_step.py": ([], ["--rounds", "5", "--seconds", "0.05"]),
    "bench_optim.py": ([], ["--quick"]),
    "bench_digits.py": ([], ["--seeds", "2"]),
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats, rougher numbers")
    args = parser.parse_args()
    for script, (full, quick) in BENCHMARKS.items():
        print(f"== {script}", flush=True)
        command = [sys.executable, os.path.join(HERE, script)] + (quick if args.quick else full)
        subprocess.run(command, check=True)


if __name__ == "__main__":
    main()
