// The public header compiles as C++ (extern "C" guards, no C-only syntax).
#include "libmatch/libmatch.h"

int main()
{
    lm_result *result = nullptr;
    if (lm_result_new(&result) != LM_OK)
        return 1;
    lm_result_free(result);
    return lm_version_number() == LM_VERSION_NUMBER ? 0 : 1;
}
