"""libmatch.distributed: a country's pools on a Dask cluster.

    from distributed import Client
    import libmatch, libmatch.distributed as ld
    with Client("tcp://scheduler:8786") as client:
        result = ld.form_groups("pool.csv", client, venues="venues.csv", tiles=8, seed=3)

How it works (docs/distributed.md tells the whole story):
  1. Tiles. The located participants are cut into `tiles` tiles by a k-d
     median cut (each cut across the wider side, in km, at the share of
     people that gives each half its number of tiles). A tile owns its
     participants and the venues inside its rectangle. People without a home
     location (no travel limit: they may join any group) are dealt to the
     tiles by a hash of their id, so each tile gets its share and the deal
     does not depend on the order of the file. A tile also holds a halo:
     the people and venues of other tiles within the largest travel distance
     of its rectangle (the nearest, at most as many as the tile owns), which
     its search may borrow.
  2. Solving. Each tile goes to a worker as msgpack bytes (lm_pool_save_msgpack
     here, lm_pool_load_msgpack_buffer there; never a pickled handle), and
     the worker runs lm_groups_form with one thread and the run's seed
     (ctypes releases the GIL for the call). A killed worker's tile is simply
     run again elsewhere by Dask: a tile is a pure function of its bytes.
  3. Reconciling. Every group of every tile is taken best first (weighted
     score, then tile, then its place in the tile's result): a group whose
     members are all free and whose venue has room in its slot is kept; one
     that lost members to a better group (a halo person placed twice) keeps
     the rest when they still make a group (sizes and roles), else it is
     dissolved. The dissolved, and the unplaced within reach of another
     tile (and the unplaced without a home), get a second pass: one
     lm_groups_form over all of them, with the venues' remaining room.
  4. One result. The kept groups become an lm_grouping of the whole pool
     (slots and venues fixed) scored by lm_groups_evaluate, so scores, CSV
     and JSON are the library's own (the same contracts as `lmatch groups`).
Determinism: the tiles, their bytes, each tile's result and the reconciling
depend on the pool, the options, the seed and the number of tiles only, so
the same bytes come out whatever the number of workers.

Needs Dask (Debian: apt-get install python3-dask python3-distributed); the
rest of libmatch does not.

Command line: python3 -m libmatch.distributed groups POOL [--venues V]
[--seed S] [--workers N | --scheduler tcp://HOST:PORT] [--tiles K]
[-o GROUPS.csv] [--json OUT.json]
"""
import argparse
import csv
import ctypes
import dataclasses
import io
import json
import math
import os
import sys
import tempfile
import warnings
import zlib

try:
    import distributed as _dask_distributed
except ImportError as _error:  # the rest of libmatch works without Dask
    _dask_distributed = None
    _DASK_ERROR = _error

from . import results as _results
from ._handles import owned
from ._lib import api, c_path, lib, text
from ._params import parameters
from .errors import InvalidArgument, check
from .pool import Pool

__all__ = ["form_groups", "form_groups_many", "Tiling", "DEFAULT_TILE_SIZE", "main"]

#: Participants per tile when `tiles` is not given: a tile of this size is
#: solved in seconds, and a pool up to it is one tile (the single-process run).
DEFAULT_TILE_SIZE = 100_000

_KM_PER_DEGREE = 6371.0088 * math.pi / 180.0
_RESULT_P = ctypes.POINTER(api.lm_result)
_GROUPING_P = ctypes.POINTER(api.lm_grouping)


def _require_dask():
    if _dask_distributed is None:
        raise ImportError("libmatch.distributed needs Dask: apt-get install python3-dask "
                          "python3-distributed (%s)" % _DASK_ERROR)


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


# ---- the worker's side ----------------------------------------------------------

def _solve_tile(data, name, options):
    """Runs on a worker: a tile's msgpack bytes in, its groups out as plain
    data (members, slot, venue id, weighted score), in result order."""
    with Pool() as pool:
        pool._checked(lib.lm_pool_load_msgpack_buffer(pool._handle(), name.encode("utf-8"),
                                                      data, len(data), None))
        result = pool.form_groups(**options)
    return [(g.members, g.slot, g.venue, g.score["total"]) for g in result.groups]


# ---- the pool as rows -----------------------------------------------------------

class _Table:
    """The pool as CSV rows (the library's own writer and reader round-trip
    every vector), from which tiles are cut."""

    def __init__(self, pool):
        with tempfile.TemporaryDirectory(prefix="libmatch-dist-") as folder:
            people, venues = os.path.join(folder, "p.csv"), os.path.join(folder, "v.csv")
            pool.save_csv(people)
            with open(people, newline="", encoding="utf-8") as f:
                rows = list(csv.reader(f))
            self.header, self.rows = rows[0], rows[1:]
            self.venue_header, self.venue_rows = ["id", "lat", "lon", "open", "capacity",
                                                  "step_free"], []
            if pool.venue_count:
                pool.save_venues_csv(venues)
                with open(venues, newline="", encoding="utf-8") as f:
                    vrows = list(csv.reader(f))
                self.venue_header, self.venue_rows = vrows[0], vrows[1:]
        column = {name: k for k, name in enumerate(self.header)}
        self.ids = [r[column["id"]] for r in self.rows]
        self.lat = [_number(r[column["lat"]]) for r in self.rows]
        self.lon = [_number(r[column["lon"]]) for r in self.rows]
        self.max_km = [_number(r[column["max_km"]]) for r in self.rows]
        vcolumn = {name: k for k, name in enumerate(self.venue_header)}
        self.venue_ids = [r[vcolumn["id"]] for r in self.venue_rows]
        self.venue_lat = [float(r[vcolumn["lat"]]) for r in self.venue_rows]
        self.venue_lon = [float(r[vcolumn["lon"]]) for r in self.venue_rows]
        self.venue_open = vcolumn["open"]
        self.venue_capacity = vcolumn["capacity"]

    def msgpack(self, name, people, venue_rows):
        """The msgpack bytes of a pool of these people (row indices, in this
        order) and these venue rows, through the library's loaders."""
        text = io.StringIO()
        writer = csv.writer(text, lineterminator="\n")
        writer.writerow(self.header)
        writer.writerows(self.rows[i] for i in people)
        vtext = io.StringIO()
        vwriter = csv.writer(vtext, lineterminator="\n")
        vwriter.writerow(self.venue_header)
        vwriter.writerows(venue_rows)
        data, vdata = text.getvalue().encode("utf-8"), vtext.getvalue().encode("utf-8")
        with Pool() as pool:
            pool._checked(lib.lm_pool_load_csv_buffer(pool._handle(), name.encode("utf-8"),
                                                      data, len(data)))
            if venue_rows:
                pool._checked(lib.lm_pool_load_venues_csv_buffer(
                    pool._handle(), name.encode("utf-8"), vdata, len(vdata)))
            with tempfile.TemporaryDirectory(prefix="libmatch-dist-") as folder:
                path = os.path.join(folder, "tile.lmpool")
                pool.save(path)
                with open(path, "rb") as f:
                    return f.read()


def _number(value):
    return float(value) if value != "" else math.nan


# ---- tiles ---------------------------------------------------------------------

def _km(lat0, lon0, lat1, lon1, lat):
    """The extent of a box in km (north-south, east-west at latitude lat)."""
    return (lat1 - lat0) * _KM_PER_DEGREE, (lon1 - lon0) * _KM_PER_DEGREE * math.cos(
        math.radians(lat))


def _cut(table, people, k, box, out):
    """k-d median cut of located people (row indices) into k tiles; box is
    the tile's rectangle (lat0, lat1, lon0, lon1), open at the outer edges."""
    if k == 1 or len(people) < 2:
        out.append((people, box))
        for _ in range(k - 1):  # more tiles than people: empty tiles
            out.append(([], box))
        return
    lats = [table.lat[i] for i in people]
    lons = [table.lon[i] for i in people]
    north, east = _km(min(lats), min(lons), max(lats), max(lons), sum(lats) / len(lats))
    by_lat = north >= east
    coordinate = table.lat if by_lat else table.lon
    order = sorted(people, key=lambda i: (coordinate[i], i))
    left_k = k // 2
    m = len(order) * left_k // k
    value = coordinate[order[m]]
    left_box, right_box = list(box), list(box)
    if by_lat:
        left_box[1], right_box[0] = value, value
    else:
        left_box[3], right_box[2] = value, value
    _cut(table, sorted(order[:m]), left_k, tuple(left_box), out)
    _cut(table, sorted(order[m:]), k - left_k, tuple(right_box), out)


def _distance_to_box(lat, lon, box):
    """A lower bound on the km from a point to a rectangle (0 inside)."""
    lat0, lat1, lon0, lon1 = box
    dlat = max(lat0 - lat, 0.0, lat - lat1)
    dlon = max(lon0 - lon, 0.0, lon - lon1)
    # east-west degrees are shortest on the parallel nearest the pole: a
    # lower bound, so the halo never misses anyone within reach
    nearest = min(max(lat, lat0), lat1)
    pole = min(max(abs(lat), abs(nearest)), 90.0)
    return math.hypot(dlat * _KM_PER_DEGREE,
                      dlon * _KM_PER_DEGREE * math.cos(math.radians(pole)))


def _halo_km(table, options):
    default = options.get("max_km")
    default = 5.0 if default is None else float(default)
    reach = [m for m in table.max_km if not math.isnan(m) and m > 0]
    return max([default] + reach)


def _tiles(table, count, halo_km):
    """[(owned rows, halo rows, venue rows owned + halo, box)] for count tiles."""
    located = [i for i in range(len(table.rows))
               if not math.isnan(table.lat[i]) and not math.isnan(table.lon[i])]
    homeless = [i for i in range(len(table.rows))
                if math.isnan(table.lat[i]) or math.isnan(table.lon[i])]
    cut = []
    inf = math.inf
    _cut(table, located, count, (-inf, inf, -inf, inf), cut)
    owned_rows = [list(people) for people, _ in cut]
    for i in homeless:
        owned_rows[zlib.crc32(table.ids[i].encode("utf-8")) % count].append(i)
    tile_of = {}
    for t, people in enumerate(owned_rows):
        for i in people:
            tile_of[i] = t
    tiles = []
    for t, (_, box) in enumerate(cut):
        halo = []
        if count > 1:
            near = []
            for i in located:
                if tile_of[i] != t:
                    km = _distance_to_box(table.lat[i], table.lon[i], box)
                    if km <= halo_km:
                        near.append((km, i))
            # at most as many as the tile's own people, the nearest first: a
            # dense city cut into tiles narrower than the travel distance
            # would otherwise put the whole city in every tile
            near.sort()
            halo = sorted(i for _, i in near[:len(owned_rows[t])])
        venues = [v for v in range(len(table.venue_rows))
                  if _distance_to_box(table.venue_lat[v], table.venue_lon[v], box) <= halo_km]
        tiles.append((sorted(owned_rows[t]), halo, venues, box))
    return tiles, tile_of


# ---- one pool's run, in phases (so that many pools share the cluster) ------------

class _Run:
    def __init__(self, pool, name, tiles, seed, options):
        self.pool, self.name = pool, name
        self.options = dict(options, seed=seed, threads=1)
        self.table = _Table(pool)
        self.halo_km = _halo_km(self.table, options)
        n = len(self.table.rows)
        self.count = tiles if tiles is not None else max(1, math.ceil(n / DEFAULT_TILE_SIZE))
        if isinstance(self.count, bool) or not isinstance(self.count, int) or self.count < 1:
            raise InvalidArgument("tiles must be a whole number >= 1, not %r" % (tiles,))
        self.tiles, self.tile_of = _tiles(self.table, self.count, self.halo_km)
        self.tiling = Tiling(tiles=self.count, owned=[len(t[0]) for t in self.tiles],
                             halo=[len(t[1]) for t in self.tiles], halo_km=self.halo_km)
        self.index = {pid: i for i, pid in enumerate(self.table.ids)}
        with parameters(None, **{k: v for k, v in options.items()
                                 if k in ("min_size", "max_size", "min_per_role")}) as params:
            self.min_size = lib.lm_params_get_int(params, api.LM_PARAM_MIN_SIZE)
            self.min_per_role = lib.lm_params_get_int(params, api.LM_PARAM_MIN_PER_ROLE)
        handle = pool._handle()
        self.newcomer = [lib.lm_pool_role(handle, i) == api.LM_NEWCOMER for i in range(n)]
        self.venue_index = {v: k for k, v in enumerate(self.table.venue_ids)}
        self.capacity = [lib.lm_pool_venue_capacity(handle, v)
                         for v in range(len(self.table.venue_ids))]
        self.open_mask = [lib.lm_pool_venue_open_mask(handle, v)
                          for v in range(len(self.table.venue_ids))]

    def submit_tiles(self, client):
        futures = []
        for t, (owned_rows, halo, venues, _) in enumerate(self.tiles):
            name = "%s tile %d" % (self.name, t)
            data = self.table.msgpack(name, owned_rows + halo,
                                      [self.table.venue_rows[v] for v in venues])
            futures.append(_submit(client, data, name, self.options))
        return futures

    def reconcile(self, tile_groups):
        """Keeps the best group of each person; returns the second pass's
        msgpack bytes, or None when there is nobody to give one."""
        candidates = []
        for t, groups in enumerate(tile_groups):
            for g, (members, slot, venue, score) in enumerate(groups):
                rows = [self.index[m] for m in members]
                borrows = any(self.tile_of[i] != t for i in rows)
                candidates.append((borrows, -score, t, g, rows, slot, venue))
        # groups of a tile's own people first: they never conflict but for a
        # venue's room; then the groups that borrow, best first
        candidates.sort(key=lambda c: c[:4])
        self.used = {}
        self.kept, placed, freed = [], set(), set()
        for _, _, t, g, rows, slot, venue in candidates:
            free = [i for i in rows if i not in placed]
            room = venue is None or self.used.get((venue, slot), 0) < self.capacity[
                self.venue_index[venue]]
            if len(free) < len(rows):
                self.tiling.conflicts += 1
                if not room or not self._makes_group(free):
                    self.tiling.dissolved += 1
                    freed.update(free)
                    continue
            elif not room:
                self.tiling.dissolved += 1
                freed.update(free)
                continue
            self.kept.append(((t, g), free, slot, venue))
            placed.update(free)
            if venue is not None:
                self.used[(venue, slot)] = self.used.get((venue, slot), 0) + 1
        # the groups in the order of the tiles' results: one tile gives the
        # single-process result as it is
        self.kept.sort(key=lambda k: k[0])
        if self.count == 1:
            return None
        second = sorted(i for i in range(len(self.table.rows)) if i not in placed and (
            i in freed or self._near_border(i)))
        self.tiling.second_pass = len(second)
        if not second:
            return None
        return self.table.msgpack("%s second pass" % self.name, second, self._room_left())

    def _makes_group(self, rows):
        newcomers = sum(1 for i in rows if self.newcomer[i])
        return (len(rows) >= self.min_size and newcomers >= self.min_per_role
                and len(rows) - newcomers >= self.min_per_role)

    def _near_border(self, i):
        lat, lon = self.table.lat[i], self.table.lon[i]
        if math.isnan(lat) or math.isnan(lon):
            return True  # dealt to a tile by hash: any tile could have placed them
        own = self.tile_of[i]
        return any(_distance_to_box(lat, lon, box) <= self.halo_km
                   for t, (_, _, _, box) in enumerate(self.tiles) if t != own)

    def _room_left(self):
        """Venue rows for the second pass: open only in the slots with room
        left, with the least room left of those as capacity (never more than
        what is left in any slot)."""
        rows = []
        for v, row in enumerate(self.table.venue_rows):
            vid = self.table.venue_ids[v]
            left = {s: self.capacity[v] - self.used.get((vid, s), 0)
                    for s in range(lib.lm_slot_count()) if self.open_mask[v] >> s & 1}
            left = {s: r for s, r in left.items() if r > 0}
            if not left:
                continue
            row = list(row)
            row[self.table.venue_open] = ";".join(
                text(lib.lm_slot_label(s)) for s in sorted(left))
            row[self.table.venue_capacity] = str(min(left.values()))
            rows.append(row)
        return rows

    def add_second_pass(self, groups):
        for g, (members, slot, venue, _) in enumerate(groups):
            self.kept.append(((self.count, g), [self.index[m] for m in members], slot, venue))
            self.tiling.second_pass_placed += len(members)

    def finish(self, csv_path=None, json_path=None):
        """Scores the kept groups with lm_groups_evaluate on the whole pool;
        a group with a violation (none expected) is dissolved and the rest
        scored again."""
        handle = self.pool._handle()
        evaluate_options = {k: v for k, v in self.options.items()
                            if k in ("min_size", "max_size", "min_per_role", "weights",
                                     "language", "max_km")}
        kept = list(self.kept)
        with parameters(None, **evaluate_options) as params:
            while True:
                with owned(lib.lm_grouping_new, lib.lm_grouping_free, _GROUPING_P) as grouping, \
                        owned(lib.lm_result_new, lib.lm_result_free, _RESULT_P) as result:
                    for g, (_, rows, slot, venue) in enumerate(kept):
                        for i in rows:
                            check(lib.lm_grouping_assign(grouping, i, g), grouping)
                        if slot is not None:
                            check(lib.lm_grouping_set_slot(grouping, g, slot), grouping)
                        if venue is not None:
                            check(lib.lm_grouping_set_venue(grouping, g,
                                                            self.venue_index[venue]), grouping)
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
                        bound, _results.gap(bound, total, mu, len(self.table.rows))))
                    if csv_path is not None:
                        check(lib.lm_result_save_csv(result, handle, c_path(csv_path)),
                              result, handle)
                    break
        out.tiling = self.tiling
        if json_path is not None:
            _write_json(json_path, out.to_json_dict())
        return out


def _submit(client, data, name, options):
    with warnings.catch_warnings():
        # the tile's bytes travel with the task on purpose: the scheduler keeps
        # them, so a tile whose worker dies is run again elsewhere
        warnings.simplefilter("ignore")
        return client.submit(_solve_tile, data, name, options, pure=False)


def _write_json(path, document):
    """The JSON of `lmatch groups --json`, written private (0600) and atomic."""
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
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

def _as_pool(pool, venues):
    """(libmatch.Pool, whether we made it) from a Pool, a file, a DataFrame
    or a dask DataFrame."""
    if isinstance(pool, Pool):
        if venues is not None:
            pool.add_venues(venues)
        return pool, False
    if hasattr(pool, "compute") and hasattr(pool, "npartitions"):  # a dask DataFrame
        pool = pool.compute()
    if isinstance(pool, (str, bytes, os.PathLike)):
        made = Pool.from_file(pool)
        try:
            if venues is not None:
                made.add_venues(venues)
        except BaseException:
            made.close()
            raise
        return made, True
    return Pool.from_dataframe(pool, venues=venues), True


def form_groups_many(pools, client, tiles=None, seed=None, venues=None, **options):
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
            handle, ours = _as_pool(pool, pool_venues)
            if ours:
                made.append(handle)
            name = str(pool) if isinstance(pool, (str, os.PathLike)) else "pool %d" % k
            runs.append(_Run(handle, name, tiles, seed, options))
        futures = [run.submit_tiles(client) for run in runs]
        tile_groups = [client.gather(f) for f in futures]
        second = [run.reconcile(groups) for run, groups in zip(runs, tile_groups)]
        second_futures = [None if data is None else _submit(
            client, data, "%s second pass" % run.name, run.options)
            for run, data in zip(runs, second)]
        for run, future in zip(runs, second_futures):
            if future is not None:
                run.add_second_pass(future.result())
        return [run.finish() for run in runs]
    finally:
        for pool in made:
            pool.close()


def form_groups(pool, client, tiles=None, seed=None, venues=None, csv_path=None,
                json_path=None, **options):
    """Forms groups of one pool on a Dask cluster (module docstring).

    pool: a libmatch.Pool, a pool file (CSV, msgpack), a pandas DataFrame or
    a dask DataFrame with the pool CSV's columns; venues: a venues CSV,
    records or DataFrame to add. client: a distributed.Client. tiles: how
    many tiles (default: one per DEFAULT_TILE_SIZE participants). seed and
    the other options (min_size, max_size, min_per_role, weights, effort,
    language, max_km, time_limit) are those of Pool.form_groups(); each tile
    runs on one thread. csv_path / json_path: also write the groups CSV and
    the JSON of `lmatch groups`. Returns a libmatch.Result with `tiling`, a
    Tiling of what the run did."""
    _require_dask()
    handle, ours = _as_pool(pool, venues)
    try:
        name = str(pool) if isinstance(pool, (str, os.PathLike)) else "pool"
        run = _Run(handle, name, tiles, seed, options)
        groups = client.gather(run.submit_tiles(client))
        data = run.reconcile(groups)
        if data is not None:
            run.add_second_pass(_submit(client, data, "%s second pass" % name,
                                        run.options).result())
        return run.finish(csv_path=csv_path, json_path=json_path)
    finally:
        if ours:
            handle.close()


# ---- command line ---------------------------------------------------------------

_USAGE = """\
python3 -m libmatch.distributed groups POOL [--venues V] [--seed S]
       [--workers N | --scheduler tcp://HOST:PORT] [--tiles K] [-o GROUPS.csv] [--json OUT.json]"""


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
                        help="cut the pool into K tiles (default: one per %d participants)"
                        % DEFAULT_TILE_SIZE)
    groups.add_argument("--effort", metavar="E", type=int,
                        help="search rounds per participant, as lmatch groups --effort")
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
    try:
        _require_dask()
    except ImportError as error:
        print("libmatch.distributed: %s" % error, file=sys.stderr)
        return 1
    import logging
    from libmatch import distributed as this  # workers import the functions by this name
    from libmatch.errors import Error
    options = {} if args.effort is None else {"effort": args.effort}
    cluster = None
    try:
        if args.scheduler:
            client = _dask_distributed.Client(args.scheduler)
        else:
            cluster = _dask_distributed.LocalCluster(
                n_workers=args.workers, threads_per_worker=1, processes=True,
                dashboard_address=":0", silence_logs=logging.ERROR)
            client = _dask_distributed.Client(cluster)
        with client:
            result = this.form_groups(args.pool, client, tiles=args.tiles, seed=args.seed,
                                      venues=args.venues, csv_path=args.output,
                                      json_path=args.json, **options)
    except (Error, OSError) as error:
        print("libmatch.distributed: %s" % error, file=sys.stderr)
        return 1
    finally:
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
