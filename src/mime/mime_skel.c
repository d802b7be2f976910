/* mime_skel - a message written out again without the content of some of its parts */
#include "mugai/mime_skel.h"

/* mime_skel_write - msg with the parts in omit left empty (transfer full) */
GByteArray *mime_skel_write(GMimeMessage *msg, GHashTable *omit)
{
    GByteArray *out = g_byte_array_new();
    GMimeStream *mem = g_mime_stream_mem_new_with_byte_array(out);
    GMimeStream *none = g_mime_stream_mem_new();
    GMimeDataWrapper *empty = g_mime_data_wrapper_new_with_stream(none, GMIME_CONTENT_ENCODING_DEFAULT);
    GPtrArray *saved = g_ptr_array_new();  /* part, its content; pairs */
    GHashTableIter it;
    gpointer part;
    guint   i;

    /* The byte array belongs to the caller, not to the stream. */
    g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(mem), FALSE);
    g_hash_table_iter_init(&it, omit);
    while (g_hash_table_iter_next(&it, &part, NULL)) {
        GMimeDataWrapper *content = g_mime_part_get_content(GMIME_PART(part));

        if (content == NULL)    /* nothing to leave out */
            continue;
        g_ptr_array_add(saved, part);
        g_ptr_array_add(saved, g_object_ref(content));
        g_mime_part_set_content(GMIME_PART(part), empty);
    }
    g_mime_object_write_to_stream(GMIME_OBJECT(msg), NULL, mem);
    for (i = 0; i < saved->len; i += 2) {
        GMimeDataWrapper *content = g_ptr_array_index(saved, i + 1);

        g_mime_part_set_content(GMIME_PART(g_ptr_array_index(saved, i)), content);
        g_object_unref(content);
    }
    g_ptr_array_free(saved, TRUE);
    g_object_unref(empty);
    g_object_unref(none);
    g_object_unref(mem);
    return out;
}
