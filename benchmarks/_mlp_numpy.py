"""A hand-written NumPy MLP with manual backprop and one fused Adam kernel over a flat
buffer: the floor for any NumPy framework's training step (no graph, no modules)."""
import numpy as np

from tinygrad_opt.optim.kernels import adam_update


class NumpyMLP:
    """ReLU MLP, softmax cross-entropy, Adam; weights (in, out) as tinygrad_opt's Dense."""

    def __init__(self, sizes, rng, dtype=np.float32, lr=1e-3):
        shapes = [shape for fan_in, fan_out in zip(sizes[:-1], sizes[1:])
                  for shape in ((fan_in, fan_out), (fan_out,))]
        total = sum(int(np.prod(shape)) for shape in shapes)
        self.flat = np.zeros(total, dtype)
        self.grad = np.zeros(total, dtype)
        self.exp_avg = np.zeros(total, dtype)
        self.exp_avg_sq = np.zeros(total, dtype)
        self.params, self.grads, offset = [], [], 0
        for shape in shapes:
            size = int(np.prod(shape))
            self.params.append(self.flat[offset:offset + size].reshape(shape))
            self.grads.append(self.grad[offset:offset + size].reshape(shape))
            offset += size
        for weight in self.params[::2]:
            bound = np.sqrt(6.0 / sum(weight.shape))
            weight[...] = rng.uniform(-bound, bound, weight.shape)
        self.lr, self.step_count = lr, 0

    def step(self, X, y):
        """One forward, backward and Adam update on a batch; returns the loss."""
        weights, biases = self.params[::2], self.params[1::2]
        activations = [X]
        for layer, (weight, bias) in enumerate(zip(weights, biases)):
            out = activations[-1] @ weight
            out += bias
            if layer < len(weights) - 1:
                np.maximum(out, 0, out=out)
            activations.append(out)
        logits = activations[-1]
        shifted = logits - logits.max(axis=1, keepdims=True)
        exp = np.exp(shifted)
        total = exp.sum(axis=1, keepdims=True)
        rows = np.arange(len(y))
        loss = float(np.log(total[:, 0]).mean() - shifted[rows, y].mean())
        delta = exp / total
        delta[rows, y] -= 1
        delta /= len(y)
        for layer in range(len(weights) - 1, -1, -1):
            np.matmul(activations[layer].T, delta, out=self.grads[2 * layer])
            np.sum(delta, axis=0, out=self.grads[2 * layer + 1])
            if layer > 0:
                delta = delta @ weights[layer].T
                delta *= activations[layer] > 0
        self.step_count += 1
        adam_update(self.flat, self.grad, self.exp_avg, self.exp_avg_sq, self.exp_avg[:0],
                    float(self.step_count), self.lr, 0.9, 0.999, 1e-8, 0.0, False, False)
        return loss
