/* mime_part - small questions asked of GMime objects */
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

/* mime_part_decode - decoded content of a leaf part */
GByteArray *mime_part_decode(GMimePart *part)
{
    GByteArray *ba = g_byte_array_new();
    GMimeDataWrapper *w = g_mime_part_get_content(part);
    GMimeStream *mem;

    if (w == NULL)
        return ba;
    mem = g_mime_stream_mem_new_with_byte_array(ba);
    g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(mem), FALSE);
    g_mime_data_wrapper_write_to_stream(w, mem);
    g_object_unref(mem);
    return ba;
}
