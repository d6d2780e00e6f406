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
