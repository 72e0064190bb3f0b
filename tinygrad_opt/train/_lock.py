"""One live run per checkpoint file: ``<checkpoint>.lock`` holds the owner's pid and host.

The lock file is created with ``O_CREAT | O_EXCL`` (the create fails if it exists, atomically,
on any local filesystem), holds ``"<pid> <hostname>"``, and is removed when the run ends,
by an exception too. A process killed outright (SIGKILL, a power cut) leaves its lock
behind: a lock whose pid no longer runs on this host is stale and taken over. A lock of a
live process, or one written on another host (whose processes cannot be checked from here),
refuses the second run with an error naming the lock and the pid.

A stale lock is removed under a short-lived guard, ``<checkpoint>.lock.takeover`` (created
with ``O_EXCL`` too): its holder re-reads the lock and removes it only if it is still the
file it judged stale (same inode, modification time and text), then releases the guard and
creates its own lock with ``O_EXCL`` like any run. Only guard holders ever remove another
run's lock, one at a time, and a stale lock cannot change while one looks at it, so of runs
starting together on a dead run's lock exactly one gets it. A guard left by a run killed
during a takeover (a window of microseconds) is removed once it is 10 s old.
"""
import errno
import os
import socket
import time

_UNREADABLE_GRACE_SECONDS = 5.0  # a lock still being written is empty for a moment
_GUARD_STALE_SECONDS = 10.0  # a takeover guard this old was left by a killed run
_WAIT_SECONDS = 5.0  # longest wait for another run's takeover of a stale lock


def _remove_if_older(path, seconds):
    try:
        if time.time() - os.stat(path).st_mtime > seconds:
            os.unlink(path)
    except FileNotFoundError:
        pass


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
        deadline = time.monotonic() + _WAIT_SECONDS
        while time.monotonic() < deadline:
            try:
                handle = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                if not self._remove_if_stale(host):
                    time.sleep(0.01)  # another run is taking over the stale lock
                continue
            with os.fdopen(handle, "w") as stream:
                stream.write(f"{os.getpid()} {host}\n")
            self.held = True
            return self
        raise CheckpointLocked(f"could not create the lock {self.path} within "
                               f"{_WAIT_SECONDS:g} s; is another run starting on the same "
                               f"checkpoint?")

    def _remove_if_stale(self, host):
        """Raise if the lock belongs to a live run; remove it if it is stale. Returns False
        when another run holds the takeover guard (try again shortly)."""
        found = _read(self.path)
        if found is None:
            return True
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
        guard = f"{self.path}.takeover"
        try:
            os.close(os.open(guard, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644))
        except FileExistsError:
            _remove_if_older(guard, _GUARD_STALE_SECONDS)
            return False
        try:
            again = _read(self.path)
            if again is not None and again[2] == identity:  # still the stale one
                os.unlink(self.path)
        finally:
            os.unlink(guard)
        return True

    def __exit__(self, *exc_info):
        if self.held:
            self.held = False
            try:
                os.unlink(self.path)
            except OSError as error:
                if error.errno != errno.ENOENT:
                    raise
        return False
