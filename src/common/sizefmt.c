/* sizefmt - byte counts for people */
#include <stdio.h>

#include "mugai/sizefmt.h"

/* sizefmt_human - format n into buf; units of 1024 */
const char *sizefmt_human(gint64 n, char *buf)
{
    static const char *const units[] = {"KB", "MB", "GB", "TB"};
    double  v = (double) n;
    int     u = -1;

    if (n < 1024) {
        snprintf(buf, SIZEFMT_BUFSIZE, "%" G_GINT64_FORMAT " B", n);
        return buf;
    }
    while (v >= 1024.0 && u < 3) {
        v /= 1024.0;
        u++;
    }
    snprintf(buf, SIZEFMT_BUFSIZE, "%.1f %s", v, units[u]);
    return buf;
}
