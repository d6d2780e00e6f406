/* Status codes, their static texts, and per-object error messages. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "common/common_internal.h"

const char *lm_strerror(int status)
{
    switch (status) {
    case LM_OK: return "ok";
    case LM_E_NOMEM: return "out of memory";
    case LM_E_INVALID: return "invalid argument";
    case LM_E_PARSE: return "malformed input";
    case LM_E_IO: return "input/output error";
    case LM_E_INFEASIBLE: return "parameters make every group impossible";
    case LM_E_NOTFOUND: return "not found";
    case LM_E_CANCELLED: return "cancelled";
    case LM_E_TOO_LARGE: return "input too large";
    case LM_E_CRYPTO: return "wrong key or damaged file";
    case LM_E_FORMAT: return "unknown or unsupported format";
    case LM_E_DUPLICATE: return "duplicate id";
    default: return "unknown status";
    }
}

void lm__object_init(lm_object *object, lm_kind kind)
{
    object->kind = (uint32_t)kind;
    object->errmsg[0] = '\0';
}

void lm__clear_error(lm_object *object)
{
    if (object)
        object->errmsg[0] = '\0';
}

size_t lm__escape_controls(char *out, size_t size, const char *text)
{
    static const char hex[] = "0123456789abcdef";
    size_t used = 0;
    for (const unsigned char *c = (const unsigned char *)text; *c && size; c++) {
        /* C0 controls and DEL, and the C1 controls U+0080..U+009F (UTF-8
         * C2 80..C2 9F, CSI among them) that terminals also obey. */
        bool c1 = c[0] == 0xc2 && c[1] >= 0x80 && c[1] <= 0x9f;
        if (*c >= 0x20 && *c != 0x7f && !c1) {
            if (used + 1 >= size)
                break;
            out[used++] = (char)*c;
            continue;
        }
        size_t need = c1 ? 8 : 4;
        if (used + need >= size)
            break;
        for (int k = 0; k < (c1 ? 2 : 1); k++) {
            out[used++] = '\\';
            out[used++] = 'x';
            out[used++] = hex[c[k] >> 4];
            out[used++] = hex[c[k] & 15];
        }
        c += c1;
    }
    if (size)
        out[used] = '\0';
    return used;
}

size_t lm_escape_controls(char *out, size_t size, const char *text)
{
    return out && text ? lm__escape_controls(out, size, text) : 0;
}

void lm__format_message(char *out, size_t size, const char *format, va_list args)
{
    char raw[LM_ERRMSG_MAX];
    vsnprintf(raw, sizeof raw, format, args);
    lm__escape_controls(out, size, raw);
}

int lm__vfail(lm_object *object, int status, const char *format, va_list args)
{
    if (object)
        lm__format_message(object->errmsg, sizeof object->errmsg, format, args);
    return status;
}

int lm__fail(lm_object *object, int status, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    lm__vfail(object, status, format, args);
    va_end(args);
    return status;
}

const char *lm_errmsg(const void *handle)
{
    const lm_object *object = handle;
    if (!object)
        return "invalid handle";
    switch (object->kind) {
    case LM_KIND_TAXONOMY:
    case LM_KIND_POOL:
    case LM_KIND_PARAMS:
    case LM_KIND_GROUPING:
    case LM_KIND_RESULT:
    case LM_KIND_KEY:
    case LM_KIND_CONSTRAINTS:
    case LM_KIND_HISTORY:
        return object->errmsg;
    default:
        return "invalid handle";
    }
}
