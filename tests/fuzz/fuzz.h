/* The libFuzzer entry point every fuzz target defines; replay.c calls it
 * over a corpus so that meson test runs the corpora without libFuzzer. */
#ifndef LM_FUZZ_H
#define LM_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
