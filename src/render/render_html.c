/* render_html - HTML documents to plain text through libxml2's HTML parser
 *
 * The document is parsed (never scanned with patterns) and rendered as
 * the parser reports it, without building a tree.  Text is written through
 * a small line builder (HB) that owes line breaks and spaces until the next
 * visible character, so the output never starts or ends with blank space
 * and runs of whitespace collapse as a browser would collapse them.  See
 * docs/rendering.md for the rules.
 */
#include <string.h>

#include <libxml/HTMLparser.h>
#include <libxml/parserInternals.h>

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
    gboolean pre_cr;            /* inside pre, the last text ended in a CR */
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

    /* A CR at the end of the last piece and an LF starting this one are
     * one line end, as when the parser hands them over together. */
    if (hb->pre_cr && hb->pre && p < end && *p == '\n')
        p++;
    hb->pre_cr = FALSE;
    while (p < end) {
        const char *run = p;
        gsize   n;
        gboolean nl;

        if (hb->pre) {
            if (*p == '\n' || *p == '\r') {
                hb_newline(hb);
                hb->trailing_nl = MIN(hb->trailing_nl, 1);  /* pre keeps its own blank lines */
                hb->pre_cr = *p == '\r' && p + 1 == end;
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

/* attr - the value of attribute name among a start tag's attributes (name,
 * value pairs, NULL-terminated; a value may be NULL), or NULL; *present
 * (may be NULL) says whether the attribute is there at all.  The first of
 * a repeated attribute counts, as the parser keeps only that one. */
static const char *attr(const xmlChar **atts, const char *name, gboolean *present)
{
    if (present)
        *present = FALSE;
    for (; atts && atts[0]; atts += 2)
        if (strcmp((const char *) atts[0], name) == 0) {
            if (present)
                *present = TRUE;
            return (const char *) atts[1];
        }
    return NULL;
}

/* is_hidden - hidden attribute or inline display:none */
static gboolean is_hidden(const xmlChar **atts)
{
    const char *style;
    gboolean present;
    g_autofree char *lower = NULL;
    char   *w, *r;

    attr(atts, "hidden", &present);
    if (present)
        return TRUE;
    if ((style = attr(atts, "style", NULL)) == NULL)
        return FALSE;
    lower = g_ascii_strdown(style, -1);
    for (w = r = lower; *r; r++)
        if (*r != ' ' && *r != '\t' && *r != '\n' && *r != '\r')
            *w++ = *r;
    *w = '\0';
    return strstr(lower, "display:none") != NULL;
}

/* safe_href - a link target worth showing (http, https, ftp, mailto), or
 * NULL (transfer full) */
static char *safe_href(const xmlChar **atts)
{
    const char *href = attr(atts, "href", NULL);
    g_autofree char *t = NULL;
    GString *s;
    const char *p;

    if (href == NULL)
        return NULL;
    t = g_strstrip(g_strdup(href));
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

/* show_image - placeholder with alt text */
static void show_image(HB *hb, const xmlChar **atts)
{
    const char *alt = attr(atts, "alt", NULL);
    g_autofree char *stripped = alt ? g_strstrip(g_strdup(alt)) : NULL;
    g_autofree char *label = NULL;

    hb->stats->images++;
    if (stripped != NULL && *stripped != '\0') {
        g_autofree char *a = g_utf8_substring(stripped, 0, MIN(g_utf8_strlen(stripped, -1), HB_MAX_ATTR_CHARS));

        label = g_strdup_printf("[%s: %s]", hb->opts->image_label, a);
    } else {
        label = g_strdup_printf("[%s]", hb->opts->image_label);
    }
    if (hb->out->len > hb->base && hb->trailing_nl == 0 && hb->owed_space == 0 && hb->owed_nl == 0)
        hb->owed_space = 1;     /* keep the placeholder apart from adjacent words */
    hb_text0(hb, label);
    hb->owed_space = 1;
}

/* show_link_target - after a link's text: its target, unless the text
 * already shows it */
static void show_link_target(HB *hb, const char *href, gsize start)
{
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

/*
 * The document is not built as a tree: libxml2's HTML parser reports
 * elements and text as it reads them (SAX), with the elements it implies
 * or closes on its own already in place, and each open element is a FRAME
 * on a stack.  What a frame's content is to the renderer is its MODE.
 * Only elements up to the depth limit get frames; what opens inside a
 * region that is not rendered is counted (dead) until it closes.
 *
 * Where the parser's events and the tree libxml2 builds from them part,
 * the tree is followed, so that the text is the same as the tree's:
 * text outside every element is not kept, and an element that opens
 * after the first top-level element has closed goes inside that element
 * when it was the document's first node (the implied html), beside it
 * otherwise (a DOCTYPE or a comment came first).
 */
typedef enum {
    MODE_RENDER,                /* shown */
    MODE_CUT,                   /* beyond the depth limit: the first thing in it counts as a cut */
    MODE_QUIET,                 /* inside head, style, title: active elements are counted */
    MODE_DEAD,                  /* nothing shown or counted */
} MODE;

typedef struct {
    EL_KIND kind;
    MODE    content;            /* what the element's content is */
    gboolean shown;             /* rendered: its closing steps are due at its end */
    gboolean ended;             /* the first top-level element, closed: later ones go inside */
    char   *href;               /* EL_A: the target to show, or NULL */
    gsize   start;              /* EL_A: where its text began in out */
} FRAME;

/* What the document's first node was. */
typedef enum {
    TOP_NONE,                   /* nothing yet */
    TOP_OTHER,                  /* a DOCTYPE, comment or processing instruction */
    TOP_ELEMENT,                /* an element (frames[0] while it has a frame) */
    TOP_ELEMENT_DEAD,           /* an element not rendered (hidden): so is what goes inside */
} TOP;

/* The renderer: the line builder and the open elements. */
typedef struct {
    HB      hb;
    GArray *frames;             /* FRAME, outermost first */
    guint   dead;               /* elements open inside a region not rendered */
    TOP     top;
    gboolean doctype;           /* a DOCTYPE was seen */
} RENDERING;

/* innermost - the innermost frame, or NULL at the document level */
static FRAME *innermost(RENDERING *rd)
{
    return rd->frames->len ? &g_array_index(rd->frames, FRAME, rd->frames->len - 1) : NULL;
}

/* at_document_level - would a node that is not an element go to the
 * document itself (not inside an element)? */
static gboolean at_document_level(RENDERING *rd)
{
    FRAME  *top = innermost(rd);

    return rd->dead == 0 && (top == NULL || top->ended);
}

/* content_of - the mode of what is inside an element of this kind at
 * depth, opened where the mode was outer (RENDER or QUIET) */
static MODE content_of(const RENDERING *rd, EL_KIND kind, guint depth, MODE outer)
{
    gboolean deep = depth >= rd->hb.opts->max_depth;

    if (outer == MODE_QUIET || kind == EL_SKIP_QUIET) {
        if (kind == EL_SKIP_SCRIPT || kind == EL_SKIP_ACTIVE || kind == EL_VOID_ACTIVE)
            return MODE_DEAD;
        return deep ? MODE_DEAD : MODE_QUIET;
    }
    switch (kind) {
    case EL_SKIP_SCRIPT:
    case EL_SKIP_ACTIVE:
    case EL_BR:
    case EL_HR:
    case EL_IMG:
        return MODE_DEAD;
    default:
        return deep ? MODE_CUT : MODE_RENDER;
    }
}

/* el_breaks - the line breaks an element owes before and after itself:
 * 1 for its own line, 2 for its own paragraph, 0 when it flows */
static guint el_breaks(EL_KIND kind)
{
    switch (kind) {
    case EL_BLOCK:
    case EL_TABLE:
    case EL_LI:
    case EL_TR:
        return 1;
    case EL_PARA:
    case EL_PRE:
    case EL_QUOTE:
        return 2;
    default:
        return 0;
    }
}

/* open_shown - the steps of a rendered element before its content */
static void open_shown(HB *hb, FRAME *f, const xmlChar **atts)
{
    guint   breaks = el_breaks(f->kind);

    if (breaks > 0)
        hb_break(hb, breaks);
    switch (f->kind) {
    case EL_VOID_ACTIVE:
        hb->stats->active++;
        break;
    case EL_LIST:
        hb_break(hb, hb->list == 0 ? 2 : 1);
        hb->list++;
        break;
    case EL_LI:
        hb->bullet = TRUE;
        break;
    case EL_TR:
        hb->rows++;
        if (hb->rows <= HB_MAX_ROWS)
            hb->row_text[hb->rows - 1] = FALSE;
        break;
    case EL_CELL:
        if (hb->rows > 0 && hb->rows <= HB_MAX_ROWS && hb->row_text[hb->rows - 1])
            hb->sep_owed = TRUE;
        break;
    case EL_BR:
        hb_newline(hb);
        break;
    case EL_HR:
        hb_break(hb, 1);
        hb_text0(hb, "----------");
        hb_break(hb, 1);
        break;
    case EL_PRE:
        hb->pre++;
        break;
    case EL_QUOTE:
        hb->quote++;
        break;
    case EL_A:
        f->href = safe_href(atts);
        f->start = hb->out->len;
        break;
    case EL_IMG:
        show_image(hb, atts);
        break;
    default:                    /* block, paragraph, table, inline: breaks only */
        break;
    }
}

/* close_shown - the steps of a rendered element after its content */
static void close_shown(HB *hb, const FRAME *f)
{
    guint   breaks = el_breaks(f->kind);

    switch (f->kind) {
    case EL_LIST:
        hb->list--;
        hb_break(hb, hb->list == 0 ? 2 : 1);
        break;
    case EL_LI:
        hb->bullet = FALSE;
        break;
    case EL_TR:
        hb->rows--;
        hb->sep_owed = FALSE;
        break;
    case EL_PRE:
        hb->pre--;
        break;
    case EL_QUOTE:
        hb->quote--;
        break;
    case EL_A:
        show_link_target(hb, f->href, f->start);
        break;
    default:
        break;
    }
    if (breaks > 0)
        hb_break(hb, breaks);
}

/* touch - a node appears in the innermost element: beyond the depth
 * limit that is one cut, and its content then goes unread.  Only an
 * element goes inside an ended frame. */
static void touch(RENDERING *rd, gboolean element)
{
    FRAME  *top = innermost(rd);

    if (rd->dead > 0 || top == NULL || (top->ended && !element))
        return;
    if (top->content == MODE_CUT) {
        rd->hb.stats->depth_cut++;
        top->content = MODE_DEAD;
    }
}

/* close_top - the innermost frame ends */
static void close_top(RENDERING *rd)
{
    FRAME   f = *innermost(rd);

    g_array_set_size(rd->frames, rd->frames->len - 1);
    if (f.shown)
        close_shown(&rd->hb, &f);
    g_free(f.href);
}

/* el_kind_qname - el_kind of an element name as the tree would name it:
 * without a prefix ("o:p" is p, as libxml2's tree has it) */
static EL_KIND el_kind_qname(void *ctx, const xmlChar *name)
{
    xmlChar *prefix = NULL, *local;
    EL_KIND kind;

    if (strchr((const char *) name, ':') == NULL
        || (local = xmlSplitQName((htmlParserCtxtPtr) ctx, name, &prefix)) == NULL)
        return el_kind((const char *) name);
    kind = el_kind((const char *) local);
    xmlFree(local);
    xmlFree(prefix);
    return kind;
}

/* on_start - SAX: an element opens (implied ones included) */
static void on_start(void *ctx, const xmlChar *name, const xmlChar **atts)
{
    RENDERING *rd = ((htmlParserCtxtPtr) ctx)->_private;
    FRAME  *top = innermost(rd);
    MODE    outer;
    FRAME   f = {0};
    gboolean hidden = FALSE;

    rd->hb.pre_cr = FALSE;
    if (rd->dead == 0 && top != NULL && top->ended && rd->top != TOP_ELEMENT) {
        close_top(rd);          /* a DOCTYPE has gone first since: beside it, not inside */
        top = NULL;
    }
    touch(rd, TRUE);
    if (rd->dead > 0 || (top == NULL && rd->top == TOP_ELEMENT_DEAD))
        outer = MODE_DEAD;
    else
        outer = top ? top->content : MODE_RENDER;
    if (outer == MODE_DEAD) {
        rd->dead++;
        return;
    }
    if (top == NULL && rd->top == TOP_NONE)
        rd->top = TOP_ELEMENT;
    f.kind = el_kind_qname(ctx, name);
    switch (f.kind) {
    case EL_SKIP_SCRIPT:
        rd->hb.stats->scripts++;
        break;
    case EL_SKIP_ACTIVE:
        rd->hb.stats->active++;
        break;
    case EL_VOID_ACTIVE:
        if (outer == MODE_QUIET)
            rd->hb.stats->active++;
        else
            f.shown = TRUE;     /* counted by open_shown; never hidden */
        break;
    case EL_SKIP_QUIET:
        break;
    default:
        if (outer != MODE_QUIET && !(hidden = is_hidden(atts)))
            f.shown = TRUE;
        break;
    }
    f.content = hidden ? MODE_DEAD : content_of(rd, f.kind, rd->frames->len, outer);
    if (f.content == MODE_DEAD && !f.shown) {
        if (top == NULL && rd->top == TOP_ELEMENT)
            rd->top = TOP_ELEMENT_DEAD;
        rd->dead++;             /* nothing to do at its end either */
        return;
    }
    if (f.shown)
        open_shown(&rd->hb, &f, atts);
    g_array_append_val(rd->frames, f);
}

/* on_end - SAX: an element closes (implied ones included) */
static void on_end(void *ctx, const xmlChar *name)
{
    RENDERING *rd = ((htmlParserCtxtPtr) ctx)->_private;
    FRAME  *top = innermost(rd);

    (void) name;
    rd->hb.pre_cr = FALSE;
    if (rd->dead > 0)
        rd->dead--;
    else if (top == NULL || top->ended)
        return;
    else if (rd->frames->len == 1 && rd->top == TOP_ELEMENT)
        top->ended = TRUE;      /* closed at the end of the document */
    else
        close_top(rd);
}

/* on_text - SAX: text, and the content of script and style */
static void on_text(void *ctx, const xmlChar *ch, int len)
{
    RENDERING *rd = ((htmlParserCtxtPtr) ctx)->_private;

    if (len <= 0 || at_document_level(rd))
        return;
    touch(rd, FALSE);
    if (rd->dead > 0 || innermost(rd)->content != MODE_RENDER)
        return;
    hb_text(&rd->hb, (const char *) ch, (gsize) len);
}

/* on_node - a comment, processing instruction or DOCTYPE: never shown */
static void on_node(RENDERING *rd)
{
    rd->hb.pre_cr = FALSE;      /* text on the other side is another piece */
    if (at_document_level(rd) && rd->top == TOP_NONE)
        rd->top = TOP_OTHER;
    touch(rd, FALSE);
}

/* on_comment, on_pi, on_doctype - SAX: nodes that are never shown */
static void on_comment(void *ctx, const xmlChar *value)
{
    (void) value;
    on_node(((htmlParserCtxtPtr) ctx)->_private);
}

static void on_pi(void *ctx, const xmlChar *target, const xmlChar *data)
{
    (void) target;
    (void) data;
    on_node(((htmlParserCtxtPtr) ctx)->_private);
}

static void on_doctype(void *ctx, const xmlChar *name, const xmlChar *public_id, const xmlChar *system_id)
{
    RENDERING *rd = ((htmlParserCtxtPtr) ctx)->_private;

    (void) name;
    (void) public_id;
    (void) system_id;
    /* The first DOCTYPE, even a misplaced one, becomes the document's
     * first node; it is never inside an element. */
    if (!rd->doctype) {
        rd->doctype = TRUE;
        rd->top = TOP_OTHER;
    }
}

/* render_html - append the text of an HTML document to out */
void    render_html(const char *html, gsize len, const RENDER_HTML_OPTS *opts,
                    GString *out, RENDER_HTML_STATS *stats)
{
    RENDERING rd = {0};
    htmlParserCtxtPtr ctxt;
    htmlDocPtr doc;

    if (len == 0 || len > G_MAXINT || (ctxt = htmlNewParserCtxt()) == NULL)
        return;
    memset(ctxt->sax, 0, sizeof(*ctxt->sax));
    ctxt->sax->startElement = on_start;
    ctxt->sax->endElement = on_end;
    ctxt->sax->characters = on_text;
    ctxt->sax->cdataBlock = on_text;
    ctxt->sax->comment = on_comment;
    ctxt->sax->processingInstruction = on_pi;
    ctxt->sax->internalSubset = on_doctype;
    ctxt->_private = &rd;
    rd.hb.out = out;
    rd.hb.base = out->len;
    rd.hb.opts = opts;
    rd.hb.stats = stats;
    rd.frames = g_array_new(FALSE, FALSE, sizeof(FRAME));
    doc = htmlCtxtReadMemory(ctxt, html, (int) len, NULL, "UTF-8",
                             HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING
                             | HTML_PARSE_NONET | HTML_PARSE_IGNORE_ENC);
    if (doc != NULL)            /* not built without a startDocument handler */
        xmlFreeDoc(doc);
    /* Elements the parser left open when it stopped end here, and the
     * first top-level element. */
    while (rd.frames->len > 0)
        close_top(&rd);
    g_array_free(rd.frames, TRUE);
    htmlFreeParserCtxt(ctxt);
    if (out->len > rd.hb.base)
        g_string_append_c(out, '\n');
}
