/* What wraps the body of a pool or result file (docs/formats.md): the
 * optional encryption of the whole file, and the msgpack envelope
 * [magic, version, {name: value, ...}]. Writing it, reading it back and
 * recognising a file by its first bytes all follow the one sequence here. */
#include <stdio.h>
#include <string.h>

#include "common/atomic_internal.h"
#include "io/msgpack_internal.h"

/* The two kinds of enveloped files. */
typedef struct kind {
    lm_format format;
    const char *magic;
    const char *name;
} kind;

static const kind kinds[] = {
    {LM_FORMAT_POOL_MSGPACK, LM_MP_POOL_MAGIC, "pool"},
    {LM_FORMAT_RESULT_MSGPACK, LM_MP_RESULT_MAGIC, "result"},
};
#define KIND_COUNT (sizeof kinds / sizeof *kinds)

static const kind *kind_of_format(lm_format format)
{
    for (size_t k = 0; k < KIND_COUNT; k++)
        if (kinds[k].format == format)
            return &kinds[k];
    return NULL;
}

static const kind *kind_of_magic(const char *magic)
{
    for (size_t k = 0; k < KIND_COUNT; k++)
        if (strcmp(kinds[k].magic, magic) == 0)
            return &kinds[k];
    return NULL;
}

/* The bytes an envelope starts with, as lm__mp_save() packs them:
 * fixarray(3), then the magic as a fixstr. Returns their number. */
#define HEAD_MAX 34
static size_t envelope_head(const char *magic, unsigned char head[HEAD_MAX])
{
    size_t length = strlen(magic);
    head[0] = 0x93;
    head[1] = (unsigned char)(0xa0 | length);
    memcpy(head + 2, magic, length);
    return 2 + length;
}

/* ---- recognising a file -------------------------------------------------------- */

lm_format lm_format_detect(const void *data, size_t size)
{
    const unsigned char *bytes = data;
    if (!bytes)
        return LM_FORMAT_CSV;
    for (size_t k = 0; k < KIND_COUNT; k++) {
        unsigned char head[HEAD_MAX];
        size_t length = envelope_head(kinds[k].magic, head);
        if (size >= length && memcmp(bytes, head, length) == 0)
            return kinds[k].format;
    }
    if (size >= LM_ENC_MAGIC_SIZE && memcmp(bytes, LM_ENC_MAGIC, LM_ENC_MAGIC_SIZE) == 0)
        return LM_FORMAT_ENCRYPTED;
    return LM_FORMAT_CSV;
}

int lm_format_detect_file(const char *path, lm_format *format)
{
    if (!path || !format)
        return LM_E_INVALID;
    FILE *file = fopen(path, "rb");
    if (!file)
        return LM_E_IO;
    unsigned char head[16];
    size_t got = fread(head, 1, sizeof head, file);
    int failed = ferror(file);
    fclose(file);
    if (failed)
        return LM_E_IO;
    *format = lm_format_detect(head, got);
    return LM_OK;
}

/* ---- writing ---------------------------------------------------------------------- */

typedef struct save_context {
    const lm_key *key;
    const char *path;
    const char *magic;
    uint64_t version;
    size_t entries;
    lm_mp_body_fn body;
    const void *body_context;
    lm_object *object;
} save_context;

static int write_file(void *opaque, FILE *file)
{
    const save_context *c = opaque;
    lm_sink sink;
    if (lm__sink_open(&sink, file, c->key, c->path, c->object) == LM_OK) {
        msgpack_packer packer;
        lm__mp_packer_init(&packer, &sink);
        msgpack_pack_array(&packer, 3);
        lm__mp_pack_text(&packer, c->magic);
        msgpack_pack_uint64(&packer, c->version);
        msgpack_pack_map(&packer, c->entries);
        c->body(c->body_context, &packer, &sink);
    }
    return lm__sink_close(&sink);
}

int lm__mp_save(const char *path, const lm_key *key, const char *magic, uint64_t version,
                size_t entries, lm_mp_body_fn body, const void *body_context, lm_object *object)
{
    save_context context = {key, path, magic, version, entries, body, body_context, object};
    return lm__atomic_write(path, write_file, &context, object);
}

/* ---- reading ---------------------------------------------------------------------- */

int lm__plain_open(lm_plain *plain, lm_format expected, const lm_key *key, const char *name,
                   const void *data, size_t size, lm_object *err)
{
    memset(plain, 0, sizeof *plain);
    if (lm_format_detect(data, size) != LM_FORMAT_ENCRYPTED) {
        plain->data = data;
        plain->size = size;
    } else if (!key) {
        return lm__fail(err, LM_E_CRYPTO, "'%s' is encrypted: give its key or passphrase",
                        name);
    } else {
        unsigned char *bytes;
        size_t length, capacity;
        int status = lm__decrypt(key, name, data, size, &bytes, &length, &capacity, err);
        if (status != LM_OK)
            return status;
        plain->data = bytes;
        plain->size = length;
        plain->owned = bytes;
        plain->owned_capacity = capacity;
    }
    lm_format found = lm_format_detect(plain->data, plain->size);
    const kind *wanted = kind_of_format(expected), *other = kind_of_format(found);
    if (wanted && other && other != wanted) {
        lm__plain_close(plain);
        return lm__fail(err, LM_E_FORMAT, "'%s' is a %s file, not a %s", name, other->name,
                        wanted->name);
    }
    return LM_OK;
}

void lm__plain_close(lm_plain *plain)
{
    lm__free_secret(plain->owned, plain->owned_capacity);
    memset(plain, 0, sizeof *plain);
}

int lm__mp_read_envelope(lm_mp_reader *reader, const char *magic, uint64_t version,
                         size_t *entries)
{
    size_t count = 0;
    const char *text = NULL;
    size_t length = 0;
    if (lm__mp_read_array(reader, &count) != LM_OK || count != 3 ||
        lm__mp_read_str(reader, &text, &length) != LM_OK || length != strlen(magic) ||
        memcmp(text, magic, length) != 0) {
        reader->status = LM_OK;
        reader->offset = 0;
        /* The first bytes of a real file, cut short. */
        unsigned char head[HEAD_MAX];
        size_t head_length = envelope_head(magic, head);
        if (reader->size >= 2 && reader->size <= head_length &&
            memcmp(reader->data, head, reader->size) == 0)
            return lm__mp_fail(reader, LM_E_PARSE, "truncated: the file ends inside its "
                                                   "%zu-byte header",
                               head_length + 1);
        const kind *wanted = kind_of_magic(magic);
        return lm__mp_fail(reader, LM_E_FORMAT, "not a libmatch %s file (no '%s' header)",
                           wanted ? wanted->name : "msgpack", magic);
    }
    size_t at = reader->offset;
    uint64_t found = 0;
    if (lm__mp_read_uint(reader, &found) != LM_OK)
        return reader->status;
    if (found != version) {
        reader->offset = at;
        return lm__mp_fail(reader, LM_E_FORMAT,
                           "unsupported %s format version %llu (this library reads %llu)", magic,
                           (unsigned long long)found, (unsigned long long)version);
    }
    return lm__mp_read_map(reader, entries);
}

int lm__mp_read_entry(lm_mp_reader *reader, const char *const *known, int count,
                      unsigned *seen, int *which)
{
    *which = -1;
    size_t at = reader->offset;
    const char *name;
    size_t length;
    if (lm__mp_read_str(reader, &name, &length) != LM_OK)
        return reader->status;
    for (int k = 0; k < count; k++)
        if (length == strlen(known[k]) && memcmp(name, known[k], length) == 0)
            *which = k;
    if (*which < 0)
        return lm__mp_skip(reader); /* a later minor revision's addition */
    if (*seen & (1u << *which)) {
        reader->offset = at;
        return lm__mp_fail(reader, LM_E_PARSE, "'%s' appears twice", known[*which]);
    }
    *seen |= 1u << *which;
    return LM_OK;
}
