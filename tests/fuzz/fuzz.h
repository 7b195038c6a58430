/* fuzz.h - the libFuzzer entry point every fuzz-*.c defines.  Built with
 * replay.c it replays a corpus (make check); with clang -fsanitize=fuzzer
 * it fuzzes (make fuzz). */
#ifndef KSKIT_FUZZ_H
#define KSKIT_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
