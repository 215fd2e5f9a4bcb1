/* Tiny check harness shared by the runtime test files. */
#ifndef BITNET_RUNTIME_TEST_H
#define BITNET_RUNTIME_TEST_H

#include "bitnet/runtime.h"
#include "bitnet/tooling.h"

#include <stdbool.h>
#include <stddef.h>

/* Prints "PASS: <what>" or "FAIL: <what>" and counts it. */
bool check(bool ok, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Passes when `got` == `want` and the thread's message contains `needle`
 * (NULL: no message check); prints both on failure. */
bool check_status(bitnet_status got, bitnet_status want, const char *needle,
                  const char *what);

/* Scratch directory for files the tests write (created by main). */
extern char test_tmpdir[];
/* test_tmpdir + "/" + name, in a static rotating buffer. */
const char *tmp_path(const char *name);
bool write_bytes(const char *path, const void *data, size_t len);

void test_npy(void);
void test_pb(void);
void test_library(const char *fake_model_path);
void test_pool(void);
void test_decoder(void);

#endif
