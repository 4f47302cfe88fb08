// SPDX-License-Identifier: GPL-2.0-only
/*
 * Guest-kernel symbolizer: address -> "symbol+0xoff" from the symbol table
 * of a vmlinux (or any ELF32/ELF64 file), read once with libelf/gelf.
 *
 * Loading.  .symtab is read, or .dynsym when there is no .symtab.  Kept
 * are STT_FUNC (and STT_GNU_IFUNC), STT_OBJECT and STT_NOTYPE symbols
 * defined in an SHF_ALLOC section (executable code or data; the section
 * may be SHT_NOBITS, as the .text of a separate .debug file is), with a
 * name, that is not an ARM/AArch64 mapping symbol ("$x", "$d", ...) or a
 * ".L" local label.  Undefined, absolute, common, section, file and TLS
 * symbols are skipped.  Values are taken as addresses, which they are in
 * executables and shared objects (ET_EXEC, ET_DYN; a vmlinux is ET_EXEC);
 * on 32-bit ARM bit 0 of a function (the Thumb bit) is cleared.
 *
 * One symbol per address.  Symbols are sorted by address; of those at the
 * same address the first of this order is kept:
 *	FUNC/IFUNC > OBJECT > NOTYPE, then GLOBAL > WEAK > LOCAL, then one
 *	with a size, then fewer leading underscores ("sys_read" rather than
 *	"__sys_read"), then the smaller name in strcmp() order,
 * so the pick is the same on every load of the same file.
 *
 * Coverage.  A symbol with st_size > 0 covers [value, value + st_size)
 * (if the kept one has none, the largest size at its address is used).
 * One without a size (assembler labels) covers up to the next address
 * that has a symbol, at most ES_NOSIZE_CAP bytes and not past the end of
 * its section, so that an address far past the last symbol prints as hex.
 * A lookup finds the last symbol starting at or before the address, by
 * binary search; if it does not cover the address, the hex form is
 * printed, even when an earlier, larger symbol encloses it (a sized
 * object nested inside a sized function: does not happen in a vmlinux).
 *
 * Memory.  16 bytes per symbol (address, covered length, offset of the
 * name) plus one arena holding every kept name once, NUL-terminated; the
 * file is unmapped and closed before elfsym_open() returns.  Lookups do
 * not allocate and format the text by hand (no snprintf).
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <perf-prof/elfsym.h>
#include <perf-prof/errmsg.h>
#include <perf-prof/tests-only.h>

/* farthest an unsized symbol reaches towards the next one */
#define ES_NOSIZE_CAP	(64 * 1024)

#ifndef STT_GNU_IFUNC
#define STT_GNU_IFUNC	10
#endif

#define ES_STRIPPED_HINT \
	"rebuild it with symbols or use the unstripped vmlinux"

struct elfsym_ent {
	uint64_t addr;
	uint32_t len;		/* bytes covered from addr; > 0 */
	uint32_t name;		/* offset in names */
};

struct elfsym {
	struct elfsym_ent *ent;
	size_t n;
	char *names;
};

/* a symbol while loading; name points into the mapped string table */
struct elfsym_cand {
	uint64_t addr;
	uint64_t size;
	uint64_t sec_end;	/* end of its section, 0: unknown */
	const char *name;
	uint32_t rank;		/* higher is better */
	uint32_t namelen;
};

/* what is needed of a section header to filter and bound symbols */
struct elfsym_sec {
	uint64_t addr;
	uint64_t size;
	int alloc;
};

static const char *elfsym_elf_error(void)
{
	const char *m = elf_errmsg(-1);

	return m ? m : "unknown libelf error";
}

static unsigned int leading_underscores(const char *s)
{
	unsigned int n = 0;

	while (n < 15 && s[n] == '_')
		n++;
	return n;
}

/*
 * rank: bits 8-9 type, 6-7 binding, 5 sized, 0-3 15 - leading underscores
 */
static uint32_t elfsym_rank(const GElf_Sym *sym, const char *name)
{
	uint32_t type, bind, r;

	switch (GELF_ST_TYPE(sym->st_info)) {
	case STT_FUNC:
	case STT_GNU_IFUNC:
		type = 2;
		break;
	case STT_OBJECT:
		type = 1;
		break;
	default:
		type = 0;
		break;
	}
	switch (GELF_ST_BIND(sym->st_info)) {
	case STB_GLOBAL:
		bind = 2;
		break;
	case STB_WEAK:
		bind = 1;
		break;
	default:
		bind = 0;
		break;
	}
	r = type << 8 | bind << 6 | (sym->st_size > 0) << 5;
	return r | (15 - leading_underscores(name));
}

/* address ascending; at the same address the preferred symbol first */
static int elfsym_cand_cmp(const void *pa, const void *pb)
{
	const struct elfsym_cand *a = pa, *b = pb;

	if (a->addr != b->addr)
		return a->addr < b->addr ? -1 : 1;
	if (a->rank != b->rank)
		return a->rank > b->rank ? -1 : 1;
	return strcmp(a->name, b->name);
}

static int elfsym_keep_type(int type)
{
	return type == STT_FUNC || type == STT_GNU_IFUNC ||
	       type == STT_OBJECT || type == STT_NOTYPE;
}

/* ARM mapping symbols ($a, $d, $t, $x, optionally ".suffix") and .L labels */
static int elfsym_skip_name(const char *name)
{
	if (!name[0])
		return 1;
	if (name[0] == '$')
		return 1;
	return name[0] == '.' && name[1] == 'L';
}

/*
 * Collect the candidate symbols of symbol table scn into *out.  shndx is
 * the data of its SHT_SYMTAB_SHNDX section, or NULL.  Returns the number
 * of candidates, or -1 (message in err).
 */
static long elfsym_collect(Elf *elf, Elf_Scn *scn, Elf_Data *shndx,
			   const struct elfsym_sec *secs, size_t nsecs, int arm,
			   struct elfsym_cand **out, const char *path,
			   char *err, size_t errlen)
{
	GElf_Shdr shdr;
	Elf_Data *data;
	struct elfsym_cand *c;
	size_t nsyms, i, n = 0;

	*out = NULL;
	if (!gelf_getshdr(scn, &shdr) || !shdr.sh_entsize ||
	    !(data = elf_getdata(scn, NULL))) {
		errmsg(err, errlen, "'%s': cannot read the symbol table: %s",
		       path, elfsym_elf_error());
		return -1;
	}
	nsyms = shdr.sh_size / shdr.sh_entsize;
	if (!nsyms)
		return 0;
	c = malloc(nsyms * sizeof(*c));
	if (!c) {
		errmsg(err, errlen, "'%s': out of memory for %zu symbols",
		       path, nsyms);
		return -1;
	}
	for (i = 0; i < nsyms; i++) {
		GElf_Sym sym;
		Elf32_Word xndx = 0;
		size_t sec;
		const char *name;
		int type;

		if (!gelf_getsymshndx(data, shndx, (int)i, &sym, &xndx))
			continue;
		type = GELF_ST_TYPE(sym.st_info);
		if (!elfsym_keep_type(type))
			continue;
		sec = sym.st_shndx;
		if (sec == SHN_XINDEX)
			sec = xndx;
		else if (sec == SHN_UNDEF || sec >= SHN_LORESERVE)
			continue;	/* undefined, absolute, common */
		if (sec >= nsecs || !secs[sec].alloc)
			continue;
		name = elf_strptr(elf, shdr.sh_link, sym.st_name);
		if (!name || elfsym_skip_name(name))
			continue;
		if (arm && type == STT_FUNC)
			sym.st_value &= ~(GElf_Addr)1;
		c[n].addr = sym.st_value;
		c[n].size = sym.st_size;
		c[n].sec_end = 0;
		if (sym.st_value >= secs[sec].addr &&
		    sym.st_value - secs[sec].addr <= secs[sec].size)
			c[n].sec_end = secs[sec].addr + secs[sec].size;
		c[n].name = name;
		c[n].rank = elfsym_rank(&sym, name);
		c[n].namelen = (uint32_t)strnlen(name, UINT32_MAX - 1);
		n++;
	}
	*out = c;
	return (long)n;
}

/*
 * Sort, keep the best symbol of each address, compute what each covers
 * and copy the names into one arena.
 */
static struct elfsym *elfsym_from_cands(struct elfsym_cand *c, size_t n, const char *path,
					char *err, size_t errlen)
{
	struct elfsym *es;
	size_t i, j, k, m = 0, arena = 0, pos = 0;

	qsort(c, n, sizeof(*c), elfsym_cand_cmp);

	/* one per address: c[0..m) are the kept ones, sizes folded in */
	for (i = 0; i < n; i = j) {
		uint64_t size = 0;

		for (j = i + 1; j < n && c[j].addr == c[i].addr; j++)
			if (c[j].size > size)
				size = c[j].size;
		c[m] = c[i];
		if (!c[m].size)
			c[m].size = size;
		m++;
	}

	/* coverage, in size; the ones covering nothing are dropped */
	for (i = 0, k = 0; i < m; i++) {
		uint64_t len = c[i].size;

		if (!len) {
			len = ES_NOSIZE_CAP;
			if (i + 1 < m && c[i + 1].addr - c[i].addr < len)
				len = c[i + 1].addr - c[i].addr;
			if (c[i].sec_end && c[i].sec_end - c[i].addr < len)
				len = c[i].sec_end - c[i].addr;
		}
		if (!len)
			continue;
		c[k] = c[i];
		c[k].size = len > UINT32_MAX ? UINT32_MAX : len;
		arena += (size_t)c[k].namelen + 1;
		k++;
	}
	m = k;

	if (arena > UINT32_MAX) {
		errmsg(err, errlen, "'%s': symbol names too large (%zu bytes)",
		       path, arena);
		return NULL;
	}
	es = calloc(1, sizeof(*es));
	if (!es)
		goto oom;
	es->ent = malloc((m ? m : 1) * sizeof(*es->ent));
	es->names = malloc(arena ? arena : 1);
	if (!es->ent || !es->names) {
		elfsym_close(es);
		goto oom;
	}
	for (i = 0; i < m; i++) {
		es->ent[i].addr = c[i].addr;
		es->ent[i].len = (uint32_t)c[i].size;
		es->ent[i].name = (uint32_t)pos;
		memcpy(es->names + pos, c[i].name, c[i].namelen);
		pos += c[i].namelen;
		es->names[pos++] = '\0';
	}
	es->n = m;
	return es;
oom:
	errmsg(err, errlen, "'%s': out of memory for %zu symbols", path, m);
	return NULL;
}

/* the loading proper, on an ELF descriptor of a file known to be ELF */
static struct elfsym *elfsym_load(Elf *elf, const char *path, char *err,
				  size_t errlen)
{
	GElf_Ehdr ehdr;
	Elf_Scn *scn = NULL, *symtab = NULL, *dynsym = NULL;
	Elf_Data *symtab_x = NULL, *dynsym_x = NULL;
	size_t nsecs, symtab_i = 0, dynsym_i = 0;
	struct elfsym_sec *secs = NULL;
	struct elfsym_cand *c = NULL;
	struct elfsym *es = NULL;
	long n;

	if (!gelf_getehdr(elf, &ehdr) || elf_getshdrnum(elf, &nsecs) < 0) {
		errmsg(err, errlen, "'%s' is not a valid ELF file: %s",
		       path, elfsym_elf_error());
		return NULL;
	}
	secs = calloc(nsecs ? nsecs : 1, sizeof(*secs));
	if (!secs) {
		errmsg(err, errlen, "'%s': out of memory for %zu sections",
		       path, nsecs);
		return NULL;
	}
	/* first pass: section bounds and the symbol tables */
	while ((scn = elf_nextscn(elf, scn))) {
		size_t idx = elf_ndxscn(scn);
		GElf_Shdr shdr;

		if (!gelf_getshdr(scn, &shdr) || idx >= nsecs)
			continue;
		secs[idx].addr = shdr.sh_addr;
		secs[idx].size = shdr.sh_size;
		secs[idx].alloc = !!(shdr.sh_flags & SHF_ALLOC);
		if (shdr.sh_type == SHT_SYMTAB && !symtab) {
			symtab = scn;
			symtab_i = idx;
		} else if (shdr.sh_type == SHT_DYNSYM && !dynsym) {
			dynsym = scn;
			dynsym_i = idx;
		}
	}
	/* second pass: extended section indexes (> 65279 sections) */
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr shdr;

		if (!gelf_getshdr(scn, &shdr) || shdr.sh_type != SHT_SYMTAB_SHNDX)
			continue;
		if (symtab && shdr.sh_link == symtab_i)
			symtab_x = elf_getdata(scn, NULL);
		else if (dynsym && shdr.sh_link == dynsym_i)
			dynsym_x = elf_getdata(scn, NULL);
	}
	if (!symtab) {
		symtab = dynsym;
		symtab_x = dynsym_x;
	}
	if (!symtab)
		goto stripped;
	n = elfsym_collect(elf, symtab, symtab_x, secs, nsecs,
		       ehdr.e_machine == EM_ARM, &c, path, err, errlen);
	if (n < 0)
		goto out;
	if (n == 0)
		goto stripped;
	es = elfsym_from_cands(c, (size_t)n, path, err, errlen);
	if (es && !es->n) {
		elfsym_close(es);
		es = NULL;
		goto stripped;
	}
	goto out;
stripped:
	errmsg(err, errlen, "'%s' has no symbol table (stripped?): "
	       ES_STRIPPED_HINT, path);
out:
	free(c);
	free(secs);
	return es;
}

struct elfsym *elfsym_open(const char *path, char *err, size_t errlen)
{
	struct elfsym *es = NULL;
	struct stat st;
	Elf *elf;
	int fd;

	if (err && errlen)
		err[0] = '\0';
	if (!path) {
		errmsg(err, errlen, "cannot open vmlinux '(null)': %s",
		       strerror(EINVAL));
		return NULL;
	}
	/* O_NONBLOCK: a FIFO must not hang the open; only a regular file will do */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		errmsg(err, errlen, "cannot open vmlinux '%s': %s",
		       path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		errmsg(err, errlen, "cannot open vmlinux '%s': %s",
		       path, strerror(EISDIR));
		close(fd);
		return NULL;
	}
	if (fstat(fd, &st) == 0 && !S_ISREG(st.st_mode)) {
		errmsg(err, errlen, "cannot open vmlinux '%s': not a regular file", path);
		close(fd);
		return NULL;
	}
	if (elf_version(EV_CURRENT) == EV_NONE) {
		errmsg(err, errlen, "'%s': libelf is too old: %s",
		       path, elfsym_elf_error());
		close(fd);
		return NULL;
	}
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!elf) {
		errmsg(err, errlen, "cannot read '%s': %s", path, elfsym_elf_error());
		close(fd);
		return NULL;
	}
	if (elf_kind(elf) != ELF_K_ELF)
		errmsg(err, errlen, "'%s' is not an ELF file", path);
	else
		es = elfsym_load(elf, path, err, errlen);
	elf_end(elf);
	close(fd);
	return es;
}

/* "0x<hex>" at p (room for 19 bytes needed), returns the end */
static char *elfsym_hex(char *p, uint64_t v)
{
	static const char digits[] = "0123456789abcdef";
	char tmp[16];
	int n = 0;

	do {
		tmp[n++] = digits[v & 0xf];
		v >>= 4;
	} while (v);
	*p++ = '0';
	*p++ = 'x';
	while (n)
		*p++ = tmp[--n];
	return p;
}

/* append src (srclen bytes) to buf at *pos, keeping room for the NUL */
static void elfsym_put(char *buf, size_t len, size_t *pos, const char *src,
		       size_t srclen)
{
	size_t room = len - 1 - *pos;

	if (srclen > room)
		srclen = room;
	memcpy(buf + *pos, src, srclen);
	*pos += srclen;
}

/* the entry covering @addr, or NULL */
static const struct elfsym_ent *elfsym_lookup(const struct elfsym *es, uint64_t addr)
{
	size_t lo = 0, hi;

	if (!es || !es->n)
		return NULL;
	/* first entry starting after addr */
	hi = es->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (es->ent[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo && addr - es->ent[lo - 1].addr < es->ent[lo - 1].len)
		return &es->ent[lo - 1];
	return NULL;
}

const char *elfsym_name(const struct elfsym *es, uint64_t addr, char *buf,
			size_t len)
{
	char hex[20];
	size_t pos = 0;
	const struct elfsym_ent *e;

	if (!buf || !len)
		return buf;
	e = elfsym_lookup(es, addr);
	if (e) {
		const char *name = es->names + e->name;
		uint64_t off = addr - e->addr;

		elfsym_put(buf, len, &pos, name, strlen(name));
		if (off) {
			elfsym_put(buf, len, &pos, "+", 1);
			elfsym_put(buf, len, &pos, hex, (size_t)(elfsym_hex(hex, off) - hex));
		}
	} else {
		elfsym_put(buf, len, &pos, hex, (size_t)(elfsym_hex(hex, addr) - hex));
	}
	buf[pos] = '\0';
	return buf;
}

size_t elfsym_count(const struct elfsym *es)
{
	return es ? es->n : 0;
}

int elfsym_at(const struct elfsym *es, size_t i, uint64_t *addr, const char **name)
{
	if (!es || i >= es->n)
		return 0;
	*addr = es->ent[i].addr;
	*name = es->names + es->ent[i].name;
	return 1;
}

int elfsym_find(const struct elfsym *es, uint64_t addr, const char **name, uint64_t *off)
{
	const struct elfsym_ent *e = elfsym_lookup(es, addr);

	if (!e)
		return 0;
	*name = es->names + e->name;
	*off = addr - e->addr;
	return 1;
}

struct elfsym *elfsym_build(struct elfsym_def *defs, size_t n, const char *path,
			    char *err, size_t errlen)
{
	struct elfsym_cand *c = malloc((n ? n : 1) * sizeof(*c));
	struct elfsym *es;
	size_t i;

	if (!c) {
		errmsg(err, errlen, "'%s': out of memory for %zu symbols", path, n);
		return NULL;
	}
	for (i = 0; i < n; i++) {
		c[i].addr = defs[i].addr;
		c[i].size = 0;
		c[i].sec_end = 0;
		c[i].name = defs[i].name;
		c[i].rank = defs[i].rank;
		c[i].namelen = (uint32_t)strnlen(defs[i].name, UINT32_MAX - 1);
	}
	es = elfsym_from_cands(c, n, path, err, errlen);
	free(c);
	if (es && !es->n) {
		elfsym_close(es);
		errmsg(err, errlen, "'%s' has no usable symbol", path);
		return NULL;
	}
	return es;
}

void elfsym_close(struct elfsym *es)
{
	if (!es)
		return;
	free(es->ent);
	free(es->names);
	free(es);
}
