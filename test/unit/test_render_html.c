/* test_render_html - the HTML renderer's rules, one per test */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "mugai/render.h"

/* render - HTML to text with the default options (transfer full) */
static char *render(const char *html, RENDER_HTML_STATS *stats)
{
    RENDER_HTML_OPTS o = {"image", 200};
    RENDER_HTML_STATS local = {0};
    GString *out = g_string_new(NULL);

    render_html(html, strlen(html), &o, out, stats ? stats : &local);
    render_tidy(out);
    return g_string_free(out, FALSE);
}

#define EXPECT(html, want) do { \
        char *got_ = render(html, NULL); \
        assert_string_equal(got_, want); \
        g_free(got_); \
    } while (0)

static void test_blocks_and_br(void **state)
{
    EXPECT("<p>one</p><p>two<br>three</p><div>four</div>", "one\n\ntwo\nthree\n\nfour\n");
}

static void test_whitespace_collapses(void **state)
{
    EXPECT("<p>  a \n\t b   c  </p>", "a b c\n");
}

static void test_cjk_line_break_joins(void **state)
{
    /* A source line break between Japanese characters is no space. */
    EXPECT("<p>日本語の\nテキスト</p>", "日本語のテキスト\n");
    EXPECT("<p>word\nword</p>", "word word\n");
}

static void test_lists(void **state)
{
    EXPECT("<ul><li>a</li><li>b<ul><li>c</li></ul></li></ul>", "- a\n- b\n  - c\n");
    EXPECT("<ol><li>x</li><li>y</li></ol>", "- x\n- y\n");
}

static void test_table_rows(void **state)
{
    EXPECT("<table><tr><th>A</th><th>B</th></tr><tr><td>1</td><td></td><td>3</td></tr></table>",
           "A | B\n1 | 3\n");
}

static void test_headings_kept(void **state)
{
    EXPECT("<h1>Title</h1>text", "Title\n\ntext\n");
}

static void test_entities_decoded(void **state)
{
    EXPECT("<p>&lt;tag&gt; &amp; &copy; &#x3042;&nbsp;x</p>", "<tag> & \xC2\xA9 \xE3\x81\x82 x\n");
}

static void test_script_style_head_comment_never_appear(void **state)
{
    RENDER_HTML_STATS st = {0};
    char   *t = render("<html><head><title>T</title><style>p{}</style></head><body>"
                       "<script>evil()</script><!-- secret --><template>tpl</template>"
                       "<noscript>ns</noscript>ok</body></html>", &st);

    assert_string_equal(t, "ok\n");
    assert_int_equal(st.scripts, 3);     /* script, template, noscript; style and title are not active */
    g_free(t);
}

static void test_active_content_dropped(void **state)
{
    RENDER_HTML_STATS st = {0};
    char   *t = render("a<form><input value=v>pw</form><iframe src=x>f</iframe>"
                       "<object>o</object><embed src=e>b", &st);

    assert_string_equal(t, "a\n\nb\n");
    assert_int_equal(st.active, 4);
    g_free(t);
}

static void test_images_become_placeholders(void **state)
{
    EXPECT("<p>see <img src=a.png alt=\"Logo\"> and <img src=b.png></p>",
           "see [image: Logo] and [image]\n");
}

static void test_links_show_target(void **state)
{
    EXPECT("<a href=\"https://evil.example/x\">Bank</a>", "Bank (https://evil.example/x)\n");
    /* text that already is the target is not repeated */
    EXPECT("<a href=\"https://a.example/\">https://a.example</a>", "https://a.example\n");
    /* javascript: and data: targets are not shown */
    EXPECT("<a href=\"javascript:alert(1)\">click</a>", "click\n");
    EXPECT("<a href=\"mailto:x@example.jp\">write</a>", "write (x@example.jp)\n");
}

/* A link target is capped in bytes; the cap must not cut a character
 * (found by fuzz_html: 2,030 bytes of a Japanese path ended mid-sequence). */
static void test_long_link_target_stays_utf8(void **state)
{
    GString *html = g_string_new("<a href=\"https://example.jp/");
    char   *got;
    const char *close;
    guint   i;

    for (i = 0; i < 1000; i++)
        g_string_append(html, "\xE3\x81\x82");      /* あ */
    g_string_append(html, "\">link</a>");
    got = render(html->str, NULL);
    assert_true(g_utf8_validate(got, -1, NULL));
    assert_true(g_str_has_prefix(got, "link (https://example.jp/\xE3\x81\x82"));
    close = strrchr(got, ')');
    assert_non_null(close);
    assert_true(close - got > 2000 && close - got < 2100);   /* capped, not dropped */
    g_free(got);
    g_string_free(html, TRUE);
}

static void test_hidden_content_dropped(void **state)
{
    EXPECT("<p>shown<span style=\"DISPLAY: none\">hidden</span></p><div hidden>h2</div>", "shown\n");
}

static void test_pre_keeps_layout(void **state)
{
    EXPECT("<pre>a  b\n  c</pre>", "a  b\n  c\n");
}

static void test_blockquote_quoted(void **state)
{
    EXPECT("<p>reply</p><blockquote>orig</blockquote>", "reply\n\n> orig\n");
}

static void test_malformed_recovers(void **state)
{
    EXPECT("<p>unclosed <b>bold <i>it</p>next", "unclosed bold it\n\nnext\n");
    EXPECT("", "");
}

static void test_depth_limit(void **state)
{
    GString *html = g_string_new(NULL);
    RENDER_HTML_OPTS o = {"image", 20};
    RENDER_HTML_STATS st = {0};
    GString *out = g_string_new(NULL);
    int     i;

    for (i = 0; i < 100; i++)
        g_string_append(html, "<div>");
    g_string_append(html, "deep");
    render_html(html->str, html->len, &o, out, &st);
    assert_true(st.depth_cut > 0);
    assert_null(strstr(out->str, "deep"));
    g_string_free(html, TRUE);
    g_string_free(out, TRUE);
}

static void test_depth_cut_counted_once_per_element(void **state)
{
    RENDER_HTML_OPTS o = {"image", 2};
    RENDER_HTML_STATS st = {0};
    GString *out = g_string_new(NULL);
    /* html (depth 0) and body (1) are followed; each div at depth 2 is
     * one cut, whatever is inside it (a comment counts as content). */
    const char *html = "<div><div><div>x</div><p>y</p></div></div><div><!-- c --></div><div></div>";

    render_html(html, strlen(html), &o, out, &st);
    assert_int_equal(st.depth_cut, 2);
    assert_string_equal(out->str, "");
    g_string_free(out, TRUE);
}

static void test_content_after_html_end(void **state)
{
    /* What follows </html> goes inside the document element, as in a
     * browser: hidden with it when it is hidden. */
    EXPECT("<b>a</b></body></html><div>b</div>", "a\nb\n");
    EXPECT("<html hidden><b>a</b></body></html><div>b</div>", "");
    EXPECT("  <p>a</p></body></html>  <!-- c -->  ", "a\n");
}

/* render_depth - HTML to text with a depth limit; *cut gets the cuts (transfer full) */
static char *render_depth(const char *html, guint max_depth, guint *cut)
{
    RENDER_HTML_OPTS o = {"image", max_depth};
    RENDER_HTML_STATS st = {0};
    GString *out = g_string_new(NULL);

    render_html(html, strlen(html), &o, out, &st);
    *cut = st.depth_cut;
    return g_string_free(out, FALSE);
}

static void test_content_after_html_end_depth(void **state)
{
    guint   cut;
    char   *got;

    /* libxml2's tree puts a second html element, for what follows
     * </html>, inside the first: the div is at depth 2 there, at this
     * limit, and its text is cut.  A DOCTYPE or comment as the
     * document's first node puts it beside the first instead. */
    got = render_depth("<b>a</b></body></html><div>b</div>", 2, &cut);
    assert_string_equal(got, "");
    assert_int_equal(cut, 2);
    g_free(got);
    got = render_depth("<!DOCTYPE html><b>a</b></body></html><div>b</div>", 2, &cut);
    assert_string_equal(got, "b\n");
    assert_int_equal(cut, 1);
    g_free(got);
    got = render_depth("<!-- c --><b>a</b></body></html><div>b</div>", 2, &cut);
    assert_string_equal(got, "b\n");
    assert_int_equal(cut, 1);
    g_free(got);
}

static void test_pre_line_end_from_reference(void **state)
{
    /* A CR, then an LF written as a character reference: one line end. */
    EXPECT("<pre>a\r&#10;b</pre>", "a\nb\n");
}

int     main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_blocks_and_br),
        cmocka_unit_test(test_whitespace_collapses),
        cmocka_unit_test(test_cjk_line_break_joins),
        cmocka_unit_test(test_lists),
        cmocka_unit_test(test_table_rows),
        cmocka_unit_test(test_headings_kept),
        cmocka_unit_test(test_entities_decoded),
        cmocka_unit_test(test_script_style_head_comment_never_appear),
        cmocka_unit_test(test_active_content_dropped),
        cmocka_unit_test(test_images_become_placeholders),
        cmocka_unit_test(test_links_show_target),
        cmocka_unit_test(test_long_link_target_stays_utf8),
        cmocka_unit_test(test_hidden_content_dropped),
        cmocka_unit_test(test_pre_keeps_layout),
        cmocka_unit_test(test_blockquote_quoted),
        cmocka_unit_test(test_malformed_recovers),
        cmocka_unit_test(test_depth_limit),
        cmocka_unit_test(test_depth_cut_counted_once_per_element),
        cmocka_unit_test(test_content_after_html_end),
        cmocka_unit_test(test_content_after_html_end_depth),
        cmocka_unit_test(test_pre_line_end_from_reference),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
