/* fuzz_html - libFuzzer target: the HTML renderer on any bytes
 *
 * Bytes are decoded as the engine does (charset sniffed from <meta>), then
 * rendered with a small depth limit; the text must be valid UTF-8.
 */
#include <stdint.h>
#include <stdlib.h>

#include <libxml/parser.h>

#include "mugai/charset.h"
#include "mugai/render.h"

int     LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int     LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static gboolean init;
    RENDER_HTML_OPTS ro = {"image", 64};
    RENDER_HTML_STATS st = {0};
    g_autofree char *cs = NULL;
    g_autoptr(GString) utf8 = g_string_new(NULL);
    g_autoptr(GString) out = g_string_new(NULL);

    if (!init) {
        xmlInitParser();
        init = TRUE;
    }
    cs = charset_sniff_html_meta((const char *) data, size);
    charset_to_utf8((const char *) data, size, cs, utf8, NULL);
    render_html(utf8->str, utf8->len, &ro, out, &st);
    if (!g_utf8_validate(out->str, (gssize) out->len, NULL))
        abort();
    render_tidy(out);
    return 0;
}
