"""``fit``: the training loop, its divergence guard, and checkpoint/resume.

One step is ``zero_grad -> forward -> loss -> backward -> guard -> optimizer.step()``. The
guard keeps the model usable when training blows up:

1. the loss (a Python float, needed anyway for the epoch mean) must be finite;
2. every gradient must be finite: ``g . 1`` (one BLAS dot per parameter) is finite exactly
   when all entries are, unless a finite sum overflows, which ``np.isfinite`` then settles;
3. only then the parameters, buffers and the optimizer's per-parameter state are copied
   into preallocated backups and the step is applied.

On a non-finite loss or gradient at step ``s`` the backup, i.e. the weights after step
``s - 2``, the last whose loss and gradients were both finite, is copied back and
``TrainingDiverged`` raised. The guard costs one dot product per parameter and one copy of
the weights per step, a few percent of a small MLP's step. The optimizer's state is copied
as well (for Adam two parameter-sized arrays), so that after ``TrainingDiverged`` the
moments and step counts belong to the restored weights.
"""
import contextlib
import math
import time

import numpy as np

from tinygrad_opt.train import _checks, _snapshot
from tinygrad_opt.train import resume as resume_io
from tinygrad_opt.train._batch import as_input, as_target
from tinygrad_opt.train._interrupt import SigintGuard, TrainingInterrupted
from tinygrad_opt.train._lock import CheckpointLock
from tinygrad_opt.train.callbacks import AnyOf, Callback, note_stopper
from tinygrad_opt.train.diverged import TrainingDiverged, bad_data_hint
from tinygrad_opt.train.evaluation import evaluate_resolved
from tinygrad_opt.train.history import History
from tinygrad_opt.train.metrics import resolve_metrics
from tinygrad_opt.train.state import TrainingState
from tinygrad_opt.train.progress import Progress, end_line


def _scheduler_mode(scheduler):
    """``None``, ``"batch"``, ``"plateau"`` or ``"epoch"``: when and how to step it."""
    if scheduler is None:
        return None
    if getattr(scheduler, "needs_metric", False):
        return "plateau"
    return getattr(scheduler, "step_interval", "epoch")


class _Trainer:
    """The state and steps of one ``fit`` call (see ``fit`` for the arguments)."""

    def __init__(self, model, loss_fn, optimizer, train_loader, epochs, val_loader,
                 scheduler, callbacks, metrics, progress):
        _checks.check_epochs(epochs)
        _checks.check_loss_fn(loss_fn)
        _checks.check_loader("train_loader", train_loader)
        _checks.check_loader("val_loader", val_loader)
        _checks.check_loader_widths(train_loader, val_loader)
        _checks.check_optimizer_covers_model(model, loss_fn, optimizer, scheduler)
        if callbacks is None:
            callbacks = ()
        callbacks = [callbacks] if isinstance(callbacks, Callback) else list(callbacks)
        self.callback = AnyOf(*callbacks)
        self.step_callbacks = [cb for cb in self.callback.callbacks
                               if type(cb).on_step_end is not Callback.on_step_end]
        self.model, self.loss_fn, self.optimizer = model, loss_fn, optimizer
        self.train_loader, self.val_loader = train_loader, val_loader
        self.scheduler, self.scheduler_mode = scheduler, _scheduler_mode(scheduler)
        self.metrics = resolve_metrics(metrics, loss_fn)
        self.progress = Progress(int(epochs), enabled=progress)
        self.sigint = SigintGuard()
        self.checkpoint_epochs = None  # epochs in the checkpoint file this run wrote or resumed
        self.named_params = list(model.named_parameters())
        self.dtype = self.named_params[0][1].data.dtype if self.named_params else np.float32
        self._init_guard()
        names = ["loss", "lr"] + [name for name, _ in self.metrics]
        if val_loader is not None:
            names += ["val_loss"] + [f"val_{name}" for name, _ in self.metrics]
        self.history = History()
        self.state = TrainingState(model, optimizer, self.history, int(epochs), names)

    def _init_guard(self):
        """Preallocate the backup of parameters and buffers, and the ones for the dots."""
        named_buffers = list(self.model.named_buffers())
        self.buffers = [array for _, array in named_buffers]
        self.float_buffers = [(name, array) for name, array in named_buffers
                              if array.dtype.kind == "f"]
        self.param_backup = [np.empty_like(param.data) for _, param in self.named_params]
        self.buffer_backup = [np.empty_like(array) for array in self.buffers]
        self.buffer_before_step = [np.empty_like(array) for array in self.buffers]
        self.backup_step = 0
        self.optimizer_backup = _snapshot.OptimizerStateBackup(self.optimizer)
        ones = np.ones(max([param.data.size for _, param in self.named_params] or [0]),
                       dtype=self.dtype)
        self.grad_checks = [(name, param, ones[:param.data.size])
                            for name, param in self.named_params]

    # ----- the guard ------------------------------------------------------------------

    def _snapshot(self, buffers=None):
        """Back up the parameters, ``buffers`` (the live buffers when None) and the
        optimizer's state as they were after ``state.step`` steps."""
        for backup, (_, param) in zip(self.param_backup, self.named_params):
            np.copyto(backup, param.data)
        for backup, array in zip(self.buffer_backup, buffers or self.buffers):
            np.copyto(backup, array)
        self.optimizer_backup.take()
        self.backup_step = self.state.step

    def _keep_buffers_before_forward(self):
        """The forward pass updates buffers (BatchNorm's running statistics); keep them as they
        were before it, so a backup holds buffers and weights of the same step."""
        for kept, array in zip(self.buffer_before_step, self.buffers):
            np.copyto(kept, array)

    def _nonfinite_gradient(self):
        """Name of the first parameter whose gradient has a NaN or inf, else None."""
        for name, param, ones in self.grad_checks:
            grad = param.grad
            if grad is None:
                continue
            flat = grad.reshape(-1)
            if not math.isfinite(flat.dot(ones)) and not np.isfinite(flat).all():
                return name
        return None

    def _nonfinite_buffer(self):
        """Name of the first float buffer (running statistics) holding a NaN or inf."""
        for name, array in self.float_buffers:
            if not np.isfinite(array).all():
                return name
        return None

    def _diverged(self, quantity, xb, yb):
        for backup, (_, param) in zip(self.param_backup, self.named_params):
            np.copyto(param.data, backup)
        for backup, array in zip(self.buffer_backup, self.buffers):
            np.copyto(array, backup)
        self.optimizer_backup.restore()
        self.optimizer.zero_grad()
        lr = self.optimizer.param_groups[0]["lr"]
        raise TrainingDiverged(self.state.epoch, self.state.step + 1, lr, quantity,
                               self.backup_step, bad_data_hint(xb, yb, self.loss_fn))

    # ----- one step, one epoch --------------------------------------------------------

    def _train_step(self, xb, yb):
        """One guarded optimizer step; returns (loss as a float, output array)."""
        self.optimizer.zero_grad()
        self._keep_buffers_before_forward()
        outputs = self.model(as_input(xb, self.dtype))
        loss = self.loss_fn(outputs, as_target(yb, self.dtype))
        loss_value = loss.item()
        if not math.isfinite(loss_value):
            self._diverged(f"the loss ({loss_value})", xb, yb)
        bad = self._nonfinite_buffer()
        if bad is not None:
            self._diverged(f"the buffer {bad}", xb, yb)
        loss.backward()
        bad = self._nonfinite_gradient()
        if bad is not None:
            self._diverged(f"the gradient of {bad}", xb, yb)
        self._snapshot(self.buffer_before_step)
        self.optimizer.step()
        if self.scheduler_mode == "batch":
            self.scheduler.step()
        return loss_value, outputs.data

    def _train_epoch(self):
        """Train over one pass of the loader; returns the epoch's training logs."""
        state, history, metrics = self.state, self.history, self.metrics
        progress, sigint = self.progress, self.sigint
        first_group = self.optimizer.param_groups[0]
        total_loss, seen, sums = 0.0, 0, [0.0] * len(metrics)
        for xb, yb in self.train_loader:
            history.step_lrs.append(first_group["lr"])
            loss_value, outputs = self._train_step(xb, yb)
            count = len(xb)
            total_loss += loss_value * count
            seen += count
            for index, (_, metric) in enumerate(metrics):
                sums[index] += metric(outputs, yb) * count
            state.step += 1
            state.step_loss = loss_value
            history.step_losses.append(loss_value)
            for callback in self.step_callbacks:
                callback.on_step_end(state)
                note_stopper(state, callback)
            progress.step(total_loss / seen)
            if sigint.requested:
                raise _Interrupt
            if state.stop_reason is not None:
                break
        if seen == 0:
            raise ValueError("train_loader yielded no batch")
        logs = {"loss": total_loss / seen, "lr": history.step_lrs[-1]}
        logs.update((name, value / seen) for (name, _), value in zip(metrics, sums))
        return logs

    def _run_epoch(self, epoch):
        """Train, validate, step the scheduler, record and call the epoch-end hooks."""
        state = self.state
        state.epoch = epoch
        started = time.perf_counter()
        self.callback.on_epoch_begin(state)
        if state.stop_reason is not None:
            return False
        self.progress.begin_epoch(epoch, len(self.train_loader))
        self.model.train()
        logs = self._train_epoch()
        if self.val_loader is not None:
            val_logs = evaluate_resolved(self.model, self.loss_fn, self.val_loader,
                                         self.metrics, self.dtype)
            logs.update((f"val_{name}", value) for name, value in val_logs.items())
        if self.scheduler_mode == "epoch":
            self.scheduler.step()
        elif self.scheduler_mode == "plateau":
            self.scheduler.step(logs.get("val_loss", logs["loss"]))
        seconds = time.perf_counter() - started
        self.history.record_epoch(epoch, logs, seconds)
        state.logs = logs
        self.callback.on_epoch_end(state)
        self.history.stop_reason, self.history.stopped_by = state.stop_reason, state.stopped_by
        self.progress.end_epoch(epoch, logs, seconds)
        return True

    def run(self, checkpoint, resume, run_config):
        _checks.check_checkpoint_path(checkpoint)
        record = None
        if checkpoint is not None or resume is not None:
            record = resume_io.run_record(self.optimizer, self.scheduler, self.train_loader,
                                          run_config)
        lock = contextlib.nullcontext() if checkpoint is None else CheckpointLock(checkpoint)
        with lock, self.sigint:
            try:
                return self._run(checkpoint, resume, record)
            except TrainingDiverged as error:
                self._ended(error, "divergence", " ".join(str(error).split()))
                raise
            except (_Interrupt, KeyboardInterrupt) as error:
                interrupted = TrainingInterrupted(
                    self.state.epoch, self.state.epochs, self.state.step, self.history,
                    checkpoint, self.checkpoint_epochs,
                    at_once=not isinstance(error, _Interrupt))
                self._ended(interrupted, "interrupt", str(interrupted))
                raise interrupted from (None if isinstance(error, _Interrupt) else error)

    def _ended(self, error, stopped_by, reason):
        """Record on the history (and the exception) what ended the run early."""
        self.progress.abandon()
        self.history.stop_reason, self.history.stopped_by = reason, stopped_by
        error.history = self.history

    def _run(self, checkpoint, resume, record):
        state = self.state
        loaders = {"train_loader": self.train_loader, "val_loader": self.val_loader}
        self.callback.on_train_begin(state)
        start_epoch = 0
        if resume is not None:
            start_epoch = resume_io.restore(resume, state, self.scheduler, loaders,
                                            self.callback, record)
            if resume == checkpoint:
                self.checkpoint_epochs = start_epoch
        state.clock_start = time.perf_counter()
        self.backup_step = state.step
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            self._snapshot()
            for epoch in range(start_epoch, state.epochs):
                if state.stop_reason is not None or not self._run_epoch(epoch):
                    break
                if checkpoint is not None:
                    with self.sigint.hold():
                        resume_io.save(checkpoint, state, self.scheduler, loaders,
                                       self.callback, record, epoch + 1)
                    self.checkpoint_epochs = epoch + 1
                if self.sigint.requested:
                    raise _Interrupt
        self.history.stop_reason, self.history.stopped_by = state.stop_reason, state.stopped_by
        if state.stop_reason is None:
            self.history.stopped_by = "epochs"
        self.callback.on_train_end(state)
        self.progress.finish(end_line(self.history, state.epochs))
        return self.history


class _Interrupt(Exception):
    """Raised inside the loop at a safe point after a SIGINT (see ``_interrupt``)."""


def fit(model, loss_fn, optimizer, train_loader, epochs, val_loader=None, scheduler=None,
        callbacks=(), metrics="auto", progress=True, checkpoint=None, resume=None,
        run_config=None):
    """Train ``model`` for ``epochs`` passes over ``train_loader``.

    Each step minimises the mini-batch loss ``L = loss_fn(model(x), y)`` with one
    ``optimizer.step()``; the model is in train mode while training and in eval mode,
    without a graph, while validating. Inputs are cast to the parameters' dtype; integer
    labels are passed to ``loss_fn`` as arrays.

    Schedulers step as their ``step_interval`` says: after every batch for ``CyclicLR``,
    ``OneCycleLR`` (and a ``SequentialLR`` containing one), after every epoch for the others;
    ``ReduceLROnPlateau`` after every epoch with ``val_loss`` (``loss`` without a validation
    loader).

    Args:
        model: a ``tg.nn.Module``.
        loss_fn: ``loss_fn(outputs, targets) -> scalar Tensor``.
        optimizer: a ``tg.optim`` optimizer over the model's parameters.
        train_loader: a ``tg.data.DataLoader`` (any iterable of ``(xb, yb)`` with ``len``).
        epochs: total number of epochs (with ``resume``, counting the resumed ones).
        val_loader: optional loader evaluated after every epoch.
        scheduler: optional ``tg.optim.lr_scheduler`` scheduler.
        callbacks: Callbacks (stopping rules, ...), or one combined with ``|``.
        metrics: metric names (``"accuracy"``) or functions ``(outputs, targets) -> float``;
            ``"auto"`` (the default) is ``["accuracy"]`` for the classification losses
            (cross-entropy, NLL, BCE with logits, as modules or functions) and no metric
            for any other loss (MSE, L1, your own).
        progress: show progress where the run is (``train.progress``): a tqdm bar per epoch
            in a terminal, one plain line per epoch when stdout is a pipe or a file, tqdm's
            notebook bar in Jupyter (plain lines without ipywidgets); then one line saying
            what ended the run (``History.stopped_by``). False shows nothing.
        checkpoint: path of an ``.npz`` file rewritten atomically after every epoch with
            the model, optimizer, scheduler, random states (global generator, loaders,
            modules' own generators), callbacks and history. While the run lasts,
            ``<checkpoint>.lock`` holds its pid: a second live run on the same file is
            refused (``CheckpointLocked``); the lock of a dead process is taken over.
        resume: path of such a checkpoint: training continues after its last epoch and
            ends with the same weights, bit for bit, as an uninterrupted run. A run that a
            stopping rule had ended is complete: its history is returned without training.
            Refused before anything changes (``train.resume``) when the file is damaged or
            the run differs: the model's entries, the optimizer's class or starting
            hyper-parameters, the scheduler, the stateful callbacks, the training data.
        run_config: plain values saved in every checkpoint (the recipe's options), read
            back by ``train.resume.read_config``.

    Returns:
        The ``History`` of the run (including the resumed epochs).

    Raises:
        TrainingDiverged: a loss or gradient became NaN or infinite; the model keeps the last
            weights whose loss and gradients were finite. Its ``history`` is the run's.
        TrainingInterrupted: Ctrl-C (a ``KeyboardInterrupt``): the loop stops after the step
            under way, or after the checkpoint being written, so the model holds the weights
            of a finished step and the checkpoint file is whole; ``history`` is the run's.
        ValueError: bad ``epochs``, unknown metric, a stopping rule monitoring a value that is
            not logged, or a ``resume`` checkpoint that is damaged or does not fit the model
            (naming the key and shapes) or the optimizer/scheduler/callbacks/data.
        CheckpointLocked: another live run writes ``checkpoint``.
    """
    trainer = _Trainer(model, loss_fn, optimizer, train_loader, epochs, val_loader, scheduler,
                       callbacks, metrics, progress)
    return trainer.run(checkpoint, resume, run_config)
