/* container - what an archive or an Office document holds */
#include <errno.h>
#include <locale.h>
#include <string.h>

#include <archive.h>
#include <archive_entry.h>

#include "mugai/charset.h"
#include "mugai/container.h"

/* Read size for member data. */
#define CONTAINER_READ_CHUNK (16 * 1024)

/* True types libarchive reads as archives (lower-case globs, for ftype_in()). */
static const char *const archive_types[] = {
    "application/zip", "application/x-zip-compressed", "application/x-7z-compressed",
    "application/x-rar", "application/vnd.rar", "application/x-rar-compressed",
    "application/x-tar", "application/x-gtar", "application/x-cpio",
    "application/vnd.ms-cab-compressed", "application/x-lzh-compressed", "application/x-lha",
    "application/x-iso9660-image", "application/java-archive", "application/x-xar",
    "application/vnd.openxmlformats-officedocument.*", "application/vnd.ms-word.*",
    "application/vnd.ms-excel.*", "application/vnd.ms-powerpoint.*",
    "application/vnd.oasis.opendocument.*", "application/epub+zip", NULL,
};

/* Single-stream compressors: read with libarchive's "raw" format too. */
static const char *const stream_types[] = {
    "application/gzip", "application/x-gzip", "application/x-bzip2", "application/x-xz",
    "application/x-lzip", "application/x-lzma", "application/zstd", "application/x-compress", NULL,
};

/* OLE2 compound files (legacy Office, encrypted OOXML). */
static const char *const ole_types[] = {
    "application/x-ole-storage", "application/cdfv2", "application/cdfv2-encrypted",
    "application/cdf", "application/msword", "application/vnd.ms-excel",
    "application/vnd.ms-powerpoint", "application/vnd.ms-office", "application/vnd.ms-outlook",
    "application/encrypted", NULL,
};

typedef struct {
    FTYPE  *ft;
    const CONTAINER_LIMITS *lim;
    CONTAINER_INFO *ci;
    gint64  bytes_left;         /* decompression budget */
    gint64  declared_total;     /* uncompressed sizes the headers announce */
} INSPECT;

static void inspect_any(INSPECT *in, const BYTESRC *src, const char *type, const char *prefix, guint depth);

/* container_wants - is the true type one we look into? */
gboolean container_wants(const char *type)
{
    return type != NULL
        && (ftype_in(archive_types, type) || ftype_in(stream_types, type) || ftype_in(ole_types, type));
}

/* member_free - one member */
static void member_free(CONTAINER_MEMBER *m)
{
    g_free(m->path);
    g_free(m->type);
    g_free(m);
}

/* container_incomplete - was the inspection cut short or the data unreadable? */
gboolean container_incomplete(const CONTAINER_INFO *ci)
{
    return ci != NULL && (ci->incomplete || ci->damaged);
}

/* container_info_free - release; accepts NULL */
void    container_info_free(CONTAINER_INFO *ci)
{
    if (ci == NULL)
        return;
    g_ptr_array_unref(ci->members);
    g_free(ci);
}

/* utf16_find - does the UTF-16LE form of ascii occur in src? -1 when it could not be read */
static int utf16_find(const BYTESRC *src, const char *ascii)
{
    gsize   n = strlen(ascii), i;
    g_autofree guint8 *pat = g_malloc(n * 2);

    for (i = 0; i < n; i++) {
        pat[2 * i] = (guint8) ascii[i];
        pat[2 * i + 1] = 0;
    }
    return bytesrc_find(src, pat, n * 2);
}

/* inspect_ole - VBA project and encrypted package in an OLE2 file.  The
 * directory entries are UTF-16LE names; a name found anywhere is enough
 * to hold the file for review, never to let it through. */
static void inspect_ole(INSPECT *in, const BYTESRC *src)
{
    static const char *const macro[] = {"_VBA_PROJECT", "VBA_PROJECT_CUR", NULL};
    static const char *const locked[] = {"EncryptedPackage", "EncryptionInfo", NULL};
    const char *const *p;
    int     r;

    in->ci->document = TRUE;
    for (p = macro; *p && !in->ci->macro && !in->ci->damaged; p++)
        if ((r = utf16_find(src, *p)) != 0)
            *(r > 0 ? &in->ci->macro : &in->ci->damaged) = TRUE;
    for (p = locked; *p && !in->ci->encrypted && !in->ci->damaged; p++)
        if ((r = utf16_find(src, *p)) != 0)
            *(r > 0 ? &in->ci->encrypted : &in->ci->damaged) = TRUE;
}

/* entry_path - member name as UTF-8: libarchive's own conversion when the
 * archive says UTF-8, else our detection (CP932 names from Japanese
 * Windows carry no flag) (transfer full) */
static char *entry_path(struct archive_entry *e)
{
    const char *u = archive_entry_pathname_utf8(e);
    const char *raw;
    g_autoptr(GString) out = NULL;

    if (u != NULL && g_utf8_validate(u, -1, NULL))
        return g_strdup(u);
    if ((raw = archive_entry_pathname(e)) == NULL)
        return g_strdup("?");
    out = g_string_new(NULL);
    charset_to_utf8(raw, strlen(raw), NULL, out, NULL);
    return g_string_free(g_steal_pointer(&out), FALSE);
}

/* is_macro_member - a VBA project or an OpenDocument Basic library */
static gboolean is_macro_member(const char *path)
{
    const char *base = strrchr(path, '/');

    base = base ? base + 1 : path;
    return g_ascii_strcasecmp(base, "vbaProject.bin") == 0
        || g_ascii_strcasecmp(base, "vbaProjectSignature.bin") == 0
        || g_str_has_prefix(path, "Basic/") || g_str_has_prefix(path, "Scripts/");
}

/* read_member - up to want bytes of the current member, within the
 * budget; FALSE when the data cannot be read */
static gboolean read_member(INSPECT *in, struct archive *a, gint64 want, GByteArray *buf)
{
    guint8  chunk[CONTAINER_READ_CHUNK];

    while ((gint64) buf->len < want) {
        gint64  room = MIN(want - (gint64) buf->len, (gint64) sizeof(chunk));
        la_ssize_t got;

        if (in->bytes_left <= 0) {
            in->ci->incomplete = TRUE;
            return TRUE;
        }
        room = MIN(room, in->bytes_left);
        got = archive_read_data(a, chunk, (size_t) room);
        if (got < 0)
            return FALSE;
        if (got == 0)
            break;
        in->bytes_left -= got;
        g_byte_array_append(buf, chunk, (guint) got);
    }
    return TRUE;
}

/* inspect_member - record the current entry; look inside it when it is a container */
static void inspect_member(INSPECT *in, struct archive *a, struct archive_entry *e,
                           const char *prefix, guint depth)
{
    CONTAINER_INFO *ci = in->ci;
    CONTAINER_MEMBER *m = g_new0(CONTAINER_MEMBER, 1);
    g_autofree char *name = entry_path(e);
    g_autoptr(GByteArray) buf = g_byte_array_new();

    m->path = g_strconcat(prefix, name, NULL);
    m->size = archive_entry_size_is_set(e) ? (gint64) archive_entry_size(e) : -1;
    /* A bomb announces itself: more bytes inside than we would ever read. */
    if (m->size > 0 && (in->declared_total += m->size) > in->lim->max_bytes)
        ci->incomplete = TRUE;
    m->encrypted = archive_entry_is_encrypted(e) != 0;
    m->depth = depth;
    g_ptr_array_add(ci->members, m);
    if (m->encrypted)
        ci->encrypted = TRUE;
    if (is_macro_member(name))
        ci->macro = TRUE;
    if (depth == 1 && (strcmp(name, "[Content_Types].xml") == 0 || strcmp(name, "mimetype") == 0))
        ci->document = TRUE;
    if (m->encrypted || m->size == 0)
        return;
    if (!read_member(in, a, CONTAINER_PROBE_BYTES, buf)) {
        ci->damaged = TRUE;
        return;
    }
    m->type = ftype_detect(in->ft, buf->data, buf->len);
    if (!container_wants(m->type))
        return;
    if (depth >= in->lim->max_depth) {
        ci->incomplete = TRUE;  /* nested deeper than we follow */
        return;
    }
    /* A nested container is read whole, within what is left of the budget. */
    if (!read_member(in, a, G_MAXINT64, buf)) {
        ci->damaged = TRUE;
        return;
    }
    if (ci->incomplete)
        return;
    {
        g_autofree char *sub = g_strconcat(m->path, "/", NULL);

        BYTESRC nested = bytesrc_mem(buf->data, buf->len);

        inspect_any(in, &nested, m->type, sub, depth + 1);
    }
}

/* SRCREAD - a BYTESRC file as libarchive reads it */
typedef struct {
    const BYTESRC *src;
    gsize   off;
    guint8  buf[CONTAINER_READ_CHUNK];
} SRCREAD;

/* src_read - libarchive's read callback */
static la_ssize_t src_read(struct archive *a, void *ctx, const void **out)
{
    SRCREAD *r = ctx;
    gssize  n = bytesrc_read(r->src, r->off, r->buf, sizeof(r->buf));

    if (n < 0) {
        archive_set_error(a, errno, "cannot read the attachment's file");
        return -1;
    }
    r->off += (gsize) n;
    *out = r->buf;
    return n;
}

/* src_seek - libarchive's seek callback */
static la_int64_t src_seek(struct archive *a, void *ctx, la_int64_t off, int whence)
{
    SRCREAD *r = ctx;
    gint64  to = whence == SEEK_SET ? off : whence == SEEK_CUR ? (gint64) r->off + off
        : (gint64) r->src->len + off;

    (void) a;
    if (to < 0)
        return ARCHIVE_FATAL;
    r->off = (gsize) MIN(to, (gint64) r->src->len);
    return (la_int64_t) r->off;
}

/* src_skip - libarchive's skip callback */
static la_int64_t src_skip(struct archive *a, void *ctx, la_int64_t n)
{
    SRCREAD *r = ctx;
    gsize   before = r->off;

    (void) a;
    r->off = (gsize) MIN((gint64) r->off + n, (gint64) r->src->len);
    return (la_int64_t) (r->off - before);
}

/* archive_open_src - open a for the bytes of src (r: state for a file) */
static int archive_open_src(struct archive *a, const BYTESRC *src, SRCREAD *r)
{
    if (src->data != NULL)
        return archive_read_open_memory(a, src->data, src->len);
    r->src = src;
    r->off = 0;
    archive_read_set_read_callback(a, src_read);
    archive_read_set_seek_callback(a, src_seek);
    archive_read_set_skip_callback(a, src_skip);
    archive_read_set_callback_data(a, r);
    return archive_read_open1(a);
}

/* inspect_archive - walk the entries of one archive */
static void inspect_archive(INSPECT *in, const BYTESRC *src, gboolean stream,
                            const char *prefix, guint depth)
{
    g_autofree SRCREAD *r = src->data ? NULL : g_new0(SRCREAD, 1);
    CONTAINER_INFO *ci = in->ci;
    struct archive *a = archive_read_new();
    struct archive_entry *e;
    int     rc;

    archive_read_support_filter_all(a);
    archive_read_support_format_all(a);
    if (stream)
        archive_read_support_format_raw(a);
    if (archive_open_src(a, src, r) != ARCHIVE_OK) {
        ci->damaged = TRUE;
        goto done;
    }
    if (depth == 1)
        ci->archive = TRUE;
    for (;;) {
        rc = archive_read_next_header(a, &e);
        if (rc == ARCHIVE_EOF)
            break;
        if (rc == ARCHIVE_FATAL || rc == ARCHIVE_RETRY) {
            const char *why = archive_error_string(a);

            /* 7z with encrypted headers stops here: the names are secret too. */
            if (archive_read_has_encrypted_entries(a) > 0
                || (why && (strstr(why, "ncrypt") || strstr(why, "assword"))))
                ci->encrypted = TRUE;
            else
                ci->damaged = TRUE;
            break;
        }
        if (archive_entry_filetype(e) == AE_IFDIR)
            continue;
        ci->total++;
        if (ci->members->len >= in->lim->max_members) {
            ci->incomplete = TRUE;
            break;
        }
        inspect_member(in, a, e, prefix, depth);
    }
    if (archive_read_has_encrypted_entries(a) > 0)
        ci->encrypted = TRUE;
done:
    archive_read_free(a);
}

/* inspect_any - by type */
static void inspect_any(INSPECT *in, const BYTESRC *src, const char *type, const char *prefix, guint depth)
{
    if (ftype_in(ole_types, type))
        inspect_ole(in, src);
    else
        inspect_archive(in, src, ftype_in(stream_types, type), prefix, depth);
}

/* utf8_locale - a C.UTF-8 LC_CTYPE locale made once per process, or 0 */
static locale_t utf8_locale(void)
{
    static gsize once;
    static locale_t loc;

    if (g_once_init_enter(&once)) {
        loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t) 0);
        g_once_init_leave(&once, 1);
    }
    return loc;
}

/* container_inspect - look into data of true type type */
CONTAINER_INFO *container_inspect(FTYPE *ft, const BYTESRC *src, const char *type,
                                  const CONTAINER_LIMITS *lim)
{
    CONTAINER_INFO *ci;
    INSPECT in = {0};
    locale_t utf8 = utf8_locale(), old = (locale_t) 0;

    if (!container_wants(type))
        return NULL;
    /* libarchive converts names through the thread's locale: make it UTF-8
     * for the inspection, whatever the process runs in. */
    if (utf8 != (locale_t) 0)
        old = uselocale(utf8);
    ci = g_new0(CONTAINER_INFO, 1);
    ci->members = g_ptr_array_new_with_free_func((GDestroyNotify) member_free);
    in.ft = ft;
    in.lim = lim;
    in.ci = ci;
    in.bytes_left = lim->max_bytes;
    inspect_any(&in, src, type, "", 1);
    if (utf8 != (locale_t) 0)
        uselocale(old);
    return ci;
}
