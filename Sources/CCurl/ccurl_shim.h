#ifndef CCURL_SHIM_H
#define CCURL_SHIM_H
#include <curl/curl.h>

/* curl_easy_setopt, curl_easy_getinfo and curl_multi_setopt are variadic; Swift cannot call
   them, so each argument type gets a typed wrapper. */
static inline CURLcode ccurl_easy_setopt_long(CURL *h, CURLoption o, long v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode ccurl_easy_setopt_ptr(CURL *h, CURLoption o, const void *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode ccurl_easy_setopt_string(CURL *h, CURLoption o, const char *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode ccurl_easy_setopt_slist(CURL *h, CURLoption o, struct curl_slist *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode ccurl_easy_setopt_write_function(CURL *h, size_t (*f)(char *, size_t, size_t, void *)) {
    return curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, f);
}
static inline CURLcode ccurl_easy_setopt_header_function(CURL *h, size_t (*f)(char *, size_t, size_t, void *)) {
    return curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, f);
}
static inline CURLcode ccurl_easy_getinfo_long(CURL *h, CURLINFO i, long *out) { return curl_easy_getinfo(h, i, out); }
static inline CURLcode ccurl_easy_getinfo_double(CURL *h, CURLINFO i, double *out) { return curl_easy_getinfo(h, i, out); }
static inline CURLcode ccurl_easy_getinfo_ptr(CURL *h, CURLINFO i, void **out) { return curl_easy_getinfo(h, i, out); }
/* curl_off_t options and infos: sizes (CURLOPT_POSTFIELDSIZE_LARGE, CURLOPT_MAXFILESIZE_LARGE)
   and the microsecond timings (CURLINFO_TOTAL_TIME_T, CURLINFO_CONNECT_TIME_T). */
static inline CURLcode ccurl_easy_setopt_off_t(CURL *h, CURLoption o, curl_off_t v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode ccurl_easy_getinfo_off_t(CURL *h, CURLINFO i, curl_off_t *out) { return curl_easy_getinfo(h, i, out); }
/* CURL_GLOBAL_DEFAULT is a macro built from other macros; give Swift a plain value. */
static inline long ccurl_global_default(void) { return CURL_GLOBAL_DEFAULT; }
static inline CURLMcode ccurl_multi_setopt_long(CURLM *m, CURLMoption o, long v) { return curl_multi_setopt(m, o, v); }
/* The multi_socket API (an event loop drives curl): the socket and timer callbacks and their user data,
   which curl_multi_setopt takes through its variadic argument. */
static inline CURLMcode ccurl_multi_setopt_socket_function(CURLM *m, curl_socket_callback f, void *data) {
  CURLMcode rc = curl_multi_setopt(m, CURLMOPT_SOCKETFUNCTION, f);
  return rc != CURLM_OK ? rc : curl_multi_setopt(m, CURLMOPT_SOCKETDATA, data);
}
static inline CURLMcode ccurl_multi_setopt_timer_function(CURLM *m, curl_multi_timer_callback f, void *data) {
  CURLMcode rc = curl_multi_setopt(m, CURLMOPT_TIMERFUNCTION, f);
  return rc != CURLM_OK ? rc : curl_multi_setopt(m, CURLMOPT_TIMERDATA, data);
}
/* CURL_SOCKET_TIMEOUT is CURL_SOCKET_BAD, a macro. */
static inline curl_socket_t ccurl_socket_timeout(void) { return CURL_SOCKET_TIMEOUT; }
#endif
