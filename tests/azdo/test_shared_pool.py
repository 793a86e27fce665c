"""`share_pool` (the class view): facades of several organisations, read from several threads,
send their requests over one pool of kept-alive connections instead of one connection each."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from college_tui.azdo.http import shared_pool


def test_facades_sharing_a_pool_reuse_its_connections(sandbox, connect):
    pool = shared_pool(8)
    facades = [connect(sandbox) for _ in range(6)]
    for azdo in facades:
        azdo.share_pool(pool)
    with ThreadPoolExecutor(3) as threads:  # each facade on another thread, one at a time
        for azdo in facades:
            assert threads.submit(azdo.get_project, "Nope").result() is None
            assert threads.submit(azdo.processes).result()
    (key,) = pool.pools.keys()
    host_pool = pool.pools[key]
    # Six facades, each with its connection, location and core clients, on three threads: the
    # requests went over one kept-alive connection, opened once.
    assert host_pool.num_connections == 1
    assert host_pool.num_requests >= 12
