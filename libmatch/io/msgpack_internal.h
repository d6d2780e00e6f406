/* The msgpack pool and result formats (docs/formats.md): a bounded reader
 * for the subset of msgpack they use (msgpack_read.c), packing helpers
 * (msgpack_write.c) and the envelope both formats share (io_envelope.c).
 *
 * msgpack-c packs (through an lm_sink, so encryption and atomic saves stay
 * in one place), but its C unpacker is never used on file data: it trusts
 * declared lengths, so "dd ff 00 00 00" alone would ask it for ~96 GB. The
 * reader here checks every declared length against the bytes that remain
 * before anything is allocated, caps nesting and size, and reports the
 * offset of every problem. */
#ifndef LM_MSGPACK_INTERNAL_H
#define LM_MSGPACK_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <msgpack.h>

#include "privacy/crypto_internal.h"

#define LM_MP_POOL_MAGIC "LMPOOL"
#define LM_MP_RESULT_MAGIC "LMRSLT"
#define LM_MP_POOL_VERSION 1
#define LM_MP_RESULT_VERSION 1
#define LM_MP_MAX_DEPTH 16
/* Files are read whole into memory (io_load.c); beyond this they are
 * refused. */
#define LM_MP_MAX_BYTES ((size_t)1 << 31)

typedef enum lm_mp_type {
    LM_MP_NIL,
    LM_MP_BOOL,
    LM_MP_UINT,  /* a non-negative integer in any integer encoding */
    LM_MP_INT,   /* a negative integer */
    LM_MP_FLOAT, /* float32 or float64 */
    LM_MP_STR,
    LM_MP_BIN,
    LM_MP_ARRAY,
    LM_MP_MAP,
    LM_MP_EXT
} lm_mp_type;

/* ---- reading (msgpack_read.c) ------------------------------------------------- */

/* A cursor over a buffer. The first failure sticks: status and error keep
 * it and every later read returns it. */
typedef struct lm_mp_reader {
    const unsigned char *data;
    size_t size;
    size_t offset;
    int status;
    char error[LM_ERRMSG_MAX];
} lm_mp_reader;

void lm__mp_reader_init(lm_mp_reader *reader, const void *data, size_t size);
/* Records a failure at the current offset (the first one wins). */
int lm__mp_fail(lm_mp_reader *reader, int status, const char *format, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* The type of the next value, without consuming it. */
int lm__mp_peek(lm_mp_reader *reader, lm_mp_type *type);
const char *lm__mp_type_name(lm_mp_type type);

/* Each reads one value of the named type or fails with the offset, the
 * expected and the found type. Counts are checked against the bytes left
 * (every element takes at least one byte, every map entry two). */
int lm__mp_read_array(lm_mp_reader *reader, size_t *count);
int lm__mp_read_map(lm_mp_reader *reader, size_t *count);
/* The bytes stay in the buffer (not NUL-terminated). */
int lm__mp_read_str(lm_mp_reader *reader, const char **text, size_t *length);
int lm__mp_read_uint(lm_mp_reader *reader, uint64_t *value);
int lm__mp_read_int(lm_mp_reader *reader, int64_t *value);
int lm__mp_read_double(lm_mp_reader *reader, double *value);
int lm__mp_read_bool(lm_mp_reader *reader, bool *value);
/* true (and consumed) when the next value is nil. */
bool lm__mp_read_nil(lm_mp_reader *reader);
/* Skips one value of any type, nested at most LM_MP_MAX_DEPTH deep. */
int lm__mp_skip(lm_mp_reader *reader);
/* Reads a str into a NUL-terminated copy of at most max bytes (without
 * the NUL) in buffer (max + 1 bytes); rejects embedded NULs. */
int lm__mp_read_text(lm_mp_reader *reader, char *buffer, size_t max, const char *what);

/* ---- packing (msgpack_write.c) ------------------------------------------------- */

void lm__mp_packer_init(msgpack_packer *packer, lm_sink *sink);
void lm__mp_pack_text(msgpack_packer *packer, const char *text);

/* ---- the envelope of pool and result files (io_envelope.c) ---------------------- */

/* Packs the `entries` name/value pairs of an envelope's body map. Writing
 * stops being useful once sink->status is not LM_OK, so long lists may stop
 * early. */
typedef void (*lm_mp_body_fn)(const void *context, msgpack_packer *packer, const lm_sink *sink);

/* Saves path atomically (lm__atomic_write) as [magic, version, {body}],
 * encrypted as a whole when key is given. Failures set a message on object
 * and return its status. */
int lm__mp_save(const char *path, const lm_key *key, const char *magic, uint64_t version,
                size_t entries, lm_mp_body_fn body, const void *body_context, lm_object *object);

/* A decrypted view of a pool or result file image: plain points either
 * into the caller's data or into a decrypted copy. */
typedef struct lm_plain {
    const unsigned char *data;
    size_t size;
    unsigned char *owned; /* decrypted bytes to wipe and free, or NULL */
    size_t owned_capacity;
} lm_plain;

/* Decrypts data when it is encrypted (key needed), else passes it through,
 * and refuses the other kind of file than `expected` (LM_E_FORMAT, "'name'
 * is a result file, not a pool"). Failures leave nothing to close. */
int lm__plain_open(lm_plain *plain, lm_format expected, const lm_key *key, const char *name,
                   const void *data, size_t size, lm_object *err);
void lm__plain_close(lm_plain *plain);

struct lm_file_map;
/* lm_pool_load_msgpack_buffer() over a mapped file (io/file_map_internal.h),
 * handing back the pages it has read when the file is not encrypted. */
int lm__pool_load_msgpack_map(lm_pool *pool, const char *name, struct lm_file_map *map,
                              const lm_key *key);

/* Reads the envelope [magic, version, body-map] and returns the number of
 * entries of the body map. */
int lm__mp_read_envelope(lm_mp_reader *reader, const char *magic, uint64_t version,
                         size_t *entries);
/* Reads the name of the next entry of the body map: *which is its index in
 * known[0..count) (count <= 32), or -1 for a name this version does not
 * know, whose value is then skipped (a later minor revision may add
 * entries). seen keeps a bit per known name: a name seen before is
 * LM_E_PARSE. */
int lm__mp_read_entry(lm_mp_reader *reader, const char *const *known, int count,
                      unsigned *seen, int *which);

#endif
