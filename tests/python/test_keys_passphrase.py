"""Key.derive(): a key file's key made from a passphrase and a salt
(lm_key_derive_passphrase). The pseudonyms it makes must be those of the key
`lmatch keygen --passphrase-file` writes for the same passphrase and salt
(computed by the tool, compared here), and the key file it saves must be
that file, byte for byte."""
import csv
import os

import pytest

import libmatch
from conftest import run_lmatch

PASSPHRASE = "correct horse battery staple"
SALT = "00112233445566778899aabbccddeeff"


@pytest.fixture(scope="module")
def cli_key(tmp_path_factory, lmatch):
    """(pool, key file made by lmatch keygen, {id: pseudonym} by lmatch pseudonyms)."""
    folder = tmp_path_factory.mktemp("keys")
    passphrase, key, pool, table = (folder / "pass.txt", folder / "cli.key",
                                    folder / "pool.csv", folder / "map.csv")
    passphrase.write_text(PASSPHRASE + "\n")
    os.chmod(passphrase, 0o600)
    run_lmatch(lmatch, "keygen", "--passphrase-file", passphrase, "--salt", SALT, "-o", key)
    run_lmatch(lmatch, "gen", "--participants", 25, "--seed", 4, "-o", pool)
    run_lmatch(lmatch, "pseudonyms", pool, "--key", key, "-o", table)
    with open(table, newline="") as rows:
        pseudonyms = {row["id"]: row["pseudonym"] for row in csv.DictReader(rows)}
    assert len(pseudonyms) == 25
    return pool, key, pseudonyms


def test_same_pseudonyms_and_key_file_as_keygen(cli_key, tmp_path):
    pool, key_file, expected = cli_key
    for salt in (SALT, bytes.fromhex(SALT)):
        with libmatch.Key.derive(PASSPHRASE, salt) as key:
            assert key.kind == "random"  # a key file's key: it makes pseudonyms
            assert {who: key.pseudonym(who) for who in expected} == expected
            key.save(tmp_path / "py.key")
            assert (tmp_path / "py.key").read_bytes() == key_file.read_bytes()


def test_a_fresh_salt_is_saved_with_the_key(cli_key, tmp_path):
    _, _, expected = cli_key
    who = next(iter(expected))
    with libmatch.Key.derive(PASSPHRASE) as first, libmatch.Key.derive(PASSPHRASE) as second:
        # another salt, another deployment: unrelated pseudonyms
        assert first.pseudonym(who) != expected[who]
        assert first.pseudonym(who) != second.pseudonym(who)
        first.save(tmp_path / "fresh.key")
        salt = (tmp_path / "fresh.key").read_text().splitlines()[1].split()[1]
        with libmatch.Key.from_file(tmp_path / "fresh.key") as loaded:
            assert loaded.pseudonym(who) == first.pseudonym(who)
    # the saved salt makes the same key again from the passphrase
    with libmatch.Key.derive(PASSPHRASE, salt) as again:
        assert again.pseudonym(who) == loaded_pseudonym(tmp_path / "fresh.key", who)


def loaded_pseudonym(path, who):
    with libmatch.Key.from_file(path) as key:
        return key.pseudonym(who)


def test_bad_arguments():
    with pytest.raises(libmatch.InvalidArgument, match="salt has 15 bytes"):
        libmatch.Key.derive(PASSPHRASE, SALT[:-2])
    with pytest.raises(libmatch.InvalidArgument, match="passphrase is empty"):
        libmatch.Key.derive("", SALT)
    with pytest.raises(ValueError, match="hex"):
        libmatch.Key.derive(PASSPHRASE, "zz" * 16)
    with pytest.raises(TypeError):
        libmatch.Key.derive(PASSPHRASE, 12345)
