// SPDX-License-Identifier: GPL-2.0-only
/*
 * syscalls: latency from raw_syscalls:sys_enter to the next sys_exit of
 * the same thread, per syscall, like `perf trace -s`.  Same engine as
 * kvm-exit, and the proof of the live path on hosts whose KVM never fires.
 * Names come from libseccomp, which knows every architecture's table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <seccomp.h>
#include <perf-prof/latency.h>
#include <perf-prof/tep.h>

#define NAME_CACHE 1024

/* the bound fields of this run, and the names looked up so far */
struct sc_state {
	struct pp_field id, ret;
	uint32_t id_need, ret_need;	/* pp_field_need() of each, fixed at bind */
	char *names[NAME_CACHE];
};

static void *sc_state_new(void)
{
	return calloc(1, sizeof(struct sc_state));
}

static void sc_state_free(void *st)
{
	struct sc_state *sc = st;
	int i;

	if (!sc)
		return;
	for (i = 0; i < NAME_CACHE; i++)
		free(sc->names[i]);
	free(sc);
}

static int sc_bind(void *st, struct tep_event *enter, struct tep_event *exit, char *err,
		   size_t errlen)
{
	struct sc_state *sc = st;

	if (!pp_field_bind(enter, "id", &sc->id) || !pp_field_bind(exit, "ret", &sc->ret)) {
		snprintf(err, errlen, "raw_syscalls events lack the id/ret fields");
		return -1;
	}
	sc->id_need = pp_field_need(&sc->id);
	sc->ret_need = pp_field_need(&sc->ret);
	return 0;
}

/* every record reads one field: no size switch when the record holds it */
static uint64_t sc_key(const void *st, const struct pp_record *r, uint64_t *aux)
{
	const struct sc_state *sc = st;

	*aux = 0;
	if (r->raw_size >= sc->id_need)
		return pp_field_load(&sc->id, r->raw);
	return pp_field_u64(&sc->id, r->raw, r->raw_size);
}

static uint64_t sc_extra(const void *st, const struct pp_record *end, uint64_t aux,
			 uint64_t lat)
{
	const struct sc_state *sc = st;
	uint64_t ret = end->raw_size >= sc->ret_need ? pp_field_load(&sc->ret, end->raw)
						    : pp_field_u64(&sc->ret, end->raw, end->raw_size);

	return (int64_t)ret < 0;
}

static void sc_key_name(void *st, uint64_t key, char *buf, size_t len)
{
	struct sc_state *sc = st;
	int64_t nr = (int64_t)key;
	char *name;

	if (nr >= 0 && nr < NAME_CACHE && sc->names[nr]) {
		snprintf(buf, len, "%s", sc->names[nr]);
		return;
	}
	name = nr >= 0 && nr <= 0x7fffffff ?
	       seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, (int)nr) : NULL;
	if (name)
		snprintf(buf, len, "%s", name);
	else
		snprintf(buf, len, "syscall_%ld", (long)nr);
	if (nr >= 0 && nr < NAME_CACHE)
		sc->names[nr] = name ? name : strdup(buf);
	else
		free(name);
}

const struct lat_class syscalls_class = {
	.name = "syscalls",
	.bit = LAT_SYSCALLS,
	.title = "syscalls latency",
	.key_header = "syscall",
	.extra_header = "err",
	.proc_label = "PROCESS",
	.extra_percent = false,
	.begin_event = "raw_syscalls:sys_enter",
	.end_event = "raw_syscalls:sys_exit",
	.state_new = sc_state_new,
	.state_free = sc_state_free,
	.bind = sc_bind,
	.key = sc_key,
	.extra = sc_extra,
	.key_name = sc_key_name,
};
