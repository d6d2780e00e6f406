"""Matrix partitioning (the Maximally Diverse Grouping Problem)."""
import ctypes
import dataclasses
import typing

from ._handles import owned
from ._lib import api, lib
from ._params import parameters
from .errors import InvalidArgument, check
from .results import _OPTIMALITY

_RESULT_P = ctypes.POINTER(api.lm_result)


@dataclasses.dataclass
class PartitionResult:
    """The objective (sum of the weights of pairs in the same group), the
    group of each item (assignment[i] in 0..m-1) and how good it is known
    to be."""

    total: float
    assignment: typing.List[int]
    optimality: str = "heuristic"

    @property
    def groups(self):
        """The items of each group, in item order."""
        count = max(self.assignment, default=-1) + 1
        out = [[] for _ in range(count)]
        for item, group in enumerate(self.assignment):
            out[group].append(item)
        return out


def _matrix(weights):
    """(n, a C double array) of a square matrix: a numpy array or nested
    sequences."""
    try:
        import numpy
    except ImportError:
        numpy = None
    if numpy is not None:
        array = numpy.ascontiguousarray(weights, dtype=numpy.float64)
        if array.ndim != 2 or array.shape[0] != array.shape[1]:
            raise InvalidArgument("the weights must be a square matrix, not of shape %s"
                                  % (array.shape,))
        n = array.shape[0]
        return n, (ctypes.c_double * (n * n)).from_buffer_copy(array.tobytes())
    rows = [list(map(float, row)) for row in weights]
    n = len(rows)
    if any(len(row) != n for row in rows):
        raise InvalidArgument("the weights must be a square matrix")
    return n, (ctypes.c_double * (n * n))(*[v for row in rows for v in row])


def partition(weights, bounds, seed=None, threads=None, effort=None, time_limit=None,
              progress=None):
    """Partitions n items into len(bounds) groups, group g holding between
    bounds[g][0] and bounds[g][1] items, maximising the summed weights of
    pairs in the same group (lm_partition_solve). weights is a symmetric
    n x n matrix (numpy array or nested lists; the diagonal is ignored)."""
    n, matrix = _matrix(weights)
    pairs = [tuple(b) for b in bounds]
    if any(len(b) != 2 for b in pairs):
        raise InvalidArgument("bounds must hold one (lower, upper) pair per group")
    m = len(pairs)
    try:
        lower = (ctypes.c_size_t * max(m, 1))(*[int(b[0]) for b in pairs])
        upper = (ctypes.c_size_t * max(m, 1))(*[int(b[1]) for b in pairs])
    except (OverflowError, TypeError) as error:
        raise InvalidArgument("bounds must be whole numbers >= 0: %s" % error) from error
    with parameters(progress, seed=seed, threads=threads, effort=effort,
                    time_limit=time_limit) as params, \
            owned(lib.lm_result_new, lib.lm_result_free, _RESULT_P) as result:
        check(lib.lm_partition_solve(n, m, matrix, lower, upper, params, result), result, params)
        return PartitionResult(
            total=lib.lm_result_total(result),
            assignment=[lib.lm_result_item_group(result, i)
                        for i in range(lib.lm_result_item_count(result))],
            optimality=_OPTIMALITY.get(lib.lm_result_optimality(result), "heuristic"))
