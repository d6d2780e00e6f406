"""Records (dicts) and DataFrames as the library's CSV, so that records are
read by exactly the same rules, with the same messages, as files.

Line numbers in messages are those of the CSV: the header is line 1, so
record k (counting from 0) is line k + 2."""
import math


def _is_missing(value):
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    # pandas.NA and pandas.NaT have no truth value and compare as missing.
    kind = type(value).__name__
    return kind in ("NAType", "NaTType")


def cell(value):
    """One value as CSV text: None/NaN empty, booleans yes/no, sequences and
    tag dicts ({tag: level}) joined with ';', floats in the shortest form
    that reads back to the same double."""
    if _is_missing(value):
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return "yes" if value else "no"
    if isinstance(value, dict):
        return ";".join(tag if level is None else "%s:%s" % (tag, _plain_decimal(level))
                        for tag, level in value.items())
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value) if isinstance(value, (set, frozenset)) else value
        return ";".join(cell(item) for item in items)
    if hasattr(value, "__index__"):
        return str(value.__index__())
    if isinstance(value, float) or hasattr(value, "__float__"):
        return repr(float(value))
    return str(value)


def _plain_decimal(level):
    """A tag level as the plain decimal the tag reader takes (no exponent)."""
    if isinstance(level, str):
        return level
    text = repr(float(level))
    if "e" in text or "E" in text:
        text = ("%.19f" % float(level)).rstrip("0").rstrip(".") or "0"
    return text


def quote(text):
    """RFC 4180 quoting, also for surrounding spaces (which the reader trims
    from unquoted fields)."""
    if any(c in text for c in ',"\r\n') or text != text.strip(" \t"):
        return '"' + text.replace('"', '""') + '"'
    return text


def to_csv(records, columns=None):
    """CSV text for a sequence of mappings; the columns are `columns` or the
    keys in order of first appearance."""
    rows = list(records)
    for k, row in enumerate(rows):
        if not hasattr(row, "keys"):
            raise TypeError("record %d is a %s, not a dict" % (k, type(row).__name__))
    if columns is None:
        columns = []
        seen = set()
        for row in rows:
            for key in row.keys():
                if key not in seen:
                    seen.add(key)
                    columns.append(key)
    lines = [",".join(quote(str(c)) for c in columns)]
    for row in rows:
        lines.append(",".join(quote(cell(row.get(c))) for c in columns))
    return "\n".join(lines) + "\n"


def dataframe_to_csv(frame, columns=None):
    """CSV text for a pandas DataFrame (its index is ignored)."""
    if columns is None:
        columns = [str(c) for c in frame.columns]
    names = {str(c): c for c in frame.columns}
    records = []
    for values in frame.itertuples(index=False, name=None):
        row = dict(zip((str(c) for c in frame.columns), values))
        records.append({c: row.get(c) for c in columns if c in names})
    return to_csv(records, [c for c in columns if c in names])


def is_dataframe(value):
    return type(value).__name__ == "DataFrame" and hasattr(value, "itertuples")
