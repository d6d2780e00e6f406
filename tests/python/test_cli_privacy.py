"""Privacy and persistence in the lmatch tool: keygen, convert between CSV,
msgpack and encrypted msgpack, pseudonyms, and refusing wrong keys and
damaged files. Runs the built binary ($LMATCH) as a subprocess."""
import csv
import io
import json
import os
import re
import stat
import subprocess

import pytest

LMATCH = os.environ.get("LMATCH", "lmatch")
PSEUDONYM = re.compile(r"^ps-[0-9a-f]{32}$")


def run(*args, check=None):
    result = subprocess.run([LMATCH, *map(str, args)], capture_output=True, text=True,
                            encoding="utf-8", timeout=300)
    if check is not None:
        assert result.returncode == check, (result.returncode, result.stdout[-2000:],
                                            result.stderr[-2000:])
    return result


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def city(tmp_path):
    """A generated pool with venues, as CSV files."""
    pool, venues = tmp_path / "pool.csv", tmp_path / "venues.csv"
    run("gen", "--participants", 60, "--venues", 3, "--venues-out", venues, "--seed", 5,
        "-o", pool, check=0)
    return pool, venues


@pytest.fixture
def key(tmp_path):
    path = tmp_path / "k.key"
    run("keygen", "-o", path, check=0)
    return path


def ids_of(pool_csv):
    with open(pool_csv, encoding="utf-8", newline="") as f:
        return [row["id"] for row in csv.DictReader(f)]


# ---- keygen -----------------------------------------------------------------


def test_keygen_writes_a_private_key_and_refuses_to_overwrite(tmp_path):
    path = tmp_path / "k.key"
    run("keygen", "-o", path, check=0)
    assert mode(path) == 0o600
    text = path.read_text()
    assert re.fullmatch(r"libmatch-key-v1 [0-9a-f]{64}\n", text)
    refused = run("keygen", "-o", path, check=1)
    assert "exists" in refused.stderr and "--force" in refused.stderr
    assert path.read_text() == text
    run("keygen", "-o", path, "--force", check=0)
    assert path.read_text() != text
    assert mode(path) == 0o600
    run("keygen", check=2)


def test_a_key_file_others_can_read_is_refused(tmp_path, city, key):
    pool, _ = city
    os.chmod(key, 0o644)
    result = run("convert", pool, tmp_path / "p.enc", "--key", key, check=1)
    assert "accessible by others (mode 0644)" in result.stderr
    assert "chmod 600" in result.stderr
    assert not (tmp_path / "p.enc").exists()


# ---- convert ----------------------------------------------------------------


def test_csv_msgpack_csv_is_byte_identical(tmp_path, city):
    pool, venues = city
    for name in ("pool.mp", "pool.msgpack"):
        packed = tmp_path / name
        run("convert", pool, packed, "--venues", venues, check=0)
        assert packed.read_bytes()[:8] == b"\x93\xa6LMPOOL"
        assert mode(packed) == 0o600
        back, back_venues = tmp_path / "back.csv", tmp_path / "back_venues.csv"
        run("convert", packed, back, "--venues-out", back_venues, check=0)
        assert back.read_bytes() == pool.read_bytes()
        assert back_venues.read_bytes() == venues.read_bytes()
    # The CSV read back gives exactly the participants of the original.
    original = json.loads(run("inspect", pool, "--json", check=0).stdout)
    again = json.loads(run("inspect", tmp_path / "back.csv", "--json", check=0).stdout)
    assert original["participants"] == again["participants"]


def test_csv_to_encrypted_and_back(tmp_path, city, key):
    pool, venues = city
    enc = tmp_path / "pool.enc"
    result = run("convert", pool, enc, "--key", key, "--venues", venues, check=0)
    assert "encrypted msgpack" in result.stderr
    data = enc.read_bytes()
    assert data[:8] == b"LMENC\x01\x01\x10"
    # Ids are 3-4 bytes: random ciphertext holds some of them by chance, so
    # look for what plaintext would show, the ids in a run, not one alone.
    people = ids_of(pool)
    hits = sum(person.encode() in data for person in people)
    assert hits <= len(people) // 10, hits
    assert b"newcomer" not in data and b"resident" not in data
    back = tmp_path / "back.csv"
    result = run("convert", enc, back, "--key", key, check=0)
    assert "is encrypted" in result.stderr and "will not be" in result.stderr
    assert "venues are not in" in result.stderr
    assert back.read_bytes() == pool.read_bytes()
    # Without the key, nothing.
    result = run("convert", enc, tmp_path / "x.csv", check=1)
    assert "is encrypted: give its key or passphrase" in result.stderr
    assert not (tmp_path / "x.csv").exists()


def test_a_key_makes_msgpack_output_encrypted_unless_plain(tmp_path, city, key):
    pool, _ = city
    run("convert", pool, tmp_path / "a.mp", "--key", key, check=0)
    assert (tmp_path / "a.mp").read_bytes()[:5] == b"LMENC"
    run("convert", tmp_path / "a.mp", tmp_path / "b.mp", "--key", key, "--plain", check=0)
    assert (tmp_path / "b.mp").read_bytes()[:8] == b"\x93\xa6LMPOOL"
    run("convert", pool, tmp_path / "c.data", "--format", "msgpack", check=0)
    assert (tmp_path / "c.data").read_bytes() == (tmp_path / "b.mp").read_bytes()


def test_wrong_key_damaged_truncated_and_extended_files_are_refused(tmp_path, city, key):
    pool, _ = city
    enc = tmp_path / "pool.enc"
    run("convert", pool, enc, "--key", key, check=0)
    data = enc.read_bytes()
    other = tmp_path / "other.key"
    run("keygen", "-o", other, check=0)
    result = run("convert", enc, tmp_path / "x.csv", "--key", other, check=1)
    assert "wrong key or damaged file" in result.stderr
    bad = tmp_path / "bad.enc"
    for offset in (6, 7, 8, 20, 31, 32, 35, 36, len(data) // 2, len(data) - 1):
        damaged = bytearray(data)
        damaged[offset] ^= 0x01
        bad.write_bytes(bytes(damaged))
        result = run("convert", bad, tmp_path / "x.csv", "--key", key, check=1)
        assert "bad.enc" in result.stderr, (offset, result.stderr)
    for length in (3, 8, 40, len(data) - 1):
        bad.write_bytes(data[:length])
        result = run("convert", bad, tmp_path / "x.csv", "--key", key, check=1)
        if length >= 5:
            assert "truncated" in result.stderr, (length, result.stderr)
    bad.write_bytes(data + b"\0")
    result = run("convert", bad, tmp_path / "x.csv", "--key", key, check=1)
    assert "data after the end of the encrypted stream" in result.stderr
    assert not (tmp_path / "x.csv").exists()


def test_passphrase_files(tmp_path, city):
    pool, _ = city
    phrase, wrong = tmp_path / "phrase.txt", tmp_path / "wrong.txt"
    phrase.write_text("correct horse battery staple\n")
    wrong.write_text("correct horse battery stapler\n")
    os.chmod(phrase, 0o600)
    os.chmod(wrong, 0o600)
    enc = tmp_path / "pool.enc"
    run("convert", pool, enc, "--passphrase-file", phrase, check=0)
    assert enc.read_bytes()[:9] == b"LMENC\x01\x02\x10\x02"
    back = tmp_path / "back.csv"
    run("convert", enc, back, "--passphrase-file", phrase, check=0)
    assert back.read_bytes() == pool.read_bytes()
    result = run("convert", enc, back, "--passphrase-file", wrong, check=1)
    assert "wrong key or damaged file" in result.stderr
    os.chmod(phrase, 0o644)
    result = run("convert", enc, back, "--passphrase-file", phrase, check=0)
    assert "warning: passphrase file" in result.stderr
    run("convert", enc, back, "--passphrase-file", phrase, "--key", "k", check=2)


def test_re_encrypting_with_another_key(tmp_path, city, key):
    pool, _ = city
    new_key = tmp_path / "new.key"
    run("keygen", "-o", new_key, check=0)
    old, new = tmp_path / "old.enc", tmp_path / "new.enc"
    run("convert", pool, old, "--key", key, check=0)
    run("convert", old, new, "--key", key, "--to-key", new_key, check=0)
    run("convert", new, tmp_path / "x.csv", "--key", key, check=1)
    run("convert", new, tmp_path / "x.csv", "--key", new_key, check=0)
    assert (tmp_path / "x.csv").read_bytes() == pool.read_bytes()


def test_usage_errors(tmp_path, city, key):
    pool, _ = city
    assert "unknown" not in run("convert", "--help", check=0).stderr
    run("convert", pool, check=2)
    result = run("convert", pool, tmp_path / "out.txt", check=2)
    assert "give --format" in result.stderr
    run("convert", pool, tmp_path / "out.csv", "--format", "xml", check=2)
    result = run("convert", pool, tmp_path / "out.enc", check=2)
    assert "ends in .enc" in result.stderr
    run("convert", pool, tmp_path / "out.csv", "--to-key", key, check=2)
    run("convert", pool, pool, check=2)
    result = run("convert", tmp_path / "missing.csv", tmp_path / "out.mp", check=1)
    assert "missing.csv" in result.stderr


# ---- pseudonyms -------------------------------------------------------------


def read_map(text):
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["pseudonym", "id"]
    return {p: i for p, i in rows[1:]}


def test_pseudonym_map_is_stable_per_key_and_private(tmp_path, city, key):
    pool, _ = city
    ids = ids_of(pool)
    first = read_map(run("pseudonyms", pool, "--key", key, check=0).stdout)
    again = read_map(run("pseudonyms", pool, "--key", key, check=0).stdout)
    assert first == again
    assert sorted(first.values()) == sorted(ids)
    assert len(first) == len(ids)
    assert all(PSEUDONYM.match(p) for p in first)
    other = tmp_path / "other.key"
    run("keygen", "-o", other, check=0)
    second = read_map(run("pseudonyms", pool, "--key", other, check=0).stdout)
    assert not set(first) & set(second)
    # Encrypted pools work the same, and -o writes a private file.
    enc = tmp_path / "pool.enc"
    run("convert", pool, enc, "--key", key, check=0)
    out = tmp_path / "map.csv"
    run("pseudonyms", enc, "--key", key, "-o", out, check=0)
    assert mode(out) == 0o600
    assert read_map(out.read_text()) == first
    # Looking one up.
    wanted = sorted(first)[3]
    one = read_map(run("pseudonyms", pool, "--key", key, wanted, check=0).stdout)
    assert one == {wanted: first[wanted]}
    result = run("pseudonyms", pool, "--key", key, "ps-" + "0" * 32, check=1)
    assert "belongs to nobody" in result.stderr
    run("pseudonyms", pool, check=2)


def _supports(command, option):
    return option in run(command, "--help").stdout


@pytest.mark.skipif(not _supports("groups", "--pseudonymize"),
                    reason="groups has no --pseudonymize yet")
def test_pseudonymized_groups_contain_no_real_id(tmp_path, city, key):
    pool, _ = city
    ids = ids_of(pool)
    outputs = []
    for k in (key, key):
        result = run("groups", pool, "--json", "-", "--pseudonymize", "--key", k, "--effort", 2,
                     check=0)
        outputs.append(result.stdout)
    assert outputs[0] == outputs[1]
    for person in ids:
        assert not re.search(r"\b%s\b" % re.escape(person), outputs[0]), person
    mapping = read_map(run("pseudonyms", pool, "--key", key, check=0).stdout)
    named = set(re.findall(r"ps-[0-9a-f]{32}", outputs[0]))
    assert named and named <= set(mapping)
    other = tmp_path / "other.key"
    run("keygen", "-o", other, check=0)
    result = run("groups", pool, "--json", "-", "--pseudonymize", "--key", other, "--effort", 2,
                 check=0)
    assert not named & set(re.findall(r"ps-[0-9a-f]{32}", result.stdout))


@pytest.mark.skipif(not _supports("inspect", "--key"),
                    reason="inspect does not read msgpack pools yet")
def test_inspect_reads_every_format(tmp_path, city, key):
    pool, _ = city
    packed, enc = tmp_path / "pool.mp", tmp_path / "pool.enc"
    run("convert", pool, packed, check=0)
    run("convert", pool, enc, "--key", key, check=0)
    original = json.loads(run("inspect", pool, "--json", check=0).stdout)
    for path in (packed, enc):
        data = json.loads(run("inspect", path, "--json", "--key", key, check=0).stdout)
        assert data["participants"] == original["participants"]
