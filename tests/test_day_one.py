"""Day-one surface: NumPy interop, new Tensor methods, promotion, factories, freezing,
module dtype policy, augmented assignment on results."""
import numpy as np
import pytest

import tinygrad_opt as tg


def test_scalar_results_are_0d_ndarrays_and_numpy_accepts_tensors():
    x = tg.Tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
    loss = (x * x).sum()
    assert type(loss.data) is np.ndarray and loss.data.shape == ()
    assert np.asarray(loss) == 55.0 and float(loss) == 55.0
    assert np.mean(x) == 2.5 and np.stack([x, x]).shape == (2, 2, 3)
    assert x.tolist() == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]] and int(tg.Tensor([3.7])) == 3
    with pytest.raises(TypeError, match=r"\(2, 3\)"):
        float(x)
    with pytest.raises(ValueError, match="copy=False"):
        x.__array__(np.float32, copy=False)


PROMOTION = [  # (left, right, PyTorch's result dtype)
    (np.array([1, 2]), np.array([1.0, 2.0], dtype=np.float32), np.float32),
    (np.array([1, 2]), 2.5, np.float32),
    (np.array([1, 2], dtype=np.int32), 2, np.int32),
    (np.array([True]), True, np.bool_),
    (np.array([True]), 2, np.int64),
    (np.array([1, 2]), np.array([1, 2]), np.int64),
    (np.array([1.0], dtype=np.float16), 2.5, np.float16),
    (np.array([1.0], dtype=np.float32), np.array([1.0]), np.float64),
]


@pytest.mark.parametrize("left, right, expected", PROMOTION)
def test_type_promotion_follows_pytorch(left, right, expected):
    assert (tg.Tensor(left) + right).dtype == expected
    assert (tg.Tensor(np.array([1, 2])) / tg.Tensor(np.array([2, 4]))).dtype == np.float32


def test_reductions_accept_dim_and_keepdim_and_argmax_returns_indices():
    x = tg.Tensor(np.array([[1.0, 5.0, 2.0], [7.0, 0.0, 3.0]]))
    np.testing.assert_array_equal(x.sum(dim=1, keepdim=True).data, [[8.0], [10.0]])
    np.testing.assert_array_equal(x.argmax(dim=1), [1, 0])
    np.testing.assert_array_equal(x.argmin(axis=0, keepdims=True), [[0, 1, 0]])
    with pytest.raises(TypeError, match="both axis"):
        x.mean(axis=0, dim=0)


def test_shape_methods_and_their_gradients(rng):
    x = tg.Tensor(rng.normal(size=(2, 1, 3)), requires_grad=True)
    assert x.squeeze().shape == (2, 3) and x.squeeze(0).shape == (2, 1, 3)
    assert x.unsqueeze(-1).shape == (2, 1, 3, 1) and x.flatten().shape == (6,)
    assert x.flatten(1).shape == (2, 3) and x.view(3, 2).shape == (3, 2)
    for op in (lambda t: t.squeeze(1), lambda t: t.unsqueeze(0), lambda t: t.flatten(),
               lambda t: t.sin(), lambda t: t.pow(3), lambda t: t.double()):
        assert tg.gradcheck(op, [x])


def test_sin_gradient_is_cos_and_cast_gradient_keeps_input_dtype():
    x = tg.Tensor(np.array([0.0, 1.0]), requires_grad=True)
    x.sin().sum().backward()
    np.testing.assert_allclose(x.grad, np.cos([0.0, 1.0]))
    y = tg.Tensor(np.array([1.0, 2.0]), requires_grad=True)
    y.float().sum().backward()
    assert y.grad.dtype == np.float64 and y.astype(np.int64).requires_grad is False
    with pytest.raises(ValueError, match="int64"):
        tg.Tensor([1, 2]).requires_grad_()


def test_factories_shapes_dtypes_and_global_generator():
    assert tg.zeros(2, 3).shape == (2, 3) and tg.ones((2,)).dtype == np.float32
    assert tg.full((2,), 3).data.tolist() == [3.0, 3.0]
    assert tg.arange(5).dtype == np.int64 and tg.arange(0, 1, 0.25).dtype == np.float32
    assert tg.zeros_like(tg.arange(3)).dtype == np.int64
    assert tg.tensor([1.0], requires_grad=True).requires_grad
    tg.manual_seed(0)
    first = tg.randn(3, dtype=np.float64).data
    tg.manual_seed(0)
    np.testing.assert_array_equal(first, np.random.default_rng(0).standard_normal(3))
    with pytest.raises(ValueError, match="non-negative"):
        tg.zeros(-1)


def test_augmented_assignment_on_a_result_records_the_op_like_pytorch():
    a = tg.Tensor(2.0, requires_grad=True)
    c = a * 2
    c += c + 1
    c.backward()
    assert a.grad == 4.0
    with pytest.raises(RuntimeError, match="leaf"):
        a += 1


def test_frozen_module_gets_no_grad_and_trains_again_once_unfrozen():
    tg.manual_seed(0)
    model = tg.nn.Sequential(tg.nn.Dense(2, 3), tg.nn.ReLU(), tg.nn.Dense(3, 1))
    frozen = model.layers[0] if hasattr(model, "layers") else list(model.children())[0]
    assert frozen.requires_grad_(False) is frozen
    before = frozen.weight.data.copy()
    trainable = [p for p in model.parameters() if p.requires_grad]
    optimizer = tg.optim.SGD(trainable, lr=0.1)
    for _ in range(3):
        optimizer.zero_grad()
        model(np.ones((4, 2))).sum().backward()
        optimizer.step()
    assert frozen.weight.grad is None
    np.testing.assert_array_equal(frozen.weight.data, before)
    frozen.requires_grad_(True)
    model(np.ones((4, 2))).sum().backward()
    assert frozen.weight.grad is not None


def test_float32_model_on_float64_input_gives_float32_output_and_grads():
    model = tg.nn.Dense(2, 1)
    out = model(np.ones((3, 2)))
    out.sum().backward()
    assert out.dtype == np.float32 and model.weight.grad.dtype == np.float32
    assert model([[1, 2]]).dtype == np.float32


def test_frozen_layer_is_unchanged_by_every_optimizer_then_trains_once_unfrozen():
    for name in ("SGD", "Adagrad", "Adadelta", "RMSprop", "Adam", "AdamW", "Adamax", "NAdam"):
        tg.manual_seed(0)
        model = tg.nn.Sequential(tg.nn.Dense(3, 4), tg.nn.Tanh(), tg.nn.Dense(4, 2))
        optimizer = getattr(tg.optim, name)(model.parameters(), lr=0.1)
        X = np.random.default_rng(0).normal(size=(8, 3))
        model.layers[0].requires_grad_(False)
        frozen = model.layers[0].weight.data.copy()
        for _ in range(3):
            optimizer.zero_grad()
            (model(X) ** 2).mean().backward()
            optimizer.step()
        np.testing.assert_array_equal(model.layers[0].weight.data, frozen)
        model.layers[0].requires_grad_(True)
        optimizer.zero_grad()
        (model(X) ** 2).mean().backward()
        optimizer.step()
        assert not np.array_equal(model.layers[0].weight.data, frozen), name


def test_pytorch_spellings_of_axis_arguments():
    x = tg.Tensor(np.array([[0.0, np.log(3.0)], [0.0, 0.0]]))
    np.testing.assert_allclose(x.softmax(dim=1).data, [[0.25, 0.75], [0.5, 0.5]])
    np.testing.assert_allclose(tg.nn.functional.softmax(x, dim=0).data,
                               [[0.5, 0.75], [0.5, 0.25]])
    np.testing.assert_allclose(tg.nn.functional.log_softmax(x, dim=1).data,
                               np.log([[0.25, 0.75], [0.5, 0.5]]))
    np.testing.assert_allclose(tg.nn.Softmax(dim=0)(x).data, [[0.5, 0.75], [0.5, 0.25]])
    assert x.unsqueeze(dim=0).shape == (1, 2, 2)
    assert x.reshape(2, 1, 2).squeeze(dim=1).shape == (2, 2)
    assert tg.Tensor(np.zeros((2, 3, 4))).flatten(start_dim=1).shape == (2, 12)
    assert tg.Tensor(np.zeros((2, 3, 4))).flatten(end_dim=1).shape == (6, 4)
    assert tg.stack([x, x], dim=1).shape == (2, 2, 2)
    assert tg.concatenate([x, x], dim=1).shape == (2, 4)
    np.testing.assert_allclose(x.clip(min=0.5).data, [[0.5, np.log(3.0)], [0.5, 0.5]])
    np.testing.assert_allclose(x.clamp(max=0.5).data, [[0.0, 0.5], [0.0, 0.0]])
    with pytest.raises(TypeError, match="axis=0 and dim=1"):
        x.softmax(0, dim=1)
    with pytest.raises(TypeError, match="axis"):
        x.unsqueeze()


def test_backward_takes_pytorchs_gradient_keyword():
    x = tg.Tensor(np.array([1.0, 2.0]), requires_grad=True)
    (x * 3.0).backward(gradient=np.array([1.0, -1.0]))
    np.testing.assert_allclose(x.grad, [3.0, -3.0])
    with pytest.raises(TypeError, match="grad=.*gradient="):
        (x * 3.0).backward(np.ones(2), gradient=np.ones(2))


@pytest.mark.parametrize("method", ["exp", "log", "sqrt", "sin", "cos", "tanh", "sigmoid"])
def test_transcendental_functions_of_integers_give_float32_as_pytorch(method):
    out = getattr(tg.Tensor(np.array([1, 4])), method)()
    assert out.dtype == np.float32
    expected = {"exp": np.exp, "log": np.log, "sqrt": np.sqrt, "sin": np.sin, "cos": np.cos,
                "tanh": np.tanh, "sigmoid": lambda v: 1 / (1 + np.exp(-v))}[method]
    np.testing.assert_allclose(out.data, expected(np.array([1.0, 4.0])), rtol=1e-6)
