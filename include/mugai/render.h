/* render - body parts (text/plain, text/html) to clean UTF-8 text
 *
 * Rendering rules are documented in docs/rendering.md.  Both renderers
 * append to a GString owned by the caller and never fail: whatever cannot
 * be rendered is left out and counted.
 */
#ifndef MUGAI_RENDER_H
#define MUGAI_RENDER_H

#include <glib.h>

/* What the HTML renderer left out or replaced, for the notice and report. */
typedef struct {
    guint   scripts;            /* script, style, template, noscript subtrees */
    guint   active;             /* forms, iframes, objects, embeds, applets, media */
    guint   images;             /* img elements replaced by a placeholder */
    guint   links;              /* a elements whose target was shown */
    guint   depth_cut;          /* subtrees cut at the element depth limit */
} RENDER_HTML_STATS;

typedef struct {
    const char *image_label;    /* "画像" / "image" */
    guint   max_depth;          /* element nesting followed */
} RENDER_HTML_OPTS;

/* render_html - append the text of an HTML document (UTF-8) to out */
void    render_html(const char *html, gsize len, const RENDER_HTML_OPTS *opts,
                    GString *out, RENDER_HTML_STATS *stats);

/* render_text_plain - append cleaned text (UTF-8) to out: line ends unified,
 * control characters dropped, RFC 3676 format=flowed lines joined */
void    render_text_plain(const char *text, gsize len, gboolean flowed, gboolean delsp,
                          GString *out);

/* render_clean_append - append UTF-8 text with controls other than TAB and
 * LF removed and CR/CRLF made LF; returns the number of characters dropped */
gsize   render_clean_append(const char *text, gsize len, GString *out);

/* render_tidy - in place: strip trailing blanks on each line, collapse runs
 * of more than one blank line, drop leading and trailing blank lines */
void    render_tidy(GString *text);

#endif
