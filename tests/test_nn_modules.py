"""The plain torch modules of sklearn_emotion.nn."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from sklearn_emotion.nn import LSTMNet, MLPNet


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


# ---------------------------------------------------------------------------- LSTMNet
RNN_VARIANTS = [
    pytest.param(
        cell, bidirectional, pooling, id=f"{cell}-{'bi' if bidirectional else 'uni'}-{pooling}"
    )
    for cell in ("lstm", "gru")
    for bidirectional in (False, True)
    for pooling in ("last", "mean", "max")
]


def _padded(vectors: list[torch.Tensor], length: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Zero-pad texts of shape (n_tokens, dim) to (n_texts, length, dim), plus lengths."""
    out = torch.zeros(len(vectors), length, vectors[0].shape[1])
    for i, v in enumerate(vectors):
        out[i, : len(v)] = v
    return out, torch.tensor([len(v) for v in vectors])


@pytest.mark.parametrize("cell, bidirectional, pooling", RNN_VARIANTS)
def test_lstm_logits_do_not_depend_on_the_padding(cell, bidirectional, pooling):
    net = LSTMNet(
        input_dim=5, output_dim=3, hidden_size=7, num_layers=2,
        cell=cell, bidirectional=bidirectional, pooling=pooling,
    ).eval()
    texts = [torch.randn(n, 5) for n in (10, 3, 1, 6)]
    short, lengths = _padded(texts, 10)
    long, _ = _padded(texts, 60)
    logits = net(short, lengths)
    torch.testing.assert_close(net(long, lengths), logits, rtol=0, atol=1e-6)
    # and a text alone, without any padding, gets the same logits as in the batch
    alone = torch.cat([net(t[None], torch.tensor([len(t)])) for t in texts])
    torch.testing.assert_close(alone, logits, rtol=1e-5, atol=1e-6)


def test_lstm_last_pooling_reads_the_last_real_token_not_the_padding():
    # the reference article's bug: out[:, -1, :] of a zero-padded batch is the state after
    # the padding, nearly the same for every short text
    net = LSTMNet(input_dim=4, output_dim=2, hidden_size=6, dropout=0.0).eval()
    texts = [torch.randn(3, 4), torch.randn(2, 4)]
    padded, lengths = _padded(texts, 50)
    with torch.no_grad():
        out, (h_n, _) = net.rnn(padded)
        naive = out[:, -1, :]  # after 47 and 48 steps of zeros
        packed_last = torch.stack([net.rnn(t[None])[0][0, -1] for t in texts])
        ours = net(padded, lengths)
    torch.testing.assert_close(ours, net.output(packed_last))
    assert not torch.allclose(naive, packed_last, atol=1e-3)
    # the padded read-out has forgotten the texts: both rows have converged
    assert torch.dist(naive[0], naive[1]) < 1e-3 < torch.dist(packed_last[0], packed_last[1])


@pytest.mark.parametrize("pooling", ["mean", "max"])
def test_lstm_mean_and_max_pool_over_the_true_length(pooling):
    net = LSTMNet(input_dim=3, output_dim=2, hidden_size=5, pooling=pooling, dropout=0.0).eval()
    text = torch.randn(4, 3)
    padded, lengths = _padded([text], 9)
    with torch.no_grad():
        out = net.rnn(text[None])[0][0]  # (4, 5): the outputs of the real steps
        expected = out.mean(dim=0) if pooling == "mean" else out.max(dim=0).values
        torch.testing.assert_close(net(padded, lengths)[0], net.output(expected))


def test_lstm_bidirectional_last_concatenates_both_final_states():
    net = LSTMNet(input_dim=3, output_dim=2, hidden_size=5, bidirectional=True).eval()
    assert net.output.in_features == 10
    text = torch.randn(4, 3)
    with torch.no_grad():
        out = net.rnn(text[None])[0][0]  # (4, 10)
        expected = torch.cat([out[-1, :5], out[0, 5:]])  # forward at the end, backward at 0
        padded, lengths = _padded([text], 7)
        torch.testing.assert_close(net(padded, lengths)[0], net.output(expected))


def test_lstm_ids_input_uses_the_given_embedding():
    weights = torch.randn(6, 4)
    weights[0] = 0
    net = LSTMNet(output_dim=3, hidden_size=5, embedding_weights=weights).eval()
    assert net.input_dim == 4 and net.embedding.padding_idx == 0
    torch.testing.assert_close(net.embedding.weight, weights)
    assert net.embedding.weight.data_ptr() != weights.data_ptr()  # copied, never shared
    ids = torch.tensor([[2, 5, 0, 0], [1, 3, 4, 0]])
    lengths = torch.tensor([2, 3])
    torch.testing.assert_close(
        net(ids=ids, lengths=lengths), net(weights[ids], lengths)
    )


@pytest.mark.parametrize("freeze", [False, True])
def test_lstm_embedding_trains_unless_frozen(freeze):
    weights = np.random.RandomState(0).normal(size=(6, 4)).astype(np.float32)
    weights[0] = 0
    weights.flags.writeable = False  # as WordVectorizer.embedding_matrix_ is
    net = LSTMNet(output_dim=2, hidden_size=5, embedding_weights=weights,
                  freeze_embeddings=freeze)
    ids, lengths = torch.tensor([[2, 3, 0], [4, 5, 1]]), torch.tensor([2, 3])
    logits = net(ids=ids, lengths=lengths)
    torch.nn.functional.cross_entropy(logits, torch.tensor([0, 1])).backward()
    grad = net.embedding.weight.grad
    if freeze:
        assert grad is None and not net.embedding.weight.requires_grad
    else:
        assert grad[[1, 2, 3, 4, 5]].abs().sum(dim=1).gt(0).all()
        assert not grad[0].any()  # padding never learns


def test_lstm_gradients_flow_to_every_parameter():
    net = LSTMNet(input_dim=4, output_dim=3, hidden_size=6, num_layers=2, bidirectional=True)
    X, lengths = _padded([torch.randn(n, 4) for n in (5, 2, 1)], 8)
    torch.nn.functional.cross_entropy(net(X, lengths), torch.tensor([0, 1, 2])).backward()
    assert all(p.grad is not None for p in net.parameters())


def test_lstm_without_lengths_reads_every_step():
    net = LSTMNet(input_dim=3, output_dim=2, hidden_size=4).eval()
    X = torch.randn(2, 5, 3)
    torch.testing.assert_close(net(X), net(X, torch.tensor([5, 5])))


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"output_dim": 3}, "input_dim and output_dim are required"),
        ({"input_dim": 3, "output_dim": 2, "hidden_size": 0}, "hidden_size must be a positive"),
        ({"input_dim": 3, "output_dim": 2, "num_layers": 1.5}, "num_layers must be a positive"),
        ({"input_dim": 3, "output_dim": 2, "cell": "rnn"}, "cell must be one of"),
        ({"input_dim": 3, "output_dim": 2, "pooling": "first"}, "pooling must be one of"),
        ({"input_dim": 3, "output_dim": 2, "dropout": 1.0}, "dropout"),
        ({"input_dim": 3, "output_dim": 2, "embedding_weights": torch.zeros(5, 4)}, "differs"),
        ({"output_dim": 2, "embedding_weights": torch.zeros(5)}, "2-D matrix"),
    ],
)
def test_lstm_invalid_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        LSTMNet(**kwargs)


def test_lstm_forward_needs_one_input_and_ids_need_an_embedding():
    net = LSTMNet(input_dim=3, output_dim=2)
    with pytest.raises(ValueError, match="exactly one of 'embeddings' and 'ids'"):
        net()
    with pytest.raises(ValueError, match="has no embedding matrix"):
        net(ids=torch.tensor([[2, 3]]), lengths=torch.tensor([2]))
