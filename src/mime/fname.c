/* fname - attachment file names: decoded, then made safe to show */
#include <string.h>

#include "mugai/charset.h"
#include "mugai/fname.h"

/* fname_utf8 - a raw name (any bytes) as valid UTF-8 */
char   *fname_utf8(const char *raw)
{
    GString *s;

    if (g_utf8_validate(raw, -1, NULL))
        return g_strdup(raw);
    s = g_string_new(NULL);
    charset_to_utf8(raw, strlen(raw), NULL, s, NULL);
    return g_string_free(s, FALSE);
}

/* fname_from_part - decoded UTF-8 name of a part, or NULL */
char   *fname_from_part(GMimeObject *part)
{
    const char *name = g_mime_object_get_content_disposition_parameter(part, "filename");

    if (name == NULL || *name == '\0')
        name = g_mime_object_get_content_type_parameter(part, "name");
    if (name == NULL || *name == '\0')
        return NULL;
    return fname_utf8(name);
}

/* must_escape - characters never shown as themselves in a name */
static gboolean must_escape(gunichar c)
{
    if (g_unichar_iscntrl(c))
        return TRUE;
    return c == 0x061C || (c >= 0x200B && c <= 0x200F) || (c >= 0x202A && c <= 0x202E)
        || (c >= 0x2060 && c <= 0x2064) || (c >= 0x2066 && c <= 0x2069) || c == 0xFEFF
        || c == 0xFFFC;
}

/* fname_display - name safe to show */
char   *fname_display(const char *name)
{
    g_autofree char *valid = g_utf8_make_valid(name, -1);
    GString *s = g_string_new(NULL);
    const char *p;
    guint   n = 0;

    for (p = valid; *p && n < FNAME_MAX_DISPLAY_CHARS; p = g_utf8_next_char(p), n++) {
        gunichar c = g_utf8_get_char(p);

        if (must_escape(c))
            g_string_append_printf(s, "<U+%04X>", c);
        else
            g_string_append_unichar(s, c);
    }
    if (*p)
        g_string_append(s, "...");
    return g_string_free(s, FALSE);
}
