/* fuzz_charset - libFuzzer target: the charset decoders and the
 * ISO-2022-JP encoder
 *
 * The first byte chooses the declared charset (or none: detection); the
 * rest is decoded.  The result must be valid UTF-8, and encoding it as
 * ISO-2022-JP must give 7-bit text that decodes again without a
 * substitution beyond the counted replacements.
 */
#include <stdint.h>
#include <stdlib.h>

#include "mugai/charset.h"
#include "mugai/jis.h"

int     LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int     LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const labels[] = {
        NULL, "utf-8", "iso-2022-jp", "shift_jis", "cp932", "euc-jp", "utf-16", "utf-16le",
        "windows-1252", "iso-8859-1", "x-unknown-charset", "ks_c_5601-1987", "gb2312", "big5",
        "iso-2022-jp-3", "utf-7",
    };
    g_autoptr(GString) utf8 = g_string_new(NULL);
    g_autoptr(GString) jis = g_string_new(NULL);
    g_autoptr(GString) back = g_string_new(NULL);
    gsize   i, bad = 0;

    if (size == 0)
        return 0;
    charset_to_utf8((const char *) data + 1, size - 1, labels[data[0] % G_N_ELEMENTS(labels)], utf8, &bad);
    /* U+0000 is valid UTF-8 but stops g_utf8_validate(); the renderers drop it. */
    for (i = 0; i < utf8->len; i++)
        if (utf8->str[i] == '\0')
            utf8->str[i] = ' ';
    if (!g_utf8_validate(utf8->str, (gssize) utf8->len, NULL))
        abort();
    jis_encode_utf8(utf8->str, utf8->len, jis);
    for (i = 0; i < jis->len; i++)
        if ((guchar) jis->str[i] >= 0x80)
            abort();
    bad = 0;
    charset_to_utf8(jis->str, jis->len, "iso-2022-jp", back, &bad);
    for (i = 0; i < back->len; i++)
        if (back->str[i] == '\0')
            back->str[i] = ' ';
    if (bad != 0 || !g_utf8_validate(back->str, (gssize) back->len, NULL))
        abort();
    return 0;
}
