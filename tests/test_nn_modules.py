"""The plain torch modules of sklearn_emotion.nn."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from sklearn_emotion.nn import MLPNet


@pytest.mark.parametrize("hidden_dims", [(), (8,), (16, 8), 4, (np.int64(5),)])
def test_mlp_returns_logits_of_shape_n_by_classes(hidden_dims):
    net = MLPNet(input_dim=6, output_dim=3, hidden_dims=hidden_dims)
    out = net(torch.randn(10, 6))
    assert out.shape == (10, 3)
    assert out.dtype == torch.float32
    # logits, not probabilities: unconstrained values whose rows do not sum to 1
    assert not torch.allclose(out.sum(dim=1), torch.ones(10))


def test_mlp_layers_follow_hidden_dims():
    net = MLPNet(input_dim=6, output_dim=3, hidden_dims=(16, 8), activation="tanh", dropout=0.5)
    linears = [m for m in net.modules() if isinstance(m, torch.nn.Linear)]
    assert [(m.in_features, m.out_features) for m in linears] == [(6, 16), (16, 8), (8, 3)]
    assert sum(isinstance(m, torch.nn.Tanh) for m in net.modules()) == 2
    assert net.hidden_dims == (16, 8)


def test_mlp_without_hidden_layers_is_linear():
    net = MLPNet(input_dim=4, output_dim=2, hidden_dims=())
    assert [type(m) for m in net.layers] == [torch.nn.Linear]


def test_mlp_dropout_only_in_training_mode():
    net = MLPNet(input_dim=4, output_dim=2, hidden_dims=(32,), dropout=0.5)
    X = torch.randn(3, 4)
    net.eval()
    assert torch.equal(net(X), net(X))
    net.train()
    assert not torch.equal(net(X), net(X))


def test_mlp_gradients_flow_to_every_parameter():
    net = MLPNet(input_dim=4, output_dim=3, hidden_dims=(8,))
    loss = torch.nn.functional.cross_entropy(net(torch.randn(5, 4)), torch.tensor([0, 1, 2, 0, 1]))
    loss.backward()
    assert all(p.grad is not None for p in net.parameters())


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"output_dim": 3}, "input_dim and output_dim are required"),
        ({"input_dim": 3}, "input_dim and output_dim are required"),
        ({"input_dim": 3, "output_dim": 2, "hidden_dims": (0,)}, "positive ints"),
        ({"input_dim": 3, "output_dim": 2, "dropout": 1.0}, "dropout"),
        ({"input_dim": 3, "output_dim": 2, "activation": "swish"}, "activation must be one of"),
    ],
)
def test_mlp_refuses_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        MLPNet(**kwargs)
