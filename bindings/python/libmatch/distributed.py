"""libmatch.distributed: a country's pools on a Dask cluster.

    from distributed import Client
    import libmatch, libmatch.distributed as ld
    with Client("tcp://scheduler:8786") as client:
        result = ld.form_groups("pool.csv", client, venues="venues.csv", tiles=4, seed=3)

How it works (docs/distributed.md tells the whole story):
  1. Tiles. The located participants are cut into `tiles` tiles by a k-d
     cut (_tiles.Cut: across the wider side, at each side's share of the
     people within 5%, on the line the fewest people live near). A tile owns
     its participants and the venues inside its rectangle. People without a
     home location are dealt to the tiles by a hash of their id. With `halo`
     a tile also borrows the nearest people of other tiles, at most that
     share of its own (default none: on a dense city halos cost more than
     they give).
  2. Solving. Each tile goes to a worker as msgpack bytes (the participants'
     bytes of lm_pool_save_msgpack as they are, under a new header; never a
     pickled handle) with the pool's taxonomy as a taxonomy CSV, and the
     worker runs lm_groups_form with the run's seed and `threads` threads
     (ctypes releases the GIL for the call). A killed worker's tile is simply
     run again elsewhere by Dask: a tile is a pure function of its bytes.
  3. Reconciling. The groups of a tile's own people are kept (tiles share
     no venue); a group that borrows keeps the members its owners did not
     place, when they still make a group (sizes and roles), else it is
     dissolved. Then a second pass: one lm_groups_form over the unplaced
     near another tile, the dissolved and the homeless (with venues, the
     nearest 200 of each role to every free place), with the room left.
  4. One result. The kept groups become an lm_grouping of the whole pool
     (slots and venues fixed) scored by lm_groups_evaluate, so scores, CSV
     and JSON are the library's own (the same contracts as `lmatch groups`).
Determinism: the tiles, their bytes, each tile's result and the reconciling
depend on the pool, the options, the seed and the number of tiles only, so
the same bytes come out whatever the number of workers (or threads).

Needs Dask and numpy (Debian: apt-get install python3-dask
python3-distributed python3-numpy); the rest of libmatch does not.

Command line: python3 -m libmatch.distributed groups POOL [--venues V]
[--seed S] [--workers N | --scheduler tcp://HOST:PORT] [--tiles K]
[-o GROUPS.csv] [--json OUT.json] [--taxonomy FILE] [--halo F] [--threads T]
[--effort E] [--max-km K] [--timings]
"""
import argparse
import concurrent.futures
import ctypes
import dataclasses
import json
import math
import os
import sys
import tempfile
import time
import warnings

try:  # the rest of libmatch works without Dask (and numpy, which tiles are cut with)
    import distributed as _dask_distributed
    import numpy as np
    from . import _tiles
except ImportError as _error:
    _dask_distributed = None
    _DASK_ERROR = _error

from . import results as _results
from ._handles import owned
from ._lib import api, c_path, lib, text
from ._params import parameters
from .errors import InvalidArgument, check
from .pool import Pool

__all__ = ["form_groups", "form_groups_many", "Tiling", "DEFAULT_TILE_SIZE", "main"]

#: A pool up to this size is one tile when `tiles` is not given (the
#: single-process run, byte for byte): it is solved in seconds.
DEFAULT_TILE_SIZE = 100_000
#: Larger pools get one tile per worker thread of the cluster (fewer, larger
#: tiles lose less at their borders), and at least one per this many people.
MAX_TILE_SIZE = 1_000_000

#: Threads of each tile's lm_groups_form (LM_PARAM_THREADS) when `threads`
#: is not given: the result does not depend on it.
DEFAULT_THREADS = 2
#: The share of a tile's own people its halo may hold when `halo` is not given.
DEFAULT_HALO = 0.0
#: The second pass takes, for each free place (venue and slot) left after
#: the tiles, this many of each role among the nearest unplaced who can reach it.
SECOND_PASS_PER_PLACE = 200
_RESULT_P = ctypes.POINTER(api.lm_result)
_GROUPING_P = ctypes.POINTER(api.lm_grouping)


def _require_dask():
    if _dask_distributed is None:
        raise ImportError("libmatch.distributed needs Dask: apt-get install python3-dask "
                          "python3-distributed python3-numpy (%s)" % _DASK_ERROR)


@dataclasses.dataclass
class Tiling:
    """What a distributed run did, for logs and benchmarks (result.tiling)."""
    tiles: int
    owned: list          # participants owned by each tile
    halo: list           # participants borrowed by each tile
    halo_km: float       # the largest travel distance, the halo's width
    conflicts: int = 0   # groups that lost members to a better group
    dissolved: int = 0   # of those, groups dissolved
    second_pass: int = 0  # people given the second pass
    second_pass_placed: int = 0
    seconds: dict = dataclasses.field(default_factory=dict)  # wall time of each phase


def _default_tiles(n, cluster_threads):
    if n <= DEFAULT_TILE_SIZE:
        return 1
    return max(1, cluster_threads, math.ceil(n / MAX_TILE_SIZE))


def _cluster_threads(client):
    try:
        return max(1, sum(client.nthreads().values()))
    except (AttributeError, TypeError):  # not a distributed.Client: one tile per MAX_TILE_SIZE
        return 1


# ---- the worker's side ----------------------------------------------------------

def _solve_tile(data, name, taxonomy, options):
    """Runs on a worker: a tile's msgpack bytes in (over the pool's own
    taxonomy, sent as a taxonomy CSV), its groups out as plain data: (members
    as indices into the tile, slot, venue index in the tile or -1, weighted
    score), in result order."""
    with tempfile.TemporaryDirectory(prefix="libmatch-tile-") as folder:
        path = os.path.join(folder, "taxonomy.csv")
        with open(path, "wb") as f:
            f.write(taxonomy)
        pool = Pool(taxonomy=path)
    with pool:
        handle = pool._handle()
        pool._checked(lib.lm_pool_load_msgpack_buffer(handle, name.encode("utf-8"), data,
                                                      len(data), None))
        with parameters(None, **options) as params, \
                owned(lib.lm_result_new, lib.lm_result_free, _RESULT_P) as result:
            check(lib.lm_groups_form(handle, params, result), result, params, handle)
            member, size = lib.lm_result_group_member, lib.lm_result_group_size
            return [([member(result, g, k) for k in range(size(result, g))],
                     lib.lm_result_group_slot(result, g), lib.lm_result_group_venue(result, g),
                     lib.lm_result_group_score(result, g, api.LM_TERM_TOTAL))
                    for g in range(lib.lm_result_group_count(result))]


# ---- one pool's run, in phases (so that many pools share the cluster) ------------

class _Run:
    def __init__(self, pool, name, tiles, seed, options, halo, threads, cluster_threads=1):
        clock = time.monotonic()
        self.pool, self.name = pool, name
        self.options = dict(options, seed=seed, threads=threads or DEFAULT_THREADS)
        handle = pool._handle()
        n = self.n = lib.lm_pool_size(handle)
        self.count = tiles if tiles is not None else _default_tiles(n, cluster_threads)
        if isinstance(self.count, bool) or not isinstance(self.count, int) or self.count < 1:
            raise InvalidArgument("tiles must be a whole number >= 1, not %r" % (tiles,))
        if isinstance(halo, bool) or not isinstance(halo, (int, float)) or not 0 <= halo <= 1:
            raise InvalidArgument("halo must be a share of a tile's people in [0, 1], not %r"
                                  % (halo,))
        self.bytes = _tiles.PoolBytes(pool)
        self.taxonomy = _tiles.taxonomy_csv(handle)
        self.lat, self.lon, reach = _tiles.locations(handle, n)
        self.reach = reach
        self.newcomer = _tiles.roles(self.bytes)
        default_km = options.get("max_km")
        default_km = _tiles.DEFAULT_MAX_KM if default_km is None else float(default_km)
        self.default_km = default_km
        self.halo_km = max([default_km] + ([float(np.nanmax(reach))]
                                           if np.isfinite(reach).any() else []))
        self.located = np.flatnonzero(np.isfinite(self.lat) & np.isfinite(self.lon))
        homeless = np.flatnonzero(~(np.isfinite(self.lat) & np.isfinite(self.lon)))
        self.cut = _tiles.Cut(self.lat[self.located], self.lon[self.located], self.count,
                              default_km)
        self.tile = np.zeros(n, dtype=np.int64)
        self.tile[self.located] = self.cut.owner
        self.homeless = homeless
        self.tile[homeless] = _tiles.deal([text(lib.lm_pool_id(handle, int(i)))
                                           for i in homeless], self.count)
        venues = self.bytes.venues
        self.venue_ids = [v[0] for v in venues]
        self.venue_index = {v: k for k, v in enumerate(self.venue_ids)}
        self.venue_lat = np.array([v[1] for v in venues], dtype=float)
        self.venue_lon = np.array([v[2] for v in venues], dtype=float)
        self.open_mask = [v[3] for v in venues]
        self.capacity = [v[4] for v in venues]
        self.venue_tile = self.cut.tile_of(self.venue_lat, self.venue_lon)
        self.poleward = float(np.max(np.abs(self.lat[self.located]))) if len(
            self.located) else 0.0
        self.border = np.zeros(n, dtype=bool)
        halo_rows = [np.zeros(0, dtype=np.int64)] * self.count
        if self.count > 1 and len(self.located):
            halo_rows = self._halos(halo)
        self.people = []
        for t in range(self.count):
            owned_rows = np.flatnonzero(self.tile == t)
            self.people.append(np.concatenate([owned_rows, halo_rows[t]]))
        self.tiling = Tiling(tiles=self.count,
                             owned=[int(np.sum(self.tile == t)) for t in range(self.count)],
                             halo=[len(h) for h in halo_rows], halo_km=self.halo_km)
        with parameters(None, **{k: v for k, v in options.items()
                                 if k in ("min_size", "max_size", "min_per_role")}) as params:
            self.min_size = lib.lm_params_get_int(params, api.LM_PARAM_MIN_SIZE)
            self.min_per_role = lib.lm_params_get_int(params, api.LM_PARAM_MIN_PER_ROLE)
        self.tiling.seconds["tiles"] = time.monotonic() - clock

    def _halos(self, share):
        """The people near another tile (self.border), and each tile's halo:
        the people of other tiles within the halo's width of its people, at
        most share x its own people; a tile whose halo would hold more takes
        a narrower one (half the width, and so on), so the nearest come
        first. Returns the halo rows of each tile, sorted."""
        located, tile = self.located, self.tile[self.located]
        cells = _tiles.Cells(self.lat[located], self.lon[located], self.halo_km,
                             self.poleward)
        point, other = _tiles.near_tiles(cells, tile)
        self.border[located[point]] = True
        owned_count = np.bincount(tile, minlength=self.count)
        cap = np.floor(share * owned_count).astype(np.int64)
        halos = [np.zeros(0, dtype=np.int64)] * self.count
        pending = np.ones(self.count, dtype=bool)
        width = self.halo_km
        while True:
            found = np.bincount(other, minlength=self.count)
            fits = pending & (found <= cap)
            last = width < 0.05
            for t in np.flatnonzero(fits | (pending & last)):
                mine = located[point[other == t]]
                halos[t] = np.sort(mine[:cap[t]])
            pending &= ~fits
            if last or not pending.any() or not cap[pending].any():
                return halos
            width /= 2
            cells = _tiles.Cells(self.lat[located], self.lon[located], width, self.poleward)
            ask = np.unique(point[pending[other]])
            point, other = _tiles.near_tiles(cells, tile, ask)
            keep = pending[other]
            point, other = point[keep], other[keep]

    def submit_tiles(self, client):
        self._clock = time.monotonic()
        futures = []
        for t in range(self.count):
            name = "%s tile %d" % (self.name, t)
            venues = np.flatnonzero(self.venue_tile == t)
            self._tile_venues = getattr(self, "_tile_venues", []) + [venues]
            data = self.bytes.subset(self.people[t], [self.bytes.venues[v] for v in venues])
            futures.append(_submit(client, data, name, self.taxonomy, self.options))
        return futures

    def reconcile(self, tile_groups):
        """Keeps the best group of each person; returns the second pass's
        pieces (msgpack bytes each), none when nobody needs one."""
        self.tiling.seconds["solve"] = time.monotonic() - self._clock
        clock = time.monotonic()
        candidates = []
        for t, groups in enumerate(tile_groups):
            people, venues = self.people[t], self._tile_venues[t]
            for g, (members, slot, venue, score) in enumerate(groups):
                rows = people[members]
                borrows = bool(np.any(self.tile[rows] != t))
                candidates.append((borrows, -score, t, g, rows.tolist(), slot,
                                   int(venues[venue]) if venue >= 0 else -1))
        # groups of a tile's own people first: they never conflict (tiles
        # share no venue); then the groups that borrow, best first
        candidates.sort(key=lambda c: c[:4])
        slots = lib.lm_slot_count()
        self.used = np.zeros((len(self.venue_ids), slots), dtype=np.int64)
        self.kept = []
        placed = np.zeros(self.n, dtype=bool)
        freed = np.zeros(self.n, dtype=bool)
        for borrows, _, t, g, rows, slot, venue in candidates:
            if borrows:
                free = [i for i in rows if not placed[i]]
                if len(free) < len(rows):
                    self.tiling.conflicts += 1
                    if not self._makes_group(free):
                        self.tiling.dissolved += 1
                        freed[free] = True
                        continue
                rows = free
            self.kept.append(((t, g), rows, slot, venue))
            placed[rows] = True
            if venue >= 0:
                self.used[venue, slot] += 1
        # the groups in the order of the tiles' results: one tile gives the
        # single-process result as it is
        self.kept.sort(key=lambda k: k[0])
        pieces = [] if self.count == 1 else self._second_pass(placed, freed)
        self.tiling.seconds["reconcile"] = time.monotonic() - clock
        return pieces

    def _makes_group(self, rows):
        newcomers = int(self.newcomer[rows].sum())
        return (len(rows) >= self.min_size and newcomers >= self.min_per_role
                and len(rows) - newcomers >= self.min_per_role)

    def _second_pass(self, placed, freed):
        """The second pass: the unplaced who were freed, live near another
        tile or have no home (with venues: the nearest few of each role to
        every venue with room left), with the venues' room left. Returns its
        msgpack bytes in a list (empty when nobody needs it)."""
        want = ~placed & (freed | self.border)
        want[self.homeless] = ~placed[self.homeless]
        room = None
        if len(self.venue_ids):
            slots = self.used.shape[1]
            is_open = np.array([[m >> s & 1 for s in range(slots)] for m in self.open_mask],
                               dtype=bool).reshape(len(self.venue_ids), slots)
            room = np.where(is_open, np.array(self.capacity)[:, None] - self.used, 0)
            with_room = np.flatnonzero(room.max(axis=1) > 0)
            if not len(with_room):
                return []
            # the nearest few of each role to every venue with room (as the
            # library's fill lists them): in a dense city everybody unplaced
            # is near a border, and nearly all of them near no free place
            located = self.located[want[self.located]]
            share = SECOND_PASS_PER_PLACE * room[with_room].sum(axis=1)
            reach = np.where(np.isfinite(self.reach[located]), self.reach[located],
                             self.default_km)
            mask = lib.lm_pool_availability_mask
            handle = self.pool._handle()
            free = np.array([mask(handle, int(i)) for i in located], dtype=np.uint64)
            venue_free = (room[with_room] > 0) @ (np.uint64(1) << np.arange(
                room.shape[1], dtype=np.uint64))
            near = _tiles.nearest_per_venue(
                self.lat[located], self.lon[located], reach, self.newcomer[located], free,
                self.venue_lat[with_room], self.venue_lon[with_room], venue_free, share,
                self.halo_km, self.poleward)
            want[located] = False
            want[located[near]] = True
        second = np.flatnonzero(want)
        self.tiling.second_pass = len(second)
        if not len(second):
            return []
        self._second_people = [second]
        self._second_venues = [np.zeros(0, dtype=np.int64) if room is None else with_room]
        rows = []
        for v in self._second_venues[0]:
            row = list(self.bytes.venues[v])
            left = room[v]
            row[3] = int(sum(1 << s for s in range(len(left)) if left[s] > 0))
            row[4] = int(left[left > 0].min())
            rows.append(row)
        return [self.bytes.subset(second, rows)]

    def submit_second(self, client, pieces):
        self._clock = time.monotonic()
        return [_submit(client, data, "%s second pass %d" % (self.name, p), self.taxonomy,
                        self.options) for p, data in enumerate(pieces)]

    def add_second_pass(self, piece_groups):
        for p, groups in enumerate(piece_groups):
            people, venues = self._second_people[p], self._second_venues[p]
            for g, (members, slot, venue, _) in enumerate(groups):
                rows = people[members].tolist()
                self.kept.append(((self.count + p, g), rows, slot,
                                  int(venues[venue]) if venue >= 0 else -1))
                self.tiling.second_pass_placed += len(rows)
        self.tiling.seconds["second_pass"] = time.monotonic() - self._clock

    def finish(self, csv_path=None, json_path=None):
        """Scores the kept groups with lm_groups_evaluate on the whole pool;
        a group with a violation (none expected) is dissolved and the rest
        scored again."""
        clock = time.monotonic()
        handle = self.pool._handle()
        evaluate_options = {k: v for k, v in self.options.items()
                            if k in ("min_size", "max_size", "min_per_role", "weights",
                                     "language", "max_km")}
        kept = list(self.kept)
        assign, set_slot, set_venue = (lib.lm_grouping_assign, lib.lm_grouping_set_slot,
                                       lib.lm_grouping_set_venue)
        with parameters(None, **evaluate_options) as params:
            while True:
                with owned(lib.lm_grouping_new, lib.lm_grouping_free, _GROUPING_P) as grouping, \
                        owned(lib.lm_result_new, lib.lm_result_free, _RESULT_P) as result:
                    for g, (_, rows, slot, venue) in enumerate(kept):
                        for i in rows:
                            status = assign(grouping, i, g)
                            if status:
                                check(status, grouping)
                        if slot is not None and slot >= 0:
                            check(set_slot(grouping, g, slot), grouping)
                        if venue >= 0:
                            check(set_venue(grouping, g, venue), grouping)
                    check(lib.lm_groups_evaluate(handle, params, grouping, result),
                          result, grouping, params, handle)
                    broken = {lib.lm_result_violation_group(result, k)
                              for k in range(lib.lm_result_violation_count(result))}
                    if broken:
                        kept = [k for g, k in enumerate(kept) if g not in broken]
                        self.tiling.dissolved += len(broken)
                        continue
                    bound = self.pool._bound(params)
                    mu = lib.lm_params_get_double(params, api.LM_PARAM_MU)
                    total = lib.lm_result_total(result)
                    out = _results.read(handle, result, bound=(
                        bound, _results.gap(bound, total, mu, self.n)))
                    if csv_path is not None:
                        check(lib.lm_result_save_csv(result, handle, c_path(csv_path)),
                              result, handle)
                    break
        out.tiling = self.tiling
        if json_path is not None:
            _write_json(json_path, out.to_json_dict())
        self.tiling.seconds["finish"] = time.monotonic() - clock
        return out


def _submit(client, data, name, taxonomy, options):
    with warnings.catch_warnings():
        # the tile's bytes travel with the task on purpose: the scheduler keeps
        # them, so a tile whose worker dies is run again elsewhere
        warnings.simplefilter("ignore")
        return client.submit(_solve_tile, data, name, taxonomy, options, pure=False)


def _json_text(document):
    """The JSON of `lmatch groups --json`: each group and each unassigned
    person on a line of their own, written by json's C encoder (an indented
    dump of a million people takes the pure-Python one, ten times slower)."""
    lines = []
    for key, value in document.items():
        head = json.dumps(key, ensure_ascii=False) + ": "
        if isinstance(value, list) and value:
            lines.append(head + "[\n    " + ",\n    ".join(
                json.dumps(item, ensure_ascii=False) for item in value) + "\n  ]")
        else:
            lines.append(head + json.dumps(value, ensure_ascii=False))
    return "{\n  " + ",\n  ".join(lines) + "\n}\n"


def _write_json(path, document):
    """The JSON of `lmatch groups --json`, written private (0600) and atomic."""
    text = _json_text(document)
    if path == "-":
        sys.stdout.write(text)
        return
    folder = os.path.dirname(os.path.abspath(path))
    fd, temporary = tempfile.mkstemp(prefix=".libmatch-", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


# ---- the calls ------------------------------------------------------------------

def _as_pool(pool, venues, taxonomy):
    """(libmatch.Pool, whether we made it) from a Pool, a file, a DataFrame
    or a dask DataFrame; taxonomy: a taxonomy CSV for the pools we read (a
    Pool keeps its own)."""
    if isinstance(pool, Pool):
        if venues is not None:
            pool.add_venues(venues)
        return pool, False
    if hasattr(pool, "compute") and hasattr(pool, "npartitions"):  # a dask DataFrame
        pool = pool.compute()
    if isinstance(pool, (str, bytes, os.PathLike)):
        made = Pool.from_file(pool, taxonomy=taxonomy)
        try:
            if venues is not None:
                made.add_venues(venues)
        except BaseException:
            made.close()
            raise
        return made, True
    return Pool.from_dataframe(pool, venues=venues, taxonomy=taxonomy), True


def _run_all(runs, client):
    """Runs pools' tiles on the cluster together, then their second passes
    together."""
    futures = [run.submit_tiles(client) for run in runs]
    pieces = [run.reconcile(client.gather(f)) for run, f in zip(runs, futures)]
    second = [run.submit_second(client, p) for run, p in zip(runs, pieces)]
    for run, f in zip(runs, second):
        run.add_second_pass(client.gather(f))


def form_groups_many(pools, client, tiles=None, seed=None, venues=None, taxonomy=None,
                     halo=None, threads=None, **options):
    """form_groups() for many independent pools at once (one per city, say):
    every tile of every pool is on the cluster together. pools: a list of
    pools (each as form_groups() takes it); venues: None or a list, one
    entry per pool. Returns the list of results, in the order of pools."""
    _require_dask()
    venues = [None] * len(pools) if venues is None else list(venues)
    if len(venues) != len(pools):
        raise InvalidArgument("venues needs one entry per pool")
    made, runs = [], []
    try:
        for k, (pool, pool_venues) in enumerate(zip(pools, venues)):
            handle, ours = _as_pool(pool, pool_venues, taxonomy)
            if ours:
                made.append(handle)
            name = str(pool) if isinstance(pool, (str, os.PathLike)) else "pool %d" % k
            runs.append(_Run(handle, name, tiles, seed, options,
                             DEFAULT_HALO if halo is None else halo, threads,
                             _cluster_threads(client)))
        _run_all(runs, client)
        return [run.finish() for run in runs]
    finally:
        for pool in made:
            pool.close()


def form_groups(pool, client, tiles=None, seed=None, venues=None, csv_path=None,
                json_path=None, taxonomy=None, halo=None, threads=None, **options):
    """Forms groups of one pool on a Dask cluster (module docstring).

    pool: a libmatch.Pool (its taxonomy goes with every tile), a pool file
    (CSV, msgpack), a pandas DataFrame or a dask DataFrame with the pool
    CSV's columns; taxonomy: a taxonomy CSV to read those with; venues: a
    venues CSV, records or DataFrame to add. client: a distributed.Client.
    tiles: how many tiles (default: one up to DEFAULT_TILE_SIZE participants,
    else one per worker thread of the cluster and at least one per
    MAX_TILE_SIZE; the same bytes come out for the same number of tiles).
    halo: the share of a tile's own people it may borrow from its
    neighbours (default DEFAULT_HALO). threads: the threads of each tile's
    solve (default DEFAULT_THREADS; the result does not depend on it). seed
    and the other options (min_size, max_size, min_per_role, weights, effort,
    language, max_km, time_limit) are those of Pool.form_groups().
    csv_path / json_path: also write the groups CSV and the JSON of `lmatch
    groups`. Returns a libmatch.Result with `tiling`, a Tiling of what the
    run did."""
    _require_dask()
    handle, ours = _as_pool(pool, venues, taxonomy)
    try:
        name = str(pool) if isinstance(pool, (str, os.PathLike)) else "pool"
        run = _Run(handle, name, tiles, seed, options,
                   DEFAULT_HALO if halo is None else halo, threads, _cluster_threads(client))
        _run_all([run], client)
        return run.finish(csv_path=csv_path, json_path=json_path)
    finally:
        if ours:
            handle.close()


# ---- command line ---------------------------------------------------------------

_USAGE = """\
python3 -m libmatch.distributed groups POOL [--venues V] [--seed S]
       [--workers N | --scheduler tcp://HOST:PORT] [--tiles K] [-o GROUPS.csv] [--json OUT.json]
       [--taxonomy FILE] [--halo F] [--threads T] [--effort E] [--max-km K] [--timings]"""


def _parser():
    parser = argparse.ArgumentParser(
        prog="python3 -m libmatch.distributed", usage=_USAGE,
        description="Forms groups as `lmatch groups` does, with the pool cut into spatial "
                    "tiles solved on a Dask cluster (docs/distributed.md). The outputs are "
                    "those of `lmatch groups`; the same seed and number of tiles give the "
                    "same bytes whatever the number of workers.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="groups")
    groups = commands.add_parser("groups", usage=_USAGE, help="form groups on a cluster")
    groups.add_argument("pool", metavar="POOL", help="the pool: CSV or msgpack file")
    groups.add_argument("--venues", metavar="V", help="a venues CSV")
    groups.add_argument("--seed", metavar="S", type=int, default=1,
                        help="the random seed of every tile (default 1)")
    where = groups.add_mutually_exclusive_group()
    where.add_argument("--workers", metavar="N", type=int, default=2,
                       help="start a local cluster of N worker processes (default 2)")
    where.add_argument("--scheduler", metavar="tcp://HOST:PORT",
                       help="use a running Dask scheduler instead of a local cluster")
    groups.add_argument("--tiles", metavar="K", type=int,
                        help="cut the pool into K tiles (default: one up to %d participants, "
                        "else one per worker thread, at least one per %d; the same K gives "
                        "the same bytes on any cluster)" % (DEFAULT_TILE_SIZE, MAX_TILE_SIZE))
    groups.add_argument("--halo", metavar="F", type=float,
                        help="a tile may borrow up to F x its own people from the tiles "
                             "around it, the nearest first (0 to 1, default %g)" % DEFAULT_HALO)
    groups.add_argument("--threads", metavar="T", type=int,
                        help="threads of each tile's solve (default %d; the result does "
                             "not depend on it)" % DEFAULT_THREADS)
    groups.add_argument("--taxonomy", metavar="FILE",
                        help="topics from a taxonomy CSV instead of the default, as lmatch "
                             "groups --taxonomy (every tile gets them)")
    groups.add_argument("--effort", metavar="E", type=int,
                        help="search rounds per participant, as lmatch groups --effort")
    groups.add_argument("--max-km", metavar="K", type=float,
                        help="travel distance for who gives none (default 5), as lmatch "
                             "groups --max-km")
    groups.add_argument("--timings", action="store_true",
                        help="print the wall time of each phase on standard error")
    groups.add_argument("-o", "--output", metavar="GROUPS.csv", help="write the groups CSV")
    groups.add_argument("--json", metavar="OUT.json",
                        help="write the JSON result ('-' for standard output)")
    return parser


def main(argv=None):
    parser = _parser()
    args = parser.parse_args(argv)
    if args.workers is not None and args.workers < 1:
        parser.error("--workers must be at least 1")
    if args.tiles is not None and args.tiles < 1:
        parser.error("--tiles must be at least 1")
    if not 0 <= args.seed < 2 ** 64:
        parser.error("--seed must be in [0, 2**64)")
    if args.halo is not None and not 0 <= args.halo <= 1:
        parser.error("--halo must be between 0 and 1")
    if args.threads is not None and args.threads < 1:
        parser.error("--threads must be at least 1")
    if args.max_km is not None and not args.max_km > 0:
        parser.error("--max-km must be more than 0")
    try:
        _require_dask()
    except ImportError as error:
        print("libmatch.distributed: %s" % error, file=sys.stderr)
        return 1
    import logging
    from libmatch import distributed as this  # workers import the functions by this name
    from libmatch.errors import Error
    options = {k: v for k, v in (("effort", args.effort), ("max_km", args.max_km),
                                 ("halo", args.halo), ("threads", args.threads),
                                 ("taxonomy", args.taxonomy)) if v is not None}
    taxonomy = options.pop("taxonomy", None)
    cluster = None
    # the pool loads (the library releases the GIL) while the cluster starts
    loader = concurrent.futures.ThreadPoolExecutor(1)
    loading = loader.submit(this._as_pool, args.pool, args.venues, taxonomy)
    try:
        if args.scheduler:
            client = _dask_distributed.Client(args.scheduler)
        else:
            cluster = _dask_distributed.LocalCluster(
                n_workers=args.workers, threads_per_worker=1, processes=True,
                dashboard_address=":0", silence_logs=logging.ERROR)
            client = _dask_distributed.Client(cluster)
        with client:
            pool, _ = loading.result()
            with pool:
                result = this.form_groups(pool, client, tiles=args.tiles, seed=args.seed,
                                          csv_path=args.output, json_path=args.json,
                                          **options)
    except (Error, OSError) as error:
        print("libmatch.distributed: %s" % error, file=sys.stderr)
        return 1
    finally:
        if loading.done() and loading.exception() is None:
            loading.result()[0].close()  # when the cluster failed before the pool was used
        loader.shutdown()
        if cluster is not None:
            cluster.close()
    if args.output is None and args.json is None or args.json != "-":
        placed = sum(g.size for g in result.groups)
        print("%d groups, %d of %d placed, total %.6f (%d tiles, %d conflicts, "
              "second pass %d of %d placed)" % (
                  len(result.groups), placed, placed + len(result.unassigned), result.total,
                  result.tiling.tiles, result.tiling.conflicts,
                  result.tiling.second_pass_placed, result.tiling.second_pass),
              file=sys.stderr if args.output or args.json else sys.stdout)
    if args.timings:
        print("phases (s): %s" % ", ".join("%s %.2f" % item
                                            for item in result.tiling.seconds.items()),
              file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
