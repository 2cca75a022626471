"""Run :func:`policytext.tag_files` on a Dask cluster (the ``dask`` extra).

Each document is one task. Workers read the documents by path, so the
archive must be visible to them at the same path (a shared or network file
system, as for ``dask.dataframe.read_csv``); the model is sent once to every
worker. Output, summary and plot are written by the calling process exactly
as in a local run.

Example, against a running scheduler::

    from distributed import Client
    client = Client("tcp://scheduler:8786")
    policytext.dask.tag_files(["reports/"], client, output="labels.jsonl")
"""

from . import archive
from .api import resolve_model
from .errors import PolicytextError, extra_needed

__all__ = ["tag_files"]


def _mapper(client, clf, limits, timeout, context):
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
        # Tasks run in worker threads, where the per-document time limit
        # cannot be applied; the cluster's own task limits govern there.
        futures = client.map(archive.tag_document, paths, model=model, limits=limits, timeout=timeout, context=context, pure=False)
        try:
            for future in as_completed(futures):
                yield future.result()
                future.release()
        finally:
            # Also when the job stops early: the tasks before the model
            # they read, so none is left wanting it.
            for future in futures:
                future.release()
            model.release()

    return run


def tag_files(paths, client, model=None, limits=None, timeout=None, **options):
    """Tag an archive with the documents spread over a Dask cluster.

    Parameters
    ----------
    paths : str, Path or list of them
        Files, folders and glob patterns, as for :func:`policytext.tag_files`.
    client : distributed.Client
    model, limits, **options
        As for :func:`policytext.tag_files` (``jobs`` is ignored: the
        cluster decides).

    Returns
    -------
    policytext.archive.JobResult
    """
    clf = resolve_model(model)
    options.pop("jobs", None)
    # The workers tag as the job does: with context or without (it was dropped, and they read context always).
    mapper = _mapper(client, clf, limits, timeout, options.get("context", True))
    return archive.tag_files(paths, model=clf, limits=limits, timeout=timeout, mapper=mapper, **options)
