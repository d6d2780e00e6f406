"""Hardened edges of the lmatch tool (issue 19): every file it writes is
private (0600) and written atomically, a symlink planted at an output is
replaced and never written through, control characters from input never
reach the terminal raw, and pseudonym keys made from a passphrase carry
their own salt. Runs the built binary ($LMATCH) as a subprocess."""
import itertools
import os
import stat
import subprocess

import pytest

LMATCH = os.environ.get("LMATCH", "lmatch")


def run(*args, check=None, cwd=None):
    result = subprocess.run([LMATCH, *map(str, args)], capture_output=True, text=True,
                            encoding="utf-8", errors="surrogateescape", timeout=300,
                            cwd=cwd)
    if check is not None:
        assert result.returncode == check, (result.returncode, result.stdout[-2000:],
                                            result.stderr[-2000:])
    return result


def mode(path):
    return stat.S_IMODE(os.lstat(path).st_mode)


@pytest.fixture
def city(tmp_path):
    pool, venues = tmp_path / "pool.csv", tmp_path / "venues.csv"
    run("gen", "--participants", 40, "--venues", 3, "--venues-out", venues, "--seed", 3,
        "-o", pool, check=0)
    return pool, venues


@pytest.fixture
def key(tmp_path):
    path = tmp_path / "k.key"
    run("keygen", "-o", path, check=0)
    return path


def partition_instance(tmp_path):
    lines = ["6 2 ds 2 4 2 4"]
    for i, j in itertools.combinations(range(6), 2):
        lines.append("%d %d %s" % (i, j, "10" if (i < 3) == (j < 3) else "1"))
    path = tmp_path / "inst.txt"
    path.write_text("\n".join(lines) + "\n")
    return path


# Every command that writes a file, as (name, arguments given OUT).
def writers(tmp_path, city, key):
    pool, venues = city
    groups = tmp_path / "groups.csv"
    run("groups", pool, "--venues", venues, "-o", groups, check=0)
    instance = partition_instance(tmp_path)
    return [
        ("groups --json", lambda out: ["groups", pool, "--venues", venues, "--json", out]),
        ("groups -o", lambda out: ["groups", pool, "--venues", venues, "-o", out]),
        ("pairs --json", lambda out: ["pairs", pool, "--json", out]),
        ("eval --json",
         lambda out: ["eval", pool, groups, "--venues", venues, "--json=%s" % out]),
        ("partition --json", lambda out: ["partition", instance, "--quiet", "--json", out]),
        ("pseudonyms -o", lambda out: ["pseudonyms", pool, "--key", key, "-o", out]),
        ("convert", lambda out: ["convert", pool, out, "--format", "msgpack"]),
        ("gen -o", lambda out: ["gen", "--participants", 10, "-o", out]),
        ("keygen", lambda out: ["keygen", "-o", out, "--force"]),
    ]


def test_every_output_is_private_and_replaces_an_open_file(tmp_path, city, key):
    for name, args in writers(tmp_path, city, key):
        out = tmp_path / "out.file"
        if out.exists():
            out.unlink()
        run(*args(out), check=0)
        assert mode(out) == 0o600, name
        # an existing file more open than 0600 does not keep its mode
        os.chmod(out, 0o644)
        run(*args(out), check=0)
        assert mode(out) == 0o600, name
        assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out.file")] == [], name


def test_no_output_is_written_through_a_planted_symlink(tmp_path, city, key):
    victim = tmp_path / "victim.txt"
    for name, args in writers(tmp_path, city, key):
        victim.write_text("keep me\n")
        os.chmod(victim, 0o644)
        link = tmp_path / "planted"
        if link.exists() or link.is_symlink():
            link.unlink()
        link.symlink_to(victim)
        run(*args(link), check=0)
        assert victim.read_text() == "keep me\n", name
        assert mode(victim) == 0o644, name
        assert not link.is_symlink(), name
        assert mode(link) == 0o600, name


def test_json_to_a_pipe_is_written_in_place(tmp_path, city):
    pool, venues = city
    # /dev/stdout is a symlink to the pipe capturing the output
    result = run("groups", pool, "--json", "/dev/stdout", check=0)
    assert result.stdout.lstrip().startswith("{")


def test_a_failed_write_keeps_the_old_json(tmp_path, city):
    pool, venues = city
    out = tmp_path / "old.json"
    out.write_text("old\n")
    os.chmod(tmp_path, 0o500)  # the temporary file cannot be made
    try:
        if os.access(tmp_path, os.W_OK):
            pytest.skip("running as root: a read-only folder is still writable")
        result = run("groups", pool, "--json", out, check=1)
    finally:
        os.chmod(tmp_path, 0o700)
    assert "cannot write" in result.stderr
    assert out.read_text() == "old\n"


# ---- pseudonym keys ------------------------------------------------------------


def passphrase_file(tmp_path, text="correct horse battery staple", name="phrase.txt"):
    path = tmp_path / name
    path.write_text(text + "\n")
    os.chmod(path, 0o600)
    return path


def test_keygen_from_a_passphrase_has_its_own_salt(tmp_path, city):
    pool, _ = city
    phrase = passphrase_file(tmp_path)
    first, second, again = tmp_path / "a.key", tmp_path / "b.key", tmp_path / "c.key"
    run("keygen", "--passphrase-file", phrase, "-o", first, check=0)
    run("keygen", "--passphrase-file", phrase, "-o", second, check=0)
    assert mode(first) == 0o600
    key_line, salt_line = first.read_text().splitlines()
    assert key_line.startswith("libmatch-key-v1 ") and len(key_line) == 16 + 64
    assert salt_line.startswith("argon2id-salt ") and len(salt_line) == 14 + 32
    # the same passphrase in another deployment: another salt, other pseudonyms
    assert first.read_text() != second.read_text()
    map_a = run("pseudonyms", pool, "--key", first, check=0).stdout
    map_b = run("pseudonyms", pool, "--key", second, check=0).stdout
    assert set(map_a.splitlines()[1:]).isdisjoint(map_b.splitlines()[1:])
    # the passphrase and the salt make the same key again
    run("keygen", "--passphrase-file", phrase, "--salt", salt_line.split()[1], "-o", again,
        check=0)
    assert again.read_text() == first.read_text()
    assert run("keygen", "--salt", "00" * 16, "-o", tmp_path / "x.key", check=2)
    assert "32 hex digits" in run("keygen", "--passphrase-file", phrase, "--salt", "abc",
                                  "-o", tmp_path / "x.key", check=2).stderr


def test_a_passphrase_alone_makes_no_pseudonyms(tmp_path, city):
    pool, _ = city
    phrase = passphrase_file(tmp_path)
    out = tmp_path / "groups.json"
    result = run("groups", pool, "--pseudonymize", "--passphrase-file", phrase, "--json", out,
                 check=1)
    assert "keygen --passphrase-file" in result.stderr
    assert not out.exists()
    result = run("pseudonyms", pool, "--passphrase-file", phrase, check=2)
    assert "keygen --passphrase-file" in result.stderr


def limit_memory():
    import resource
    # Argon2id needs 64 MiB: a failed derivation once printed "ps-?" for everyone
    resource.setrlimit(resource.RLIMIT_AS, (48 << 20, 48 << 20))


@pytest.mark.skipif("ASAN_OPTIONS" in os.environ,
                    reason="AddressSanitizer needs more address space than the limit")
def test_a_failed_pseudonym_fails_instead_of_printing_a_placeholder(tmp_path, city):
    pool, _ = city
    phrase = passphrase_file(tmp_path)
    result = subprocess.run([LMATCH, "groups", str(pool), "--pseudonymize", "--passphrase-file",
                             str(phrase), "--json", "-"], capture_output=True, text=True,
                            preexec_fn=limit_memory, timeout=300)
    assert "ps-?" not in result.stdout
    assert result.returncode == 1, result.stderr
