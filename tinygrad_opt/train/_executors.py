"""Where sweep trials run: in this process, in a local process pool, or as Ray tasks.

Each executor takes a list of ``(index, config)`` and yields ``(index, outcome)`` as trials
finish (in finishing order), where ``outcome`` is what ``trial_fn(config)`` returned. The
trial function must be importable by name (a module-level function), so that spawned
processes and Ray workers can unpickle it.
"""
import concurrent.futures
import contextlib
import multiprocessing
import os

BLAS_THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
"""Environment variables that cap the threads of the BLAS behind NumPy (OpenMP, OpenBLAS,
MKL). They are read once, when NumPy loads its BLAS, so they must be set before a worker
imports NumPy.

Workers and Ray tasks run BLAS on one thread: a sweep is parallel across trials, and a
matrix product split over a different number of threads may sum in another order (OpenBLAS
splits a 1024-row product over its threads, and the last digits of the result move), so one
thread everywhere is what makes a trial's numbers the same wherever it runs."""
ONE_THREAD = {name: "1" for name in BLAS_THREAD_VARIABLES}

RAY_MISSING = ('the ray option needs Ray, which is not installed: pip install -e ".[ray]" '
               '(or pip install "tinygrad_opt[ray]")')


@contextlib.contextmanager
def _environment(variables):
    """Set ``os.environ`` entries for the duration of the block, then restore them."""
    saved = {name: os.environ.get(name) for name in variables}
    os.environ.update(variables)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def run_serial(trial_fn, trials):
    """One trial after another in this process."""
    for index, config in trials:
        yield index, trial_fn(config)


def run_pool(trial_fn, trials, workers):
    """Trials in ``workers`` spawned processes, one trial per process at a time.

    Processes are started with the "spawn" method (a fresh interpreter: no state copied from
    this process, no fork of a threaded BLAS), with one BLAS thread each (so N workers use
    N cores): a spawned process imports NumPy while it starts, before any pool initializer
    could run, so the thread variables are set in this process's environment while the pool
    starts its processes (the executor starts them as trials are submitted, all of which
    happens inside that block), then restored.
    """
    context = multiprocessing.get_context("spawn")
    with _environment(ONE_THREAD):
        pool = concurrent.futures.ProcessPoolExecutor(max_workers=workers, mp_context=context)
        futures = {pool.submit(trial_fn, config): index for index, config in trials}
    try:
        for future in concurrent.futures.as_completed(futures):
            yield futures[future], future.result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def import_ray():
    """The ``ray`` module, or ImportError saying how to install it."""
    try:
        import ray
    except ImportError:
        raise ImportError(RAY_MISSING) from None
    return ray


def connect_ray(address, cpus):
    """Connect to Ray; return ``(ray, connected_here)``.

    Args:
        address: ``"local"`` starts a Ray instance on this machine with ``cpus`` CPUs;
            ``"auto"`` or ``"host:port"`` connects to a running cluster, whose nodes must
            have tinygrad_opt installed. If Ray is already initialised in this process,
            that connection is used as it is (``connected_here`` False).

    Raises:
        ImportError: Ray is not installed (the message says how to install it).
        ValueError: no Ray cluster at ``address``.
    """
    ray = import_ray()
    if ray.is_initialized():
        return ray, False
    try:
        if address == "local":
            ray.init(num_cpus=cpus, include_dashboard=False)
        else:
            ray.init(address=address)
    except ConnectionError as error:
        raise ValueError(f"ray={address!r}: {' '.join(str(error).split())}") from None
    return ray, True


def run_ray(trial_fn, trials, ray, connected_here):
    """Each trial a Ray task (one CPU, one BLAS thread), collected with ``ray.wait`` as they
    finish; Ray is shut down at the end when ``connect_ray`` connected it."""
    task = ray.remote(trial_fn).options(num_cpus=1, max_retries=0,
                                        runtime_env={"env_vars": ONE_THREAD})
    pending = {}
    try:
        pending = {task.remote(config): index for index, config in trials}
        while pending:
            done, _ = ray.wait(list(pending), num_returns=1)
            for reference in done:
                yield pending.pop(reference), ray.get(reference)
    finally:
        for reference in pending:
            ray.cancel(reference)
        if connected_here:
            ray.shutdown()
