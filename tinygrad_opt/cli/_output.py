"""Run folders and result files of the commands: checked before any training, written
atomically.

``run_folder(out)`` returns the folder a command writes to, created now so that a bad
``--out`` ends the command before it trains (one line, exit status 2): a path that is a
file, a folder that cannot be created or written. Without ``--out`` it is a new
``runs/<YYYYmmdd-HHMMSS>`` folder; a second run started in the same second gets
``runs/<stamp>-2`` (then ``-3``, ...): each folder is created with ``os.mkdir``, which fails
if the folder exists, so two runs never share one.
"""
import contextlib
import datetime
import json
import os
import tempfile


def _reason(error):
    return error.strerror or type(error).__name__


def new_run_folder(parent="runs", now=None):
    """Create and return ``<parent>/<stamp>``, or ``<stamp>-2``, ``-3``, ... if taken."""
    stamp = (now or datetime.datetime.now()).strftime("%Y%m%d-%H%M%S")
    try:
        os.makedirs(parent, exist_ok=True)
    except OSError as error:
        raise ValueError(f"cannot create the run folder {parent}/: {_reason(error)}") from None
    for count in range(1, 10_000):
        path = os.path.join(parent, stamp if count == 1 else f"{stamp}-{count}")
        try:
            os.mkdir(path)
            return path
        except FileExistsError:
            continue
        except OSError as error:
            raise ValueError(f"cannot create the run folder {path}: {_reason(error)}") from None
    raise ValueError(f"{parent}/ already holds 9999 run folders named {stamp}-N")


def run_folder(out, writes=()):
    """The folder named by ``--out`` (created if missing, checked writable), or a new
    ``runs/<stamp>`` folder when ``out`` is None.

    Args:
        out: the ``--out`` value, or None.
        writes: names of the files the command will write; if ``out`` already holds one of
            them (an earlier run's model, say), the command is refused rather than
            overwriting it.

    Raises:
        ValueError: ``out`` is a file, already holds one of ``writes``, or the folder cannot
            be created or written (the message names the path and the reason).
    """
    if out is None:
        return new_run_folder()
    if os.path.exists(out) and not os.path.isdir(out):
        raise ValueError(f"--out {out} is a file, not a folder")
    taken = [name for name in writes if os.path.exists(os.path.join(out, name))]
    if taken:
        raise ValueError(f"--out {out} already holds {', '.join(taken)} of an earlier run: "
                         f"choose another folder (or leave --out out for a new runs/<stamp>)")
    try:
        os.makedirs(out, exist_ok=True)
    except OSError as error:
        raise ValueError(f"--out {out}: cannot create the folder ({_reason(error)})") from None
    try:
        handle, probe = tempfile.mkstemp(prefix=".write-test-", dir=out)
    except OSError as error:
        raise ValueError(f"--out {out}: cannot write in the folder ({_reason(error)})") from None
    os.close(handle)
    os.unlink(probe)
    return out


def write_json(path, value):
    """Write ``value`` as indented JSON to ``path`` atomically (a temporary file in the same
    folder, flushed to disk, renamed over ``path``): a reader sees the old or the new file,
    never a part."""
    handle, temporary = tempfile.mkstemp(prefix=".tmp-", suffix=".json",
                                         dir=os.path.dirname(os.path.abspath(path)))
    try:
        with os.fdopen(handle, "w") as stream:
            json.dump(value, stream, indent=2)
            stream.write("\n")
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
