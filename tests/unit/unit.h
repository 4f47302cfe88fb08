/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Every tests/unit/test_*.c registers its Check suite with UNIT_SUITE();
 * the runner (tests/unit/runner.c) runs them all.  Adding a test file
 * needs no other edit.
 */
#ifndef PP_TESTS_UNIT_H
#define PP_TESTS_UNIT_H

#include <check.h>

void unit_register(Suite *(*fn)(void));

#define UNIT_SUITE(fn) \
	static void __attribute__((constructor)) register_##fn(void) { unit_register(fn); }

/* directory holding tests/data fixtures, from the build (-DTEST_DATA_DIR) */
#ifndef TEST_DATA_DIR
#define TEST_DATA_DIR "tests/data"
#endif

#endif
