#ifndef COPENSSL_SHIM_H
#define COPENSSL_SHIM_H
#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <openssl/bio.h>

/* Macro-only OpenSSL calls, re-exposed as functions Swift can call. */
static inline int copenssl_ctx_set_min_tls12(SSL_CTX *ctx) {
    return (int)SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
}
static inline long copenssl_ctx_set_partial_write_modes(SSL_CTX *ctx) {
    return SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER
                                 | SSL_MODE_RELEASE_BUFFERS);
}
static inline uint64_t copenssl_ctx_disable_renegotiation(SSL_CTX *ctx) {
    return SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION);
}
static inline size_t copenssl_bio_pending(BIO *bio) { return (size_t)BIO_ctrl_pending(bio); }
static inline int copenssl_ssl_error_want_read(void) { return SSL_ERROR_WANT_READ; }
static inline int copenssl_ssl_error_want_write(void) { return SSL_ERROR_WANT_WRITE; }
static inline int copenssl_ssl_error_zero_return(void) { return SSL_ERROR_ZERO_RETURN; }
static inline int copenssl_verify_peer_required(void) {
    return SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
}
static inline int copenssl_tlsext_err_ok(void) { return SSL_TLSEXT_ERR_OK; }
static inline int copenssl_tlsext_err_noack(void) { return SSL_TLSEXT_ERR_NOACK; }
static inline int copenssl_tlsext_err_alert_fatal(void) { return SSL_TLSEXT_ERR_ALERT_FATAL; }
static inline int copenssl_set_sni(SSL *ssl, const char *name) {
    return (int)SSL_set_tlsext_host_name(ssl, name);
}
static inline unsigned long copenssl_name_flags_rfc2253(void) { return XN_FLAG_RFC2253; }
#endif
