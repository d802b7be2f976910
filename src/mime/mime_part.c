/* mime_part - small questions asked of GMime objects */
#include <errno.h>
#include <unistd.h>

#include "mugai/fdio.h"
#include "mugai/mime_part.h"

/* Fallback charsets for raw 8-bit header text, in order of trial. */
static const char *mime_fallback_charsets[] = {"UTF-8", "CP932", "EUC-JP", "WINDOWS-1252", NULL};

/* mime_options_new - GMime parser options as mugai parses */
GMimeParserOptions *mime_options_new(void)
{
    GMimeParserOptions *po = g_mime_parser_options_new();

    g_mime_parser_options_set_address_compliance_mode(po, GMIME_RFC_COMPLIANCE_LOOSE);
    g_mime_parser_options_set_parameter_compliance_mode(po, GMIME_RFC_COMPLIANCE_LOOSE);
    g_mime_parser_options_set_rfc2047_compliance_mode(po, GMIME_RFC_COMPLIANCE_LOOSE);
    g_mime_parser_options_set_allow_addresses_without_domain(po, TRUE);
    g_mime_parser_options_set_fallback_charsets(po, mime_fallback_charsets);
    return po;
}

/* mime_type_of - "type/subtype" in lower case */
char   *mime_type_of(GMimeObject *obj)
{
    GMimeContentType *ct = g_mime_object_get_content_type(obj);
    g_autofree char *t = NULL;

    if (ct == NULL)
        return g_strdup("application/octet-stream");
    t = g_mime_content_type_get_mime_type(ct);
    return g_ascii_strdown(t ? t : "application/octet-stream", -1);
}

/* mime_is_attachment - Content-Disposition says attachment */
gboolean mime_is_attachment(GMimeObject *obj)
{
    GMimeContentDisposition *d = g_mime_object_get_content_disposition(obj);

    return d != NULL && g_mime_content_disposition_is_attachment(d);
}

/* mime_part_decode - decoded content of a leaf part, in memory or a file */
gboolean mime_part_decode(GMimePart *part, gsize in_memory_max, const char *tmpdir, BYTESTORE *out,
                          GError **err)
{
    BYTESTORE none = BYTESTORE_INIT;
    GMimeDataWrapper *w = g_mime_part_get_content(part);
    GMimeStream *enc = w ? g_mime_data_wrapper_get_stream(w) : NULL;
    gint64  enc_len = enc ? g_mime_stream_length(enc) : 0;
    GMimeStream *dst;
    gint64  n;

    *out = none;
    if (w == NULL)
        return TRUE;
    if (enc_len >= 0 && (guint64) enc_len <= in_memory_max) {
        out->mem = g_byte_array_sized_new((guint) enc_len);
        dst = g_mime_stream_mem_new_with_byte_array(out->mem);
        g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(dst), FALSE);
        g_mime_data_wrapper_write_to_stream(w, dst);
        g_object_unref(dst);
        out->src = bytesrc_mem(out->mem->data, out->mem->len);
        return TRUE;
    }
    if ((out->fd = fd_tmpfile(tmpdir, err)) < 0)
        return FALSE;
    dst = g_mime_stream_fs_new(dup(out->fd));
    errno = 0;
    n = g_mime_data_wrapper_write_to_stream(w, dst);   /* unbuffered: no flush (it would fsync) */
    g_object_unref(dst);
    if (n < 0) {
        int     e = errno ? errno : EIO;

        g_set_error(err, G_FILE_ERROR, g_file_error_from_errno(e), "cannot write a part to a temporary file: %s",
                    g_strerror(e));
        return FALSE;
    }
    out->src = bytesrc_file(out->fd, (gsize) lseek(out->fd, 0, SEEK_END));
    return TRUE;
}
