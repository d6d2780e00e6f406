/* The runtime version, for callers that check what they loaded. */
#include "common/common_internal.h"

const char *lm_version_string(void)
{
    return LM_VERSION_STRING;
}

int lm_version_number(void)
{
    return LM_VERSION_NUMBER;
}
