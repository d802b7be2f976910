/* render_html - HTML documents to plain text through libxml2's HTML parser
 *
 * The document is parsed into a tree (never scanned with patterns) and
 * walked once.  Text is written through a small line builder (HB) that owes
 * line breaks and spaces until the next visible character, so the output
 * never starts or ends with blank space and runs of whitespace collapse as a
 * browser would collapse them.  See docs/rendering.md for the rules.
 */
#include <string.h>

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include "mugai/render.h"

/* Table nesting whose cell separators are tracked; deeper tables just flow. */
#define HB_MAX_ROWS 32
/* Longest link target or alt text shown. */
#define HB_MAX_ATTR_CHARS 2048

typedef enum {
    EL_INLINE = 0,              /* walk children, nothing else */
    EL_SKIP_QUIET,              /* never shown, not active itself: head, title, style */
    EL_SKIP_SCRIPT,             /* script, noscript, template */
    EL_SKIP_ACTIVE,             /* forms, frames, objects, embeds, media */
    EL_VOID_ACTIVE,             /* active void elements: anything libxml2 nests in them
                                 * is a sibling in a browser, so it is walked */
    EL_BLOCK,                   /* own line */
    EL_PARA,                    /* own paragraph (blank line around) */
    EL_LIST,
    EL_LI,
    EL_TABLE,
    EL_TR,
    EL_CELL,
    EL_BR,
    EL_HR,
    EL_PRE,
    EL_QUOTE,
    EL_A,
    EL_IMG,
} EL_KIND;

typedef struct {
    const char *name;
    EL_KIND kind;
} EL_DEF;

static const EL_DEF el_defs[] = {
    {"script", EL_SKIP_SCRIPT}, {"style", EL_SKIP_QUIET}, {"head", EL_SKIP_QUIET},
    {"title", EL_SKIP_QUIET}, {"template", EL_SKIP_SCRIPT}, {"noscript", EL_SKIP_SCRIPT},
    {"form", EL_SKIP_ACTIVE}, {"input", EL_VOID_ACTIVE}, {"button", EL_SKIP_ACTIVE},
    {"select", EL_SKIP_ACTIVE}, {"textarea", EL_SKIP_ACTIVE}, {"iframe", EL_SKIP_ACTIVE},
    {"frame", EL_SKIP_ACTIVE}, {"frameset", EL_SKIP_ACTIVE}, {"object", EL_SKIP_ACTIVE},
    {"embed", EL_VOID_ACTIVE}, {"applet", EL_SKIP_ACTIVE}, {"audio", EL_SKIP_ACTIVE},
    {"video", EL_SKIP_ACTIVE}, {"canvas", EL_SKIP_ACTIVE}, {"svg", EL_SKIP_ACTIVE},
    {"math", EL_SKIP_ACTIVE}, {"map", EL_SKIP_ACTIVE}, {"link", EL_SKIP_QUIET},
    {"meta", EL_SKIP_QUIET}, {"base", EL_SKIP_QUIET}, {"param", EL_VOID_ACTIVE},
    {"div", EL_BLOCK}, {"center", EL_BLOCK}, {"section", EL_BLOCK}, {"article", EL_BLOCK},
    {"aside", EL_BLOCK}, {"header", EL_BLOCK}, {"footer", EL_BLOCK}, {"nav", EL_BLOCK},
    {"main", EL_BLOCK}, {"figure", EL_BLOCK}, {"figcaption", EL_BLOCK}, {"address", EL_BLOCK},
    {"dt", EL_BLOCK}, {"dd", EL_BLOCK}, {"caption", EL_BLOCK}, {"details", EL_BLOCK},
    {"summary", EL_BLOCK}, {"fieldset", EL_BLOCK}, {"legend", EL_BLOCK}, {"body", EL_BLOCK},
    {"p", EL_PARA}, {"h1", EL_PARA}, {"h2", EL_PARA}, {"h3", EL_PARA}, {"h4", EL_PARA},
    {"h5", EL_PARA}, {"h6", EL_PARA}, {"dl", EL_PARA},
    {"ul", EL_LIST}, {"ol", EL_LIST}, {"menu", EL_LIST}, {"dir", EL_LIST}, {"li", EL_LI},
    {"table", EL_TABLE}, {"tr", EL_TR}, {"td", EL_CELL}, {"th", EL_CELL},
    {"br", EL_BR}, {"hr", EL_HR}, {"pre", EL_PRE}, {"xmp", EL_PRE}, {"listing", EL_PRE},
    {"plaintext", EL_PRE}, {"blockquote", EL_QUOTE}, {"a", EL_A}, {"img", EL_IMG},
};

/* The line builder. */
typedef struct {
    GString *out;
    gsize   base;               /* out->len when rendering began */
    const RENDER_HTML_OPTS *opts;
    RENDER_HTML_STATS *stats;
    guint   owed_nl;            /* line breaks owed before the next text (0..2) */
    guint   trailing_nl;        /* newlines at the end of what was written */
    guint   owed_space;         /* 0 none, 1 space, 2 space from a source line break */
    gunichar last;              /* last character written */
    guint   pre;                /* inside pre */
    guint   quote;              /* blockquote depth */
    guint   list;               /* list depth */
    gboolean bullet;            /* next line starts with "- " */
    gboolean sep_owed;          /* a cell separator is owed */
    guint   rows;               /* open table rows */
    gboolean row_text[HB_MAX_ROWS];
} HB;

/* el_kind - what an element name means to the renderer */
static EL_KIND el_kind(const char *name)
{
    static gsize init;
    static GHashTable *map;

    if (g_once_init_enter(&init)) {
        GHashTable *m = g_hash_table_new(g_str_hash, g_str_equal);
        gsize   i;

        for (i = 0; i < G_N_ELEMENTS(el_defs); i++)
            g_hash_table_insert(m, (gpointer) el_defs[i].name, GINT_TO_POINTER(el_defs[i].kind + 1));
        map = m;
        g_once_init_leave(&init, 1);
    }
    /* Stored as kind + 1 so that "not found" (NULL) means EL_INLINE. */
    {
        int     v = GPOINTER_TO_INT(g_hash_table_lookup(map, name));

        return v == 0 ? EL_INLINE : (EL_KIND) (v - 1);
    }
}

/* is_wide - East Asian wide character (no space between such characters) */
static gboolean is_wide(gunichar c)
{
    return (c >= 0x2E80 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF)
        || (c >= 0xFF01 && c <= 0xFF60) || (c >= 0xFFE0 && c <= 0xFFE6)
        || (c >= 0x20000 && c <= 0x2FFFF);
}

/* hb_break - owe at least n line breaks before the next text */
static void hb_break(HB *hb, guint n)
{
    if (n > hb->owed_nl)
        hb->owed_nl = n;
    hb->owed_space = 0;
}

/* hb_line_prefix - quote marks, list indent and bullet at a line start */
static void hb_line_prefix(HB *hb)
{
    guint   i;

    for (i = 0; i < hb->quote; i++)
        g_string_append(hb->out, "> ");
    for (i = 1; i < hb->list; i++)
        g_string_append(hb->out, "  ");
    if (hb->bullet)
        g_string_append(hb->out, "- ");
    else if (hb->list > 0)
        g_string_append(hb->out, "  ");
    hb->bullet = FALSE;
}

/* hb_flush - settle owed breaks and spaces before writing character c.
 * A space owed by a source line break (2) is left out between East Asian
 * wide characters, and between punctuation and a wide character. */
static void hb_flush(HB *hb, gunichar c)
{
    gboolean empty = hb->out->len == hb->base;

    if (!empty && hb->owed_nl > hb->trailing_nl) {
        for (; hb->trailing_nl < hb->owed_nl; hb->trailing_nl++)
            g_string_append_c(hb->out, '\n');
        hb->owed_space = 0;
    }
    hb->owed_nl = 0;
    if (empty || hb->trailing_nl > 0) {
        hb_line_prefix(hb);
    } else if (hb->sep_owed) {
        g_string_append(hb->out, " | ");
    } else if (hb->owed_space == 1
               || (hb->owed_space == 2 && !(is_wide(c) && (is_wide(hb->last) || !g_unichar_isalnum(hb->last))))) {
        g_string_append_c(hb->out, ' ');
    }
    hb->sep_owed = FALSE;
    hb->owed_space = 0;
    hb->trailing_nl = 0;
    if (hb->rows > 0 && hb->rows <= HB_MAX_ROWS)
        hb->row_text[hb->rows - 1] = TRUE;
}

/* hb_newline - a hard line break (br, or a newline inside pre) */
static void hb_newline(HB *hb)
{
    if (hb->out->len == hb->base || hb->trailing_nl >= 2)
        return;
    if (hb->owed_nl > hb->trailing_nl)
        hb_flush(hb, ' ');      /* settle owed block breaks first */
    g_string_append_c(hb->out, '\n');
    hb->trailing_nl++;
    hb->owed_space = 0;
}

/* is_space_at - collapsible white space at p? sets *n to its byte length */
static gboolean is_space_at(const char *p, const char *end, gsize *n, gboolean *nl)
{
    *nl = FALSE;
    switch (*p) {
    case ' ': case '\t': case '\f':
        *n = 1;
        return TRUE;
    case '\n': case '\r':
        *n = 1;
        *nl = TRUE;
        return TRUE;
    case '\xC2':
        if (p + 1 < end && p[1] == '\xA0') {   /* U+00A0 NO-BREAK SPACE */
            *n = 2;
            return TRUE;
        }
        return FALSE;
    default:
        return FALSE;
    }
}

/* hb_text - write text, collapsing white space unless inside pre */
static void hb_text(HB *hb, const char *s, gsize len)
{
    const char *p = s, *end = s + len;

    while (p < end) {
        const char *run = p;
        gsize   n;
        gboolean nl;

        if (hb->pre) {
            if (*p == '\n' || *p == '\r') {
                hb_newline(hb);
                hb->trailing_nl = MIN(hb->trailing_nl, 1);  /* pre keeps its own blank lines */
                p += (*p == '\r' && p + 1 < end && p[1] == '\n') ? 2 : 1;
                continue;
            }
            while (p < end && *p != '\n' && *p != '\r')
                p++;
        } else {
            if (is_space_at(p, end, &n, &nl)) {
                if (nl || hb->owed_space == 2)
                    hb->owed_space = 2;
                else
                    hb->owed_space = 1;
                p += n;
                continue;
            }
            while (p < end && !is_space_at(p, end, &n, &nl))
                p++;
        }
        hb_flush(hb, g_utf8_get_char_validated(run, p - run));
        render_clean_append(run, p - run, hb->out);
        hb->last = g_utf8_get_char_validated(g_utf8_find_prev_char(run, p), p - g_utf8_find_prev_char(run, p));
    }
}

/* hb_text0 - hb_text for a NUL-terminated string */
static void hb_text0(HB *hb, const char *s)
{
    hb_text(hb, s, strlen(s));
}

/* attr - attribute value of an element (libxml-owned copy; caller frees) */
static char *attr(xmlNode *el, const char *name)
{
    return (char *) xmlGetProp(el, (const xmlChar *) name);
}

/* is_hidden - hidden attribute or inline display:none */
static gboolean is_hidden(xmlNode *el)
{
    char   *style;
    gboolean hidden = FALSE;

    if (xmlHasProp(el, (const xmlChar *) "hidden"))
        return TRUE;
    if ((style = attr(el, "style")) != NULL) {
        g_autofree char *lower = g_ascii_strdown(style, -1);
        char   *w = lower, *r;

        for (r = lower; *r; r++)
            if (*r != ' ' && *r != '\t' && *r != '\n' && *r != '\r')
                *w++ = *r;
        *w = '\0';
        hidden = strstr(lower, "display:none") != NULL;
        xmlFree(style);
    }
    return hidden;
}

/* safe_href - a link target worth showing (http, https, ftp, mailto), or NULL */
static char *safe_href(xmlNode *el)
{
    char   *href = attr(el, "href");
    g_autofree char *t = NULL;
    GString *s;
    const char *p;

    if (href == NULL)
        return NULL;
    t = g_strstrip(g_strdup(href));
    xmlFree(href);
    if (g_ascii_strncasecmp(t, "http://", 7) != 0 && g_ascii_strncasecmp(t, "https://", 8) != 0
        && g_ascii_strncasecmp(t, "ftp://", 6) != 0 && g_ascii_strncasecmp(t, "mailto:", 7) != 0)
        return NULL;
    if (g_ascii_strncasecmp(t, "mailto:", 7) == 0)
        memmove(t, t + 7, strlen(t + 7) + 1);
    /* No spaces or controls inside the shown target; cap its length. */
    s = g_string_new(NULL);
    for (p = t; *p && s->len < HB_MAX_ATTR_CHARS; p++) {
        if ((guchar) *p <= 0x20 || *p == 0x7F)
            g_string_append_printf(s, "%%%02X", (guchar) *p);
        else
            g_string_append_c(s, *p);
    }
    /* The cap counts bytes: never end inside a UTF-8 sequence. */
    if (*p != '\0') {
        const char *valid_end;

        g_utf8_validate_len(s->str, s->len, &valid_end);
        g_string_truncate(s, valid_end - s->str);
    }
    return g_string_free(s, FALSE);
}

/* same_target - does the link text already say where the link goes? */
static gboolean same_target(const char *text, const char *href)
{
    g_autofree char *a = g_strstrip(g_strdup(text));
    g_autofree char *b = g_strdup(href);
    gsize   la = strlen(a), lb = strlen(b);

    while (la > 0 && a[la - 1] == '/')
        a[--la] = '\0';
    while (lb > 0 && b[lb - 1] == '/')
        b[--lb] = '\0';
    if (g_ascii_strcasecmp(a, b) == 0)
        return TRUE;
    /* "example.com" for "https://example.com" */
    if (g_str_has_prefix(b, "https://"))
        return g_ascii_strcasecmp(a, b + 8) == 0;
    if (g_str_has_prefix(b, "http://"))
        return g_ascii_strcasecmp(a, b + 7) == 0;
    return FALSE;
}

static void walk(HB *hb, xmlNode *node, guint depth);

/* count_skipped - active elements inside a subtree that is never shown */
static void count_skipped(HB *hb, xmlNode *node, guint depth)
{
    xmlNode *c;

    if (depth >= hb->opts->max_depth)
        return;
    for (c = node->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        switch (el_kind((const char *) c->name)) {
        case EL_SKIP_SCRIPT:
            hb->stats->scripts++;
            break;
        case EL_SKIP_ACTIVE:
        case EL_VOID_ACTIVE:
            hb->stats->active++;
            break;
        default:
            count_skipped(hb, c, depth + 1);
            break;
        }
    }
}

/* walk_children - walk all children, respecting the depth limit */
static void walk_children(HB *hb, xmlNode *node, guint depth)
{
    xmlNode *c;

    if (depth >= hb->opts->max_depth) {
        if (node->children)
            hb->stats->depth_cut++;
        return;
    }
    for (c = node->children; c; c = c->next)
        walk(hb, c, depth + 1);
}

/* walk_image - placeholder with alt text */
static void walk_image(HB *hb, xmlNode *el)
{
    char   *alt = attr(el, "alt");
    g_autofree char *label = NULL;

    hb->stats->images++;
    if (alt != NULL && *g_strstrip(alt) != '\0') {
        g_autofree char *a = g_utf8_substring(alt, 0, MIN(g_utf8_strlen(alt, -1), HB_MAX_ATTR_CHARS));

        label = g_strdup_printf("[%s: %s]", hb->opts->image_label, a);
    } else {
        label = g_strdup_printf("[%s]", hb->opts->image_label);
    }
    if (hb->out->len > hb->base && hb->trailing_nl == 0 && hb->owed_space == 0 && hb->owed_nl == 0)
        hb->owed_space = 1;     /* keep the placeholder apart from adjacent words */
    hb_text0(hb, label);
    hb->owed_space = 1;
    xmlFree(alt);
}

/* walk_link - link text followed by its target when the text does not show it */
static void walk_link(HB *hb, xmlNode *el, guint depth)
{
    g_autofree char *href = safe_href(el);
    gsize   start = hb->out->len;

    walk_children(hb, el, depth);
    if (href == NULL)
        return;
    if (hb->out->len > start && same_target(hb->out->str + start, href))
        return;
    hb->stats->links++;
    /* Spaces around the target, except where Japanese text continues. */
    hb->owed_space = 2;
    if (hb->out->len > start) {
        hb_text0(hb, "(");
        hb_text0(hb, href);
        hb_text0(hb, ")");
    } else {
        hb_text0(hb, href);
    }
    hb->owed_space = 2;
}

/* walk_element - one element by kind */
static void walk_element(HB *hb, xmlNode *el, guint depth)
{
    EL_KIND kind = el_kind((const char *) el->name);
    guint   outer = hb->list == 0 ? 2 : 1;

    if (kind != EL_SKIP_SCRIPT && kind != EL_SKIP_ACTIVE && kind != EL_VOID_ACTIVE
        && kind != EL_SKIP_QUIET && is_hidden(el))
        return;
    switch (kind) {
    case EL_SKIP_QUIET:
        count_skipped(hb, el, depth);
        return;
    case EL_SKIP_SCRIPT:
        hb->stats->scripts++;
        return;
    case EL_SKIP_ACTIVE:
        hb->stats->active++;
        return;
    case EL_VOID_ACTIVE:
        hb->stats->active++;
        walk_children(hb, el, depth);
        return;
    case EL_BLOCK:
        hb_break(hb, 1);
        walk_children(hb, el, depth);
        hb_break(hb, 1);
        return;
    case EL_PARA:
        hb_break(hb, 2);
        walk_children(hb, el, depth);
        hb_break(hb, 2);
        return;
    case EL_LIST:
        hb_break(hb, outer);
        hb->list++;
        walk_children(hb, el, depth);
        hb->list--;
        hb_break(hb, hb->list == 0 ? 2 : 1);
        return;
    case EL_LI:
        hb_break(hb, 1);
        hb->bullet = TRUE;
        walk_children(hb, el, depth);
        hb->bullet = FALSE;
        hb_break(hb, 1);
        return;
    case EL_TABLE:
        hb_break(hb, 1);
        walk_children(hb, el, depth);
        hb_break(hb, 1);
        return;
    case EL_TR:
        hb_break(hb, 1);
        hb->rows++;
        if (hb->rows <= HB_MAX_ROWS)
            hb->row_text[hb->rows - 1] = FALSE;
        walk_children(hb, el, depth);
        hb->rows--;
        hb->sep_owed = FALSE;
        hb_break(hb, 1);
        return;
    case EL_CELL:
        if (hb->rows > 0 && hb->rows <= HB_MAX_ROWS && hb->row_text[hb->rows - 1])
            hb->sep_owed = TRUE;
        walk_children(hb, el, depth);
        return;
    case EL_BR:
        hb_newline(hb);
        return;
    case EL_HR:
        hb_break(hb, 1);
        hb_text0(hb, "----------");
        hb_break(hb, 1);
        return;
    case EL_PRE:
        hb_break(hb, 2);
        hb->pre++;
        walk_children(hb, el, depth);
        hb->pre--;
        hb_break(hb, 2);
        return;
    case EL_QUOTE:
        hb_break(hb, 2);
        hb->quote++;
        walk_children(hb, el, depth);
        hb_break(hb, 2);
        hb->quote--;
        return;
    case EL_A:
        walk_link(hb, el, depth);
        return;
    case EL_IMG:
        walk_image(hb, el);
        return;
    case EL_INLINE:
        walk_children(hb, el, depth);
        return;
    }
}

/* walk - one node */
static void walk(HB *hb, xmlNode *node, guint depth)
{
    switch (node->type) {
    case XML_ELEMENT_NODE:
        walk_element(hb, node, depth);
        break;
    case XML_TEXT_NODE:
    case XML_CDATA_SECTION_NODE:
        if (node->content)
            hb_text0(hb, (const char *) node->content);
        break;
    case XML_DOCUMENT_NODE:
    case XML_HTML_DOCUMENT_NODE:
        walk_children(hb, node, depth);
        break;
    default:                    /* comments, processing instructions, DTD */
        break;
    }
}

/* render_html - append the text of an HTML document to out */
void    render_html(const char *html, gsize len, const RENDER_HTML_OPTS *opts,
                    GString *out, RENDER_HTML_STATS *stats)
{
    HB      hb = {0};
    htmlDocPtr doc;
    xmlNode *c;

    if (len == 0 || len > G_MAXINT)
        return;
    doc = htmlReadMemory(html, (int) len, NULL, "UTF-8",
                         HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING
                         | HTML_PARSE_NONET | HTML_PARSE_IGNORE_ENC | HTML_PARSE_COMPACT);
    if (doc == NULL)
        return;
    hb.out = out;
    hb.base = out->len;
    hb.opts = opts;
    hb.stats = stats;
    for (c = doc->children; c; c = c->next)
        walk(&hb, c, 0);
    if (out->len > hb.base)
        g_string_append_c(out, '\n');
    xmlFreeDoc(doc);
}
