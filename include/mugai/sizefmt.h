/* sizefmt - byte counts for people: "512 B", "12.3 KB", "4.0 MB" */
#ifndef MUGAI_SIZEFMT_H
#define MUGAI_SIZEFMT_H

#include <glib.h>

#define SIZEFMT_BUFSIZE 32

/* sizefmt_human - format n into buf (at least SIZEFMT_BUFSIZE bytes); returns buf */
const char *sizefmt_human(gint64 n, char *buf);

#endif
