/* ftype - the true type of decoded bytes, from libmagic */
#include <string.h>

#include <magic.h>

#include "mugai/fname.h"
#include "mugai/ftype.h"
#include "mugai/sha256.h"

/* One remembered answer: the digest of the bytes libmagic was given and
 * what it said of them. */
typedef struct {
    guint8  digest[SHA256_LEN];
    char   *type;               /* owned; NULL: an empty slot */
} FTYPE_SLOT;

struct ftype {
    magic_t cookie;
    FTYPE_SLOT *slots;          /* direct-mapped by the digest's first bytes */
    guint   nslots;             /* 0: nothing remembered */
    guint64 lookups, hits;
};

/* ftype_new - open and load the system magic database */
FTYPE  *ftype_new(guint cache_slots, GError **err)
{
    FTYPE  *ft = g_new0(FTYPE, 1);

    ft->cookie = magic_open(MAGIC_MIME_TYPE | MAGIC_NO_CHECK_COMPRESS | MAGIC_NO_CHECK_ELF
                            | MAGIC_ERROR);
    if (ft->cookie == NULL || magic_load(ft->cookie, NULL) != 0) {
        g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_FAILED, "libmagic: cannot load database: %s",
                    ft->cookie ? magic_error(ft->cookie) : "out of memory");
        ftype_free(ft);
        return NULL;
    }
    ft->nslots = cache_slots;
    ft->slots = cache_slots ? g_new0(FTYPE_SLOT, cache_slots) : NULL;
    return ft;
}

/* ftype_free - release; accepts NULL */
void    ftype_free(FTYPE *ft)
{
    guint   i;

    if (ft == NULL)
        return;
    if (ft->cookie)
        magic_close(ft->cookie);
    for (i = 0; i < ft->nslots; i++)
        g_free(ft->slots[i].type);
    g_free(ft->slots);
    g_free(ft);
}

/* ask_magic - libmagic's answer for the bytes (transfer full) */
static char *ask_magic(FTYPE *ft, const void *buf, gsize len)
{
    const char *t = magic_buffer(ft->cookie, buf, len);

    return g_strdup(t ? t : "application/octet-stream");
}

/* ftype_detect - MIME type of the bytes */
char   *ftype_detect(FTYPE *ft, const void *buf, gsize len)
{
    guint8  digest[SHA256_LEN];
    FTYPE_SLOT *slot;

    if (len == 0)
        return g_strdup("application/x-empty");
    len = MIN(len, FTYPE_MAX_PROBE_BYTES);
    if (ft->nslots == 0 || len > FTYPE_CACHE_MAX_BYTES)
        return ask_magic(ft, buf, len);
    /* libmagic's answer depends on the bytes alone (one database, fixed
     * flags), so the same bytes get the same answer without asking. */
    sha256_digest(buf, len, digest);
    slot = &ft->slots[(((guint32) digest[0] << 24) | ((guint32) digest[1] << 16)
                       | ((guint32) digest[2] << 8) | digest[3]) % ft->nslots];
    ft->lookups++;
    if (slot->type != NULL && memcmp(slot->digest, digest, SHA256_LEN) == 0) {
        ft->hits++;
        return g_strdup(slot->type);
    }
    g_free(slot->type);
    slot->type = ask_magic(ft, buf, len);
    memcpy(slot->digest, digest, SHA256_LEN);
    return g_strdup(slot->type);
}

/* ftype_cache_stats - lookups in the cache and hits */
void    ftype_cache_stats(const FTYPE *ft, guint64 *lookups, guint64 *hits)
{
    *lookups = ft->lookups;
    *hits = ft->hits;
}

/* Families of file names and types that belong together.  A declared
 * type may sit in more than one family (Windows declares CSV files as
 * application/vnd.ms-excel); types are globs. */
typedef struct {
    const char *const *exts;
    const char *const *types;
} FAMILY;

#define LIST(...) (const char *const[]) {__VA_ARGS__, NULL}

static const FAMILY families[] = {
    {LIST("txt", "csv", "tsv", "log", "md", "ini", "cfg", "conf", "xml", "json", "htm", "html",
          "ics", "vcf", "eml", "yaml", "yml"),
     LIST("text/*", "application/csv", "application/json", "application/xml", "message/rfc822",
          "application/vnd.ms-excel", "application/x-wine-extension-ini")},
    {LIST("pdf"), LIST("application/pdf", "application/x-pdf")},
    {LIST("jpg", "jpeg", "jpe", "jfif", "png", "gif", "bmp", "tif", "tiff", "webp", "heic", "heif",
          "ico", "svg"),
     LIST("image/*", "application/x-ms-bmp")},
    {LIST("doc", "dot", "docx", "docm", "dotx", "dotm", "xls", "xlt", "xlsx", "xlsm", "xltx", "xltm",
          "xlsb", "ppt", "pps", "pot", "pptx", "pptm", "ppsx", "ppsm", "rtf", "odt", "ods", "odp",
          "odg", "vsd", "vsdx", "msg", "pub", "one"),
     LIST("application/msword", "application/vnd.*", "application/zip", "application/x-ole-storage",
          "application/cdfv2*", "application/cdf", "application/rtf", "text/rtf", "application/encrypted",
          "application/x-zip-compressed")},
    {LIST("zip", "7z", "rar", "lzh", "lha", "gz", "tgz", "tar", "bz2", "tbz", "xz", "txz", "cab", "zst"),
     LIST("application/zip", "application/x-zip-compressed", "application/x-7z-compressed",
          "application/x-rar*", "application/vnd.rar", "application/x-lzh-compressed", "application/x-lha",
          "application/gzip", "application/x-gzip", "application/x-tar", "application/x-gtar",
          "application/x-bzip2", "application/x-xz", "application/vnd.ms-cab-compressed",
          "application/zstd", "application/x-compressed")},
    {LIST("mp3", "wav", "m4a", "aac", "ogg", "flac", "mp4", "m4v", "mov", "avi", "wmv", "mpg", "mpeg",
          "webm", "3gp"),
     LIST("audio/*", "video/*")},
    {LIST("exe", "dll", "com", "scr", "sys", "cpl", "ocx", "msi"),
     LIST("application/x-dosexec", "application/vnd.microsoft.portable-executable",
          "application/x-msdownload", "application/x-msi", "application/x-ms-installer")},
};

/* Types that say nothing about the content. */
static const char *const generic_types[] = {
    "application/octet-stream", "application/x-octet-stream", "application/unknown",
    "application/x-unknown", "application/binary", "application/force-download",
    "application/download", "application/x-empty", "inode/x-empty", "application/x-download",
};

/* glob_match - does s match the glob ('*' any run, '?' any one byte),
 * ignoring ASCII case?  Without allocating: this runs for every rule and
 * family on every attachment and archive member.  A '*' that fails moves
 * on by one byte from where it last matched (linear for one '*', as in
 * our type lists; quadratic at worst). */
static gboolean glob_match(const char *g, const char *s)
{
    const char *star = NULL, *from = NULL;

    while (*s) {
        if (*g == '*') {
            star = ++g;
            from = s;
        } else if (*g != '\0' && (*g == '?' || g_ascii_tolower(*g) == g_ascii_tolower(*s))) {
            g++;
            s++;
        } else if (star != NULL) {
            g = star;
            s = ++from;
        } else {
            return FALSE;
        }
    }
    while (*g == '*')
        g++;
    return *g == '\0';
}

/* ftype_in - does the type match a glob of the list, ignoring case? */
gboolean ftype_in(const char *const *globs, const char *type)
{
    gsize   i;

    if (type == NULL)
        return FALSE;
    for (i = 0; globs[i]; i++)
        if (glob_match(globs[i], type))
            return TRUE;
    return FALSE;
}

/* family_mask - bit i set when family i holds the extension (ext) or the type */
static guint family_mask(const char *s, gboolean ext)
{
    guint   mask = 0;
    gsize   i;

    for (i = 0; i < G_N_ELEMENTS(families); i++)
        if (ftype_in(ext ? families[i].exts : families[i].types, s))
            mask |= 1u << i;
    return mask;
}

/* is_generic - a type that tells nothing */
static gboolean is_generic(const char *t)
{
    gsize   i;

    for (i = 0; i < G_N_ELEMENTS(generic_types); i++)
        if (strcmp(t, generic_types[i]) == 0)
            return TRUE;
    return FALSE;
}

/* ftype_mismatch - do name, declared type and true type disagree? */
gboolean ftype_mismatch(const char *filename, const char *declared, const char *detected)
{
    g_autofree char *ext = fname_extension(filename);
    g_autofree char *decl = declared ? g_ascii_strdown(declared, -1) : NULL;
    g_autofree char *det = detected ? g_ascii_strdown(detected, -1) : NULL;
    guint   m_ext = ext ? family_mask(ext, TRUE) : 0;
    guint   m_decl = decl && !is_generic(decl) ? family_mask(decl, FALSE) : 0;
    guint   m_det = det && !is_generic(det) ? family_mask(det, FALSE) : 0;

    if (fname_is_deceptive(filename))
        return TRUE;
    /* Each pair is compared only when both sides are known to a family. */
    return (m_ext && m_det && !(m_ext & m_det))
        || (m_decl && m_det && !(m_decl & m_det))
        || (m_ext && m_decl && !(m_ext & m_decl));
}
