/* fuzz_container - libFuzzer target: archive and Office inspection
 *
 * The first byte chooses the type the data is inspected as; every input
 * ends in an inspection record, within the limits.
 */
#include <stdint.h>
#include <stdlib.h>

#include "mugai/container.h"

int     LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int     LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const types[] = {
        "application/zip", "application/x-7z-compressed", "application/x-rar", "application/gzip",
        "application/x-tar", "application/x-ole-storage", "application/vnd.ms-cab-compressed",
        "application/x-lzh-compressed",
    };
    static FTYPE *ft;
    CONTAINER_LIMITS lim = {3, 100, 4 * 1024 * 1024};
    CONTAINER_INFO *ci;
    BYTESRC src;

    if (size == 0)
        return 0;
    if (ft == NULL && (ft = ftype_new(0, NULL)) == NULL)
        abort();
    src = bytesrc_mem(data + 1, size - 1);
    ci = container_inspect(ft, &src, types[data[0] % G_N_ELEMENTS(types)], &lim);
    if (ci == NULL || ci->members->len > lim.max_members)
        abort();
    container_info_free(ci);
    return 0;
}
