"""``TrainingDiverged``: what ``fit`` raises when the loss or a gradient stops being finite,
and the hint that names bad data instead of blaming the learning rate."""
import numpy as np


class TrainingDiverged(RuntimeError):
    """The loss or a gradient became NaN or infinite; the model holds its last good weights.

    Attributes:
        epoch: 0-based epoch of the failing step.
        step: 1-based global index of the failing step.
        lr: the first param group's learning rate at that step.
        quantity: what was not finite (``"the loss"`` or ``"the gradient of <name>"``).
        restored_step: number of optimizer steps in the weights the model was restored to;
            buffers and the optimizer's state (moments, step counts) are restored to the same
            step, while learning rates and the scheduler stay as at the failing step.
        hint: what to try; by default a smaller learning rate, but when the batch itself held
            NaN or inf the data are named instead.
    """

    def __init__(self, epoch, step, lr, quantity, restored_step, hint=None):
        self.epoch = epoch
        self.step = step
        self.lr = lr
        self.quantity = quantity
        self.restored_step = restored_step
        self.hint = hint or "try a smaller learning rate."
        super().__init__(
            f"training diverged at epoch {epoch + 1}, step {step} (lr={lr:g}): {quantity} is "
            f"not finite. The model was restored to its weights after step {restored_step}, the "
            f"last whose loss and gradients were finite; {self.hint}")


def bad_data_hint(xb, yb, loss_fn=None):
    """A hint naming NaN or inf values in the failing batch, or a batch whose labels are all
    ``loss_fn.ignore_index`` (a mean over no label is 0/0); None if neither."""
    ignore_index = getattr(loss_fn, "ignore_index", None)
    if (ignore_index is not None and yb is not None and np.size(yb)
            and np.all(np.asarray(yb) == ignore_index)):
        return (f"every label in the batch equals ignore_index ({ignore_index}), so the mean "
                f"loss is 0/0: remove such batches or use reduction='sum' (the learning rate "
                f"is not the cause).")
    for name, batch in (("inputs", xb), ("targets", yb)):
        if batch is not None and batch.dtype.kind == "f" and not np.isfinite(batch).all():
            count = int(np.size(batch) - np.isfinite(batch).sum())
            return (f"the batch's {name} hold {count} NaN or infinite value(s): clean the data "
                    f"(the learning rate is not the cause).")
    return None
