/* jsonw - members of a JSON object being built (json-glib), written the
 * way every mugai report and listing writes them: a missing string or an
 * unknown size is null, never "" or -1.
 */
#ifndef MUGAI_JSONW_H
#define MUGAI_JSONW_H

#include <json-glib/json-glib.h>

/* jsonw_str - "member": "value", or null when value is NULL */
void    jsonw_str(JsonBuilder *b, const char *member, const char *value);

/* jsonw_size - "member": n, or null when n is negative (not known) */
void    jsonw_size(JsonBuilder *b, const char *member, gint64 n);

/* jsonw_bool - "member": true or false */
void    jsonw_bool(JsonBuilder *b, const char *member, gboolean v);

#endif
