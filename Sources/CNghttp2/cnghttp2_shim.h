#ifndef CNGHTTP2_SHIM_H
#define CNGHTTP2_SHIM_H
#include <nghttp2/nghttp2.h>
#include <string.h>

/* nghttp2_nv holds non-const uint8_t pointers and the flag constants are an enum of
   mixed types; these helpers keep the casts in C so the Swift side stays free of them. */
static inline nghttp2_nv cnghttp2_nv(const uint8_t *name, size_t namelen,
                                     const uint8_t *value, size_t valuelen) {
    nghttp2_nv nv;
    nv.name = (uint8_t *)name;
    nv.namelen = namelen;
    nv.value = (uint8_t *)value;
    nv.valuelen = valuelen;
    nv.flags = NGHTTP2_NV_FLAG_NONE;
    return nv;
}

static inline int cnghttp2_frame_has_end_stream(const nghttp2_frame *frame) {
    return (frame->hd.flags & NGHTTP2_FLAG_END_STREAM) != 0;
}

static inline uint32_t cnghttp2_data_flag_eof(void) { return NGHTTP2_DATA_FLAG_EOF; }
static inline uint32_t cnghttp2_data_flag_no_end_stream(void) { return NGHTTP2_DATA_FLAG_NO_END_STREAM; }
#endif
