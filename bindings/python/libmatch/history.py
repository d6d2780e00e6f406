"""History and rounds: who met whom in earlier rounds (lm_history), and
several rounds formed at once (lm_rounds_form).

Earlier rounds are given oldest first, each as a Result, a Rounds (every
round of it, in order), a list of groups (each a list of ids or a Group), a
DataFrame with columns group and id (and round), or the path of a groups,
pairs or rounds CSV. People who are no longer in the pool are skipped: they
left the programme."""
import contextlib
import ctypes
import os

from . import _records, results
from ._handles import owned
from ._lib import api, c_path, lib
from ._params import parameters
from .errors import InvalidArgument, check

_HISTORY_P = ctypes.POINTER(api.lm_history)
_RESULT_P = ctypes.POINTER(api.lm_result)


class Rounds(list):
    """The rounds of Pool.rounds(): a list of Result (round 1 first), with
    repeated_pairs, the meetings of pairs beyond their first over the rounds
    and the history given (a meeting in the history counting as one)."""

    def __init__(self, rounds, repeated_pairs):
        super().__init__(rounds)
        self.repeated_pairs = repeated_pairs

    def __repr__(self):
        return "<libmatch.Rounds: %d rounds, %d repeated pairs>" % (len(self),
                                                                     self.repeated_pairs)

    def to_json_dict(self):
        """The dict `json.load` gives for `lmatch rounds --json`."""
        return {"rounds": [r.to_json_dict() for r in self],
                "repeated_pairs": self.repeated_pairs}

    def to_records(self):
        """Result.to_records() of every round, with a first key round (from 1)."""
        return [dict({"round": number}, **row)
                for number, result in enumerate(self, start=1) for row in result.to_records()]

    def to_dataframe(self):
        """to_records() as a pandas DataFrame (the CSV of lmatch rounds -o)."""
        return results._pandas().DataFrame(self.to_records())


def _groups_csv(groups):
    """CSV text (group,id) for a list of groups."""
    records = []
    for number, entry in enumerate(groups, start=1):
        members = entry.members if isinstance(entry, results.Group) else entry
        if isinstance(members, (str, bytes)):
            raise InvalidArgument("a group of a history is a list of ids, not %r" % members)
        records.extend({"group": number, "id": member} for member in members)
    return _records.to_csv(records, ["group", "id"])


def _add(history, pool, entry, name):
    if isinstance(entry, (str, bytes, os.PathLike)):
        check(lib.lm_history_load_csv(history, pool, c_path(entry)), history)
        return
    if isinstance(entry, Rounds):
        for k, result in enumerate(entry):
            _add(history, pool, result, "%s round %d" % (name, k + 1))
        return
    if _records.is_dataframe(entry):
        data = _records.dataframe_to_csv(entry, ["round", "group", "id"])
    elif isinstance(entry, results.Result):
        data = _groups_csv(entry.groups)
    else:
        data = _groups_csv(list(entry))
    data = data.encode("utf-8")
    check(lib.lm_history_load_csv_buffer(history, pool, name.encode("utf-8"), data, len(data)),
          history)


@contextlib.contextmanager
def attached(pool, params, history, no_repeats):
    """Attaches an lm_history built from `history` (None: none) to params
    for the block; yields it (or None)."""
    if no_repeats is not None:
        check(lib.lm_params_set_int(params, api.LM_PARAM_NO_REPEATS, 1 if no_repeats else 0),
              params)
    if history is None:
        yield None
        return
    if isinstance(history, (str, bytes, os.PathLike, results.Result)) or \
            _records.is_dataframe(history):
        history = [history]
    with owned(lib.lm_history_new, lib.lm_history_free, _HISTORY_P) as handle:
        for k, entry in enumerate(history):
            _add(handle, pool, entry, "history[%d]" % k)
        check(lib.lm_params_set_history(params, handle), params)
        yield handle


def note_repeats(out, history, params, result):
    """Sets out.repeated_pairs and out.repeat_penalty (the pairs of a group
    who met in the history, and what they cost; the total leaves them out)."""
    pairs, penalty = ctypes.c_size_t(), ctypes.c_double()
    if history is not None:
        check(lib.lm_history_repeats(history, params, result, ctypes.byref(pairs),
                                     ctypes.byref(penalty)), result)
    out.repeated_pairs = pairs.value
    out.repeat_penalty = penalty.value
    return out


def form_rounds(pool, count, history=None, no_repeats=None, progress=None, **options):
    """Pool.rounds(): lm_rounds_form into a Rounds."""
    if isinstance(count, bool) or not hasattr(count, "__index__") or count < 1:
        raise InvalidArgument("rounds must be a whole number from 1, not %r" % (count,))
    handle = pool._handle()
    with parameters(progress, **options) as params, \
            attached(handle, params, history, no_repeats), \
            contextlib.ExitStack() as stack:
        handles = [stack.enter_context(owned(lib.lm_result_new, lib.lm_result_free, _RESULT_P))
                   for _ in range(count)]
        array = (_RESULT_P * count)(*handles)
        repeated = ctypes.c_size_t()
        check(lib.lm_rounds_form(handle, params, count, array, ctypes.byref(repeated)),
              handles[0], params, handle)
        return Rounds([results.read(handle, r) for r in handles], repeated.value)
