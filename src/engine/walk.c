/* walk - visit a parsed message and sort every part */
#include <string.h>

#include "mugai/charset.h"
#include "mugai/container.h"
#include "mugai/fname.h"
#include "mugai/mime_part.h"
#include "mugai/render.h"
#include "mugai/textblob.h"
#include "walk.h"

/* multipart/alternative: a plain alternative shorter than this many
 * characters, whose HTML alternative says more than twice as much, is a stub
 * ("view this message in a browser") and the HTML alternative is shown. */
#define WALK_STUB_MAX_CHARS 200
#define WALK_STUB_RATIO 2

static const char REASON_ATTACHMENT[] = "attachment";
static const char REASON_INLINE[] = "inline";
static const char REASON_SIGNATURE[] = "signature";
static const char REASON_ENCRYPTED[] = "encrypted";
static const char REASON_IN_TEXT[] = "encoded-in-text";
static const char REASON_VIRUS[] = "virus";

static void walk_object(WALK *w, GMimeObject *obj, guint depth, GString *sink, const char *reason);
static void blob_found(TEXTBLOB_KIND kind, const char *name, const guchar *data, gsize len,
                       gpointer ctx, GByteArray *out);

/* io_failed - remember the first temporary-file failure (the message is
 * then deferred); err is taken, or NULL with errno set */
static void io_failed(WALK *w, GError *err, const char *what)
{
    if (w->io_error == NULL)
        w->io_error = err ? g_strdup(err->message) : g_strdup_printf("%s: %s", what, g_strerror(errno));
    if (err)
        g_error_free(err);
}

/* sink_append - add rendered text, as one paragraph, within max_text_bytes */
static void sink_append(WALK *w, GString *sink, const char *text, gsize len)
{
    gsize   room;

    while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == ' '))
        len--;
    if (sink == NULL || len == 0)
        return;
    if (sink->len > 0)
        g_string_append(sink, "\n");
    room = sink->len < (gsize) w->conf->max_text_bytes ? (gsize) w->conf->max_text_bytes - sink->len : 0;
    if (len > room) {
        const char *end = text + room;

        /* Cut at a character boundary. */
        while (end > text && ((guchar) * end & 0xC0) == 0x80)
            end--;
        len = (gsize) (end - text);
        w->v->limits |= LIMIT_TEXT;
    }
    g_string_append_len(sink, text, len);
    g_string_append_c(sink, '\n');
}

/* scan_bytes - virus scan; returns the signature name or NULL (transfer
 * full); *incomplete (may be NULL) is set when a scan limit stopped it */
static char *scan_bytes(WALK *w, const BYTESRC *data, const char *name, gboolean *incomplete)
{
    char   *what = NULL;

    if (w->av == NULL)
        return NULL;
    switch (av_scan(w->av, data, name, &what)) {
    case AV_CLEAN:
        return NULL;
    case AV_INFECTED:
        verdict_add_virus(w->v, what);
        return what;
    case AV_INCOMPLETE:
        w->scan_incomplete = TRUE;
        if (incomplete)
            *incomplete = TRUE;
        g_free(what);
        return NULL;
    case AV_ERROR:
        if (w->av_error == NULL)
            w->av_error = what;
        else
            g_free(what);
        return NULL;
    }
    return NULL;
}

/* seen_clean - did ClamAV's pass over the whole message unpack these
 * bytes (hex SHA-256 sum, may be NULL) and find them clean?  Then they
 * are not scanned again: the same bytes, signatures, options and limits
 * give the same answer, and each scan costs libclamav a directory made,
 * listed and removed.  Bytes we decoded differently from ClamAV's mail
 * parser, or that it did not get to (a part it could not write out), are
 * scanned on their own. */
static gboolean seen_clean(const WALK *w, const char *sum)
{
    return w->clean_inner != NULL && sum != NULL && g_hash_table_contains(w->clean_inner, sum);
}

/* looks_like_markup - HTML or XML that a text renderer would show as tags */
static gboolean looks_like_markup(const char *t, gsize len)
{
    static const char *const opens[] = {"html", "body", "head", "script", "style", "br", "div",
                                        "img", "a ", "table", "p>", "meta", "!doctype", "?xml"};
    const char *p = t, *end = t + len;
    gsize   i;

    while ((p = memchr(p, '<', end - p)) != NULL && ++p < end) {
        if (*p == '/' && p + 1 < end && g_ascii_isalpha(p[1]))
            return TRUE;
        for (i = 0; i < G_N_ELEMENTS(opens); i++)
            if ((gsize) (end - p) >= strlen(opens[i]) && g_ascii_strncasecmp(p, opens[i], strlen(opens[i])) == 0)
                return TRUE;
    }
    return FALSE;
}

/* extract_text - show a clean text file after the body; FALSE when the
 * bytes are not text or do not decode without a replacement character */
static gboolean extract_text(WALK *w, const ATT_REC *rec, const char *charset, const BYTESRC *src)
{
    g_autoptr(GByteArray) loaded = NULL;
    g_autoptr(GByteArray) kept = NULL;
    g_autoptr(GString) utf8 = g_string_new(NULL);
    g_autoptr(GString) text = g_string_new(NULL);
    g_autofree char *shown = NULL;
    const char *used, *want = charset ? charset_canonical(charset) : NULL;
    const guchar *data;
    gsize   bad = 0, len;

    if (!g_str_has_prefix(rec->detected_type, "text/") || strcmp(rec->detected_type, "text/html") == 0
        || (rec->declared_type && g_str_has_prefix(rec->declared_type, "text/html"))
        || src->len > (gsize) w->conf->max_decoded_bytes)
        return FALSE;
    if ((data = bytesrc_head(src, src->len, &loaded, &len)) == NULL) {
        io_failed(w, NULL, "cannot read a part back");
        return FALSE;
    }
    if (memchr(data, '\0', len) != NULL || looks_like_markup((const char *) data, len))
        return FALSE;
    kept = g_byte_array_sized_new((guint) len);
    textblob_extract((const char *) data, len, kept, blob_found, w);
    used = charset_to_utf8((const char *) kept->data, kept->len, charset, utf8, &bad);
    /* Clean means: no replacement, and the declared charset (if any) is the one that worked. */
    if (bad > 0 || (want != NULL && g_strcmp0(used, want) != 0))
        return FALSE;
    shown = rec->filename ? fname_display(rec->filename) : g_strdup(w->nt->att_noname);
    notice_subst(text, w->nt->extract_head, shown);
    g_string_append(text, "\n\n");
    render_text_plain(utf8->str, utf8->len, FALSE, FALSE, text);
    sink_append(w, w->v->extracted, text->str, text->len);
    return TRUE;
}

/* decide - inspect the part and apply the first matching rule */
static void decide(WALK *w, ATT_REC *rec, const char *charset, const BYTESRC *data)
{
    CONTAINER_LIMITS lim = {(guint) w->conf->archive_depth, (guint) w->conf->archive_members,
                            w->conf->archive_bytes};
    RULE_FACTS f = {0};
    const RULE *rule;

    rec->contents = container_inspect(w->ft, data, rec->detected_type, &lim);
    rec->mismatch = ftype_mismatch(rec->filename, rec->declared_type, rec->detected_type);
    f.filename = rec->filename;
    f.declared_type = rec->declared_type;
    f.detected_type = rec->detected_type;
    f.size = rec->size;
    f.virus = rec->virus != NULL;
    f.mismatch = rec->mismatch;
    f.incomplete = rec->incomplete;
    f.contents = rec->contents;
    if ((rule = rules_match(w->conf->rules, &f)) == NULL)
        return;                 /* unreachable: conf_load() checks the list */
    rec->rule = g_strdup(rule_name(rule));
    rec->reason = g_strdup(rule_reason(rule));
    rec->action = rule_action(rule);
    if (rec->action == RULE_EXTRACT_TEXT && !extract_text(w, rec, charset, data))
        rec->not_text = TRUE;
}

/* record - an ATT_REC for bytes that leave the message (scanned, typed,
 * hashed, inspected and decided by the policy); virus is the signature
 * when a scan of these bytes already found one (taken), else NULL */
static ATT_REC *record(WALK *w, const char *source, char *filename, const char *declared,
                       const char *charset, const BYTESRC *data, char *virus)
{
    ATT_REC *rec = att_rec_new(source);
    g_autofree char *sum = bytesrc_sha256(data);
    g_autoptr(GByteArray) tmp = NULL;
    const guchar *head;
    gsize   head_len;

    rec->filename = filename;
    rec->declared_type = g_strdup(declared);
    rec->size = (gint64) data->len;
    verdict_add_attachment(w->v, rec);
    if (sum == NULL || (head = bytesrc_head(data, FTYPE_MAX_PROBE_BYTES, &tmp, &head_len)) == NULL) {
        /* Our own file could not be read back: the message is deferred. */
        io_failed(w, NULL, "cannot read a part back");
        rec->detected_type = g_strdup("application/octet-stream");
        g_free(virus);
        return rec;
    }
    rec->detected_type = ftype_detect(w->ft, head, head_len);
    g_strlcpy(rec->sha256, sum, sizeof(rec->sha256));
    if (virus == NULL && !seen_clean(w, sum))
        virus = scan_bytes(w, data, filename, &rec->incomplete);
    rec->virus = virus;
    decide(w, rec, charset, data);
    return rec;
}

/* blob_found - an encoded block cut out of body text */
static void blob_found(TEXTBLOB_KIND kind, const char *name, const guchar *data, gsize len,
                       gpointer ctx, GByteArray *out)
{
    WALK   *w = ctx;
    BYTESRC src = bytesrc_mem(data, len);
    ATT_REC *rec = record(w, REASON_IN_TEXT, *name ? fname_utf8(name) : NULL,
                          textblob_kind_type(kind), NULL, &src, NULL);
    g_autofree char *shown = rec->filename ? fname_display(rec->filename) : g_strdup(w->nt->att_noname);
    g_autoptr(GString) line = g_string_new(NULL);

    notice_subst(line, w->nt->blob_removed, shown);
    g_byte_array_append(out, (const guchar *) line->str, (guint) line->len);
    g_byte_array_append(out, (const guchar *) "\n", 1);
}

/* render_part - decoded body text part (its first max_decoded_bytes) to UTF-8 text in tmp */
static void render_part(WALK *w, GMimeObject *obj, gboolean html, const BYTESRC *src, GString *tmp)
{
    GMimeContentType *ct = g_mime_object_get_content_type(obj);
    const char *declared = ct ? g_mime_content_type_get_parameter(ct, "charset") : NULL;
    g_autofree char *sniffed = NULL;
    g_autoptr(GByteArray) loaded = NULL;
    g_autoptr(GString) utf8 = NULL;
    const guchar *bytes;
    gsize   len;

    if (src->len > (gsize) w->conf->max_decoded_bytes)
        w->v->limits |= LIMIT_DECODED;
    if ((bytes = bytesrc_head(src, (gsize) w->conf->max_decoded_bytes, &loaded, &len)) == NULL) {
        io_failed(w, NULL, "cannot read a part back");
        return;
    }
    utf8 = g_string_sized_new(len + 16);
    if (html) {
        RENDER_HTML_OPTS ro = {w->nt->image, (guint) w->conf->max_html_depth};
        guint   cut = w->v->html.depth_cut;

        if (declared == NULL)
            declared = sniffed = charset_sniff_html_meta((const char *) bytes, len);
        charset_to_utf8((const char *) bytes, len, declared, utf8, NULL);
        render_html(utf8->str, utf8->len, &ro, tmp, &w->v->html);
        if (w->v->html.depth_cut > cut)
            w->v->limits |= LIMIT_HTML_DEPTH;
        w->v->html_converted = TRUE;
    } else {
        g_autoptr(GByteArray) kept = g_byte_array_sized_new((guint) len);
        const char *format = ct ? g_mime_content_type_get_parameter(ct, "format") : NULL;
        const char *delsp = ct ? g_mime_content_type_get_parameter(ct, "delsp") : NULL;

        textblob_extract((const char *) bytes, len, kept, blob_found, w);
        charset_to_utf8((const char *) kept->data, kept->len, declared, utf8, NULL);
        render_text_plain(utf8->str, utf8->len,
                          format && g_ascii_strcasecmp(format, "flowed") == 0,
                          delsp && g_ascii_strcasecmp(delsp, "yes") == 0, tmp);
    }
    w->v->body_parts++;
}

/* walk_leaf - a part with content: body text or an attachment */
static void walk_leaf(WALK *w, GMimePart *part, GString *sink, const char *reason)
{
    GMimeObject *obj = GMIME_OBJECT(part);
    g_autofree char *type = mime_type_of(obj);
    gboolean plain = strcmp(type, "text/plain") == 0;
    gboolean html = strcmp(type, "text/html") == 0;
    gboolean body = (plain || html) && !mime_is_attachment(obj) && reason == REASON_ATTACHMENT;
    GMimeContentType *ct = g_mime_object_get_content_type(obj);
    const char *charset = ct ? g_mime_content_type_get_parameter(ct, "charset") : NULL;
    g_autofree char *virus = NULL;
    GError *err = NULL;
    BYTESTORE data;

    if (!mime_part_decode(part, (gsize) w->conf->engine_in_memory_max, w->conf->engine_temp_directory,
                          &data, &err)) {
        io_failed(w, err, NULL);
        goto done;
    }
    if (!body) {
        record(w, reason, fname_from_part(obj), type, charset, &data.src, NULL);
        goto done;
    }
    /* Body text is rendered, never passed on: a scan limit does not matter
     * here, and when ClamAV's own mail parser went through the whole
     * message, found it clean and unpacked its parts, the text is not
     * scanned a second time.  (Its bytes often differ from that parser's
     * copy of the part, in line ends or a last newline, so seen_clean()
     * would not know them.)  A clean pass that unpacked nothing is not
     * enough: libclamav's parser calls a message clean when it could not
     * write its parts out at all (its scratch space full), or only in
     * part (then it warns, and av_scan_noting() leaves the set empty);
     * sanitize.c passes no set then. */
    if (w->clean_inner == NULL && (virus = scan_bytes(w, &data.src, "body", NULL)) != NULL) {
        record(w, REASON_VIRUS, fname_from_part(obj), type, charset, &data.src, g_steal_pointer(&virus));
        goto done;
    }
    if (sink != NULL) {
        g_autoptr(GString) tmp = g_string_sized_new(MIN(data.src.len, (gsize) w->conf->max_decoded_bytes));

        render_part(w, obj, html, &data.src, tmp);
        sink_append(w, sink, tmp->str, tmp->len);
    }
done:
    bytestore_clear(&data);
}

/* is_plain_leaf - text/plain meant as body */
static gboolean is_plain_leaf(GMimeObject *o)
{
    g_autofree char *t = mime_type_of(o);

    return GMIME_IS_PART(o) && strcmp(t, "text/plain") == 0 && !mime_is_attachment(o);
}

/* is_rich - text/html, or a multipart (related, mixed) that carries it */
static gboolean is_rich(GMimeObject *o)
{
    g_autofree char *t = mime_type_of(o);

    return (GMIME_IS_PART(o) && strcmp(t, "text/html") == 0 && !mime_is_attachment(o))
        || GMIME_IS_MULTIPART(o);
}

/* text_chars - characters of text without its leading and trailing white space */
static glong text_chars(const GString *t)
{
    const char *p = t->str, *end = t->str + t->len;

    while (p < end && g_ascii_isspace(*p))
        p++;
    while (end > p && g_ascii_isspace(end[-1]))
        end--;
    return g_utf8_strlen(p, end - p);
}

/* walk_rest - every child except skip, text discarded */
static void walk_rest(WALK *w, GMimeMultipart *mp, int skip1, int skip2, guint depth)
{
    int     i, n = g_mime_multipart_get_count(mp);

    for (i = 0; i < n; i++)
        if (i != skip1 && i != skip2)
            walk_object(w, g_mime_multipart_get_part(mp, i), depth + 1, NULL, REASON_ATTACHMENT);
}

/* walk_alternative - exactly one alternative is rendered (docs/rendering.md) */
static void walk_alternative(WALK *w, GMimeMultipart *mp, guint depth, GString *sink)
{
    int     i, n = g_mime_multipart_get_count(mp), plain = -1, rich = -1;
    g_autoptr(GString) ptext = g_string_new(NULL);
    g_autoptr(GString) rtext = g_string_new(NULL);
    glong   pchars;

    for (i = 0; i < n; i++) {
        GMimeObject *c = g_mime_multipart_get_part(mp, i);

        if (plain < 0 && is_plain_leaf(c))
            plain = i;
        else if (is_rich(c))
            rich = i;           /* the last rich one: the sender's preferred */
    }
    if (plain < 0 && rich < 0) {
        if (n > 0)
            walk_object(w, g_mime_multipart_get_part(mp, n - 1), depth + 1, sink, REASON_ATTACHMENT);
        walk_rest(w, mp, n - 1, -1, depth);
        return;
    }
    if (plain >= 0)
        walk_object(w, g_mime_multipart_get_part(mp, plain), depth + 1, ptext, REASON_ATTACHMENT);
    pchars = text_chars(ptext);
    if (rich >= 0 && (plain < 0 || pchars < WALK_STUB_MAX_CHARS)) {
        /* What rendering the HTML adds to the verdict only counts if it is shown. */
        gboolean was_converted = w->v->html_converted;
        RENDER_HTML_STATS was_stats = w->v->html;

        walk_object(w, g_mime_multipart_get_part(mp, rich), depth + 1, rtext, REASON_ATTACHMENT);
        if (plain < 0 || pchars == 0 || pchars * WALK_STUB_RATIO < g_utf8_strlen(rtext->str, -1)) {
            sink_append(w, sink, rtext->str, rtext->len);
            walk_rest(w, mp, plain, rich, depth);
            return;
        }
        w->v->html_converted = was_converted;
        w->v->html = was_stats;
    } else {
        rich = -1;              /* not walked yet: walk_rest takes it, text discarded */
    }
    sink_append(w, sink, ptext->str, ptext->len);
    walk_rest(w, mp, plain, rich, depth);
}

/* related_root - index of the root part: the "start" Content-ID, else 0 */
static int related_root(GMimeMultipart *mp)
{
    GMimeContentType *ct = g_mime_object_get_content_type(GMIME_OBJECT(mp));
    const char *start = ct ? g_mime_content_type_get_parameter(ct, "start") : NULL;
    int     i, n = g_mime_multipart_get_count(mp);
    g_autofree char *want = NULL;

    if (start == NULL)
        return 0;
    want = g_strdup(start);
    g_strstrip(want);
    if (*want == '<') {
        memmove(want, want + 1, strlen(want));
        if (*want && want[strlen(want) - 1] == '>')
            want[strlen(want) - 1] = '\0';
    }
    for (i = 0; i < n; i++) {
        const char *cid = g_mime_object_get_content_id(g_mime_multipart_get_part(mp, i));

        if (cid && strcmp(cid, want) == 0)
            return i;
    }
    return 0;
}

/* walk_multipart - by subtype */
static void walk_multipart(WALK *w, GMimeMultipart *mp, guint depth, GString *sink)
{
    GMimeContentType *ct = g_mime_object_get_content_type(GMIME_OBJECT(mp));
    const char *sub = ct ? g_mime_content_type_get_media_subtype(ct) : "mixed";
    int     i, n = g_mime_multipart_get_count(mp), root;

    if (g_ascii_strcasecmp(sub, "alternative") == 0) {
        walk_alternative(w, mp, depth, sink);
    } else if (g_ascii_strcasecmp(sub, "related") == 0) {
        root = related_root(mp);
        for (i = 0; i < n; i++)
            walk_object(w, g_mime_multipart_get_part(mp, i), depth + 1, i == root ? sink : NULL,
                        i == root ? REASON_ATTACHMENT : REASON_INLINE);
    } else if (g_ascii_strcasecmp(sub, "signed") == 0) {
        for (i = 0; i < n; i++)
            walk_object(w, g_mime_multipart_get_part(mp, i), depth + 1, i == 0 ? sink : NULL,
                        i == 0 ? REASON_ATTACHMENT : REASON_SIGNATURE);
    } else if (g_ascii_strcasecmp(sub, "encrypted") == 0) {
        for (i = 0; i < n; i++)
            walk_object(w, g_mime_multipart_get_part(mp, i), depth + 1, NULL, REASON_ENCRYPTED);
    } else {
        for (i = 0; i < n; i++)
            walk_object(w, g_mime_multipart_get_part(mp, i), depth + 1, sink, REASON_ATTACHMENT);
    }
}

/* forwarded_header - one "Name: value" line of a forwarded message, decoded */
static void forwarded_header(WALK *w, GMimeMessage *m, const char *name, GString *out)
{
    const char *raw = g_mime_object_get_header(GMIME_OBJECT(m), name);
    g_autofree char *text = NULL;

    if (raw == NULL)
        return;
    text = g_mime_utils_header_decode_text(w->po, raw);
    g_string_append_printf(out, "%s: ", name);
    render_clean_append(text, strlen(text), out);
    g_string_append_c(out, '\n');
}

/* walk_forwarded - message/rfc822 rendered inline under its own headers */
static void walk_forwarded(WALK *w, GMimeMessagePart *mpart, guint depth, GString *sink)
{
    GMimeMessage *m = g_mime_message_part_get_message(mpart);
    g_autoptr(GString) tmp = g_string_new(NULL);
    GMimeObject *body;

    if (m == NULL)
        return;
    body = g_mime_message_get_mime_part(m);
    if (sink != NULL) {
        g_string_append_printf(tmp, "%s\n", w->nt->forwarded);
        forwarded_header(w, m, "From", tmp);
        forwarded_header(w, m, "Date", tmp);
        forwarded_header(w, m, "To", tmp);
        forwarded_header(w, m, "Cc", tmp);
        forwarded_header(w, m, "Subject", tmp);
        g_string_append_c(tmp, '\n');
        w->v->forwarded++;
    }
    if (body != NULL)
        walk_object(w, body, depth + 1, sink ? tmp : NULL, REASON_ATTACHMENT);
    sink_append(w, sink, tmp->str, tmp->len);
}

/* walk_object - any MIME object, within the depth and part limits */
static void walk_object(WALK *w, GMimeObject *obj, guint depth, GString *sink, const char *reason)
{
    if (depth > (guint) w->conf->max_mime_depth) {
        w->v->limits |= LIMIT_DEPTH;
        w->parts_skipped++;
        return;
    }
    if (++w->parts > (guint) w->conf->max_parts) {
        w->v->limits |= LIMIT_PARTS;
        w->parts_skipped++;
        return;
    }
    w->v->parts = w->parts;
    if (GMIME_IS_MULTIPART(obj)) {
        if (reason == REASON_ENCRYPTED || reason == REASON_SIGNATURE)
            sink = NULL;
        walk_multipart(w, GMIME_MULTIPART(obj), depth, reason == REASON_ATTACHMENT ? sink : NULL);
    } else if (GMIME_IS_MESSAGE_PART(obj)) {
        walk_forwarded(w, GMIME_MESSAGE_PART(obj), depth, sink);
    } else if (GMIME_IS_PART(obj)) {
        walk_leaf(w, GMIME_PART(obj), sink, reason);
    } else {
        /* message/partial and anything else GMime models separately */
        g_autofree char *type = mime_type_of(obj);

        BYTESRC none = bytesrc_mem("", 0);

        record(w, reason, fname_from_part(obj), type, NULL, &none, NULL);
    }
}

/* walk_message - render msg's body into out and record its attachments */
void    walk_message(WALK *w, GMimeMessage *msg, GString *out)
{
    GMimeObject *body = g_mime_message_get_mime_part(msg);

    if (body != NULL)
        walk_object(w, body, 1, out, REASON_ATTACHMENT);
}
