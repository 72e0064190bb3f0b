"""One contiguous buffer per param group, so one kernel call updates a whole model.

A Python call into a Numba kernel costs about a microsecond and a half, which dominates the
update of a small model's many small tensors. ``FlatGroup`` therefore copies a group's
parameters once into one flat array and rebinds each ``param.data`` to a view of it; each
parameter's ``_grad_buffer`` becomes a view of a second flat array (so backward writes the
gradients side by side) and every state array (``exp_avg``, ...) a view of one flat array per
state name. When every parameter of the group has its gradient in the buffer, the optimizer
updates the group with a single kernel call on the flat arrays; otherwise it calls the kernel
per parameter on the same views, so both paths share one storage and never disagree.

The layout is checked cheaply by identity before each step: a ``param.data``, ``param.grad``
or state array that the user replaced is copied back into its slot ("adopted"). A group whose
parameters do not share one dtype (or whose dtype changed after construction) is not
flattened: its parameters keep their own arrays and are updated one by one.
"""
import numpy as np


class FlatGroup:
    """Flat parameter, gradient and state buffers for the parameters of one group.

    Args:
        params: the group's parameters (Tensors); their ``.data`` is copied into the buffer
            and replaced by views of it.
    """

    def __init__(self, params):
        self.params = list(params)
        self.dtype = self.params[0].data.dtype
        self.sizes = [param.data.size for param in self.params]
        self.offsets = np.concatenate([[0], np.cumsum(self.sizes)]).astype(int)
        total = int(self.offsets[-1])
        self.param_buffer = np.empty(total, dtype=self.dtype)
        self.grad_buffer = np.zeros(total, dtype=self.dtype)
        self.state_buffers = {}
        self.state_views = {}
        # after a step that updated the whole group in one call: each parameter's views, to
        # re-check by identity before the next (None when the last step was not such a step)
        self.steady_slots = None
        self.steady_names = ((), ())
        self.param_views = [self._slot(self.param_buffer, i) for i in range(len(self.params))]
        self.grad_views = [self._slot(self.grad_buffer, i) for i in range(len(self.params))]
        for param, param_view, grad_view in zip(self.params, self.param_views, self.grad_views):
            np.copyto(param_view, param.data)
            param.data = param_view
            param._grad_buffer = grad_view

    @staticmethod
    def accepts(params):
        """True when ``params`` share one floating dtype, so they fit one buffer."""
        dtypes = {param.data.dtype for param in params}
        return len(dtypes) == 1 and np.issubdtype(next(iter(dtypes)), np.floating)

    def _slot(self, buffer, index):
        """The view of ``buffer`` that belongs to parameter ``index``, in its shape."""
        start, stop = self.offsets[index], self.offsets[index + 1]
        return buffer[start:stop].reshape(self.params[index].data.shape)

    def adopt_param(self, index):
        """Make ``param.data`` the buffer view again, copying a replaced array into it.

        Returns:
            False if the replacement no longer fits the slot (other shape or dtype): the
            group must then stop using the flat layout.
        """
        param, view = self.params[index], self.param_views[index]
        if param.data is view:
            return True
        if param.data.shape != view.shape or param.data.dtype != self.dtype:
            return False
        np.copyto(view, param.data)
        param.data = view
        return True

    def adopt_grad(self, index):
        """Copy a user-assigned ``param.grad`` into the gradient buffer (the grad is kept)."""
        grad, view = self.params[index].grad, self.grad_views[index]
        if grad is not view:
            np.copyto(view, grad)

    def state_slots(self, name):
        """Each parameter's view of the flat state buffer ``name`` (made on first use)."""
        if name not in self.state_views:
            self.state_buffers[name] = np.zeros_like(self.param_buffer)
            self.state_views[name] = [self._slot(self.state_buffers[name], index)
                                      for index in range(len(self.params))]
        return self.state_views[name]

    def remember_steady(self, state, array_names, scalar_names):
        """After a whole-group step: note each parameter's views, to check by identity."""
        self.steady_slots = [
            (param, data_view, grad_view, tuple(state[param][name] for name in array_names))
            for param, data_view, grad_view in zip(self.params, self.param_views,
                                                   self.grad_views)]
        self.steady_names = (array_names, scalar_names)

    def is_steady(self, state):
        """True when nothing changed since the last whole-group step: every parameter's data,
        grad and state arrays are still their flat views and its scalar state (step, ...)
        equals the first parameter's. This is the usual training step, checked by identity
        only, so the update costs little more than the kernel call."""
        if self.steady_slots is None:
            return False
        array_names, scalar_names = self.steady_names
        first = state[self.params[0]]
        for param, data_view, grad_view, state_views in self.steady_slots:
            if param.data is not data_view or param.grad is not grad_view:
                return False
            param_state = state[param]
            for name, view in zip(array_names, state_views):
                if param_state[name] is not view:
                    return False
            for name in scalar_names:
                if param_state[name] != first[name]:
                    return False
        return True

    def in_place(self):
        """True when every ``param.data`` is still its view of the buffer (the usual case)."""
        return all(param.data is view for param, view in zip(self.params, self.param_views))

    def release(self):
        """Give the parameters back their own gradients: backward stops writing the buffer."""
        for param in self.params:
            param._grad_buffer = None
