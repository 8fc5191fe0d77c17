#ifndef CHIREDIS_SHIM_H
#define CHIREDIS_SHIM_H
#include <errno.h>
#include <hiredis/hiredis.h>

/* redisCommand is variadic; commands go through redisCommandArgv / redisAppendCommandArgv.
   Reply type codes are macros. */
static inline int chiredis_reply_string(void) { return REDIS_REPLY_STRING; }
static inline int chiredis_reply_array(void) { return REDIS_REPLY_ARRAY; }
static inline int chiredis_reply_integer(void) { return REDIS_REPLY_INTEGER; }
static inline int chiredis_reply_nil(void) { return REDIS_REPLY_NIL; }
static inline int chiredis_reply_status(void) { return REDIS_REPLY_STATUS; }
static inline int chiredis_reply_error(void) { return REDIS_REPLY_ERROR; }
/* RESP3 maps arrived with hiredis 1.0; 0.14 (Debian 12) has no such type, so there the helper
   answers a code no reply carries. */
#ifdef REDIS_REPLY_MAP
static inline int chiredis_reply_map(void) { return REDIS_REPLY_MAP; }
#else
static inline int chiredis_reply_map(void) { return -1; }
#endif
static inline int chiredis_ok(void) { return REDIS_OK; }

/* Context error codes (ctx->err). */
static inline int chiredis_err_io(void) { return REDIS_ERR_IO; }
static inline int chiredis_err_eof(void) { return REDIS_ERR_EOF; }
static inline int chiredis_err_protocol(void) { return REDIS_ERR_PROTOCOL; }
static inline int chiredis_err_oom(void) { return REDIS_ERR_OOM; }

/* ctx->errstr is a char[128], which Swift sees as a 128-element tuple. */
static inline const char *chiredis_errstr(const redisContext *c) { return c->errstr; }

/* redisGetReply, also reporting errno as it was right after the call. hiredis turns a socket
   timeout (SO_RCVTIMEO / SO_SNDTIMEO -> EAGAIN) into a plain REDIS_ERR_IO, so errno is the only
   way to tell a slow server from a broken socket, and it must be read before anything else runs. */
static inline int chiredis_get_reply(redisContext *c, redisReply **reply, int *saved_errno) {
    void *r = NULL;
    errno = 0;
    int rc = redisGetReply(c, &r);
    *saved_errno = errno;
    *reply = (redisReply *)r;
    return rc;
}
#endif
