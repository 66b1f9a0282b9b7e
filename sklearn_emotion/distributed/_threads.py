"""Torch threads of Dask workers: each worker's share of its machine's cores."""

from __future__ import annotations

import os
import socket

__all__ = ["set_torch_threads", "configure_dask_workers"]


def set_torch_threads(n_threads: int | None = None) -> int:
    """Set this process's torch intra-op threads; return the number in use.

    Parameters
    ----------
    n_threads : int, default=None
        Threads to use; ``None`` leaves torch's setting as it is (in a Dask worker
        started by a nanny that is one thread, from ``OMP_NUM_THREADS=1``; see
        :func:`configure_dask_workers`).

    Examples
    --------
    >>> import torch
    >>> from sklearn_emotion.distributed import set_torch_threads
    >>> set_torch_threads(torch.get_num_threads()) == torch.get_num_threads()
    True
    """
    import torch

    if n_threads is not None and torch.get_num_threads() != n_threads:
        torch.set_num_threads(int(n_threads))
    return torch.get_num_threads()


def _available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


def _worker_facts(dask_worker=None) -> tuple:
    """(host name, task threads, cores) of a worker; ``client.run`` passes ``dask_worker``."""
    nthreads = getattr(getattr(dask_worker, "state", dask_worker), "nthreads", 1)
    return socket.gethostname(), int(nthreads), _available_cores()


def configure_dask_workers(client, torch_threads: int | None = None) -> dict:
    """Give the torch of every worker of ``client`` its share of its machine's cores.

    Dask's nanny starts workers with ``OMP_NUM_THREADS=1``, so torch uses one thread per
    worker process, which leaves cores idle when a machine runs fewer task threads than
    it has cores. This sets each worker's torch threads to ``cores of its machine //
    task threads of all workers on that machine`` (at least 1), or to ``torch_threads``.
    Run it again after adding workers.

    Parameters
    ----------
    client : distributed.Client
        A connected client.
    torch_threads : int, default=None
        Threads per worker; ``None`` computes the share described above.

    Returns
    -------
    dict
        ``{worker address: torch threads}``.
    """
    facts = client.run(_worker_facts)
    per_host: dict = {}
    for host, nthreads, _ in facts.values():
        per_host[host] = per_host.get(host, 0) + nthreads
    result = {}
    for address, (host, _, cores) in facts.items():
        n = torch_threads or max(1, cores // max(1, per_host[host]))
        result.update(client.run(set_torch_threads, n, workers=[address]))
    return result
