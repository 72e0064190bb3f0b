"""Module/Parameter: discovery, names, modes, state_dict, dtype conversion, repr."""
import numpy as np
import pytest

from tinygrad_opt import nn
from tinygrad_opt.tensor import Tensor


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.scale = nn.Parameter(np.ones(2))
        self.norm = nn.BatchNorm1d(2)

    def forward(self, x):
        return self.norm(x) * self.scale


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = [nn.Dense(3, 2, rng=np.random.default_rng(0)), nn.ReLU()]
        self.heads = {"a": nn.Dense(2, 1, bias=False, rng=np.random.default_rng(1))}
        self.block = Block()
        self.pair = (nn.Parameter(np.zeros(1)), nn.Parameter(np.zeros((2, 2))))

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return self.heads["a"](self.block(x))


def test_parameter_requires_grad_and_keeps_float_dtype():
    assert nn.Parameter(np.zeros(3)).requires_grad
    assert nn.Parameter(np.zeros(3, np.float64)).dtype == np.float64
    assert nn.Parameter(np.zeros(3, np.float32)).dtype == np.float32
    assert nn.Parameter(Tensor(np.zeros(2, np.float64))).dtype == np.float64
    assert nn.Parameter([1, 2]).dtype == np.float32
    assert nn.Parameter([1.5, 2.0]).dtype == np.float32


def test_named_parameters_are_dotted_paths_through_lists_dicts_tuples_and_attributes():
    names = [name for name, _ in Model().named_parameters()]
    # PyTorch's order: the module's own parameters, then each sub-module's, depth first
    assert names == ["pair.0", "pair.1", "layers.0.weight", "layers.0.bias", "heads.a.weight",
                     "block.scale", "block.norm.weight", "block.norm.bias"]


def test_parameters_lists_each_shared_parameter_once():
    model = nn.Sequential(nn.Dense(2, 2), nn.ReLU())
    model.tied = model[0].weight
    assert len(model.parameters()) == 2


def test_children_and_named_modules():
    model = Model()
    assert [type(c).__name__ for c in model.children()] == ["Dense", "ReLU", "Dense", "Block"]
    names = [name for name, _ in model.named_modules()]
    assert names == ["", "layers.0", "layers.1", "heads.a", "block", "block.norm"]


def test_train_and_eval_are_recursive():
    model = Model()
    assert model.eval() is model
    assert not any(m.training for _, m in model.named_modules())
    model.train()
    assert all(m.training for _, m in model.named_modules())


def test_zero_grad_clears_every_parameter():
    model = Model()
    for param in model.parameters():
        param.grad = np.ones_like(param.data)
    model.zero_grad()
    assert all(param.grad is None for param in model.parameters())


def test_state_dict_holds_parameters_and_buffers_as_copies():
    model = Model()
    state = model.state_dict()
    assert "block.norm.running_mean" in state and "block.norm.num_batches_tracked" in state
    assert state["block.norm.num_batches_tracked"].dtype == np.int64
    state["layers.0.weight"][...] = 99.0
    assert not np.any(model.layers[0].weight.data == 99.0)


def test_state_dict_round_trip_restores_values_in_place(rng):
    source, target = Model(), Model()
    source.layers[0].weight.data[...] = rng.normal(size=(3, 2))
    source.block.norm(Tensor(rng.normal(size=(4, 2))))
    weight_array = target.layers[0].weight.data
    running_var = target.block.norm.running_var
    target.load_state_dict(source.state_dict())
    assert target.layers[0].weight.data is weight_array
    assert target.block.norm.running_var is running_var
    for name, value in source.state_dict().items():
        np.testing.assert_array_equal(target.state_dict()[name], value, err_msg=name)
    assert int(target.block.norm.num_batches_tracked) == 1


def test_load_writes_through_views_of_a_flat_buffer():
    model = nn.Dense(2, 3)
    flat = np.zeros(9, np.float32)
    model.weight.data = flat[:6].reshape(2, 3)
    model.bias.data = flat[6:]
    model.load_state_dict({"weight": np.ones((2, 3)), "bias": np.full(3, 2.0)})
    np.testing.assert_array_equal(flat, [1, 1, 1, 1, 1, 1, 2, 2, 2])


def test_load_state_dict_names_missing_and_unexpected_keys():
    model = Model()
    state = model.state_dict()
    del state["block.scale"]
    state["extra.weight"] = np.zeros(1)
    with pytest.raises(ValueError, match=r"block\.scale.*extra\.weight"):
        model.load_state_dict(state)


def test_load_state_dict_names_the_key_and_both_shapes_and_changes_nothing():
    model = Model()
    before = model.state_dict()
    state = model.state_dict()
    state["layers.0.bias"] = np.ones(2) * 5
    state["heads.a.weight"] = np.zeros((3, 1))
    with pytest.raises(ValueError, match=r"heads\.a\.weight.*\(2, 1\).*\(3, 1\)"):
        model.load_state_dict(state)
    np.testing.assert_array_equal(model.layers[0].bias.data, before["layers.0.bias"])


def test_to_converts_parameters_and_float_buffers_keeping_identity():
    model = Model()
    weight = model.layers[0].weight
    assert model.to(np.float64) is model
    assert model.layers[0].weight is weight
    assert all(p.dtype == np.float64 for p in model.parameters())
    assert model.block.norm.running_mean.dtype == np.float64
    assert model.block.norm.num_batches_tracked.dtype == np.int64
    with pytest.raises(ValueError, match="floating"):
        model.to(np.int32)


def test_layers_create_float32_parameters_and_buffers():
    model = nn.Sequential(nn.Dense(2, 4), nn.BatchNorm1d(4), nn.LayerNorm(4), nn.GroupNorm(2, 4))
    assert all(p.dtype == np.float32 for p in model.parameters())
    assert model[1].running_mean.dtype == model[1].running_var.dtype == np.float32


def test_call_runs_forward():
    model = nn.Sequential(nn.Dense(3, 2), nn.Tanh())
    x = Tensor(np.ones((4, 3), np.float32))
    np.testing.assert_array_equal(model(x).data, model.forward(x).data)


def test_repr_shows_tree_shapes_and_counts():
    text = repr(nn.Sequential(nn.Dense(3, 4), nn.ReLU(), nn.Dense(4, 2, bias=False)))
    assert "(layers.0): Dense(in_features=3, out_features=4, bias=True)" in text
    assert "weight (3, 4), bias (4,); 16 params" in text
    assert "(layers.1): ReLU()" in text
    assert "total 24 params" in text


def test_forward_must_be_defined():
    with pytest.raises(NotImplementedError, match="Empty"):
        type("Empty", (nn.Module,), {})()(1)


def test_to_after_optimizer_creation_gives_gradients_of_the_new_dtype():
    import tinygrad_opt as tg
    layer = tg.nn.Dense(3, 2)
    tg.optim.Adam(layer.parameters())  # attaches flat gradient slots of float32
    layer.to(np.float64)
    layer(tg.Tensor(np.ones((4, 3)))).sum().backward()
    assert layer.weight.grad.dtype == np.float64


def test_refused_load_state_dict_changes_nothing_when_the_last_entry_is_strings():
    model = nn.Sequential(nn.Dense(3, 4), nn.BatchNorm1d(4), nn.Dense(4, 2))
    before = model.state_dict()
    state = {name: np.full_like(value, 7) for name, value in before.items()}
    last = list(state)[-1]
    state[last] = np.array(["x"] * state[last].size).reshape(state[last].shape)
    with pytest.raises(TypeError, match=f"{last}.*<U1.*float32"):
        model.load_state_dict(state)
    for name, value in before.items():
        np.testing.assert_array_equal(model.state_dict()[name], value, err_msg=name)


def test_load_state_dict_refuses_floats_into_an_integer_buffer():
    norm = nn.BatchNorm1d(2)
    state = {**norm.state_dict(), "num_batches_tracked": np.array(2.5)}
    with pytest.raises(TypeError, match="num_batches_tracked.*float64.*int64"):
        norm.load_state_dict(state)
    assert int(norm.num_batches_tracked) == 0


def test_module_zero_grad_set_to_none_false_zeroes_existing_grads():
    layer = nn.Dense(2, 3)
    layer.weight.grad = np.ones((2, 3))
    layer.zero_grad(set_to_none=False)
    np.testing.assert_array_equal(layer.weight.grad, np.zeros((2, 3)))
    assert layer.bias.grad is None
    layer.zero_grad()
    assert layer.weight.grad is None


def test_double_and_float_convert_the_whole_module_as_pytorch():
    model = nn.Sequential(nn.Dense(3, 4), nn.BatchNorm1d(4))
    weight = model[0].weight
    assert model.double() is model
    assert weight.data.dtype == np.float64 and model[1].running_var.dtype == np.float64
    assert model[1].num_batches_tracked.dtype.kind == "i"
    assert model.float() is model and weight.data.dtype == np.float32
    assert model[0].weight is weight
