/* jsonw - members of a JSON object being built */
#include "mugai/jsonw.h"

/* jsonw_str - "member": "value" or null */
void    jsonw_str(JsonBuilder *b, const char *member, const char *value)
{
    json_builder_set_member_name(b, member);
    if (value)
        json_builder_add_string_value(b, value);
    else
        json_builder_add_null_value(b);
}

/* jsonw_size - "member": n or null */
void    jsonw_size(JsonBuilder *b, const char *member, gint64 n)
{
    json_builder_set_member_name(b, member);
    if (n >= 0)
        json_builder_add_int_value(b, n);
    else
        json_builder_add_null_value(b);
}

/* jsonw_bool - "member": true or false */
void    jsonw_bool(JsonBuilder *b, const char *member, gboolean v)
{
    json_builder_set_member_name(b, member);
    json_builder_add_boolean_value(b, v);
}
