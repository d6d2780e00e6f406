/* Status codes, their static texts, and per-object error messages. */
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

int lm__vfail(lm_object *object, int status, const char *format, va_list args)
{
    if (object)
        vsnprintf(object->errmsg, sizeof object->errmsg, format, args);
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
