"""Tag documents in worker processes: the pool behind ``policytext tag --jobs N``.

:func:`in_workers` hands the documents out in small tasks to a pool of
processes and yields each document's finished result as its task returns.
What a worker does with a document (tag it, count it, encode its records)
is the job's ``finish``, given by :mod:`policytext.archive`; this module
only runs the pool so that no failure of a worker hangs or silently
shortens the job:

- workers are forked with the model loaded where the platform can fork,
  so starting them costs nearly nothing;
- a task's results come back through a file in a private folder, and only
  its name through the pool's pipes;
- workers ignore Ctrl-C (the parent stops the job and waits for the tasks
  running), and exit when the parent dies;
- a worker that dies ends the job with an error naming the documents in hand.
"""

import itertools
import os
import pickle
import shutil
import signal
import tempfile
import threading
import time

from .errors import PolicytextError, mention
from .records import named_few, shown

__all__ = ["cores", "in_workers", "worker_count"]

#: Documents a worker takes at a time: fewer messages between processes,
#: and its engine scores their sentences together.
_TASK_DOCS = 8
#: Tasks handed out ahead per worker, so that none waits for its next.
_AHEAD = 2
#: Documents an error names at most.
_NAMED = 20


def cores():
    """The cores this process may run on: more workers than these only cost memory."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def worker_count(n_jobs):
    """Workers for ``n_jobs`` as joblib reads it (-1: every core), never more than the cores:
    more only cost memory (each holds its own documents and scores)."""
    if n_jobs >= 1:
        # joblib gives a positive count as it is: importing it to be told so
        # was 50 ms of the serial start of every job.
        return min(n_jobs, cores())
    from joblib import effective_n_jobs

    return min(effective_n_jobs(n_jobs), cores())


def in_workers(paths, workers, job):
    """Tag ``paths`` in ``workers`` processes, yielding each document's result as its task finishes.

    ``job`` is ``(model, tag, finish)``: ``tag(paths, model=...)`` yields a
    result per document (:func:`policytext.archive.tag_documents` with the
    job's options), and ``finish(result, model)`` is what a worker does with
    each before sending it back. Where processes
    can be forked (Linux), the workers start as copies of this process with
    the model loaded and its engine built, so starting them costs nearly
    nothing and the engine's tables are shared; elsewhere each loads the
    model from its folder.

    A task's results travel through a file in a private folder, and only
    its name through the pool's pipes: a worker killed while it writes a
    message of megabytes to a pipe leaves the pool waiting forever for the
    rest, while a file name goes in one atomic write.
    """
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    clf = job[0]
    if "fork" in multiprocessing.get_all_start_methods():
        start = multiprocessing.get_context("fork")
    else:
        start = multiprocessing.get_context()
        job = (clf.metadata.get("path") or clf, *job[1:])
    # Small archives in tasks of one document, so every worker has some.
    size = max(1, min(_TASK_DOCS, len(paths) // (workers * _AHEAD)))
    tasks = (paths[i : i + size] for i in range(0, len(paths), size))
    stop = start.Event()  # set when the job stops early: tasks already handed out return at once
    spool = tempfile.mkdtemp(prefix="policytext-tasks-")
    pool = ProcessPoolExecutor(workers, mp_context=start, initializer=_start_worker, initargs=(os.getpid(), stop, spool, job))
    pending = {}
    finished = False
    try:
        while True:
            for task in itertools.islice(tasks, workers * _AHEAD - len(pending)):
                pending[pool.submit(_tag_task, task)] = task
            if not pending:
                break
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                pending.pop(future)
                yield from _task_results(future.result())
        finished = True
    except BrokenProcessPool:
        # Every task in hand fails with it: which one killed the worker is not known.
        held = [shown(str(path)) for path in itertools.chain.from_iterable(pending.values())]
        raise PolicytextError(
            f"a worker process ended abruptly (killed, or out of memory?) while tagging one of {named_few(held, most=_NAMED)}; "
            f"the output keeps every document written before: run again with {mention('resume')}",
            mentions={"resume": True},
        ) from None
    finally:
        # Stopped early (Ctrl-C, an error, or the caller stopped reading),
        # the tasks not begun are dropped and those a worker holds end at
        # once; the tasks running finish. The workers are waited for all
        # the same: forked, they share the output's open file and so its
        # lock, which must be free when the job returns.
        if not finished:
            stop.set()
        pool.shutdown(wait=True, cancel_futures=True)
        shutil.rmtree(spool, ignore_errors=True)


def _task_results(name):
    """The results a worker wrote to ``name`` (in the job's private folder), which is then removed."""
    with open(name, "rb") as f:
        results = pickle.load(f)
    os.remove(name)
    return results


#: What a worker process tags with, set when it starts: (stop, spool folder, model, tag, finish).
_worker_job = None


def _start_worker(parent, stop, spool, job):
    """Set up a worker process: its job, Ctrl-C left to the parent, and a thread that ends it when ``parent`` dies.

    Ctrl-C reaches the whole process group. A worker interrupted while it
    passes a message to or from the parent leaves the pool's queues locked
    or half-written, and the parent waits forever; so workers ignore it, and
    the parent, interrupted, sets ``stop`` and waits for the tasks running.

    A parent killed with SIGKILL runs no clean-up, and its workers would go
    on tagging for as long as their tasks last; the thread sees the parent
    gone (the worker is re-parented) and exits at once.
    """
    global _worker_job
    from .api import resolve_model

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    model, *rest = job
    _worker_job = (stop, spool, resolve_model(model), *rest)
    threading.Thread(target=_exit_when_orphaned, args=(parent, spool), daemon=True).start()


def _tag_task(paths):
    """Tag a task's documents; returns the name of the file holding their finished results."""
    stop, spool, clf, tag, finish = _worker_job
    results = [] if stop.is_set() else [finish(result, clf) for result in tag(paths, model=clf)]
    fd, name = tempfile.mkstemp(dir=spool, suffix=".pickle")
    with open(fd, "wb") as f:
        pickle.dump(results, f, protocol=pickle.HIGHEST_PROTOCOL)
    return name


def _exit_when_orphaned(parent, spool, every=0.5):
    while os.getppid() == parent:
        time.sleep(every)
    shutil.rmtree(spool, ignore_errors=True)  # the parent, killed, could not
    os._exit(70)  # EX_SOFTWARE; nobody is left to read it
