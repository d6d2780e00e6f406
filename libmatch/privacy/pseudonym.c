/* Pseudonyms: a keyed BLAKE2b hash of an id, so results can be shared
 * without names and only the key holder can map them back. The hash key is
 * derived when the key is filled (crypto.c), so lm_pseudonym() only reads
 * the key and may run on one key from several threads at once. */
#include <string.h>

#include "privacy/crypto_internal.h"

#define PSEUDONYM_PREFIX "ps-"
#define PSEUDONYM_HASH_BYTES 16

/* Domain separation from the encryption subkey of the same master key. */
static const char pseudonym_context[8] = {'l', 'm', 'p', 's', 'e', 'u', 'd', 'o'};

void lm__pseudonym_subkey(const unsigned char master[LM_KEY_BYTES],
                          unsigned char out[LM_KEY_BYTES])
{
    lm__key_derive(master, pseudonym_context, out);
}

size_t lm_pseudonym_size(void)
{
    return LM_PSEUDONYM_SIZE;
}

/* Failures are reported by status only: a message would be a write to a key
 * that other threads may be reading. */
int lm_pseudonym(const lm_key *key, const char *id, char *out, size_t out_size)
{
    if (!key || key->base.kind != LM_KIND_KEY || !id || !out || out_size < LM_PSEUDONYM_SIZE)
        return LM_E_INVALID;
    /* A passphrase key has no secret of its own that is the same for every
     * run: a fixed salt would let one known (id, pseudonym) pair test
     * passphrases offline for every deployment at once. */
    if (key->kind != LM_KEY_RANDOM || !key->has_pseudonym_key)
        return LM_E_INVALID;
    unsigned char hash[PSEUDONYM_HASH_BYTES];
    if (crypto_generichash(hash, sizeof hash, (const unsigned char *)id, strlen(id),
                           key->pseudonym_key, sizeof key->pseudonym_key) != 0)
        return LM_E_CRYPTO;
    memcpy(out, PSEUDONYM_PREFIX, sizeof PSEUDONYM_PREFIX - 1);
    sodium_bin2hex(out + sizeof PSEUDONYM_PREFIX - 1, 2 * sizeof hash + 1, hash, sizeof hash);
    return LM_OK;
}
