/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unaligned loads from records and tracepoint payloads, in host order (the
 * project reads little-endian data on little-endian hosts only: the
 * perf.data reader refuses big-endian files).
 */
#ifndef PERF_PROF_BYTES_H
#define PERF_PROF_BYTES_H

#include <stdint.h>
#include <string.h>

static inline uint16_t load16(const void *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline uint32_t load32(const void *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline uint64_t load64(const void *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

#endif
