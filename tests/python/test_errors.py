"""Each status code maps to its exception, which carries the library's
message; real failures of the library raise them."""
import ctypes

import pytest

import libmatch
from libmatch import api, errors
from conftest import TINY, run_lmatch

CODES = [
    (-1, "LM_E_NOMEM", libmatch.NoMemory, MemoryError),
    (-2, "LM_E_INVALID", libmatch.InvalidArgument, ValueError),
    (-3, "LM_E_PARSE", libmatch.ParseError, ValueError),
    (-4, "LM_E_IO", libmatch.IOError, OSError),
    (-5, "LM_E_INFEASIBLE", libmatch.Infeasible, None),
    (-6, "LM_E_NOTFOUND", libmatch.NotFound, LookupError),
    (-7, "LM_E_CANCELLED", libmatch.Cancelled, None),
    (-8, "LM_E_TOO_LARGE", libmatch.TooLarge, None),
    (-9, "LM_E_CRYPTO", libmatch.CryptoError, None),
    (-10, "LM_E_FORMAT", libmatch.FormatError, None),
    (-11, "LM_E_DUPLICATE", libmatch.DuplicateId, None),
]


@pytest.mark.parametrize("code,name,cls,builtin", CODES)
def test_every_status_has_its_class(code, name, cls, builtin):
    assert getattr(api, name) == code
    error = errors.error_for(code)
    assert type(error) is cls and isinstance(error, libmatch.Error)
    assert error.code == code and error.status == api.lm_status(code)
    assert error.status.name == name
    assert str(error) == error.message == libmatch.lib.lm_strerror(code).decode()
    if builtin is not None:
        assert isinstance(error, builtin)
    detailed = errors.error_for(code, "pool.csv line 3: why")
    assert str(detailed) == "pool.csv line 3: why" and detailed.code == code
    assert cls.__module__ == "libmatch" and getattr(libmatch, cls.__name__) is cls


def test_all_codes_covered():
    codes = {m.value for m in api.lm_status if m.value != api.LM_OK}
    assert codes == {c[0] for c in CODES}
    unknown = errors.error_for(-99, "later")
    assert type(unknown) is libmatch.Error and unknown.code == -99


def test_missing_file_is_an_io_error(tmp_path):
    missing = tmp_path / "nowhere" / "pool.csv"
    with pytest.raises(libmatch.Error) as caught:
        libmatch.Pool.from_csv(missing)
    assert isinstance(caught.value, libmatch.IOError)
    assert isinstance(caught.value, OSError)
    assert str(missing) in str(caught.value)
    assert str(caught.value) == "cannot read '%s': No such file or directory" % missing


def test_bad_csv_line_is_a_parse_error(tmp_path, lmatch):
    path = tmp_path / "pool.csv"
    path.write_text("id,role\na,newcomer\nb,teacher\n")
    with pytest.raises(libmatch.ParseError) as caught:
        libmatch.Pool.from_csv(path)
    expected = ("%s line 3, column 'role': unknown role 'teacher' "
                "(newcomer, resident, nieuwkomer, bewoner)" % path)
    assert str(caught.value) == expected
    # The CLI reports the same text.
    done = run_lmatch(lmatch, "inspect", path, check=False)
    assert done.returncode != 0 and expected in done.stderr


def test_record_errors_name_the_record_line():
    with pytest.raises(libmatch.DuplicateId) as caught:
        libmatch.Pool.from_records([{"id": "a", "role": "newcomer"},
                                    {"id": "a", "role": "resident"}])
    assert str(caught.value) == "records line 3, column 'id': duplicate id 'a' (first on line 2)"
    with pytest.raises(libmatch.NotFound) as caught:
        libmatch.Pool.from_records([{"id": "a", "role": "newcomer", "languages": "nl;xx"}])
    assert str(caught.value) == "records line 2, column 'languages': unknown language 'xx'"
    with pytest.raises(libmatch.ParseError, match="^records line 1: missing required column "
                                                  "'role'"):
        libmatch.Pool.from_records([{"id": "a"}])


def test_infeasible_parameters(tiny, tmp_path, lmatch):
    with pytest.raises(libmatch.Infeasible) as caught:
        tiny.form_groups(min_size=5, max_size=4)
    assert str(caught.value) == "min_size 5 is larger than max_size 4"
    path = tmp_path / "tiny.csv"
    tiny.save_csv(path)
    done = run_lmatch(lmatch, "groups", path, "--min-size", 5, "--max-size", 4, check=False)
    assert done.returncode != 0 and str(caught.value) in done.stderr
    with pytest.raises(libmatch.Infeasible):
        libmatch.partition([[0, 1], [1, 0]], [(3, 3)])


def test_invalid_arguments(tiny):
    with pytest.raises(libmatch.InvalidArgument, match="^threads must be in 1..256, not 0$"):
        tiny.form_groups(threads=0)
    with pytest.raises(libmatch.InvalidArgument,
                       match=r"^newcomer share must be in \[0,1\] \(negative: the default\)$"):
        libmatch.Pool.generate(10, newcomer_share=2)
    with pytest.raises(libmatch.InvalidArgument, match="^unknown weight 'zeta'"):
        tiny.form_groups(weights={"zeta": 1})
    with pytest.raises(libmatch.InvalidArgument, match="must be a whole number"):
        tiny.form_groups(min_size=4.5)
    with pytest.raises(TypeError):
        tiny.form_groups(colour="red")


def test_too_large():
    with pytest.raises(libmatch.TooLarge, match="^at most 100000000 participants"):
        libmatch.Pool.generate(10 ** 9)


def test_crypto_and_format_errors(tiny, tmp_path):
    key = libmatch.Key.from_passphrase("right")
    tiny.save(tmp_path / "pool.lmp", key=key)
    with pytest.raises(libmatch.CryptoError) as caught:
        libmatch.Pool.from_file(tmp_path / "pool.lmp", key=libmatch.Key.from_passphrase("wrong"))
    assert str(caught.value).startswith("'%s': wrong key or damaged file" % (tmp_path /
                                                                              "pool.lmp"))
    # A result file is not a pool.
    result = ctypes.POINTER(api.lm_result)()
    assert libmatch.lib.lm_result_new(ctypes.byref(result)) == 0
    try:
        path = str(tmp_path / "result.lmr").encode()
        assert libmatch.lib.lm_result_save_msgpack(result, None, path, None) == 0
    finally:
        libmatch.lib.lm_result_free(result)
    with pytest.raises(libmatch.FormatError) as caught:
        libmatch.Pool.from_file(tmp_path / "result.lmr")
    assert str(caught.value) == "'%s' is a result file, not a pool" % (tmp_path / "result.lmr")


def test_cancelled(tiny):
    with pytest.raises(libmatch.Cancelled) as caught:
        tiny.form_groups(progress=lambda best, elapsed, fraction: True)
    assert str(caught.value) == "cancelled by the progress callback"


def test_no_memory_maps():
    # The library cannot be made to run out of memory from here; the C tests
    # inject allocation failures. The mapping itself is checked above.
    error = errors.error_for(api.LM_E_NOMEM)
    with pytest.raises(MemoryError):
        raise error


def test_check_uses_the_first_message():
    with libmatch.Pool.from_records(TINY) as pool:
        handle = pool._handle()
        with pytest.raises(libmatch.NotFound) as caught:
            errors.check(api.LM_E_NOTFOUND, None, handle)
        # A pool without a failure has no message: the static text is used.
        assert str(caught.value) == libmatch.lib.lm_strerror(api.LM_E_NOTFOUND).decode()
    errors.check(api.LM_OK)
