// SPDX-License-Identifier: GPL-2.0-only
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "guestelf.h"

int guestelf_build(const char *dir, char *err, size_t errlen)
{
	char path[512], cmd[1536];
	FILE *f;
	int i, k;

	snprintf(path, sizeof(path), "%s/g.s", dir);
	f = fopen(path, "w");
	if (!f) {
		snprintf(err, errlen, "cannot write %s", path);
		return -1;
	}
	for (i = 0; i < 16; i++) {
		fprintf(f, ".globl handler_%02d\n.type handler_%02d,@function\nhandler_%02d:\n", i, i, i);
		for (k = 0; k < 256; k++)	/* 16 bytes on each line */
			fputs("nop; nop; nop; nop; nop; nop; nop; nop; "
			      "nop; nop; nop; nop; nop; nop; nop; nop\n", f);
		fprintf(f, ".size handler_%02d, 0x1000\n", i);
	}
	/* a data symbol after the code: kallsyms lists it, names no code */
	fputs(".data\n.globl guest_data\n.type guest_data,@object\nguest_data: .quad 0\n"
	      ".size guest_data, 8\n", f);
	if (fclose(f)) {
		snprintf(err, errlen, "cannot write %s", path);
		return -1;
	}
	snprintf(cmd, sizeof(cmd), "cd '%s' && as -g -o g.o g.s && ld -Ttext=%#llx -e handler_00 "
		 "-o vmlinux g.o && strip --strip-debug -o vmlinux.nodebug vmlinux", dir,
		 (unsigned long long)GUESTELF_BASE);
	if (system(cmd) != 0) {
		snprintf(err, errlen, "cannot build %s/vmlinux (as, ld, strip from binutils)", dir);
		return -1;
	}
	return 0;
}

int guestelf_kallsyms(const char *dir, const char *name, uint64_t offset, char *err,
		      size_t errlen)
{
	char cmd[1024], line[512], path[512], type[8], sym[256];
	unsigned long long addr;
	FILE *nm, *out;
	int n = 0;

	snprintf(cmd, sizeof(cmd), "nm '%s/vmlinux'", dir);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	nm = popen(cmd, "r");
	out = fopen(path, "w");
	if (!nm || !out) {
		snprintf(err, errlen, "cannot run nm or write %s", path);
		if (nm)
			pclose(nm);
		if (out)
			fclose(out);
		return -1;
	}
	while (fgets(line, sizeof(line), nm))
		if (sscanf(line, "%llx %7s %255s", &addr, type, sym) == 3) {
			fprintf(out, "%016llx %s %s\n", addr + (unsigned long long)offset, type, sym);
			n++;
		}
	if (pclose(nm) != 0 || fclose(out) != 0 || n < 16) {
		snprintf(err, errlen, "nm of %s/vmlinux gave %d symbols", dir, n);
		return -1;
	}
	return 0;
}

char *guestelf_addr2line(const char *dir, uint64_t addr)
{
	char cmd[1024], buf[1024];
	FILE *p;
	char *r = NULL;

	snprintf(cmd, sizeof(cmd), "addr2line -e '%s/vmlinux' %#llx", dir, (unsigned long long)addr);
	p = popen(cmd, "r");
	if (!p)
		return NULL;
	if (fgets(buf, sizeof(buf), p)) {
		buf[strcspn(buf, "\n")] = '\0';
		r = strdup(buf);
	}
	if (pclose(p) != 0) {
		free(r);
		r = NULL;
	}
	return r;
}
