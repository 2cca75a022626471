"""Run :func:`policytext.tag_files` on a Dask cluster (the ``dask`` extra).

Each document is one task. Workers read the documents by path, so the
archive must be visible to them at the same absolute path (a shared or
network file system, as for ``dask.dataframe.read_csv``); relative paths are
made absolute in the calling process's working folder before they are sent,
and outputs still name the files as given. The model is sent once to every
worker. Output, summary and plot are written by the calling process exactly
as in a local run.

Example, against a running scheduler::

    from distributed import Client
    client = Client("tcp://scheduler:8786")
    policytext.dask.tag_files(["reports/"], client, output="labels.jsonl")
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from . import archive
from ._validation import Constraint, check_params, listed_paths, model_constraint
from .api import ModelLike, StrPath, resolve_model
from .errors import ParameterError, PolicytextError, extra_needed
from .records import RecordBatch, shown

if TYPE_CHECKING:  # the dask extra is imported when a job runs
    from distributed import Client

__all__ = ["tag_files"]


def _mapper(client, clf, limits, context):
    try:
        from distributed import as_completed
    except ImportError:
        raise PolicytextError(extra_needed("running on a Dask cluster", "dask")) from None

    def run(paths):
        if not paths:
            return
        # A key of the job's own: hashed, the model had the same key in every
        # job on a client, and the end of one job released the copy the next
        # one's tasks were about to read ("lost dependencies").
        model = client.scatter(clf, broadcast=True, hash=False)
        # No timeout: tasks run in worker threads, where the time limit cannot
        # be applied; the client has said so once, and each task would again.
        # Sent absolute: a worker reads a relative path in its own working
        # folder, which on a cluster is not the client's, and every document
        # failed as "no such file". abspath, not realpath: the worker reads
        # the path the client would, through the same links.
        futures = client.map(archive.tag_document, [os.path.abspath(p) for p in paths], model=model, limits=limits, context=context, pure=False)
        found = {future.key: path for future, path in zip(futures, paths)}
        try:
            for future in as_completed(futures):
                yield _as_found(future.result(), found[future.key])
                future.release()
        finally:
            # Also when the job stops early: the tasks before the model
            # they read, so none is left wanting it.
            for future in futures:
                future.release()
            model.release()

    return run


def _as_found(result, path):
    """A worker's result under the path as the job found it: records, summary and failures name it as a local run does."""
    result.path = path
    if isinstance(result.records, RecordBatch):
        r = result.records
        result.records = RecordBatch(shown(path), r.first, r.spans, r.micro, r.best, r.labels, r.parts)
    return result


#: The options :func:`tag_files` checks itself, before the model is loaded
#: and sent to every worker; the others are checked by
#: :func:`policytext.tag_files`, before any work.
_OPTIONS = {
    # What a client must offer: the calls the job makes on it.
    "client": Constraint(
        lambda v: all(callable(getattr(v, call, None)) for call in ("scatter", "map", "submit")),
        "a distributed.Client (with scatter, map and submit)",
    ),
    **{name: archive.TAG_OPTIONS[name] for name in ("paths", "limits", "timeout", "context")},
}
#: Options of :func:`policytext.tag_files` that this function sets, and why.
_SET_HERE = {
    "jobs": "the cluster's workers tag the documents",
    "mapper": "it is what runs the documents on the cluster",
}


def tag_files(
    paths: StrPath | Sequence[StrPath],
    client: Client,
    *,
    model: ModelLike = None,
    limits: dict[str, int] | None = None,
    timeout: float | None = None,
    context: bool = True,
    **options: Any,
) -> archive.JobResult:
    """Tag an archive with the documents spread over a Dask cluster.

    Parameters
    ----------
    paths : str, Path, or a list or other iterable of them
        Files, folders and glob patterns, as for :func:`policytext.tag_files`.
    client : distributed.Client
    model, limits, context, **options
        Keyword-only, as for :func:`policytext.tag_files`, except ``jobs``
        and ``mapper``, which this function sets (the cluster decides where
        documents are tagged): passing either is an error.
    timeout : float, optional
        Not applied: tasks run in the workers' threads, where the time limit
        (a SIGALRM timer) cannot be set, so documents are read with no time
        limit, and a ``UserWarning`` says so. ``limits`` still bound a
        document's size and pages.

    Returns
    -------
    policytext.archive.JobResult
    """
    where = "policytext.dask.tag_files"
    for name in _SET_HERE:
        if name in options:
            raise ParameterError(f"{where}(): {name!r} is set by the Dask helper ({_SET_HERE[name]}); leave it out")
    paths = listed_paths(paths)
    check_params(
        where,
        {**_OPTIONS, "model": model_constraint()},
        {"client": client, "paths": paths, "limits": limits, "timeout": timeout, "context": context, "model": model},
    )
    if timeout is not None:
        warnings.warn(
            f"{where}(): timeout={timeout:g} is not applied on a Dask cluster: tasks run in worker threads, where the "
            "time limit (a SIGALRM timer) cannot be set; documents are read with no time limit",
            UserWarning,
            stacklevel=2,
        )
    clf = resolve_model(model)
    # The workers tag as the job does: with context or without (it was dropped, and they read context always).
    mapper = _mapper(client, clf, limits, context)
    return archive.tag_files(paths, model=clf, limits=limits, timeout=timeout, context=context, mapper=mapper, **options)
