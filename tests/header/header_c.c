/* The public header compiles alone as strict C11 (-pedantic -Werror). */
#include "libmatch/libmatch.h"

int main(void)
{
    /* a few declarations used, so a broken prototype would not compile */
    lm_pool *pool = NULL;
    lm_pool_free(pool);
    return lm_version_number() == LM_VERSION_NUMBER ? 0 : 1;
}
