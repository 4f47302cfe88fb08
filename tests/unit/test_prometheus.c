// SPDX-License-Identifier: GPL-2.0-only
/*
 * The Prometheus exposition: buckets, label escaping, the two formats,
 * content negotiation, the listen address; and --prometheus-textfile on
 * the sample recording, whose table it must agree with to the nanosecond.
 * (The live exporter against a real Prometheus server: tests/prom/run.)
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <perf-prof/promtext.h>
#include <perf-prof/prometheus.h>
#include <perf-prof/tests-only.h>
#include "textutil.h"
#include "unit.h"

#define SAMPLE TEST_DATA_DIR "/sample-kvm-generated.perf.data"

START_TEST(test_buckets_fixed)
{
	unsigned i;

	/* four a decade, 1 us .. 10 s, each le string the bound itself */
	ck_assert_uint_eq(prom_le_ns[0], 1000);
	ck_assert_uint_eq(prom_le_ns[PROM_NBOUNDS - 1], 10000000000ull);
	for (i = 0; i < PROM_NBOUNDS; i++) {
		double v = strtod(prom_le_str(i), NULL);

		ck_assert_msg(llround(v * 1e9) == (long long)prom_le_ns[i], "le %s vs %lu ns",
			      prom_le_str(i), (unsigned long)prom_le_ns[i]);
		if (i)
			ck_assert_msg(fabs((double)prom_le_ns[i] / prom_le_ns[i - 1] -
					   pow(10, 0.25)) < 0.01, "bound %u", i);
	}
	ck_assert_str_eq(prom_le_str(0), "1e-06");
	ck_assert_str_eq(prom_le_str(9), "0.0001778");
	ck_assert_str_eq(prom_le_str(24), "1");
	ck_assert_str_eq(prom_le_str(28), "10");
	ck_assert_str_eq(prom_le_str(PROM_NBOUNDS), "+Inf");
}
END_TEST

/* the first bucket whose bound is >= ns, the slow way */
static unsigned bucket_ref(uint64_t ns)
{
	unsigned i;

	for (i = 0; i < PROM_NBOUNDS; i++)
		if (ns <= prom_le_ns[i])
			return i;
	return PROM_NBOUNDS;
}

START_TEST(test_bucket_index)
{
	unsigned i;
	uint64_t ns;

	ck_assert_uint_eq(prom_bucket(0), 0);
	ck_assert_uint_eq(prom_bucket(1000), 0);	/* le is inclusive */
	ck_assert_uint_eq(prom_bucket(1001), 1);
	ck_assert_uint_eq(prom_bucket(10000000000ull), 28);
	ck_assert_uint_eq(prom_bucket(10000000001ull), 29);	/* +Inf */
	ck_assert_uint_eq(prom_bucket(UINT64_MAX), 29);
	for (i = 0; i < PROM_NBOUNDS; i++) {
		uint64_t b = prom_le_ns[i];

		ck_assert_uint_eq(prom_bucket(b - 1), bucket_ref(b - 1));
		ck_assert_uint_eq(prom_bucket(b), i);
		ck_assert_uint_eq(prom_bucket(b + 1), i + 1);
	}
	for (ns = 1; ns < 20000000000ull; ns = ns * 1.07 + 1)
		ck_assert_uint_eq(prom_bucket(ns), bucket_ref(ns));
	/* every power of two, and either side of it */
	for (i = 0; i < 64; i++) {
		ns = 1ull << i;
		ck_assert_uint_eq(prom_bucket(ns), bucket_ref(ns));
		ck_assert_uint_eq(prom_bucket(ns - 1), bucket_ref(ns - 1));
		ck_assert_uint_eq(prom_bucket(ns + 1), bucket_ref(ns + 1));
	}
}
END_TEST

START_TEST(test_label_escaping)
{
	char buf[128];
	size_t pos = 0;

	ck_assert_int_eq(prom_label(buf, sizeof(buf), &pos, "vm", "a\\b\"c\nd"), 0);
	ck_assert_str_eq(buf, "vm=\"a\\\\b\\\"c\\nd\"");
	ck_assert_uint_eq(pos, strlen(buf));
	/* the second label gets its comma */
	ck_assert_int_eq(prom_label(buf, sizeof(buf), &pos, "pid", "7"), 0);
	ck_assert_str_eq(buf, "vm=\"a\\\\b\\\"c\\nd\",pid=\"7\"");

	/* valid UTF-8 stays; a stray byte, an overlong form, a surrogate do not */
	pos = 0;
	prom_label(buf, sizeof(buf), &pos, "n", "caf\xc3\xa9 \xff x\xc0\xaf \xed\xa0\x80");
	ck_assert_str_eq(buf, "n=\"caf\xc3\xa9 \xef\xbf\xbd x\xef\xbf\xbd\xef\xbf\xbd "
			      "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"");

	/* too long: refused whole, the buffer as it was */
	pos = 0;
	prom_label(buf, sizeof(buf), &pos, "a", "b");
	ck_assert_int_eq(prom_label(buf, 12, &pos, "name", "long value"), -1);
	ck_assert_str_eq(buf, "a=\"b\"");
	ck_assert_uint_eq(pos, 5);
}
END_TEST

static int qname(const char *args, size_t len, char *out)
{
	return prom_qemu_name(args, len, out, 64);
}

START_TEST(test_qemu_name)
{
	static const char a[] = "qemu-system-x86_64\0-name\0guest=web-1,debug-threads=on\0-m\0002G";
	static const char b[] = "qemu\0-name\0db,,primary,process=qemu-db\0-smp\0004";
	static const char c[] = "qemu\0-name\0debug-threads=on,guest=x";
	static const char d[] = "qemu\0-m\0001G";
	static const char e[] = "qemu\0-name";
	char out[64];

	ck_assert_int_eq(qname(a, sizeof(a), out), 0);
	ck_assert_str_eq(out, "web-1");
	ck_assert_int_eq(qname(b, sizeof(b), out), 0);
	ck_assert_str_eq(out, "db,primary");		/* ",," is a comma */
	ck_assert_int_eq(qname(c, sizeof(c), out), 0);
	ck_assert_str_eq(out, "x");
	ck_assert_int_eq(qname(d, sizeof(d), out), -1);
	ck_assert_int_eq(qname(e, sizeof(e), out), -1);	/* -name with no value */
}
END_TEST

START_TEST(test_negotiate)
{
	ck_assert_int_eq(prom_negotiate(NULL), PROM_TEXT);
	ck_assert_int_eq(prom_negotiate(""), PROM_TEXT);
	ck_assert_int_eq(prom_negotiate("*/*"), PROM_TEXT);
	ck_assert_int_eq(prom_negotiate("text/plain;version=0.0.4"), PROM_TEXT);
	/* what Prometheus 2.42 sends */
	ck_assert_int_eq(prom_negotiate("application/openmetrics-text;version=1.0.0,"
					"application/openmetrics-text;version=0.0.1;q=0.75,"
					"text/plain;version=0.0.4;q=0.5,*/*;q=0.1"),
			 PROM_OPENMETRICS);
	ck_assert_int_eq(prom_negotiate("application/openmetrics-text; version=1.0.0; q=0.3, "
					"text/plain; q=0.9"), PROM_TEXT);
	ck_assert_int_eq(prom_negotiate("application/openmetrics-text;q=0"), PROM_TEXT);
	ck_assert_str_eq(prom_content_type(PROM_TEXT), "text/plain; version=0.0.4; charset=utf-8");
	ck_assert_str_eq(prom_content_type(PROM_OPENMETRICS),
			 "application/openmetrics-text; version=1.0.0; charset=utf-8");
}
END_TEST

/* one histogram: 2 pairs of 1 us, 1 of 1.5 us, 1 of 20 s */
static void one_row(struct prom_snap *s, struct prom_row *r)
{
	memset(r, 0, sizeof(*r));
	r->labels = "profiler=\"syscalls\",reason=\"getppid\"";
	prom_hist_add(&r->h, 1000);
	prom_hist_add(&r->h, 1000);
	prom_hist_add(&r->h, 1500);
	prom_hist_add(&r->h, 20000000000ull);
	memset(s, 0, sizeof(*s));
	s->rows = r;
	s->n = 1;
	s->lost = 3;
	s->dropped = 2;
}

static const struct prom_info info = {
	"profiler=\"syscalls\"", "version=\"0.1.0\",kernel_release=\"6.18.0\""
};

START_TEST(test_render_text)
{
	struct prom_snap s;
	struct prom_row r;
	size_t len;
	char *t, *p;
	unsigned i;

	one_row(&s, &r);
	t = prom_render(&s, &info, PROM_TEXT, &len);
	ck_assert_uint_eq(len, strlen(t));
	p = strstr(t, "# HELP perf_prof_latency_seconds Latency ");
	ck_assert_ptr_eq(p, t);
	ck_assert_ptr_nonnull(strstr(t, "\n# TYPE perf_prof_latency_seconds histogram\n"
		"perf_prof_latency_seconds_bucket{profiler=\"syscalls\",reason=\"getppid\","
		"le=\"1e-06\"} 2\n"
		"perf_prof_latency_seconds_bucket{profiler=\"syscalls\",reason=\"getppid\","
		"le=\"1.778e-06\"} 3\n"));
	/* cumulative up to 10 s, the 20 s pair only in +Inf */
	for (i = 2; i < PROM_NBOUNDS; i++) {
		char line[160];

		snprintf(line, sizeof(line), "reason=\"getppid\",le=\"%s\"} 3\n", prom_le_str(i));
		ck_assert_msg(strstr(t, line), "%s", line);
	}
	ck_assert_ptr_nonnull(strstr(t,
		"perf_prof_latency_seconds_bucket{profiler=\"syscalls\",reason=\"getppid\","
		"le=\"+Inf\"} 4\n"
		"perf_prof_latency_seconds_sum{profiler=\"syscalls\",reason=\"getppid\"} "
		"20.000003500\n"
		"perf_prof_latency_seconds_count{profiler=\"syscalls\",reason=\"getppid\"} 4\n"
		"# HELP perf_prof_lost_records_total "));
	ck_assert_ptr_nonnull(strstr(t, "\n# TYPE perf_prof_lost_records_total counter\n"
		"perf_prof_lost_records_total{profiler=\"syscalls\"} 3\n# HELP "
		"perf_prof_dropped_pairs_total "));
	ck_assert_ptr_nonnull(strstr(t, "\n# TYPE perf_prof_dropped_pairs_total counter\n"
		"perf_prof_dropped_pairs_total{profiler=\"syscalls\"} 2\n"));
	ck_assert_ptr_nonnull(strstr(t, "\n# TYPE perf_prof_build_info gauge\n"
		"perf_prof_build_info{version=\"0.1.0\",kernel_release=\"6.18.0\"} 1\n"));
	/* 32 samples a histogram, 3 more; 4 metrics, 2 comment lines each */
	ck_assert_int_eq(count_substr(t, "\n") , PROM_NBUCKETS + 2 + 3 + 8);
	ck_assert_ptr_null(strstr(t, "# EOF"));
	free(t);
}
END_TEST

START_TEST(test_render_openmetrics)
{
	struct prom_snap s;
	struct prom_row r;
	size_t len;
	char *t;

	one_row(&s, &r);
	t = prom_render(&s, &info, PROM_OPENMETRICS, &len);
	ck_assert_ptr_eq(strstr(t, "# TYPE perf_prof_latency_seconds histogram\n"
				   "# UNIT perf_prof_latency_seconds seconds\n"
				   "# HELP perf_prof_latency_seconds "), t);
	/* families named without _total and _info, samples with them */
	ck_assert_ptr_nonnull(strstr(t, "# TYPE perf_prof_lost_records counter\n"
		"# HELP perf_prof_lost_records "));
	ck_assert_ptr_nonnull(strstr(t, "\nperf_prof_lost_records_total{profiler=\"syscalls\"} 3\n"));
	ck_assert_ptr_nonnull(strstr(t, "# TYPE perf_prof_build info\n"));
	ck_assert_ptr_nonnull(strstr(t, "\nperf_prof_build_info{version=\"0.1.0\","
					"kernel_release=\"6.18.0\"} 1\n# EOF\n"));
	ck_assert_str_eq(t + len - 6, "# EOF\n");
	free(t);
}
END_TEST

START_TEST(test_parse_listen)
{
	char host[64], port[16], err[256];

	ck_assert_int_eq(prom_parse_listen("127.0.0.1:9101", host, sizeof(host), port,
					   sizeof(port), err, sizeof(err)), 0);
	ck_assert_str_eq(host, "127.0.0.1");
	ck_assert_str_eq(port, "9101");
	ck_assert_int_eq(prom_parse_listen("[::1]:0", host, sizeof(host), port, sizeof(port),
					   err, sizeof(err)), 0);
	ck_assert_str_eq(host, "::1");
	ck_assert_str_eq(port, "0");
	ck_assert_int_eq(prom_parse_listen(":9101", host, sizeof(host), port, sizeof(port),
					   err, sizeof(err)), 0);
	ck_assert_str_eq(host, "");
	ck_assert_int_eq(prom_parse_listen("localhost", host, sizeof(host), port, sizeof(port),
					   err, sizeof(err)), -1);
	ck_assert_str_eq(err, "--prometheus 'localhost': expected HOST:PORT "
			      "(e.g. 127.0.0.1:9101, [::1]:9101)");
	ck_assert_int_eq(prom_parse_listen("::1:9101", host, sizeof(host), port, sizeof(port),
					   err, sizeof(err)), -1);
	ck_assert_int_eq(prom_parse_listen("[::1]9101", host, sizeof(host), port, sizeof(port),
					   err, sizeof(err)), -1);
	ck_assert_int_eq(prom_parse_listen("127.0.0.1:65536", host, sizeof(host), port,
					   sizeof(port), err, sizeof(err)), -1);
	ck_assert_str_eq(err, "--prometheus '127.0.0.1:65536': port must be a number from 0 "
			      "to 65535");
	ck_assert_int_eq(prom_parse_listen("127.0.0.1:", host, sizeof(host), port, sizeof(port),
					   err, sizeof(err)), -1);
	ck_assert_int_eq(prom_parse_listen("127.0.0.1:-1", host, sizeof(host), port,
					   sizeof(port), err, sizeof(err)), -1);
	ck_assert_int_eq(prom_parse_listen("127.0.0.1:80x", host, sizeof(host), port,
					   sizeof(port), err, sizeof(err)), -1);
}
END_TEST

/* the value of the sample line starting with @prefix in @text, -1 if none */
static double sample(const char *text, const char *prefix)
{
	const char *p = text;

	while ((p = strstr(p, prefix))) {
		if (p == text || p[-1] == '\n')
			return strtod(p + strlen(prefix), NULL);
		p++;
	}
	return -1;
}

/*
 * Every row of the table, to the nanosecond: calls = _count = +Inf bucket,
 * total(us) = _sum (both exact in ns), buckets never decreasing.
 */
static void textfile_matches_table(const char *out, const char *prom, const char *extra_labels)
{
	const char *line;
	int rows = 0;

	for (line = strchr(strstr(out, "------\n"), '\n'); line && *line;
	     line = strchr(line, '\n')) {
		char name[64], total[32], key[256], sum[300];
		unsigned long calls;
		double prev = 0;
		unsigned i;

		line++;
		if (sscanf(line, "%63s %lu %31s", name, &calls, total) != 3)
			break;
		snprintf(key, sizeof(key), "perf_prof_latency_seconds_count{profiler=\"kvm-exit\","
			 "reason=\"%s\"%s} ", name, extra_labels);
		ck_assert_msg(sample(prom, key) == (double)calls, "%s: %lu calls", key, calls);
		/* total(us) 316818.076 is the sum in seconds 0.316818076 */
		snprintf(key, sizeof(key), "perf_prof_latency_seconds_sum{profiler=\"kvm-exit\","
			 "reason=\"%s\"%s} ", name, extra_labels);
		snprintf(sum, sizeof(sum), "%s%.9f\n", key, atof(total) / 1e6);
		ck_assert_msg(strstr(prom, sum), "%s", sum);
		for (i = 0; i < PROM_NBUCKETS; i++) {
			double v;

			snprintf(key, sizeof(key), "perf_prof_latency_seconds_bucket{profiler="
				 "\"kvm-exit\",reason=\"%s\"%s,le=\"%s\"} ", name, extra_labels,
				 prom_le_str(i));
			v = sample(prom, key);
			ck_assert_msg(v >= prev, "%s%g after %g", key, v, prev);
			prev = v;
		}
		ck_assert_msg(prev == (double)calls, "%s +Inf %g", name, prev);
		rows++;
	}
	ck_assert_int_gt(rows, 5);
}

START_TEST(test_textfile_from_recording)
{
	char dir[] = "/tmp/pp-prom-XXXXXX", *out, *prom, path[128];

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/perf_prof.prom", dir);
	out = sh("%s kvm-exit --input %s --prometheus-textfile %s; echo rc=$?", pp_bin(), SAMPLE,
		 path);
	ck_assert_msg(strstr(out, "\nrc=0\n"), "%s", out);
	prom = slurp_file(path);
	ck_assert_ptr_nonnull(prom);
	textfile_matches_table(out, prom, "");
	ck_assert_double_eq(sample(prom, "perf_prof_lost_records_total{profiler=\"kvm-exit\"} "), 0);
	ck_assert_double_eq(sample(prom, "perf_prof_dropped_pairs_total{profiler=\"kvm-exit\"} "), 0);
	ck_assert_ptr_nonnull(strstr(prom, "\nperf_prof_build_info{version=\""));
	/* no temporary file left beside it */
	free(out);
	out = sh("ls -A %s", dir);
	ck_assert_str_eq(out, "perf_prof.prom\n");
	free(out);
	free(prom);

	/* --perins: one histogram per vCPU thread, labelled by vCPU */
	out = sh("%s kvm-exit --input %s --perins --prometheus-textfile %s; echo rc=$?", pp_bin(),
		 SAMPLE, path);
	ck_assert_msg(strstr(out, "\nrc=0\n"), "%s", out);
	prom = slurp_file(path);
	textfile_matches_table(strstr(out, "kvm-exit latency THREAD 46432 VCPU 0\n"), prom,
			       ",vcpu=\"0\"");
	ck_assert_ptr_null(strstr(prom, "tid=\""));
	free(out);
	free(prom);
	free(sh("rm -rf %s", dir));
}
END_TEST

START_TEST(test_textfile_cumulative_over_intervals)
{
	char path[] = "/tmp/pp-prom-XXXXXX.prom", *out, *prom;
	long total = 0;
	const char *p;
	int fd = mkstemps(path, 5);

	ck_assert_int_ge(fd, 0);
	close(fd);
	/* -i tables cover their interval; the metrics, the whole run */
	out = sh("%s kvm-exit --input %s -i 100 --prometheus-textfile %s", pp_bin(), SAMPLE, path);
	for (p = out; (p = strstr(p, "\nHLT ")); p++)
		total += strtol(p + 5, NULL, 10);
	ck_assert_int_eq(total, 603);
	prom = slurp_file(path);
	ck_assert_double_eq(sample(prom, "perf_prof_latency_seconds_count{profiler=\"kvm-exit\","
				   "reason=\"HLT\"} "), 603);
	unlink(path);
	free(out);
	free(prom);
}
END_TEST

/*
 * A -p process renamed (an exec; here prctl, as an exec sets the same
 * comm): the label was read once at attach and kept for ever, and a name
 * with a newline was cut at it.  At the next reading of the names, what
 * the series counted stays under the old name, and the series, the same
 * histogram its rows add to, goes on from zero under the new name.
 */
START_TEST(test_process_renamed)
{
	struct promseries t = { .profiler = "syscalls", .proc_label = "process" };
	struct prom_inst in = { getpid(), -1, -1, -1, NULL };
	char before[16], want[256];
	struct prom_hist *h;
	struct prom_row r;

	prctl(PR_GET_NAME, before);
	ck_assert_int_eq(prctl(PR_SET_NAME, "first"), 0);
	promseries_add_process(&t, getpid(), "unused");
	h = promseries_hist(&t, "getppid", &in);
	prom_hist_add(h, 1500);
	prom_hist_add(h, 2500);
	promseries_names(&t, 1);	/* the first reading: no change */
	ck_assert_uint_eq(promseries_count(&t), 1);
	ck_assert_int_eq(prctl(PR_SET_NAME, "re\nnamed"), 0);
	promseries_names(&t, 2);	/* within the second: not read again */
	ck_assert_uint_eq(promseries_count(&t), 1);
	promseries_names(&t, 2 + PROM_NAMES_EVERY_NS);
	ck_assert_uint_eq(promseries_count(&t), 2);
	promseries_row(&t, 0, &r);
	snprintf(want, sizeof(want), "profiler=\"syscalls\",reason=\"getppid\","
		 "process=\"re\\nnamed\",pid=\"%d\"", getpid());
	ck_assert_str_eq(r.labels, want);
	ck_assert_uint_eq(r.h.sum_ns, 0);
	promseries_row(&t, 1, &r);
	snprintf(want, sizeof(want), "profiler=\"syscalls\",reason=\"getppid\","
		 "process=\"first\",pid=\"%d\"", getpid());
	ck_assert_str_eq(r.labels, want);
	ck_assert_uint_eq(r.h.sum_ns, 4000);
	/* the rows go on adding to the same histogram, now under the new name */
	ck_assert_ptr_eq(promseries_hist(&t, "getppid", &in), h);
	prom_hist_add(h, 700);
	promseries_row(&t, 0, &r);
	ck_assert_uint_eq(r.h.sum_ns, 700);
	/* a new row of the process: the new name's series too */
	ck_assert_ptr_eq(promseries_hist(&t, "getppid", &in), h);
	ck_assert_ptr_ne(promseries_hist(&t, "read", &in), h);
	ck_assert_uint_eq(promseries_count(&t), 3);
	promseries_free(&t);
	prctl(PR_SET_NAME, before);
}
END_TEST

/*
 * The series are bounded: past PROM_MAX_SERIES label sets, pairs go to one
 * reason="_other" histogram, so sums stay exact; one label set asked for
 * twice is one histogram.
 */
START_TEST(test_series_bounded)
{
	char path[] = "/tmp/pp-prom-XXXXXX.prom", *prom;
	struct prom_cfg cfg = { "syscalls", "process", false, NULL, path, false };
	struct prom_hist *h, *first = NULL, *other = NULL;
	char err[256];
	int fd = mkstemps(path, 5), i;
	struct prom *x;

	ck_assert_int_ge(fd, 0);
	close(fd);
	x = prom_open(&cfg, err, sizeof(err));
	ck_assert_msg(x != NULL, "%s", err);
	for (i = 0; i < PROM_MAX_SERIES + 10; i++) {
		struct prom_inst in = { -1, -1, 1000 + i, -1, NULL };

		h = prom_hist_of(x, "getppid", &in);
		prom_hist_add(h, 5000);
		if (i == 0)
			first = h;
		if (i == PROM_MAX_SERIES)
			other = h;
		if (i > PROM_MAX_SERIES)
			ck_assert_ptr_eq(h, other);
	}
	{
		struct prom_inst in = { -1, -1, 1000, -1, NULL };

		ck_assert_ptr_eq(prom_hist_of(x, "getppid", &in), first);
	}
	ck_assert_int_eq(prom_close(x, 7, 1, false), 0);
	prom = slurp_file(path);
	ck_assert_int_eq(count_substr(prom, "perf_prof_latency_seconds_count{"),
			 PROM_MAX_SERIES + 1);
	ck_assert_double_eq(sample(prom, "perf_prof_latency_seconds_count{profiler=\"syscalls\","
				   "reason=\"getppid\",tid=\"1000\"} "), 1);
	ck_assert_double_eq(sample(prom, "perf_prof_latency_seconds_count{profiler=\"syscalls\","
				   "reason=\"_other\"} "), 10);
	ck_assert_double_eq(sample(prom, "perf_prof_lost_records_total{profiler=\"syscalls\"} "), 7);
	ck_assert_double_eq(sample(prom, "perf_prof_dropped_pairs_total{profiler=\"syscalls\"} "),
			    1);
	unlink(path);
	free(prom);
}
END_TEST

START_TEST(test_bad_prometheus_arguments)
{
	char *o;

	o = sh("%s syscalls --prometheus 127.0.0.1 -p 1 2>&1; echo rc=$?", pp_bin());
	ck_assert_str_eq(o, "perf-prof syscalls: --prometheus '127.0.0.1': expected HOST:PORT "
			    "(e.g. 127.0.0.1:9101, [::1]:9101)\n"
			    "Try 'perf-prof syscalls --help' for more information.\nrc=2\n");
	free(o);
	o = sh("%s kvm-exit --input %s --prometheus 127.0.0.1:0 2>&1; echo rc=$?", pp_bin(),
	       SAMPLE);
	ck_assert_str_eq(o, "perf-prof kvm-exit: --prometheus serves while tracing live: it does "
			    "not apply to --input (--prometheus-textfile does)\n"
			    "Try 'perf-prof kvm-exit --help' for more information.\nrc=2\n");
	free(o);
	/* a file that cannot be written: said before any reading, exit 2, no output */
	o = sh("%s kvm-exit --input %s --prometheus-textfile /nonexistent-dir/x.prom 2>&1; "
	       "echo rc=$?", pp_bin(), SAMPLE);
	ck_assert_str_eq(o, "perf-prof: --prometheus-textfile /nonexistent-dir/x.prom: cannot "
			    "write: No such file or directory\nrc=2\n");
	free(o);
	o = sh("%s kvm-exit --input %s --prometheus-textfile /tmp 2>&1; echo rc=$?", pp_bin(),
	       SAMPLE);
	ck_assert_str_eq(o, "perf-prof: --prometheus-textfile /tmp: Is a directory\nrc=2\n");
	free(o);
}
END_TEST

static Suite *prometheus_suite(void)
{
	Suite *s = suite_create("prometheus");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_buckets_fixed);
	tcase_add_test(tc, test_bucket_index);
	tcase_add_test(tc, test_label_escaping);
	tcase_add_test(tc, test_qemu_name);
	tcase_add_test(tc, test_negotiate);
	tcase_add_test(tc, test_render_text);
	tcase_add_test(tc, test_render_openmetrics);
	tcase_add_test(tc, test_parse_listen);
	tcase_add_test(tc, test_textfile_from_recording);
	tcase_add_test(tc, test_textfile_cumulative_over_intervals);
	tcase_add_test(tc, test_series_bounded);
	tcase_add_test(tc, test_process_renamed);
	tcase_add_test(tc, test_bad_prometheus_arguments);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_SUITE(prometheus_suite)
