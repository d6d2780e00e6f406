/* Pseudonyms: a keyed BLAKE2b hash of an id, so results can be shared
 * without names and only the key holder can map them back. */
#include <string.h>

#include "privacy/crypto_internal.h"

#define PSEUDONYM_PREFIX "ps-"
#define PSEUDONYM_HASH_BYTES 16

/* Domain separation from the encryption subkey of the same master key. */
static const char pseudonym_context[8] = {'l', 'm', 'p', 's', 'e', 'u', 'd', 'o'};

/* A passphrase key has no stored secret: its pseudonym key is Argon2id of
 * the passphrase with this fixed salt, so that pseudonyms stay the same
 * from one run to the next (a key file is the better choice: its 256 random
 * bits need no stretching). */
static const unsigned char pseudonym_salt[crypto_pwhash_SALTBYTES] = "libmatch-pseudo1";

static int pseudonym_key(lm_key *key)
{
    if (key->has_pseudonym_key)
        return LM_OK;
    unsigned char master[LM_KEY_BYTES];
    if (key->kind == LM_KEY_PASSPHRASE) {
        if (crypto_pwhash(master, sizeof master, key->passphrase, key->passphrase_length,
                          pseudonym_salt, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE,
                          crypto_pwhash_ALG_ARGON2ID13) != 0)
            return lm__fail(&key->base, LM_E_NOMEM, "out of memory deriving the key");
    } else {
        memcpy(master, key->secret, sizeof master);
    }
    lm__key_derive(master, pseudonym_context, key->pseudonym_key);
    sodium_memzero(master, sizeof master);
    key->has_pseudonym_key = true;
    return LM_OK;
}

size_t lm_pseudonym_size(void)
{
    return LM_PSEUDONYM_SIZE;
}

int lm_pseudonym(lm_key *key, const char *id, char *out, size_t out_size)
{
    if (!key || key->base.kind != LM_KIND_KEY)
        return LM_E_INVALID;
    if (!id || !out)
        return lm__fail(&key->base, LM_E_INVALID, "no id or no output buffer");
    if (out_size < LM_PSEUDONYM_SIZE)
        return lm__fail(&key->base, LM_E_INVALID,
                        "the output buffer holds %zu bytes, a pseudonym needs %d", out_size,
                        LM_PSEUDONYM_SIZE);
    if (key->kind == LM_KEY_EMPTY)
        return lm__fail(&key->base, LM_E_INVALID, "the key is empty");
    if (sodium_init() < 0)
        return lm__fail(&key->base, LM_E_CRYPTO, "libsodium could not be initialised");
    int status = pseudonym_key(key);
    if (status != LM_OK)
        return status;
    unsigned char hash[PSEUDONYM_HASH_BYTES];
    crypto_generichash(hash, sizeof hash, (const unsigned char *)id, strlen(id),
                       key->pseudonym_key, sizeof key->pseudonym_key);
    memcpy(out, PSEUDONYM_PREFIX, sizeof PSEUDONYM_PREFIX - 1);
    sodium_bin2hex(out + sizeof PSEUDONYM_PREFIX - 1, 2 * sizeof hash + 1, hash, sizeof hash);
    return LM_OK;
}
