"""Pool: participants and venues, and the calls that group them."""
import ctypes
import os

from . import _records, history as _history, lifecycle as _lifecycle, results
from ._handles import Handle, owned
from ._lib import api, c_path, c_string, lib, text
from ._params import parameters
from .errors import InvalidArgument, NotFound, check

_POOL_P = ctypes.POINTER(api.lm_pool)
_RESULT_P = ctypes.POINTER(api.lm_result)
_GROUPING_P = ctypes.POINTER(api.lm_grouping)
_TAXONOMY_P = ctypes.POINTER(api.lm_taxonomy)
_VECTORS = {"interests": api.LM_INTERESTS, "offers": api.LM_OFFERS, "wants": api.LM_WANTS}


def _is_path(value):
    return isinstance(value, (str, bytes, os.PathLike))


def _bits(mask, count, label):
    return [text(label(i)) for i in range(count) if mask >> i & 1]


class Pool(Handle):
    """Participants and venues (a C lm_pool).

    Build one with from_csv(), from_records(), from_dataframe(), generate(),
    sample() or from_file(); use it in a `with` block or call close() to free
    it at once (otherwise it is freed when collected)."""

    _kind = "pool"

    def __init__(self, taxonomy=None, strict=False):
        """An empty pool over the default taxonomy, or over the topics of a
        taxonomy CSV file. strict: unknown tags are errors, not warnings."""
        pointer = _POOL_P()
        if taxonomy is None:
            check(lib.lm_pool_new(None, ctypes.byref(pointer)))
        else:
            with owned(lib.lm_taxonomy_new, lib.lm_taxonomy_free, _TAXONOMY_P) as tax:
                check(lib.lm_taxonomy_load_file(tax, c_path(taxonomy)), tax)
                check(lib.lm_pool_new(tax, ctypes.byref(pointer)))
        super().__init__(pointer, lib.lm_pool_free)
        if strict:
            self._checked(lib.lm_pool_set_strict(pointer, True))

    # ---- building -------------------------------------------------------------

    @classmethod
    def _build(cls, fill, taxonomy=None, strict=False, venues=None):
        pool = cls(taxonomy=taxonomy, strict=strict)
        try:
            fill(pool)
            if venues is not None:
                pool.add_venues(venues)
        except BaseException:
            pool.close()
            raise
        return pool

    @classmethod
    def from_csv(cls, path, venues=None, strict=False, taxonomy=None):
        """The participants of a pool CSV (docs/formats.md), and the venues of
        venues (a venues CSV path, records or a DataFrame) when given."""
        return cls._build(lambda p: p.load_csv(path), taxonomy, strict, venues)

    @classmethod
    def from_records(cls, records, venues=None, strict=False, taxonomy=None):
        """Participants from dicts keyed by the pool CSV's column names (id,
        role, interests, offers, wants, languages, availability, lat, lon,
        max_km, step_free, host). Lists become ';'-lists, {tag: level} dicts
        tags, booleans yes/no, None and NaN empty. Messages name 'records
        line N', where record k is line k + 2."""
        return cls._build(lambda p: p.load_records(records), taxonomy, strict, venues)

    @classmethod
    def from_dataframe(cls, frame, venues=None, strict=False, taxonomy=None):
        """Participants from a pandas DataFrame with the pool CSV's columns."""
        return cls._build(lambda p: p.load_records(frame), taxonomy, strict, venues)

    @classmethod
    def generate(cls, n, seed=1, venues=0, newcomer_share=None, taxonomy=None):
        """A synthetic city (lmatch gen): n participants around Utrecht's
        districts, newcomer_share of them newcomers (None: 0.3), and venues
        community centres. The same seed gives the same pool."""
        share = -1.0 if newcomer_share is None else float(newcomer_share)

        def fill(pool):
            pool._checked(lib.lm_pool_generate(pool._handle(), _size(n, "n"), share,
                                               _size(venues, "venues"), _u64(seed)))
        return cls._build(fill, taxonomy)

    @classmethod
    def sample(cls):
        """The embedded sample pool (a neighbourhood sign-up list)."""
        return cls._build(lambda p: p._checked(lib.lm_pool_load_sample(p._handle())))

    @classmethod
    def from_file(cls, path, key=None, taxonomy=None):
        """A pool file in any format: CSV, msgpack or encrypted msgpack (which
        needs key, a libmatch.Key)."""
        def fill(pool):
            pool._checked(lib.lm_pool_load_file(pool._handle(), c_path(path),
                                                key._handle() if key is not None else None))
        return cls._build(fill, taxonomy)

    def load_csv(self, path):
        """Appends the participants of a pool CSV (all or nothing)."""
        self._checked(lib.lm_pool_load_csv(self._handle(), c_path(path)))
        return self

    def load_records(self, records, name=None):
        """Appends participants from records or a DataFrame (all or nothing)."""
        data, default_name = _csv_of(records)
        if data == b"\n":
            return self  # no records and no columns: nothing to add
        name = c_string(name or default_name, "name")
        self._checked(lib.lm_pool_load_csv_buffer(self._handle(), name, data, len(data)))
        return self

    def add_venues(self, venues, name=None):
        """Appends venues from a venues CSV path, records (id, lat, lon, open,
        capacity, step_free) or a DataFrame (all or nothing)."""
        if _is_path(venues):
            self._checked(lib.lm_pool_load_venues_csv(self._handle(), c_path(venues)))
        else:
            data, default_name = _csv_of(venues, "venues")
            self._checked(lib.lm_pool_load_venues_csv_buffer(
                self._handle(), c_string(name or default_name, "name"), data, len(data)))
        return self

    def save_csv(self, path):
        """Writes the participants as a pool CSV (atomically)."""
        self._checked(lib.lm_pool_save_csv(self._handle(), c_path(path)))

    def save_venues_csv(self, path):
        self._checked(lib.lm_pool_save_venues_csv(self._handle(), c_path(path)))

    def save(self, path, key=None):
        """Writes the pool as msgpack, encrypted when key is a libmatch.Key."""
        self._checked(lib.lm_pool_save_msgpack(self._handle(), c_path(path),
                                               key._handle() if key is not None else None))

    # ---- reading ---------------------------------------------------------------

    def __len__(self):
        return lib.lm_pool_size(self._handle())

    def __repr__(self):
        if self.closed:
            return "<libmatch.Pool (closed)>"
        return "<libmatch.Pool: %d participants, %d venues>" % (len(self), self.venue_count)

    @property
    def ids(self):
        handle = self._handle()
        return [text(lib.lm_pool_id(handle, i)) for i in range(lib.lm_pool_size(handle))]

    @property
    def venue_count(self):
        return lib.lm_pool_venue_count(self._handle())

    @property
    def venue_ids(self):
        handle = self._handle()
        return [text(lib.lm_pool_venue_id(handle, v)) for v in range(self.venue_count)]

    @property
    def topics(self):
        """The keys of the pool's taxonomy, in topic order."""
        taxonomy = lib.lm_pool_taxonomy(self._handle())
        return [text(lib.lm_taxonomy_topic_key(taxonomy, t))
                for t in range(lib.lm_taxonomy_topic_count(taxonomy))]

    @property
    def warnings(self):
        """(line, column, message) of each warning collected while loading."""
        handle = self._handle()
        return [(lib.lm_pool_warning_line(handle, k), text(lib.lm_pool_warning_column(handle, k)),
                 text(lib.lm_pool_warning_message(handle, k)))
                for k in range(lib.lm_pool_warning_count(handle))]

    @property
    def columns(self):
        """The display columns (name, phone, notes, ...): every column of a
        pool CSV that is not one of the model's, in the order first seen."""
        handle = self._handle()
        return [text(lib.lm_pool_column_name(handle, c))
                for c in range(lib.lm_pool_column_count(handle))]

    def display(self, participant_id):
        """{column: value} of a participant's non-empty display columns."""
        handle, index = self._handle(), self.index(participant_id)
        values = {}
        for c, name in enumerate(self.columns):
            value = text(lib.lm_pool_column_value(handle, index, c))
            if value:
                values[name] = value
        return values

    def set_display(self, participant_id, column, value):
        """Sets one display value ('' clears it), adding the column if new."""
        self._checked(lib.lm_pool_set_column(self._handle(), self.index(participant_id),
                                             c_string(column, "column"),
                                             c_string(value or "", "value")))

    def name(self, participant_id):
        """The value of the name column ('name' or 'naam'), '' without one."""
        return text(lib.lm_pool_name(self._handle(), self.index(participant_id)))

    @property
    def duplicates(self):
        """(id, id, reason) of each pair of rows that look like one person
        signed up twice; lmatch never places such a pair in one group."""
        handle = self._handle()
        pairs = []
        for k in range(lib.lm_pool_duplicate_count(handle)):
            first, second = ctypes.c_size_t(), ctypes.c_size_t()
            check(lib.lm_pool_duplicate(handle, k, ctypes.byref(first), ctypes.byref(second)))
            pairs.append((text(lib.lm_pool_id(handle, first.value)),
                          text(lib.lm_pool_id(handle, second.value)),
                          text(lib.lm_pool_duplicate_reason(handle, k))))
        return pairs

    def index(self, participant_id):
        """The index of a participant; NotFound for an unknown id."""
        found = ctypes.c_size_t()
        status = lib.lm_pool_find(self._handle(), c_string(participant_id, "id"),
                                  ctypes.byref(found))
        if status == api.LM_E_NOTFOUND:
            raise NotFound("unknown participant '%s'" % participant_id)
        check(status)
        return found.value

    def vector(self, participant_id, vector="interests"):
        """{topic key: level} of one of a participant's vectors (levels > 0)."""
        if vector not in _VECTORS:
            raise InvalidArgument("vector must be interests, offers or wants, not %r" % vector)
        handle, index = self._handle(), self.index(participant_id)
        levels = {}
        for t, key in enumerate(self.topics):
            value = lib.lm_pool_value(handle, index, _VECTORS[vector], t)
            if value:
                levels[key] = value
        return levels

    def participant(self, participant_id):
        """One participant as a dict of plain values."""
        return self._participant(self._handle(), self.index(participant_id))

    @staticmethod
    def _participant(handle, i):
        lat, lon, max_km = ctypes.c_double(), ctypes.c_double(), ctypes.c_double()
        located = lib.lm_pool_location(handle, i, ctypes.byref(lat), ctypes.byref(lon),
                                       ctypes.byref(max_km))
        return {
            "id": text(lib.lm_pool_id(handle, i)),
            "role": "newcomer" if lib.lm_pool_role(handle, i) == api.LM_NEWCOMER else "resident",
            "languages": _bits(lib.lm_pool_language_mask(handle, i), lib.lm_language_count(),
                               lib.lm_language_code),
            "availability": _bits(lib.lm_pool_availability_mask(handle, i), lib.lm_slot_count(),
                                  lib.lm_slot_label),
            "lat": lat.value if located else None,
            "lon": lon.value if located else None,
            "max_km": max_km.value if located and max_km.value > 0 else None,
            "step_free": bool(lib.lm_pool_step_free(handle, i)),
            "host": bool(lib.lm_pool_host(handle, i)),
            "line": lib.lm_pool_line(handle, i),
        }

    def to_records(self):
        handle = self._handle()
        return [self._participant(handle, i) for i in range(lib.lm_pool_size(handle))]

    def to_dataframe(self):
        """One row per participant (id, role, languages, availability, lat,
        lon, max_km, step_free, host, line)."""
        return results._pandas().DataFrame(self.to_records())

    # ---- solving ----------------------------------------------------------------

    def form_groups(self, seed=None, threads=None, min_size=None, max_size=None,
                    min_per_role=None, weights=None, effort=None, time_limit=None,
                    language=None, max_km=None, progress=None, history=None, no_repeats=None,
                    history_decay=None, together=None, apart=None, pin=None, exclude=None,
                    constraints=None, keep=None, reshuffle=None):
        """Forms mixed, equal-role groups (lm_groups_form). Parameters left at
        None keep the library's defaults (seed 1, threads 1, sizes 4..6, 2 per
        role, effort 20, language on, max_km 5). weights: {name: value} with
        names theme, shared, exchange, cohost, balance, unassigned (or alpha,
        beta, gamma, eta, lambda, mu). progress: True for a bar or a line, or
        a callable (best_total, elapsed, fraction) returning True to cancel.
        history: earlier rounds, oldest first (libmatch.history explains the
        forms); a pair who met there costs the weight 'repeat' (default 10)
        when they meet again, times history_decay^(age - 1), or never meets
        again with no_repeats. The result then has repeated_pairs and
        repeat_penalty; its total stays the objective without them.
        together, apart, pin, exclude, constraints, keep, reshuffle:
        coordinator constraints and continuing groups (libmatch.lifecycle)."""
        lifecycle = dict(together=together, apart=apart, pin=pin, exclude=exclude,
                         constraints=constraints, keep=keep, reshuffle=reshuffle)
        return self._solve(lib.lm_groups_form, progress, lifecycle=lifecycle, seed=seed,
                           threads=threads,
                           min_size=min_size, max_size=max_size, min_per_role=min_per_role,
                           weights=weights, effort=effort, time_limit=time_limit,
                           language=language, max_km=max_km, history=history,
                           no_repeats=no_repeats, history_decay=history_decay)

    def match_pairs(self, weights=None, language=None, max_km=None, candidates=None,
                    seed=None, threads=None, time_limit=None, progress=None, history=None,
                    no_repeats=None, history_decay=None, together=None, apart=None,
                    exclude=None, constraints=None):
        """Newcomer-resident buddy pairs, solved exactly (lm_pairs_match);
        result.optimality says whether over all pairs or the candidate graph
        (candidates partners per person, 0/None: decided by size). history,
        no_repeats, history_decay: as for form_groups(); a second round never
        repeats a pair when a matching without repeats places as many.
        together (sets of two), apart, exclude, constraints: as for
        form_groups()."""
        lifecycle = dict(together=together, apart=apart, exclude=exclude,
                         constraints=constraints, pairs=True)
        return self._solve(lib.lm_pairs_match, progress, lifecycle=lifecycle, weights=weights,
                           language=language,
                           max_km=max_km, candidates=candidates, seed=seed, threads=threads,
                           time_limit=time_limit, history=history, no_repeats=no_repeats,
                           history_decay=history_decay)

    def rounds(self, count, history=None, no_repeats=None, progress=None, **options):
        """count rounds of groups at once (lm_rounds_form), with as few pairs
        as possible meeting twice (over the rounds and the history): a
        libmatch.history.Rounds, a list of Result with repeated_pairs. Other
        keyword options are those of form_groups()."""
        return _history.form_rounds(self, count, history=history, no_repeats=no_repeats,
                                    progress=progress, **options)

    def _solve(self, solver, progress, history=None, no_repeats=None, lifecycle=None,
               **options):
        handle = self._handle()
        with parameters(progress, **options) as params, \
                owned(lib.lm_result_new, lib.lm_result_free, _RESULT_P) as result, \
                _history.attached(handle, params, history, no_repeats) as met, \
                _lifecycle.attached(self, params, **(lifecycle or {})):
            check(solver(handle, params, result), result, params, handle)
            out = _history.note_repeats(results.read(handle, result), met, params, result)
            return _lifecycle.mark(out, result)

    def evaluate(self, groups, min_size=None, max_size=None, min_per_role=None, weights=None,
                 language=None, max_km=None, together=None, apart=None, pin=None,
                 exclude=None, constraints=None, keep=None):
        """Scores a grouping made by hand and lists every violated constraint
        (lm_groups_evaluate). groups is a list of groups, each a list of ids, a
        dict {members, slot, venue} or a Group (slot and venue then fixed); a
        Result; a DataFrame with columns group and id (optionally slot, venue,
        role), such as Result.to_dataframe(); or the path of a groups CSV.
        together, apart, pin, exclude, constraints, keep: each broken one is
        a violation of its kind (libmatch.lifecycle)."""
        handle = self._handle()
        with owned(lib.lm_grouping_new, lib.lm_grouping_free, _GROUPING_P) as grouping:
            self._fill_grouping(grouping, groups)
            with parameters(None, min_size=min_size, max_size=max_size,
                            min_per_role=min_per_role, weights=weights, language=language,
                            max_km=max_km) as params, \
                    owned(lib.lm_result_new, lib.lm_result_free, _RESULT_P) as result, \
                    _lifecycle.attached(self, params, together=together, apart=apart, pin=pin,
                                        exclude=exclude, constraints=constraints, keep=keep):
                check(lib.lm_groups_evaluate(handle, params, grouping, result),
                      result, grouping, params, handle)
                # how far it is from the best any grouping could do (as lmatch eval)
                bound = self._bound(params)
                mu = lib.lm_params_get_double(params, api.LM_PARAM_MU)
                total = lib.lm_result_total(result)
                return results.read(handle, result, evaluated=True,
                                    bound=(bound, results.gap(bound, total, mu, len(self))))

    def bound(self, min_size=None, max_size=None, min_per_role=None, weights=None,
              language=None, max_km=None):
        """An upper bound on the total of every grouping of the pool that
        keeps the hard constraints under these parameters (lm_groups_bound):
        no form_groups() result can exceed it."""
        with parameters(None, min_size=min_size, max_size=max_size,
                        min_per_role=min_per_role, weights=weights, language=language,
                        max_km=max_km) as params:
            return self._bound(params)

    def _bound(self, params):
        handle = self._handle()
        value = ctypes.c_double()
        status = lib.lm_groups_bound(handle, params, ctypes.byref(value))
        if status == api.LM_E_INFEASIBLE:
            lib.lm_params_check(params)  # puts the reason on params
        check(status, params, handle)
        return value.value

    def _fill_grouping(self, grouping, groups):
        handle = self._handle()
        if _is_path(groups):
            check(lib.lm_grouping_load_csv(grouping, handle, c_path(groups)), grouping)
            return
        if _records.is_dataframe(groups):
            data = _records.dataframe_to_csv(groups, ["group", "id", "role", "slot", "venue"])
            data = data.encode("utf-8")
            check(lib.lm_grouping_load_csv_buffer(grouping, handle, b"dataframe", data,
                                                  len(data)), grouping)
            return
        if isinstance(groups, results.Result):
            groups = groups.groups
        venues = None
        for g, entry in enumerate(groups):
            members, slot, venue = _group_entry(entry)
            for member in members:
                check(lib.lm_grouping_assign(grouping, self.index(member), g), grouping)
            if slot is not None:
                check(lib.lm_grouping_set_slot(grouping, g, _slot_index(slot)), grouping)
            if venue is not None:
                if venues is None:
                    venues = {v: k for k, v in enumerate(self.venue_ids)}
                if venue not in venues:
                    raise NotFound("unknown venue '%s'" % venue)
                check(lib.lm_grouping_set_venue(grouping, g, venues[venue]), grouping)

    def _checked(self, status):
        try:
            check(status, self._pointer)
        except Exception as error:
            # Every mistake of a load that failed (lm_pool_error_message),
            # warnings of that load among them, in line order.
            handle = self._pointer
            error.errors = [text(lib.lm_pool_error_message(handle, k))
                            for k in range(lib.lm_pool_error_count(handle))]
            raise


def _group_entry(entry):
    if isinstance(entry, results.Group):
        return entry.members, entry.slot, entry.venue
    if isinstance(entry, dict):
        return entry["members"], entry.get("slot"), entry.get("venue")
    if isinstance(entry, (str, bytes)):
        raise InvalidArgument("a group must be a list of ids, not the string %r" % (entry,))
    return list(entry), None, None


def _slot_index(slot):
    if isinstance(slot, str):
        found = ctypes.c_size_t()
        if lib.lm_slot_find(slot.encode("utf-8"), ctypes.byref(found)) != api.LM_OK:
            raise NotFound("unknown slot '%s'" % slot)
        return found.value
    return _size(slot, "slot")


def _csv_of(records, default="records"):
    if _records.is_dataframe(records):
        return _records.dataframe_to_csv(records).encode("utf-8"), "dataframe"
    if isinstance(records, (str, bytes)):
        raise TypeError("expected records (a list of dicts) or a DataFrame")
    return _records.to_csv(records).encode("utf-8"), default


def _size(value, name):
    if isinstance(value, bool) or not hasattr(value, "__index__") or value.__index__() < 0:
        raise InvalidArgument("%s must be a whole number >= 0, not %r" % (name, value))
    return value.__index__()


def _u64(value):
    value = _size(value, "seed")
    if value >= 2 ** 64:
        raise InvalidArgument("seed must be below 2**64")
    return value
