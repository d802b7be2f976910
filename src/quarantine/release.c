/* release - hand a held original to the release relay over SMTP */
#include <string.h>

#include <gio/gio.h>

#include "mugai/release.h"

G_DEFINE_QUARK(mugai-release-error-quark, release_error)

typedef struct {
    GSocketConnection *conn;
    GDataInputStream *in;
    GOutputStream *out;
    const char *relay;
} SMTP;

/* smtp_reply - read one (possibly multi-line) reply; its code, 0 on error.
 * *text gets the last line (transfer full) */
static int smtp_reply(SMTP *s, char **text, GError **err)
{
    char   *line;

    for (;;) {
        line = g_data_input_stream_read_line(s->in, NULL, NULL, err);
        if (line == NULL) {
            if (err && *err == NULL)
                g_set_error(err, RELEASE_ERROR, 1, "%s closed the connection", s->relay);
            return 0;
        }
        g_strchomp(line);
        if (strlen(line) < 3 || !g_ascii_isdigit(line[0])) {
            g_set_error(err, RELEASE_ERROR, 1, "%s: unexpected reply \"%s\"", s->relay, line);
            g_free(line);
            return 0;
        }
        if (line[3] != '-')
            break;
        g_free(line);
    }
    *text = line;
    return atoi(line);
}

/* smtp_cmd - send cmd (without CRLF; NULL to only read) and expect a reply class */
static gboolean smtp_cmd(SMTP *s, const char *cmd, char want, GError **err)
{
    g_autofree char *line = NULL;
    g_autofree char *text = NULL;
    int     code;

    if (cmd != NULL) {
        line = g_strconcat(cmd, "\r\n", NULL);
        if (!g_output_stream_write_all(s->out, line, strlen(line), NULL, NULL, err))
            return FALSE;
    }
    if ((code = smtp_reply(s, &text, err)) == 0)
        return FALSE;
    if (text[0] != want) {
        g_set_error(err, RELEASE_ERROR, code, "%s answered \"%s\" to %s", s->relay, text,
                    cmd ? cmd : "the connection");
        return FALSE;
    }
    return TRUE;
}

/* send_data - the message with CRLF line ends and dot-stuffing, then "." */
static gboolean send_data(SMTP *s, const char *data, gsize len, GError **err)
{
    GString *buf = g_string_sized_new(len + len / 50 + 8);
    const char *p = data, *end = data + len;
    gboolean ok;

    while (p < end) {
        const char *nl = memchr(p, '\n', end - p);
        const char *stop = nl ? nl : end;
        gsize   n = stop - p;

        if (n > 0 && p[n - 1] == '\r')
            n--;
        if (n > 0 && p[0] == '.')
            g_string_append_c(buf, '.');
        g_string_append_len(buf, p, n);
        g_string_append(buf, "\r\n");
        p = nl ? nl + 1 : end;
    }
    g_string_append(buf, ".\r\n");
    ok = g_output_stream_write_all(s->out, buf->str, buf->len, NULL, NULL, err);
    g_string_free(buf, TRUE);
    return ok;
}

/* release_send - one SMTP transaction with the relay */
gboolean release_send(const char *relay, const char *sender, const char *const *recipients,
                      const char *data, gsize len, GError **err)
{
    g_autoptr(GSocketClient) client = g_socket_client_new();
    g_autofree char *host = g_get_host_name() ? g_strdup(g_get_host_name()) : g_strdup("localhost");
    g_autofree char *cmd = NULL;
    SMTP    s = {NULL, NULL, NULL, relay};
    gboolean ok = FALSE;
    guint   i;

    g_socket_client_set_timeout(client, RELEASE_REPLY_TIMEOUT);
    s.conn = g_socket_client_connect_to_host(client, relay, 25, NULL, err);
    if (s.conn == NULL)
        return FALSE;
    s.in = g_data_input_stream_new(g_io_stream_get_input_stream(G_IO_STREAM(s.conn)));
    g_data_input_stream_set_newline_type(s.in, G_DATA_STREAM_NEWLINE_TYPE_ANY);
    s.out = g_io_stream_get_output_stream(G_IO_STREAM(s.conn));
    if (!smtp_cmd(&s, NULL, '2', err))
        goto done;
    cmd = g_strdup_printf("EHLO %s", host);
    if (!smtp_cmd(&s, cmd, '2', err))
        goto done;
    g_free(cmd);
    cmd = g_strdup_printf("MAIL FROM:<%s>", sender ? sender : "");
    if (!smtp_cmd(&s, cmd, '2', err))
        goto done;
    for (i = 0; recipients && recipients[i]; i++) {
        g_free(cmd);
        cmd = g_strdup_printf("RCPT TO:<%s>", recipients[i]);
        if (!smtp_cmd(&s, cmd, '2', err))
            goto done;
    }
    if (i == 0) {
        g_set_error(err, RELEASE_ERROR, 1, "no recipients to release to");
        goto done;
    }
    if (!smtp_cmd(&s, "DATA", '3', err) || !send_data(&s, data, len, err) || !smtp_cmd(&s, NULL, '2', err))
        goto done;
    ok = TRUE;
    (void) smtp_cmd(&s, "QUIT", '2', NULL);

done:
    g_clear_object(&s.in);
    g_io_stream_close(G_IO_STREAM(s.conn), NULL, NULL);
    g_object_unref(s.conn);
    return ok;
}
