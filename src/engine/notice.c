/* notice - the words mugai puts in front of a reader */
#include <string.h>

#include "mugai/fname.h"
#include "mugai/sizefmt.h"
#include "notice.h"

static const struct notice_reason reasons_ja[] = {
    {"virus", "ウイルス"},
    {"encrypted", "暗号化（パスワード付き）のため中身を検査できません"},
    {"executable", "実行ファイル・スクリプト"},
    {"macro", "マクロ付きの文書"},
    {"archive-executable", "圧縮ファイルの中に実行ファイル・スクリプト"},
    {"mismatch", "ファイル名・申告された種類・実際の中身が一致しません"},
    {"incomplete", "検査の上限を超えたため中身を確認できません"},
    {NULL, NULL},
};

static const struct notice_reason reasons_en[] = {
    {"virus", "virus"},
    {"encrypted", "encrypted (password-protected), so it cannot be inspected"},
    {"executable", "executable or script"},
    {"macro", "document with macros"},
    {"archive-executable", "archive containing an executable or script"},
    {"mismatch", "file name, declared type and content do not match"},
    {"incomplete", "too large or deep to inspect completely"},
    {NULL, NULL},
};

static const NOTICE_TEXT notice_ja = {
    .tmpl = "【mugai 無害化通知】このメールは安全のため、本文をテキストのみに変換して配信しています。\n"
        "{viruses}{attachments}{notes}",
    .att_head = "取り除いた添付ファイル（{} 件）:",
    .att_noname = "（名前なし）",
    .size_unknown = "サイズ不明",
    .virus_line = "ウイルスを検出しました: {}。感染した部分は配信しません。",
    .virus_tag = " ※ウイルス: {}",
    .body_withheld = "ウイルスが見つかったため、本文は配信しません。",
    .html = "HTML 形式の本文をテキストに変換しました。",
    .active = "スクリプトやフォームなどの動的な内容は削除しました。",
    .links_defang = "リンク（URL）は誤って開かないよう無効化しています（例: hxxps://example[.]jp）。",
    .links_remove = "リンク（URL）は削除しました。",
    .limits = "メールの構造が処理の上限を超えたため、一部を読み取らずに削除しました（{}）。",
    .malformed = "メールの形式に不備があったため、読み取れた部分のみを表示しています。",
    .unreadable = "メールの形式を解釈できなかったため、本文を表示できません。",
    .separator = "----------------------------------------------------------------------",
    .empty_body = "（本文はありません）",
    .forwarded = "---------- 転送されたメッセージ ----------",
    .image = "画像",
    .link_removed = "[リンク削除]",
    .blob_removed = "[添付ファイル削除: {}]",
    .parts_skipped = "読み取らずに削除した部分: {} 件",
    .jis_replaced = "ISO-2022-JP で表せない文字 {} 字を「〓」に置き換えました。",
    .held = "元のメールは隔離しています（隔離ID: {}）。必要な場合はこのIDを添えて管理者にお問い合わせください。",
    .act_removed = "削除",
    .act_quarantined = "隔離",
    .act_extracted = "本文の後に内容を表示",
    .act_rejected = "受信拒否",
    .act_not_text = "削除（テキストとして読めないため）",
    .members = "     中身: {}",
    .members_more = "、ほか {} 件",
    .extract_head = "---------- 添付ファイル「{}」の内容 ----------",
    .reasons = reasons_ja,
};

static const NOTICE_TEXT notice_en = {
    .tmpl = "[mugai sanitizing notice] For safety, this message was converted to plain text only.\n"
        "{viruses}{attachments}{notes}",
    .att_head = "Attachments taken out ({}):",
    .att_noname = "(no name)",
    .size_unknown = "size unknown",
    .virus_line = "Virus found: {}. The infected part is not delivered.",
    .virus_tag = " VIRUS: {}",
    .body_withheld = "A virus was found, so the body is not delivered.",
    .html = "The HTML body was converted to text.",
    .active = "Scripts, forms and other active content were removed.",
    .links_defang = "Links (URLs) are defanged so they cannot be opened by mistake (e.g. hxxps://example[.]com).",
    .links_remove = "Links (URLs) were removed.",
    .limits = "The message exceeded processing limits; some parts were removed unread ({}).",
    .malformed = "The message is malformed; only the parts that could be read are shown.",
    .unreadable = "The message could not be parsed; its body cannot be shown.",
    .separator = "----------------------------------------------------------------------",
    .empty_body = "(no body text)",
    .forwarded = "---------- Forwarded message ----------",
    .image = "image",
    .link_removed = "[link removed]",
    .blob_removed = "[attachment removed: {}]",
    .parts_skipped = "Parts removed unread: {}",
    .jis_replaced = "{} characters that ISO-2022-JP cannot carry were replaced by \"〓\".",
    .held = "The original message is held in quarantine (ID {}). To obtain it, ask your administrator quoting this ID.",
    .act_removed = "removed",
    .act_quarantined = "quarantined",
    .act_extracted = "shown as text after the message",
    .act_rejected = "refused",
    .act_not_text = "removed (not readable as text)",
    .members = "     Contents: {}",
    .members_more = ", and {} more",
    .extract_head = "---------- Contents of the attachment \"{}\" ----------",
    .reasons = reasons_en,
};

/* notice_text - strings for a language */
const NOTICE_TEXT *notice_text(const char *lang)
{
    return (lang && strcmp(lang, "en") == 0) ? &notice_en : &notice_ja;
}

/* notice_subst - append fmt with its first "{}" replaced by arg */
void    notice_subst(GString *out, const char *fmt, const char *arg)
{
    const char *hole = strstr(fmt, "{}");

    if (hole == NULL) {
        g_string_append(out, fmt);
        return;
    }
    g_string_append_len(out, fmt, hole - fmt);
    g_string_append(out, arg);
    g_string_append(out, hole + 2);
}

/* notice_subst_uint - notice_subst with a number */
void    notice_subst_uint(GString *out, const char *fmt, guint n)
{
    char    buf[16];

    g_snprintf(buf, sizeof(buf), "%u", n);
    notice_subst(out, fmt, buf);
}

/* limit_names - the limits a message hit, comma-separated (transfer full) */
static char *limit_names(guint bits)
{
    static const struct {
        guint   bit;
        const char *name;
    } names[] = {
        {LIMIT_DEPTH, "max_mime_depth"}, {LIMIT_PARTS, "max_parts"},
        {LIMIT_DECODED, "max_decoded_bytes"}, {LIMIT_TEXT, "max_text_bytes"},
        {LIMIT_HTML_DEPTH, "max_html_depth"},
    };
    GString *s = g_string_new(NULL);
    gsize   i;

    for (i = 0; i < G_N_ELEMENTS(names); i++) {
        if (bits & names[i].bit) {
            if (s->len)
                g_string_append(s, ", ");
            g_string_append(s, names[i].name);
        }
    }
    return g_string_free(s, FALSE);
}

/* reason_text - the reader's words for a rule's reason word; NULL for
 * the plain "attachment" (removal needs no explanation) */
static const char *reason_text(const NOTICE_TEXT *t, const char *word)
{
    const struct notice_reason *r;

    if (word == NULL || strcmp(word, "attachment") == 0)
        return NULL;
    for (r = t->reasons; r->word; r++)
        if (strcmp(r->word, word) == 0)
            return r->text;
    return word;
}

/* action_text - what was done to the part */
static const char *action_text(const NOTICE_TEXT *t, const ATT_REC *a)
{
    switch (a->action) {
    case RULE_REMOVE: return t->act_removed;
    case RULE_QUARANTINE: return t->act_quarantined;
    case RULE_EXTRACT_TEXT: return a->not_text ? t->act_not_text : t->act_extracted;
    case RULE_REJECT: return t->act_rejected;
    }
    return t->act_removed;
}

/* build_members - the first members of an archive, names made safe */
static void build_members(const ATT_REC *a, const MUGAI_CONF *conf, const NOTICE_TEXT *t, GString *s)
{
    const CONTAINER_INFO *ci = a->contents;
    g_autoptr(GString) names = g_string_new(NULL);
    guint   i, shown = 0;

    if (ci == NULL || ci->document || ci->total == 0 || conf->notice_members == 0)
        return;
    for (i = 0; i < ci->members->len && shown < (guint) conf->notice_members; i++, shown++) {
        const CONTAINER_MEMBER *m = g_ptr_array_index(ci->members, i);
        g_autofree char *name = fname_display(m->path);

        g_string_append_printf(names, "%s%s", i ? ", " : "", name);
    }
    if (ci->total > shown)
        notice_subst_uint(names, t->members_more, ci->total - shown);
    notice_subst(s, t->members, names->str);
    g_string_append_c(s, '\n');
}

/* build_attachments - the list of parts taken out, with what was done and why */
static void build_attachments(const VERDICT *v, const MUGAI_CONF *conf, const NOTICE_TEXT *t, GString *s)
{
    guint   i;

    if (v->attachments->len == 0)
        return;
    notice_subst_uint(s, t->att_head, v->attachments->len);
    g_string_append_c(s, '\n');
    for (i = 0; i < v->attachments->len; i++) {
        const ATT_REC *a = g_ptr_array_index(v->attachments, i);
        g_autofree char *name = a->filename ? fname_display(a->filename) : g_strdup(t->att_noname);
        const char *why = a->virus || a->action == RULE_EXTRACT_TEXT ? NULL : reason_text(t, a->reason);
        char    sz[SIZEFMT_BUFSIZE];

        g_string_append_printf(s, "  %u. %s (%s, %s) - %s", i + 1, name,
                               a->detected_type ? a->detected_type : a->declared_type,
                               a->size >= 0 ? sizefmt_human(a->size, sz) : t->size_unknown,
                               action_text(t, a));
        if (why)
            g_string_append_printf(s, ": %s", why);
        if (a->virus)
            notice_subst(s, t->virus_tag, a->virus);
        g_string_append_c(s, '\n');
        build_members(a, conf, t, s);
    }
}

/* build_notes - one line per thing the reader should know */
static void build_notes(const VERDICT *v, const MUGAI_CONF *conf, const NOTICE_TEXT *t,
                        guint parts_skipped, gboolean body_withheld, GString *s)
{
    if (body_withheld)
        g_string_append_printf(s, "%s\n", t->body_withheld);
    if (v->unreadable)
        g_string_append_printf(s, "%s\n", t->unreadable);
    else if (v->serious_anomalies > 0)
        g_string_append_printf(s, "%s\n", t->malformed);
    if (v->limits) {
        g_autofree char *names = limit_names(v->limits);

        notice_subst(s, t->limits, names);
        g_string_append_c(s, '\n');
    }
    if (parts_skipped) {
        notice_subst_uint(s, t->parts_skipped, parts_skipped);
        g_string_append_c(s, '\n');
    }
    if (v->jis_replaced > 0) {
        notice_subst_uint(s, t->jis_replaced, (guint) v->jis_replaced);
        g_string_append_c(s, '\n');
    }
    if (v->quarantine_id) {
        notice_subst(s, t->held, v->quarantine_id);
        g_string_append_c(s, '\n');
    }
    if (v->html_converted)
        g_string_append_printf(s, "%s\n", t->html);
    if (v->html.scripts + v->html.active > 0)
        g_string_append_printf(s, "%s\n", t->active);
    if (v->links > 0 && conf->links == CONF_LINKS_DEFANG)
        g_string_append_printf(s, "%s\n", t->links_defang);
    if (v->links > 0 && conf->links == CONF_LINKS_REMOVE)
        g_string_append_printf(s, "%s\n", t->links_remove);
}

/* notice_build - expand the template for v into out */
void    notice_build(const VERDICT *v, const MUGAI_CONF *conf, guint parts_skipped,
                     gboolean body_withheld, GString *out)
{
    const NOTICE_TEXT *t = notice_text(conf->notice_language);
    const char *p = conf->notice_template ? conf->notice_template : t->tmpl;
    g_autoptr(GString) viruses = g_string_new(NULL);
    g_autoptr(GString) atts = g_string_new(NULL);
    g_autoptr(GString) notes = g_string_new(NULL);
    guint   i;

    if (v->viruses->len > 0) {
        g_autoptr(GString) names = g_string_new(NULL);

        for (i = 0; i < v->viruses->len; i++)
            g_string_append_printf(names, "%s%s", i ? ", " : "",
                                   (char *) g_ptr_array_index(v->viruses, i));
        notice_subst(viruses, t->virus_line, names->str);
        g_string_append_c(viruses, '\n');
    }
    build_attachments(v, conf, t, atts);
    build_notes(v, conf, t, parts_skipped, body_withheld, notes);
    while (*p) {
        if (g_str_has_prefix(p, "{viruses}")) {
            g_string_append(out, viruses->str);
            p += strlen("{viruses}");
        } else if (g_str_has_prefix(p, "{attachments}")) {
            g_string_append(out, atts->str);
            p += strlen("{attachments}");
        } else if (g_str_has_prefix(p, "{notes}")) {
            g_string_append(out, notes->str);
            p += strlen("{notes}");
        } else if (g_str_has_prefix(p, "{count}")) {
            g_string_append_printf(out, "%u", v->attachments->len);
            p += strlen("{count}");
        } else if (g_str_has_prefix(p, "{quarantine_id}")) {
            g_string_append(out, v->quarantine_id ? v->quarantine_id : "-");
            p += strlen("{quarantine_id}");
        } else {
            g_string_append_c(out, *p++);
        }
    }
    if (out->len > 0 && out->str[out->len - 1] != '\n')
        g_string_append_c(out, '\n');
    g_string_append_printf(out, "%s\n", t->separator);
}
