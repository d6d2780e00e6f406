/* Packing through an lm_sink (msgpack_internal.h): msgpack-c writes, the
 * sink encrypts or passes the bytes on and keeps the first failure. */
#include <string.h>

#include "io/msgpack_internal.h"

static int sink_callback(void *data, const char *buffer, size_t length)
{
    return lm__sink_write(data, buffer, length) == LM_OK ? 0 : -1;
}

void lm__mp_packer_init(msgpack_packer *packer, lm_sink *sink)
{
    msgpack_packer_init(packer, sink, sink_callback);
}

/* Failures are not checked call by call: the sink keeps the first one and
 * lm__sink_close() reports it. */
void lm__mp_pack_text(msgpack_packer *packer, const char *text)
{
    size_t length = strlen(text);
    msgpack_pack_str(packer, length);
    msgpack_pack_str_body(packer, text, length);
}
