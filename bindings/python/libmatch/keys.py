"""Keys for encrypted pool and result files, and pseudonyms."""
import ctypes

from ._handles import Handle
from ._lib import api, c_path, c_string, lib, text
from .errors import check

_KINDS = {api.LM_KEY_EMPTY: "empty", api.LM_KEY_RANDOM: "random",
          api.LM_KEY_PASSPHRASE: "passphrase"}


class Key(Handle):
    """A secret key (a C lm_key): 32 random bytes or a passphrase. The key
    material stays in the library's locked memory and is wiped on close()."""

    _kind = "key"

    def __init__(self):
        pointer = ctypes.POINTER(api.lm_key)()
        check(lib.lm_key_new(ctypes.byref(pointer)))
        super().__init__(pointer, lib.lm_key_free)

    @classmethod
    def _build(cls, fill):
        key = cls()
        try:
            fill(key)
        except BaseException:
            key.close()
            raise
        return key

    @classmethod
    def generate(cls):
        """32 fresh random bytes."""
        return cls._build(lambda k: k._checked(lib.lm_key_generate(k._handle())))

    @classmethod
    def from_passphrase(cls, passphrase):
        data = c_string(passphrase, "passphrase")
        return cls._build(lambda k: k._checked(lib.lm_key_set_passphrase(k._handle(), data,
                                                                          len(data))))

    @classmethod
    def derive(cls, passphrase, salt=None):
        """A key file's key made from a passphrase (lm_key_derive_passphrase:
        Argon2id, 256 MiB, about a second): the same passphrase and salt give
        the same key and pseudonyms as `lmatch keygen --passphrase-file FILE
        --salt HEX`. salt is lm_key_salt_size() bytes or as many pairs of hex
        digits (the key file's second line); None draws a fresh random one.
        Unlike from_passphrase(), the key makes pseudonyms, and save() writes
        it with its salt."""
        data = c_string(passphrase, "passphrase")
        if isinstance(salt, str):
            try:
                salt = bytes.fromhex(salt)
            except ValueError:
                raise ValueError("salt must be hex digits, not %r" % salt) from None
        elif salt is not None and not isinstance(salt, (bytes, bytearray)):
            raise TypeError("salt must be bytes or a hex str, not %s" % type(salt).__name__)
        salt = None if salt is None else bytes(salt)  # the library checks its length
        size = lib.lm_key_salt_size() if salt is None else len(salt)
        return cls._build(lambda k: k._checked(lib.lm_key_derive_passphrase(
            k._handle(), data, len(data), salt, size)))

    @classmethod
    def from_file(cls, path):
        """A key file written by save() (refused when others may read it)."""
        return cls._build(lambda k: k._checked(lib.lm_key_load_file(k._handle(), c_path(path))))

    @property
    def kind(self):
        return _KINDS.get(lib.lm_key_get_kind(self._handle()), "?")

    def save(self, path):
        """Writes a random key as a key file with owner-only permissions."""
        self._checked(lib.lm_key_save_file(self._handle(), c_path(path)))

    def pseudonym(self, participant_id):
        """'ps-' and 32 hex digits: the same for one key every time."""
        size = lib.lm_pseudonym_size()
        out = ctypes.create_string_buffer(size)
        self._checked(lib.lm_pseudonym(self._handle(), c_string(participant_id, "id"), out,
                                       size))
        return text(out.value)

    def __repr__(self):
        return "<libmatch.Key (%s)>" % ("closed" if self.closed else self.kind)

    def _checked(self, status):
        check(status, self._pointer)
