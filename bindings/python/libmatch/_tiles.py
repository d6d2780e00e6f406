"""The tiles of libmatch.distributed: a pool's msgpack bytes cut per
participant, the k-d cut into tiles, halos, border cells and the second
pass's candidates.

Nothing here talks to Dask; distributed.py runs the tiles. numpy does the
geometry (one pass over arrays, no Python loop over participants but the
one that records where each participant's bytes start), and msgpack (a
dependency of Dask) re-packs the small parts of a tile: its header, venues
and display columns. The participants' own bytes are copied as they are, so
a tile's pool reads back bit for bit what the whole pool holds."""
import csv
import ctypes
import io
import math
import os
import tempfile
import zlib

import msgpack
import numpy as np

from ._lib import lib, text

_KM_PER_DEGREE = 6371.0088 * math.pi / 180.0
#: The distance a participant without max_km may travel (LM_PARAM_DEFAULT_MAX_KM).
DEFAULT_MAX_KM = 5.0


# ---- the pool's bytes ---------------------------------------------------------

class PoolBytes:
    """A pool as lm_pool_save_msgpack() writes it (docs/formats.md, "Pool
    msgpack format"), with the offset of every participant's bytes, so that
    the msgpack of any subset is a header, the participants' slices and
    their venues."""

    def __init__(self, pool):
        with tempfile.TemporaryDirectory(prefix="libmatch-dist-") as folder:
            path = os.path.join(folder, "pool.lmpool")
            pool.save(path)
            with open(path, "rb") as f:
                self.data = f.read()
        self.head = {}
        self.venues, self.columns = [], []
        unpacker = msgpack.Unpacker(io.BytesIO(self.data), raw=False, strict_map_key=False,
                                    max_buffer_size=max(len(self.data), 1 << 20))
        if unpacker.read_array_header() != 3 or unpacker.unpack() != "LMPOOL":
            raise ValueError("not a libmatch pool msgpack")
        self.version = unpacker.unpack()
        offsets = None
        for _ in range(unpacker.read_map_header()):
            key = unpacker.unpack()
            if key == "participants":
                count = unpacker.read_array_header()
                offsets = np.empty(count + 1, dtype=np.int64)
                offsets[0] = unpacker.tell()
                skip, tell = unpacker.skip, unpacker.tell
                for i in range(count):
                    skip()
                    offsets[i + 1] = tell()
            elif key == "venues":
                self.venues = unpacker.unpack()
            elif key == "columns":
                self.columns = unpacker.unpack()
            else:  # taxonomy, slots, and keys a later revision may add
                self.head[key] = unpacker.unpack()
        self.offsets = offsets if offsets is not None else np.zeros(1, dtype=np.int64)

    def __len__(self):
        return len(self.offsets) - 1

    def subset(self, people, venues):
        """The msgpack bytes of a pool of these participants (indices, in
        this order) and these venues (venue lists as in self.venues)."""
        packer = msgpack.Packer(use_bin_type=True)
        parts = [packer.pack_array_header(3), packer.pack("LMPOOL"), packer.pack(self.version),
                 packer.pack_map_header(len(self.head) + 2 + bool(self.columns))]
        for key, value in self.head.items():
            parts += [packer.pack(key), packer.pack(value)]
        parts += [packer.pack("participants"), packer.pack_array_header(len(people))]
        data, offsets = self.data, self.offsets
        starts, ends = offsets[people].tolist(), offsets[np.asarray(people) + 1].tolist()
        parts += [data[s:e] for s, e in zip(starts, ends)]
        parts += [packer.pack("venues"), packer.pack(list(venues))]
        if self.columns:
            parts += [packer.pack("columns"),
                      packer.pack([[name, [values[i] for i in people]]
                                   for name, values in self.columns])]
        return b"".join(parts)


def taxonomy_csv(pool_handle):
    """The pool's taxonomy as a taxonomy CSV (docs/formats.md, "Taxonomy"),
    so that a worker builds the same topics; every topic's key, parent,
    labels and synonyms, in vector order."""
    taxonomy = lib.lm_pool_taxonomy(pool_handle)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["key", "parent", "label_en", "label_nl", "synonyms"])
    keys = [text(lib.lm_taxonomy_topic_key(taxonomy, t))
            for t in range(lib.lm_taxonomy_topic_count(taxonomy))]
    for t, key in enumerate(keys):
        parent = lib.lm_taxonomy_topic_parent(taxonomy, t)
        synonyms = [text(lib.lm_taxonomy_topic_synonym(taxonomy, t, k))
                    for k in range(lib.lm_taxonomy_topic_synonym_count(taxonomy, t))]
        writer.writerow([key, keys[parent] if parent >= 0 else "",
                         text(lib.lm_taxonomy_topic_label_en(taxonomy, t)),
                         text(lib.lm_taxonomy_topic_label_nl(taxonomy, t)), ";".join(synonyms)])
    return out.getvalue().encode("utf-8")


# ---- where people live --------------------------------------------------------

def locations(pool_handle, n):
    """(lat, lon, reach km) arrays of the pool's participants, NaN without a
    location; reach is max_km, or NaN when they gave none."""
    lat, lon, reach = (np.full(n, np.nan) for _ in range(3))
    a, b, c = ctypes.c_double(), ctypes.c_double(), ctypes.c_double()
    ra, rb, rc = ctypes.byref(a), ctypes.byref(b), ctypes.byref(c)
    where = lib.lm_pool_location
    for i in range(n):
        if where(pool_handle, i, ra, rb, rc):
            lat[i], lon[i] = a.value, b.value
            if c.value > 0:
                reach[i] = c.value
    return lat, lon, reach


class Cut:
    """count tiles by a k-d cut of the located participants: each cut goes
    across the wider side of their box (in km), where it leaves each side
    its share of the tiles' people (within SLACK of it) and crosses the
    fewest people within width km of the line, so that tiles part between
    towns, or through the emptiest streets of a city. Tile t is the
    rectangle boxes[t] = (lat0, lat1, lon0, lon1), lower edges in, upper
    edges out; venues belong to the rectangle they lie in."""

    SLACK = 0.05

    def __init__(self, lat, lon, count, width_km):
        self.count, self.width_km = count, width_km
        self.boxes = []
        self.owner = np.zeros(len(lat), dtype=np.int64)
        inf = math.inf
        self._split(np.asarray(lat), np.asarray(lon), np.arange(len(lat)), count,
                    (-inf, inf, -inf, inf))

    def _split(self, lat, lon, people, k, box):
        if k == 1 or len(people) < 2:
            for _ in range(k):  # more tiles than people: empty tiles
                self.owner[people] = len(self.boxes)
                self.boxes.append(box)
            return
        la, lo = lat[people], lon[people]
        mid = float(np.mean(la))
        north = (la.max() - la.min()) * _KM_PER_DEGREE
        east = (lo.max() - lo.min()) * _KM_PER_DEGREE * math.cos(math.radians(mid))
        by_lat = north >= east
        value = la if by_lat else lo
        km = _KM_PER_DEGREE * (1.0 if by_lat else math.cos(math.radians(mid)))
        order = np.lexsort((people, value))
        ordered = value[order]
        left_k = k // 2
        target = len(people) * left_k // k
        slack = int(len(people) * self.SLACK)
        first, last = max(1, target - slack), min(len(people) - 1, target + slack)
        # a cut between ordered[m - 1] and ordered[m]: the people within
        # width of the line, fewest first, then nearest the target share
        m = np.arange(first, last + 1)
        line = (ordered[m - 1] + ordered[m]) / 2
        reach = self.width_km / km
        crossing = (np.searchsorted(ordered, line + reach, side="right") -
                    np.searchsorted(ordered, line - reach, side="left"))
        same = ordered[m - 1] == ordered[m]  # a cut must fall between two values
        crossing = np.where(same, np.iinfo(np.int64).max, crossing)
        best = int(np.lexsort((np.abs(m - target), crossing))[0])
        cut, at = float(line[best]), int(m[best])
        if same[best]:  # everybody at one value: cut by count
            cut, at = float(ordered[target]), target
        left_box, right_box = list(box), list(box)
        if by_lat:
            left_box[1], right_box[0] = cut, cut
        else:
            left_box[3], right_box[2] = cut, cut
        self._split(lat, lon, np.sort(people[order[:at]]), left_k, tuple(left_box))
        self._split(lat, lon, np.sort(people[order[at:]]), k - left_k, tuple(right_box))

    def tile_of(self, lat, lon):
        """The tile whose rectangle holds each point (venues)."""
        out = np.zeros(len(lat), dtype=np.int64)
        for t, (lat0, lat1, lon0, lon1) in enumerate(self.boxes):
            inside = (lat >= lat0) & (lat < lat1) & (lon >= lon0) & (lon < lon1)
            out[inside] = t
        return out


def deal(ids, count):
    """The tile of each participant without a location, by a hash (CRC-32)
    of their id: any tile is as near to them as another, and the deal does
    not depend on the order of the file."""
    return [zlib.crc32(pid.encode("utf-8")) % count for pid in ids]


# ---- cells: who is near another tile -------------------------------------------

class Cells:
    """A grid of square cells at least width km on a side over located
    points: everything within width km of a point lies in its cell or the
    eight around it, so the tiles present there are those within reach."""

    def __init__(self, lat, lon, width_km, poleward_lat):
        self.dlat = width_km / _KM_PER_DEGREE
        # degrees of longitude are shortest on the parallel nearest the pole:
        # cells as wide there are at least as wide everywhere
        self.dlon = width_km / (_KM_PER_DEGREE * max(math.cos(math.radians(poleward_lat)), 1e-6))
        self.keys = self.key(lat, lon)

    def key(self, lat, lon):
        row = np.floor((np.asarray(lat) + 90.0) / self.dlat).astype(np.int64)
        column = np.floor((np.asarray(lon) + 180.0) / self.dlon).astype(np.int64)
        return row * (1 << 32) + column


def near_tiles(cells, tile, points=None):
    """(point, other tile) pairs: each point (index into the cells' keys,
    all of them by default) with every tile other than its own that has a
    point in its cell or the eight around it. Sorted by point, then tile."""
    keys = cells.keys if points is None else cells.keys[points]
    own = tile if points is None else tile[points]
    index = np.arange(len(cells.keys)) if points is None else np.asarray(points)
    count = int(tile.max()) + 1 if len(tile) else 1
    pairs = np.unique(cells.keys * count + tile)  # (cell, tile) as one key, sorted by cell
    cell_of, tile_in = pairs // count, pairs % count
    found = []
    for drow in (-1, 0, 1):
        for dcol in (-1, 0, 1):
            probe = keys + drow * (1 << 32) + dcol
            lo = np.searchsorted(cell_of, probe, side="left")
            hi = np.searchsorted(cell_of, probe, side="right")
            many = hi - lo
            if not many.any():
                continue
            who = np.repeat(np.arange(len(keys)), many)
            first = np.repeat(lo - np.concatenate(([0], np.cumsum(many)[:-1])), many)
            which = tile_in[first + np.arange(len(who))]
            keep = which != own[who]
            found.append(index[who[keep]] * count + which[keep])
    if not found:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    both = np.unique(np.concatenate(found))
    return both // count, both % count


def roles(pool_bytes):
    """Whether each participant is a newcomer, read from the role field of
    their bytes (the uint after the id: docs/formats.md), without a call
    into the library per participant."""
    data = np.frombuffer(pool_bytes.data, dtype=np.uint8)
    start = pool_bytes.offsets[:-1]
    if not len(start):
        return np.zeros(0, dtype=bool)
    head = data[start + 1].astype(np.int64)  # the id's string header
    fix = (head >= 0xA0) & (head <= 0xBF)
    where = np.where(fix, start + 2 + (head & 0x1F), 0)
    str8 = head == 0xD9
    where[str8] = start[str8] + 3 + data[start[str8] + 2]
    if not (fix | str8).all():  # ids are at most 64 bytes: fixstr or str8
        raise ValueError("unexpected id encoding in a pool msgpack")
    return data[where] == 0


def nearest_per_venue(lat, lon, reach, newcomer, free, venue_lat, venue_lon, venue_free,
                      share, width_km, poleward):
    """The people (indices into lat/lon) among the nearest share[v] of each
    role who can reach venue v (distance on the local plane, with 1% to
    spare, against their reach) and are free in one of its slots with room
    (free and venue_free: slot masks, 0 = any), for every venue: the
    candidates of a second pass, as the library's fill lists a few hundred
    per free place."""
    cells = Cells(lat, lon, width_km, poleward)
    order = np.argsort(cells.keys, kind="stable")
    sorted_keys = cells.keys[order]
    venue_keys = cells.key(venue_lat, venue_lon)
    chosen = np.zeros(len(lat), dtype=bool)
    for v in range(len(venue_lat)):
        found = []
        for drow in (-1, 0, 1):
            probe = venue_keys[v] + drow * (1 << 32)
            lo = np.searchsorted(sorted_keys, probe - 1, side="left")
            hi = np.searchsorted(sorted_keys, probe + 1, side="right")
            found.append(order[lo:hi])
        near = np.concatenate(found)
        if not len(near):
            continue
        scale = _KM_PER_DEGREE * math.cos(math.radians(venue_lat[v]))
        km = np.hypot((lat[near] - venue_lat[v]) * _KM_PER_DEGREE,
                      (lon[near] - venue_lon[v]) * scale)
        ok = (km <= reach[near] * 1.01) & ((free[near] == 0) | (free[near] & venue_free[v] != 0))
        near, km = near[ok], km[ok]
        for role in (True, False):
            mine = newcomer[near] == role
            if mine.sum() <= share[v]:
                chosen[near[mine]] = True
            else:
                pick = np.argpartition(km[mine], share[v] - 1)[:share[v]]
                chosen[near[mine][pick]] = True
    return np.flatnonzero(chosen)
