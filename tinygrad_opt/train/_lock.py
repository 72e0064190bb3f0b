"""One live run per checkpoint file: ``<checkpoint>.lock`` holds the owner's pid and host.

The lock file is created with ``O_CREAT | O_EXCL`` (the create fails if it exists, atomically,
on any local filesystem), holds ``"<pid> <hostname>"``, and is removed when the run ends,
by an exception too. A process killed outright (SIGKILL, a power cut) leaves its lock
behind: a lock whose pid no longer runs on this host is stale and taken over. A lock of a
live process, or one written on another host (whose processes cannot be checked from here),
refuses the second run with an error naming the lock and the pid.

Two processes taking over the same stale lock at once: each removes the stale file only if
it is still the one it judged stale (same inode, modification time and text), then creates
its own with ``O_EXCL``, so one of them wins; both could win only if one re-reads the stale
file and unlinks it within the microseconds in which the other removes it and creates its own.
"""
import errno
import os
import socket
import time

_UNREADABLE_GRACE_SECONDS = 5.0  # a lock still being written is empty for a moment


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # a process of another user
        return True
    return True


def _read(path):
    """``(pid or None, host or None, identity, age in seconds)``, or None if there is no lock;
    ``identity`` (inode, modification time, text) tells one lock file from its successor."""
    try:
        with open(path, encoding="utf-8", errors="replace") as stream:
            status = os.fstat(stream.fileno())
            text = stream.read(200)
    except FileNotFoundError:
        return None
    fields = text.split()
    pid = int(fields[0]) if fields and fields[0].isdigit() else None
    host = fields[1] if len(fields) > 1 else None
    identity = (status.st_ino, status.st_mtime_ns, text)
    return pid, host, identity, time.time() - status.st_mtime


class CheckpointLocked(RuntimeError):
    """Another live run writes the same checkpoint file."""


class CheckpointLock:
    """Context manager holding ``<checkpoint>.lock`` while a run writes ``checkpoint``.

    Raises (on entering):
        CheckpointLocked: another live run holds the lock (the message names the lock file,
            the pid and the host, and says how to proceed).
    """

    def __init__(self, checkpoint):
        self.path = f"{checkpoint}.lock"
        self.held = False

    def __enter__(self):
        host = socket.gethostname()
        for _ in range(3):
            try:
                handle = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                self._take_over_if_stale(host)
                continue
            with os.fdopen(handle, "w") as stream:
                stream.write(f"{os.getpid()} {host}\n")
            self.held = True
            return self
        raise CheckpointLocked(f"could not create the lock {self.path}: it keeps "
                               f"reappearing; is another run starting on the same checkpoint?")

    def _take_over_if_stale(self, host):
        found = _read(self.path)
        if found is None:
            return
        pid, lock_host, identity, age = found
        if pid is None:
            if age < _UNREADABLE_GRACE_SECONDS:
                raise CheckpointLocked(f"the checkpoint lock {self.path} is being created "
                                       f"by another run; two runs cannot share one "
                                       f"checkpoint file")
        elif lock_host not in (None, host) or _alive(pid):
            where = "" if lock_host in (None, host) else f" on host {lock_host}"
            raise CheckpointLocked(
                f"another run (pid {pid}{where}) is writing this checkpoint: {self.path} is "
                f"held; give this run another checkpoint path, or remove the lock if that "
                f"run is gone")
        again = _read(self.path)
        if again is not None and again[2] == identity:  # still the stale one, not a successor
            try:
                os.unlink(self.path)
            except FileNotFoundError:
                pass

    def __exit__(self, *exc_info):
        if self.held:
            self.held = False
            try:
                os.unlink(self.path)
            except OSError as error:
                if error.errno != errno.ENOENT:
                    raise
        return False
