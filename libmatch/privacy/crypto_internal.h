/* Keys and encryption at rest (crypto.c, pseudonym.c); secret buffers are
 * freed with lm__free_secret(). The encrypted file layout is documented in
 * docs/formats.md, "Encrypted files". */
#ifndef LM_CRYPTO_INTERNAL_H
#define LM_CRYPTO_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <sodium.h>

#include "common/common_internal.h"

#define LM_KEY_BYTES 32
#define LM_PASSPHRASE_MAX 4096
#define LM_KEY_SALT_BYTES 16 /* crypto_pwhash_SALTBYTES */
#define LM_ENC_MAGIC "LMENC"
#define LM_ENC_MAGIC_SIZE 5
#define LM_ENC_VERSION 1
#define LM_ENC_CHUNK_LOG2 16
#define LM_ENC_CHUNK ((size_t)1 << LM_ENC_CHUNK_LOG2)

/* On-disk key kinds (header byte 6). */
#define LM_ENC_KIND_KEY_FILE 1
#define LM_ENC_KIND_PASSPHRASE 2

/* Every field is set by the call that fills the key (generate, load, set or
 * derive) and only read afterwards, so that const calls may share a key
 * across threads: no subkey is derived lazily. */
struct lm_key {
    lm_object base;
    lm_key_kind kind;
    unsigned char secret[LM_KEY_BYTES]; /* the random key (LM_KEY_RANDOM) */
    char *passphrase;                   /* LM_KEY_PASSPHRASE; wiped on free */
    size_t passphrase_length;
    bool has_pseudonym_key;             /* LM_KEY_RANDOM: pseudonym_key is set */
    unsigned char pseudonym_key[LM_KEY_BYTES];
    bool has_salt;                      /* derived from a passphrase with salt */
    unsigned char salt[LM_KEY_SALT_BYTES];
};

/* The pseudonym subkey of a master key (context "lmpseudo", pseudonym.c). */
void lm__pseudonym_subkey(const unsigned char master[LM_KEY_BYTES],
                          unsigned char out[LM_KEY_BYTES]);

/* The subkey of a master key for one purpose (8-character context). */
void lm__key_derive(const unsigned char master[LM_KEY_BYTES], const char context[8],
                    unsigned char out[LM_KEY_BYTES]);

/* A byte sink for writers: passes bytes to a FILE either as they are or
 * encrypted in chunks of LM_ENC_CHUNK bytes (the last one tagged FINAL).
 * The first failure sticks: later writes are ignored and lm__sink_close()
 * returns it, with the message on err. */
typedef struct lm_sink {
    FILE *file;
    lm_object *err;
    const char *name;  /* for messages */
    int status;
    bool encrypt;
    bool first_chunk;
    unsigned char *chunk; /* LM_ENC_CHUNK plaintext bytes being collected */
    size_t used;
    unsigned char *cipher;
    unsigned char header[128]; /* the authenticated header (AD of chunk 1) */
    size_t header_size;
    crypto_secretstream_xchacha20poly1305_state state;
} lm_sink;

/* Starts a sink on file; with a key, derives the file key and writes the
 * encrypted file's header. */
int lm__sink_open(lm_sink *sink, FILE *file, const lm_key *key, const char *name,
                  lm_object *err);
int lm__sink_write(lm_sink *sink, const void *data, size_t size);
/* Writes what is left (the FINAL chunk when encrypting) and wipes the sink's
 * state; returns the first failure. Always call it once after open. */
int lm__sink_close(lm_sink *sink);

/* Decrypts an encrypted file image into a new buffer (*plain, *plain_size;
 * free it with lm__free_secret(*plain, *plain_capacity)). Failures are
 * LM_E_CRYPTO (wrong key, damaged, truncated or extended file),
 * LM_E_FORMAT (not an encrypted file, unsupported version) or
 * LM_E_INVALID (no key), with the file name and offset on err. */
int lm__decrypt(const lm_key *key, const char *name, const unsigned char *data, size_t size,
                unsigned char **plain, size_t *plain_size, size_t *plain_capacity,
                lm_object *err);

#endif
