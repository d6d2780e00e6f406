/* Keys and encryption at rest: libsodium secretstream (XChaCha20-Poly1305)
 * in chunks, keyed by a key file or an Argon2id-stretched passphrase. The
 * layout is in docs/formats.md, "Encrypted files". */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/atomic_internal.h"
#include "privacy/crypto_internal.h"

#define KEY_FILE_PREFIX "libmatch-key-v1 "
#define KEY_FILE_PREFIX_SIZE (sizeof KEY_FILE_PREFIX - 1)
#define KEY_FILE_SALT "argon2id-salt "
#define KEY_FILE_SALT_SIZE (sizeof KEY_FILE_SALT - 1)
#define KEY_FILE_MAX 256
#define PREFIX_SIZE 8 /* magic, version, kind, chunk size */
#define PWHASH_PARAMS_SIZE (1 + crypto_pwhash_SALTBYTES + 8 + 8)
#define LENGTH_SIZE 4
#define ABYTES crypto_secretstream_xchacha20poly1305_ABYTES

/* Domain separation: one master key, one subkey per purpose. */
static const char encryption_context[8] = {'l', 'm', 'e', 'n', 'c', 'r', 'y', 'p'};

void lm__key_derive(const unsigned char master[LM_KEY_BYTES], const char context[8],
                    unsigned char out[LM_KEY_BYTES])
{
    crypto_kdf_derive_from_key(out, LM_KEY_BYTES, 1, context, master);
}

/* libsodium's calls that can fail, through the external-call fault hook
 * (common_internal.h) so that tests see each failure handled. */
static int sodium_ready(void)
{
    return lm__extern_fails() ? -1 : sodium_init();
}

static int pwhash(unsigned char *out, size_t size, const char *passphrase, size_t length,
                  const unsigned char *salt, unsigned long long opslimit, size_t memlimit)
{
    if (lm__extern_fails())
        return -1;
    return crypto_pwhash(out, size, passphrase, length, salt, opslimit, memlimit,
                         crypto_pwhash_ALG_ARGON2ID13);
}

/* ---- the key object --------------------------------------------------------- */

static void key_clear(lm_key *key)
{
    if (key->passphrase)
        lm__free_secret(key->passphrase, key->passphrase_length + 1);
    key->passphrase = NULL;
    key->passphrase_length = 0;
    sodium_memzero(key->secret, sizeof key->secret);
    sodium_memzero(key->pseudonym_key, sizeof key->pseudonym_key);
    key->has_pseudonym_key = false;
    sodium_memzero(key->salt, sizeof key->salt);
    key->has_salt = false;
    key->kind = LM_KEY_EMPTY;
}

/* Fills key with a random master key and its pseudonym subkey, derived now
 * so that no later call changes the key. */
static void key_set_secret(lm_key *key, const unsigned char secret[LM_KEY_BYTES])
{
    key_clear(key);
    memcpy(key->secret, secret, LM_KEY_BYTES);
    lm__pseudonym_subkey(key->secret, key->pseudonym_key);
    key->has_pseudonym_key = true;
    key->kind = LM_KEY_RANDOM;
}

int lm_key_new(lm_key **out)
{
    if (!out)
        return LM_E_INVALID;
    *out = NULL;
    if (sodium_ready() < 0)
        return LM_E_CRYPTO;
    lm_key *key = lm__calloc(1, sizeof *key);
    if (!key)
        return LM_E_NOMEM;
    /* Best effort: keep key material out of swap. */
    (void)sodium_mlock(key, sizeof *key);
    lm__object_init(&key->base, LM_KIND_KEY);
    key->kind = LM_KEY_EMPTY;
    *out = key;
    return LM_OK;
}

void lm_key_free(lm_key *key)
{
    if (!key)
        return;
    key_clear(key);
    sodium_munlock(key, sizeof *key); /* also wipes */
    lm__free(key);
}

lm_key_kind lm_key_get_kind(const lm_key *key)
{
    return key ? key->kind : LM_KEY_EMPTY;
}

int lm_key_generate(lm_key *key)
{
    if (!key)
        return LM_E_INVALID;
    if (sodium_ready() < 0)
        return lm__fail(&key->base, LM_E_CRYPTO, "libsodium could not be initialised");
    unsigned char secret[LM_KEY_BYTES];
    randombytes_buf(secret, sizeof secret);
    key_set_secret(key, secret);
    sodium_memzero(secret, sizeof secret);
    lm__clear_error(&key->base);
    return LM_OK;
}

size_t lm_key_salt_size(void)
{
    return LM_KEY_SALT_SIZE;
}

int lm_key_derive_passphrase(lm_key *key, const char *passphrase, size_t length,
                             const void *salt, size_t salt_size)
{
    if (!key)
        return LM_E_INVALID;
    if (!passphrase || length == 0)
        return lm__fail(&key->base, LM_E_INVALID, "the passphrase is empty");
    if (length > LM_PASSPHRASE_MAX)
        return lm__fail(&key->base, LM_E_INVALID,
                        "the passphrase is longer than %d bytes", LM_PASSPHRASE_MAX);
    if (salt && salt_size != LM_KEY_SALT_BYTES)
        return lm__fail(&key->base, LM_E_INVALID, "the salt has %zu bytes, not %d", salt_size,
                        LM_KEY_SALT_BYTES);
    if (sodium_ready() < 0)
        return lm__fail(&key->base, LM_E_CRYPTO, "libsodium could not be initialised");
    unsigned char fresh[LM_KEY_SALT_BYTES], master[LM_KEY_BYTES];
    if (!salt)
        randombytes_buf(fresh, sizeof fresh);
    const unsigned char *used = salt ? salt : fresh;
    if (pwhash(master, sizeof master, passphrase, length, used,
               crypto_pwhash_OPSLIMIT_MODERATE, crypto_pwhash_MEMLIMIT_MODERATE) != 0)
        return lm__fail(&key->base, LM_E_NOMEM,
                        "out of memory deriving the key (Argon2id needs 256 MiB)");
    key_set_secret(key, master);
    sodium_memzero(master, sizeof master);
    memcpy(key->salt, used, sizeof key->salt);
    key->has_salt = true;
    lm__clear_error(&key->base);
    return LM_OK;
}

int lm_key_set_passphrase(lm_key *key, const char *passphrase, size_t length)
{
    if (!key)
        return LM_E_INVALID;
    if (!passphrase || length == 0)
        return lm__fail(&key->base, LM_E_INVALID, "the passphrase is empty");
    if (length > LM_PASSPHRASE_MAX)
        return lm__fail(&key->base, LM_E_INVALID,
                        "the passphrase is longer than %d bytes", LM_PASSPHRASE_MAX);
    if (sodium_ready() < 0)
        return lm__fail(&key->base, LM_E_CRYPTO, "libsodium could not be initialised");
    char *copy = lm__malloc(length + 1);
    if (!copy)
        return lm__fail(&key->base, LM_E_NOMEM, "out of memory");
    memcpy(copy, passphrase, length);
    copy[length] = '\0';
    key_clear(key);
    key->passphrase = copy;
    key->passphrase_length = length;
    key->kind = LM_KEY_PASSPHRASE;
    lm__clear_error(&key->base);
    return LM_OK;
}

/* The length of the line at data[0..size) without its line ending; *next is
 * where the following line starts. */
static size_t line_length(const char *data, size_t size, size_t *next)
{
    size_t length = 0;
    while (length < size && data[length] != '\n')
        length++;
    *next = length < size ? length + 1 : length;
    if (length && data[length - 1] == '\r')
        length--;
    return length;
}

static bool hex_field(const char *text, size_t length, unsigned char *out, size_t size)
{
    size_t decoded = 0;
    const char *end = NULL;
    return length == 2 * size &&
           sodium_hex2bin(out, size, text, length, NULL, &decoded, &end) == 0 &&
           decoded == size;
}

int lm_key_load_buffer(lm_key *key, const char *data, size_t size)
{
    if (!key)
        return LM_E_INVALID;
    if (!data)
        return lm__fail(&key->base, LM_E_INVALID, "no key data");
    if (sodium_ready() < 0)
        return lm__fail(&key->base, LM_E_CRYPTO, "libsodium could not be initialised");
    size_t next = 0;
    size_t length = line_length(data, size, &next);
    if (length != KEY_FILE_PREFIX_SIZE + 2 * LM_KEY_BYTES ||
        memcmp(data, KEY_FILE_PREFIX, KEY_FILE_PREFIX_SIZE) != 0)
        return lm__fail(&key->base, LM_E_FORMAT,
                        "not a libmatch key: expected one line '" KEY_FILE_PREFIX
                        "' and 64 hex digits");
    unsigned char secret[LM_KEY_BYTES];
    if (!hex_field(data + KEY_FILE_PREFIX_SIZE, 2 * LM_KEY_BYTES, secret, sizeof secret)) {
        sodium_memzero(secret, sizeof secret);
        return lm__fail(&key->base, LM_E_FORMAT,
                        "not a libmatch key: the 64 characters after '" KEY_FILE_PREFIX
                        "' must be hex digits");
    }
    /* A key made from a passphrase has a second line with its salt. */
    unsigned char salt[LM_KEY_SALT_BYTES];
    bool has_salt = next < size;
    if (has_salt) {
        size_t after = 0;
        const char *line = data + next;
        size_t salt_line = line_length(line, size - next, &after);
        if (next + after != size || salt_line != KEY_FILE_SALT_SIZE + 2 * LM_KEY_SALT_BYTES ||
            memcmp(line, KEY_FILE_SALT, KEY_FILE_SALT_SIZE) != 0 ||
            !hex_field(line + KEY_FILE_SALT_SIZE, 2 * LM_KEY_SALT_BYTES, salt, sizeof salt)) {
            sodium_memzero(secret, sizeof secret);
            return lm__fail(&key->base, LM_E_FORMAT,
                            "not a libmatch key: after the key line, only a line '"
                            KEY_FILE_SALT "' and 32 hex digits may follow");
        }
    }
    key_set_secret(key, secret);
    sodium_memzero(secret, sizeof secret);
    if (has_salt) {
        memcpy(key->salt, salt, sizeof key->salt);
        key->has_salt = true;
    }
    lm__clear_error(&key->base);
    return LM_OK;
}

int lm_key_load_file(lm_key *key, const char *path)
{
    if (!key)
        return LM_E_INVALID;
    if (!path)
        return lm__fail(&key->base, LM_E_INVALID, "no key file name");
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return lm__fail(&key->base, LM_E_IO, "key file '%s': %s", path, strerror(errno));
    struct stat info;
    if (fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
        close(fd);
        return lm__fail(&key->base, LM_E_IO, "key file '%s' is not a regular file", path);
    }
    if (info.st_mode & (S_IRWXG | S_IRWXO)) {
        close(fd);
        return lm__fail(&key->base, LM_E_INVALID,
                        "key file '%s' is accessible by others (mode %04o): make it private "
                        "with 'chmod 600'",
                        path, (unsigned)(info.st_mode & 07777));
    }
    char buffer[KEY_FILE_MAX + 1];
    size_t size = 0;
    for (;;) {
        ssize_t got = read(fd, buffer + size, sizeof buffer - size);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            int error = errno;
            close(fd);
            sodium_memzero(buffer, sizeof buffer);
            return lm__fail(&key->base, LM_E_IO, "key file '%s': %s", path, strerror(error));
        }
        if (got == 0 || (size += (size_t)got) == sizeof buffer)
            break;
    }
    close(fd);
    int status = size > KEY_FILE_MAX
                     ? lm__fail(&key->base, LM_E_FORMAT, "not a libmatch key: too long")
                     : lm_key_load_buffer(key, buffer, size);
    sodium_memzero(buffer, sizeof buffer);
    if (status != LM_OK && status != LM_E_NOMEM) {
        char reason[LM_ERRMSG_MAX];
        snprintf(reason, sizeof reason, "%s", key->base.errmsg);
        lm__fail(&key->base, status, "key file '%s': %s", path, reason);
    }
    return status;
}

static int write_key(void *context, FILE *file)
{
    lm_key *key = context;
    lm_object *error = &key->base;
    /* The temporary file must be private before the secret reaches it (an
     * existing target's looser mode would otherwise be kept). */
    if (fchmod(fileno(file), S_IRUSR | S_IWUSR) != 0)
        return lm__fail(error, LM_E_IO, "cannot make the key file private: %s",
                        strerror(errno));
    char hex[2 * LM_KEY_BYTES + 1];
    sodium_bin2hex(hex, sizeof hex, key->secret, sizeof key->secret);
    int failed = fprintf(file, KEY_FILE_PREFIX "%s\n", hex) < 0;
    sodium_memzero(hex, sizeof hex);
    if (key->has_salt) {
        char salt[2 * LM_KEY_SALT_BYTES + 1];
        sodium_bin2hex(salt, sizeof salt, key->salt, sizeof key->salt);
        failed |= fprintf(file, KEY_FILE_SALT "%s\n", salt) < 0;
    }
    return failed ? lm__fail(error, LM_E_IO, "cannot write the key file") : LM_OK;
}

int lm_key_save_file(lm_key *key, const char *path)
{
    if (!key)
        return LM_E_INVALID;
    if (!path)
        return lm__fail(&key->base, LM_E_INVALID, "no key file name");
    if (key->kind != LM_KEY_RANDOM)
        return lm__fail(&key->base, LM_E_INVALID,
                        key->kind == LM_KEY_EMPTY ? "the key is empty"
                                                  : "a passphrase key cannot be saved");
    return lm__atomic_write(path, write_key, key, &key->base);
}

/* ---- file keys ---------------------------------------------------------------- */

static void put_u64(unsigned char *out, uint64_t value)
{
    for (int k = 0; k < 8; k++)
        out[k] = (unsigned char)(value >> (8 * k));
}

static uint64_t get_u64(const unsigned char *in)
{
    uint64_t value = 0;
    for (int k = 7; k >= 0; k--)
        value = value << 8 | in[k];
    return value;
}

static void put_u32(unsigned char *out, uint32_t value)
{
    for (int k = 0; k < 4; k++)
        out[k] = (unsigned char)(value >> (8 * k));
}

static uint32_t get_u32(const unsigned char *in)
{
    return (uint32_t)in[0] | (uint32_t)in[1] << 8 | (uint32_t)in[2] << 16 |
           (uint32_t)in[3] << 24;
}

/* The encryption key of one file: from the key file's secret, or Argon2id of
 * the passphrase with the file's salt and limits. */
static int file_key(const lm_key *key, const unsigned char *salt, uint64_t opslimit,
                    uint64_t memlimit, unsigned char out[LM_KEY_BYTES])
{
    unsigned char master[LM_KEY_BYTES];
    if (key->kind == LM_KEY_PASSPHRASE) {
        if (pwhash(master, sizeof master, key->passphrase, key->passphrase_length, salt,
                   (unsigned long long)opslimit, (size_t)memlimit) != 0)
            return LM_E_NOMEM;
    } else {
        memcpy(master, key->secret, sizeof master);
    }
    lm__key_derive(master, encryption_context, out);
    sodium_memzero(master, sizeof master);
    return LM_OK;
}

static int usable_key(const lm_key *key, lm_object *err, const char *name)
{
    if (!key || key->kind == LM_KEY_EMPTY)
        return lm__fail(err, LM_E_INVALID, "'%s': no key given (or the key is empty)", name);
    if (key->base.kind != LM_KIND_KEY)
        return lm__fail(err, LM_E_INVALID, "'%s': invalid key handle", name);
    if (sodium_ready() < 0)
        return lm__fail(err, LM_E_CRYPTO, "libsodium could not be initialised");
    return LM_OK;
}

/* ---- writing ------------------------------------------------------------------- */

int lm__sink_open(lm_sink *sink, FILE *file, const lm_key *key, const char *name,
                  lm_object *err)
{
    memset(sink, 0, sizeof *sink);
    sink->file = file;
    sink->err = err;
    sink->name = name;
    sink->encrypt = key != NULL;
    sink->first_chunk = true;
    sink->chunk = lm__malloc(LM_ENC_CHUNK);
    if (!sink->chunk)
        return sink->status = lm__fail(err, LM_E_NOMEM, "out of memory");
    if (!sink->encrypt)
        return LM_OK;
    int status = usable_key(key, err, name);
    if (status != LM_OK)
        return sink->status = status;
    sink->cipher = lm__malloc(LM_ENC_CHUNK + ABYTES);
    if (!sink->cipher)
        return sink->status = lm__fail(err, LM_E_NOMEM, "out of memory");

    unsigned char *h = sink->header;
    memcpy(h, LM_ENC_MAGIC, LM_ENC_MAGIC_SIZE);
    h[5] = LM_ENC_VERSION;
    h[6] = key->kind == LM_KEY_PASSPHRASE ? LM_ENC_KIND_PASSPHRASE : LM_ENC_KIND_KEY_FILE;
    h[7] = LM_ENC_CHUNK_LOG2;
    size_t at = PREFIX_SIZE;
    unsigned char salt[crypto_pwhash_SALTBYTES] = {0};
    uint64_t opslimit = crypto_pwhash_OPSLIMIT_INTERACTIVE;
    uint64_t memlimit = crypto_pwhash_MEMLIMIT_INTERACTIVE;
    if (key->kind == LM_KEY_PASSPHRASE) {
        randombytes_buf(salt, sizeof salt);
        h[at++] = crypto_pwhash_ALG_ARGON2ID13;
        memcpy(h + at, salt, sizeof salt);
        at += sizeof salt;
        put_u64(h + at, opslimit);
        put_u64(h + at + 8, memlimit);
        at += 16;
    }
    unsigned char file_secret[LM_KEY_BYTES];
    status = file_key(key, salt, opslimit, memlimit, file_secret);
    if (status != LM_OK)
        return sink->status = lm__fail(err, status, "out of memory deriving the key");
    crypto_secretstream_xchacha20poly1305_init_push(&sink->state, h + at, file_secret);
    sodium_memzero(file_secret, sizeof file_secret);
    at += crypto_secretstream_xchacha20poly1305_HEADERBYTES;
    sink->header_size = at;
    if (fwrite(h, 1, at, file) != at)
        return sink->status = lm__fail(err, LM_E_IO, "'%s': write failed", name);
    return LM_OK;
}

static int flush_chunk(lm_sink *sink, unsigned char tag)
{
    if (!sink->encrypt) {
        if (sink->used && fwrite(sink->chunk, 1, sink->used, sink->file) != sink->used)
            return sink->status = lm__fail(sink->err, LM_E_IO, "'%s': write failed",
                                           sink->name);
        sink->used = 0;
        return LM_OK;
    }
    unsigned long long length = 0;
    crypto_secretstream_xchacha20poly1305_push(
        &sink->state, sink->cipher, &length, sink->chunk, sink->used,
        sink->first_chunk ? sink->header : NULL, sink->first_chunk ? sink->header_size : 0,
        tag);
    sink->first_chunk = false;
    sodium_memzero(sink->chunk, sink->used);
    sink->used = 0;
    unsigned char prefix[LENGTH_SIZE];
    put_u32(prefix, (uint32_t)length);
    if (fwrite(prefix, 1, sizeof prefix, sink->file) != sizeof prefix ||
        fwrite(sink->cipher, 1, (size_t)length, sink->file) != (size_t)length)
        return sink->status = lm__fail(sink->err, LM_E_IO, "'%s': write failed", sink->name);
    return LM_OK;
}

int lm__sink_write(lm_sink *sink, const void *data, size_t size)
{
    /* msgpack-c's packer sees a failing write callback here. */
    if (sink->status == LM_OK && lm__extern_fails())
        sink->status = lm__fail(sink->err, LM_E_IO, "'%s': write failed", sink->name);
    const unsigned char *bytes = data;
    while (size && sink->status == LM_OK) {
        /* A full chunk waits until more bytes arrive: only the last chunk
         * may carry the FINAL tag, and it must not be empty unless the whole
         * stream is. */
        if (sink->used == LM_ENC_CHUNK &&
            flush_chunk(sink, crypto_secretstream_xchacha20poly1305_TAG_MESSAGE) != LM_OK)
            break;
        size_t room = LM_ENC_CHUNK - sink->used;
        size_t take = size < room ? size : room;
        memcpy(sink->chunk + sink->used, bytes, take);
        sink->used += take;
        bytes += take;
        size -= take;
    }
    return sink->status;
}

int lm__sink_close(lm_sink *sink)
{
    if (sink->status == LM_OK)
        flush_chunk(sink, crypto_secretstream_xchacha20poly1305_TAG_FINAL);
    lm__free_secret(sink->chunk, LM_ENC_CHUNK);
    lm__free(sink->cipher);
    sink->chunk = sink->cipher = NULL;
    sodium_memzero(&sink->state, sizeof sink->state);
    return sink->status;
}

/* ---- reading ------------------------------------------------------------------- */

static int read_header(const lm_key *key, const char *name, const unsigned char *data,
                       size_t size, size_t *header_size, unsigned char file_secret[LM_KEY_BYTES],
                       lm_object *err)
{
    if (size < PREFIX_SIZE)
        return memcmp(data, LM_ENC_MAGIC, size < LM_ENC_MAGIC_SIZE ? size : LM_ENC_MAGIC_SIZE)
                       == 0
                   ? lm__fail(err, LM_E_CRYPTO,
                              "'%s': file is truncated: %zu bytes, the header alone has %d",
                              name, size, PREFIX_SIZE)
                   : lm__fail(err, LM_E_FORMAT, "'%s' is not an encrypted libmatch file",
                              name);
    if (memcmp(data, LM_ENC_MAGIC, LM_ENC_MAGIC_SIZE) != 0)
        return lm__fail(err, LM_E_FORMAT, "'%s' is not an encrypted libmatch file", name);
    if (data[5] != LM_ENC_VERSION)
        return lm__fail(err, LM_E_FORMAT,
                        "'%s': unsupported encrypted file version %u (this library reads %d)",
                        name, data[5], LM_ENC_VERSION);
    int file_kind = data[6];
    if (file_kind != LM_ENC_KIND_KEY_FILE && file_kind != LM_ENC_KIND_PASSPHRASE)
        return lm__fail(err, LM_E_CRYPTO, "'%s': damaged header: unknown key kind %d at offset 6",
                        name, file_kind);
    if (data[7] != LM_ENC_CHUNK_LOG2)
        return lm__fail(err, LM_E_CRYPTO,
                        "'%s': damaged header: chunk size 2^%u at offset 7 (expected 2^%d)",
                        name, data[7], LM_ENC_CHUNK_LOG2);
    int status = usable_key(key, err, name);
    if (status != LM_OK)
        return status;
    bool passphrase = file_kind == LM_ENC_KIND_PASSPHRASE;
    if (passphrase != (key->kind == LM_KEY_PASSPHRASE))
        return lm__fail(err, LM_E_CRYPTO,
                        passphrase ? "'%s' is encrypted with a passphrase, not a key file"
                                   : "'%s' is encrypted with a key file, not a passphrase",
                        name);
    size_t need = PREFIX_SIZE + (passphrase ? PWHASH_PARAMS_SIZE : 0) +
                  crypto_secretstream_xchacha20poly1305_HEADERBYTES;
    if (size < need)
        return lm__fail(err, LM_E_CRYPTO,
                        "'%s': file is truncated: %zu bytes, the header alone has %zu", name,
                        size, need);
    const unsigned char *salt = NULL;
    uint64_t opslimit = 0, memlimit = 0;
    if (passphrase) {
        const unsigned char *p = data + PREFIX_SIZE;
        salt = p + 1;
        opslimit = get_u64(p + 1 + crypto_pwhash_SALTBYTES);
        memlimit = get_u64(p + 9 + crypto_pwhash_SALTBYTES);
        /* A hostile header must not make us spend gigabytes or minutes. */
        if (p[0] != crypto_pwhash_ALG_ARGON2ID13 ||
            opslimit < crypto_pwhash_OPSLIMIT_INTERACTIVE ||
            opslimit > crypto_pwhash_OPSLIMIT_MODERATE ||
            memlimit < crypto_pwhash_MEMLIMIT_INTERACTIVE ||
            memlimit > crypto_pwhash_MEMLIMIT_MODERATE)
            return lm__fail(err, LM_E_CRYPTO,
                            "'%s': damaged header: passphrase parameters (algorithm %u, "
                            "%llu passes, %llu bytes) out of range",
                            name, p[0], (unsigned long long)opslimit,
                            (unsigned long long)memlimit);
    }
    status = file_key(key, salt, opslimit, memlimit, file_secret);
    if (status != LM_OK)
        return lm__fail(err, status, "out of memory deriving the key");
    *header_size = need;
    return LM_OK;
}

int lm__decrypt(const lm_key *key, const char *name, const unsigned char *data, size_t size,
                unsigned char **plain, size_t *plain_size, size_t *plain_capacity,
                lm_object *err)
{
    *plain = NULL;
    *plain_size = *plain_capacity = 0;
    unsigned char file_secret[LM_KEY_BYTES];
    size_t at = 0;
    int status = read_header(key, name, data, size, &at, file_secret, err);
    if (status != LM_OK)
        return status;
    crypto_secretstream_xchacha20poly1305_state state;
    crypto_secretstream_xchacha20poly1305_init_pull(
        &state, data + at - crypto_secretstream_xchacha20poly1305_HEADERBYTES, file_secret);
    sodium_memzero(file_secret, sizeof file_secret);
    size_t capacity = size - at;
    unsigned char *out = lm__malloc(capacity ? capacity : 1);
    if (!out) {
        sodium_memzero(&state, sizeof state);
        return lm__fail(err, LM_E_NOMEM, "out of memory");
    }
    size_t header_size = at, used = 0;
    bool first = true;
    for (;;) {
        if (size - at < LENGTH_SIZE) {
            status = lm__fail(err, LM_E_CRYPTO,
                              "'%s': file is truncated: the encrypted stream ends at offset %zu "
                              "without its final chunk",
                              name, size);
            break;
        }
        size_t length = get_u32(data + at);
        size_t chunk_at = at;
        at += LENGTH_SIZE;
        if (length < ABYTES || length > LM_ENC_CHUNK + ABYTES) {
            status = lm__fail(err, LM_E_CRYPTO,
                              "'%s': damaged file: the chunk at offset %zu declares %zu bytes",
                              name, chunk_at, length);
            break;
        }
        if (length > size - at) {
            status = lm__fail(err, LM_E_CRYPTO,
                              "'%s': file is truncated or damaged: the chunk at offset %zu "
                              "declares %zu bytes, %zu remain",
                              name, chunk_at, length, size - at);
            break;
        }
        unsigned long long got = 0;
        unsigned char tag = 0;
        if (crypto_secretstream_xchacha20poly1305_pull(&state, out + used, &got, &tag,
                                                       data + at, length,
                                                       first ? data : NULL,
                                                       first ? header_size : 0) != 0) {
            status = lm__fail(err, LM_E_CRYPTO,
                              "'%s': wrong key or damaged file (the chunk at offset %zu does "
                              "not authenticate)",
                              name, chunk_at);
            break;
        }
        first = false;
        used += (size_t)got;
        at += length;
        if (tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL) {
            if (at != size)
                status = lm__fail(err, LM_E_CRYPTO,
                                  "'%s': data after the end of the encrypted stream (%zu bytes "
                                  "at offset %zu)",
                                  name, size - at, at);
            break;
        }
        if (tag != crypto_secretstream_xchacha20poly1305_TAG_MESSAGE) {
            status = lm__fail(err, LM_E_CRYPTO,
                              "'%s': damaged file: unexpected tag in the chunk at offset %zu",
                              name, chunk_at);
            break;
        }
    }
    sodium_memzero(&state, sizeof state);
    if (status != LM_OK) {
        lm__free_secret(out, capacity ? capacity : 1);
        return status;
    }
    *plain = out;
    *plain_size = used;
    *plain_capacity = capacity ? capacity : 1;
    return LM_OK;
}
