"""A recurrent network (LSTM or GRU) over padded sequences of word vectors or word ids."""

from __future__ import annotations

import numbers

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

__all__ = ["LSTMNet"]

_CELLS = {"lstm": nn.LSTM, "gru": nn.GRU}
_POOLINGS = ("last", "mean", "max")


class LSTMNet(nn.Module):
    """LSTM or GRU that reads each text up to its true length and returns class logits.

    The padded batch is packed (``torch.nn.utils.rnn.pack_padded_sequence``), so the
    recurrent layers never see the padding: ``pooling="last"`` reads the final hidden
    state of each text at its own last token (for a bidirectional network, the final
    states of both directions, concatenated), and ``"mean"`` / ``"max"`` pool over the
    real time steps only. A linear layer maps the pooled state to one logit per class;
    pair it with ``torch.nn.CrossEntropyLoss`` (or ``BCEWithLogitsLoss`` for multi-label).

    Two kinds of input, chosen by the keyword passed to ``forward``:

    - ``forward(embeddings, lengths)``: a float tensor ``(batch, max_length, input_dim)``
      of word vectors, as from ``WordVectorizer(pooling="sequence")``;
    - ``forward(ids=ids, lengths=lengths)``: an int64 tensor ``(batch, max_length)`` of
      word ids (0 = padding, 1 = unknown), as from ``WordVectorizer(pooling="ids")``; the
      network then owns an ``nn.Embedding`` initialised from ``embedding_weights``
      and, unless ``freeze_embeddings=True``, trains it.

    skorch spreads a dict ``X`` over the keywords of ``forward``, so both dicts work as
    they come from the vectorizer.

    Parameters
    ----------
    input_dim : int, default=None
        Size of each word vector. Required unless ``embedding_weights`` is given (then
        it is ``embedding_weights.shape[1]``, and a different value is an error);
        :class:`~sklearn_emotion.estimators.LSTMClassifier` infers it at fit time.
    output_dim : int, default=None
        Number of classes (or labels). Required; the estimator infers it from ``y``.
    hidden_size : int, default=128
        Size of the hidden state of each direction.
    num_layers : int, default=1
        Number of stacked recurrent layers.
    bidirectional : bool, default=False
        Also read each text backwards; the pooled state is then ``2 * hidden_size`` wide.
    cell : {"lstm", "gru"}, default="lstm"
        The recurrent cell.
    pooling : {"last", "mean", "max"}, default="last"
        How the per-token outputs become one vector per text: the final hidden state of
        the last layer (``h_n``) at each text's true end, or the mean / element-wise max
        of the last layer's outputs over the true length.
    dropout : float, default=0.2
        Dropout on the pooled vector before the output layer and, with
        ``num_layers > 1``, between the recurrent layers; in ``[0, 1)``.
    embedding_weights : array-like or tensor of shape (n_words, input_dim), default=None
        Initial embedding matrix for the ids input (row 0 is padding and gets no
        gradient). The values are copied.
    freeze_embeddings : bool, default=False
        Keep ``embedding_weights`` fixed during training.

    Attributes
    ----------
    rnn : torch.nn.LSTM or torch.nn.GRU
        The recurrent layers (``batch_first=True``).
    embedding : torch.nn.Embedding or None
        The word embedding of the ids input; ``None`` without ``embedding_weights``.
    output : torch.nn.Linear
        Maps the pooled state to the logits.

    Examples
    --------
    >>> import torch
    >>> from sklearn_emotion.nn import LSTMNet
    >>> net = LSTMNet(input_dim=50, output_dim=6, hidden_size=32, bidirectional=True)
    >>> embeddings = torch.randn(4, 20, 50)
    >>> lengths = torch.tensor([20, 7, 3, 1])
    >>> net(embeddings, lengths).shape
    torch.Size([4, 6])

    Word ids and a trainable embedding matrix (3 words + padding + unknown):

    >>> net = LSTMNet(output_dim=2, hidden_size=8, embedding_weights=torch.randn(5, 10))
    >>> net(ids=torch.tensor([[2, 3, 0], [4, 1, 1]]), lengths=torch.tensor([2, 3])).shape
    torch.Size([2, 2])
    """

    def __init__(
        self,
        input_dim=None,
        output_dim=None,
        hidden_size=128,
        num_layers=1,
        bidirectional=False,
        cell="lstm",
        pooling="last",
        dropout=0.2,
        embedding_weights=None,
        freeze_embeddings=False,
    ):
        super().__init__()
        problems = []
        weights = None
        if embedding_weights is not None:
            if isinstance(embedding_weights, torch.Tensor):
                weights = embedding_weights.detach().to(torch.float32).clone()
            else:  # numpy or nested lists; torch.tensor copies (read-only arrays are fine)
                weights = torch.tensor(embedding_weights, dtype=torch.float32)
            if weights.ndim != 2 or weights.shape[0] < 2:
                problems.append(
                    "embedding_weights must be a 2-D matrix (n_words, dim) with rows 0 "
                    f"(padding) and 1 (unknown); got shape {tuple(weights.shape)}"
                )
            elif input_dim is None:
                input_dim = weights.shape[1]
            elif input_dim != weights.shape[1]:
                problems.append(
                    f"input_dim={input_dim!r} differs from the width of embedding_weights "
                    f"({weights.shape[1]}); leave input_dim unset with embedding_weights"
                )
        if input_dim is None or output_dim is None:
            problems.append(
                "input_dim and output_dim are required (LSTMClassifier infers them from X "
                f"and y at fit time); got input_dim={input_dim!r}, output_dim={output_dim!r}"
            )
        for name, value in [("hidden_size", hidden_size), ("num_layers", num_layers)]:
            if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < 1:
                problems.append(f"{name} must be a positive int; got {value!r}")
        if cell not in _CELLS:
            problems.append(f"cell must be one of {sorted(_CELLS)}; got {cell!r}")
        if pooling not in _POOLINGS:
            problems.append(f"pooling must be one of {list(_POOLINGS)}; got {pooling!r}")
        if not isinstance(dropout, numbers.Real) or not 0 <= dropout < 1:
            problems.append(f"dropout must be in [0, 1); got {dropout!r}")
        if problems:
            raise ValueError("LSTMNet: " + "; ".join(problems) + ".")

        self.input_dim = int(input_dim)
        self.output_dim = int(output_dim)
        self.hidden_size = int(hidden_size)
        self.num_layers = int(num_layers)
        self.bidirectional = bool(bidirectional)
        self.cell = cell
        self.pooling = pooling

        self.embedding = None
        if weights is not None:
            self.embedding = nn.Embedding.from_pretrained(
                weights, freeze=bool(freeze_embeddings), padding_idx=0
            )
        self.rnn = _CELLS[cell](
            self.input_dim,
            self.hidden_size,
            num_layers=self.num_layers,
            bidirectional=self.bidirectional,
            dropout=dropout if self.num_layers > 1 else 0.0,
            batch_first=True,
        )
        self.dropout = nn.Dropout(dropout)
        n_directions = 2 if self.bidirectional else 1
        self.output = nn.Linear(n_directions * self.hidden_size, self.output_dim)

    def forward(self, embeddings=None, lengths=None, ids=None) -> torch.Tensor:
        """Return logits of shape ``(batch, output_dim)``.

        Parameters
        ----------
        embeddings : float tensor of shape (batch, max_length, input_dim), default=None
            Word vectors, zero-padded after each text. Give this or ``ids``.
        lengths : int tensor of shape (batch,), default=None
            True number of tokens of each text, in ``1..max_length``; ``None`` means
            every text fills the whole ``max_length``.
        ids : int64 tensor of shape (batch, max_length), default=None
            Word ids (0 = padding) for the embedding built from ``embedding_weights``.
        """
        if (embeddings is None) == (ids is None):
            raise ValueError("LSTMNet.forward needs exactly one of 'embeddings' and 'ids'.")
        if ids is not None:
            if self.embedding is None:
                raise ValueError(
                    "LSTMNet got word ids but has no embedding matrix; build it with "
                    "embedding_weights=<(n_words, dim) matrix> (e.g. the embedding_matrix_ "
                    "of WordVectorizer(pooling='ids')), or pass 'embeddings' instead."
                )
            inputs = self.embedding(ids)
        else:
            inputs = embeddings
        batch, max_length = inputs.shape[:2]
        if lengths is None:
            lengths = torch.full((batch,), max_length, dtype=torch.int64)
        # pack_padded_sequence wants the lengths on the CPU
        lengths_cpu = lengths.detach().to("cpu", torch.int64).reshape(-1)
        longest = int(lengths_cpu.max())
        inputs = inputs[:, :longest]  # the batch needs no more steps than its longest text
        packed = pack_padded_sequence(inputs, lengths_cpu, batch_first=True, enforce_sorted=False)
        outputs, hidden = self.rnn(packed)
        if self.pooling == "last":
            # h_n: (num_layers * n_directions, batch, hidden), in the input's batch order;
            # for each text it is the state after its own last token (thanks to packing)
            h_n = hidden[0] if isinstance(hidden, tuple) else hidden
            pooled = torch.cat([h_n[-2], h_n[-1]], dim=1) if self.bidirectional else h_n[-1]
        else:
            padded, _ = pad_packed_sequence(outputs, batch_first=True, total_length=longest)
            steps = torch.arange(longest, device=padded.device)
            mask = (steps[None, :] < lengths_cpu.to(padded.device)[:, None]).unsqueeze(-1)
            if self.pooling == "mean":
                counts = lengths_cpu.to(padded.device, padded.dtype)[:, None]
                pooled = padded.masked_fill(~mask, 0.0).sum(dim=1) / counts
            else:
                pooled = padded.masked_fill(~mask, float("-inf")).amax(dim=1)
        return self.output(self.dropout(pooled))
