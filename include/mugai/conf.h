/* conf - mugai configuration (one INI file read with GLib's GKeyFile)
 *
 * Every tunable is a named parameter with a documented default; see
 * mugai.conf(5) and milter-conf/mugai.conf.  MUGAI_CONF is a plain record: the
 * engine reads it, nobody writes it after conf_load() returns.
 */
#ifndef MUGAI_CONF_H
#define MUGAI_CONF_H

#include <glib.h>

/* What happens to URLs found in rendered text. */
typedef enum {
    CONF_LINKS_DEFANG = 0,      /* hxxps://example[.]com/ (default) */
    CONF_LINKS_KEEP,            /* left as written */
    CONF_LINKS_REMOVE,          /* replaced by a placeholder */
} CONF_LINKS;

/* Charset of the sanitized text. */
typedef enum {
    CONF_OUT_UTF8 = 0,          /* UTF-8 (default) */
    CONF_OUT_ISO2022JP,         /* ISO-2022-JP for legacy clients; others become 〓 */
} CONF_OUTCS;

/* How viruses are looked for. */
typedef enum {
    CONF_AV_LIBRARY = 0,        /* libclamav in the process (default) */
    CONF_AV_CLAMD,              /* a running clamd, over its socket */
} CONF_AVMODE;

/* What a virus does to the whole message. */
typedef enum {
    CONF_VIRUS_QUARANTINE = 0,  /* original held, only the notice delivered (default) */
    CONF_VIRUS_REJECT,          /* 554 5.7.1 to the sender */
} CONF_ONVIRUS;

typedef struct conf {
    /* [clamav] */
    CONF_AVMODE av_mode;
    char   *av_database;        /* signature directory */
    gint64  av_max_filesize;    /* largest file handed to the scanner */
    gint64  av_max_scansize;    /* bytes scanned per call, archives included */
    gint64  av_max_recursion;   /* archive nesting scanned */
    gint64  av_max_files;       /* archive members scanned */
    gint64  av_max_scantime_ms; /* wall-clock limit per scan call */
    gint64  av_reload_interval; /* seconds between signature checks; 0: only on SIGHUP */
    char   *av_clamd_socket;    /* unix:PATH or inet:PORT@HOST */
    gint64  av_clamd_timeout;   /* seconds one clamd scan may take */
    char   *av_temp_directory;  /* libclamav's scratch space; NULL: $TMPDIR or /tmp */
    /* [engine] */
    char   *engine_temp_directory;  /* large messages and parts; NULL: $TMPDIR or /tmp */
    gint64  engine_in_memory_max;   /* larger messages and parts are worked on from files */
    gint64  engine_type_cache;  /* libmagic answers remembered (ftype); 0: none */
    /* [policy] */
    CONF_ONVIRUS on_virus;
    GPtrArray *rules;           /* RULE* in order (mugai/rules.h); never empty */
    /* [quarantine] */
    char   *quar_directory;     /* originals (msg/) and the SQLite index */
    char   *quar_database;      /* NULL: DIRECTORY/index.db */
    gint64  quar_retention_days;    /* purge default */
    char   *quar_release_relay; /* host:port that does not sanitize */
    char   *quar_admin_group;   /* NULL: only the mugai user may read */
    gint64  quar_inline_max;    /* originals up to this size go into the index; 0: none */
    /* [milter] */
    char   *milter_socket;      /* unix:PATH or inet:PORT@HOST */
    char   *milter_user, *milter_group;     /* NULL: keep the invoking ids */
    char   *milter_pidfile;
    char   *milter_spool;       /* spool and worker socket directory */
    gint64  milter_spool_memory;    /* larger messages spool to disk */
    gint64  milter_workers;     /* sanitizing worker processes */
    gint64  milter_timeout;     /* seconds one message may take in a worker */
    /* [limits] */
    gint64  max_message_bytes;  /* larger messages are rejected (5.3.4) */
    gint64  max_header_bytes;   /* larger top-level header sections are rejected */
    gint64  max_mime_depth;     /* deeper parts are removed unread */
    gint64  max_parts;          /* parts beyond this count are removed unread */
    gint64  max_decoded_bytes;  /* decoded size of one body part that is rendered */
    gint64  max_text_bytes;     /* rendered text of the whole message */
    gint64  max_html_depth;     /* element nesting followed by the HTML renderer */
    gint64  archive_depth;      /* archives inside archives inspected */
    gint64  archive_members;    /* archive members recorded per attachment */
    gint64  archive_bytes;      /* bytes decompressed per attachment */
    /* [render] */
    CONF_LINKS links;
    /* [notice] */
    char   *notice_language;    /* "ja" or "en" */
    char   *notice_template;    /* NULL: built-in template for the language */
    gint64  notice_members;     /* archive members listed per attachment */
    /* [output] */
    char  **keep_headers;       /* extra header names kept (NULL-terminated) */
    CONF_OUTCS out_charset;
} MUGAI_CONF;

/* conf_new_defaults - a configuration with every default (transfer full) */
MUGAI_CONF   *conf_new_defaults(void);

/* conf_load - read path over the defaults; NULL and *err set on error (transfer full) */
MUGAI_CONF   *conf_load(const char *path, GError **err);

/* conf_free - release; accepts NULL */
void    conf_free(MUGAI_CONF *conf);

/* conf_parse_size - "123", "64K", "50M", "1G" to bytes; FALSE on a syntax error */
gboolean conf_parse_size(const char *s, gint64 *out);

/* conf_dump - append "group.key = value" lines of the effective configuration */
void    conf_dump(const MUGAI_CONF *conf, GString *out);

#define CONF_ERROR (conf_error_quark())
GQuark  conf_error_quark(void);

#endif
