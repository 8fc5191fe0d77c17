import Redis

/// The Lua scripts that change a job's state. Each change is one script, so the job's hash, its
/// stream entry and the model's counters move together or not at all, whichever instance runs it.
/// Scripts declare every key they touch; the caller reads the job's model first to name them.
enum RedisQueueScripts {
    /// Accepts a job if the model's queued count is under the limit: writes the hash, appends the
    /// stream entry, counts it. KEYS: job, stream, counts. ARGV: group, limit, job id, text count,
    /// then the hash's field/value pairs. Returns {'ok', position}, {'full', queued} or {'exists', 0}.
    static let enqueue = RedisScript("""
        local job, stream, counts = KEYS[1], KEYS[2], KEYS[3]
        if redis.call('EXISTS', job) == 1 then return {'exists', 0} end
        local queued = tonumber(redis.call('HGET', counts, 'queued') or '0')
        if queued >= tonumber(ARGV[2]) then return {'full', queued} end
        -- The group exists before its first entry, so it sees every entry; BUSYGROUP is fine.
        redis.pcall('XGROUP', 'CREATE', stream, ARGV[1], '0', 'MKSTREAM')
        local entry = redis.call('XADD', stream, '*', 'id', ARGV[3], 'n', ARGV[4])
        redis.call('HSET', job, 'state', 'queued', 'attempts', '0', 'entry', entry, unpack(ARGV, 5))
        redis.call('HINCRBY', counts, 'queued', 1)
        return {'ok', queued + 1}
        """)

    /// Stores the embeddings of an unfinished job and finishes it; a finished or unknown job is
    /// left alone, so a late worker never replaces the first results. Also accepts a job back in
    /// `queued` (its worker was presumed dead and the job retried): its results are as good.
    /// KEYS: job, counts, stream, completed set. ARGV: group, job id, item count, blob, now ns,
    /// now ms, retention ms, cutoff ms, the blob's field ('embeddings', or 'outputs' for a
    /// generation). Returns 'completed', 'ignored' or 'mismatch'.
    static let complete = RedisScript("""
        local job, counts, stream, done = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
        local state = redis.call('HGET', job, 'state')
        if state ~= 'queued' and state ~= 'processing' then return 'ignored' end
        if redis.call('HGET', job, 'items') ~= ARGV[3] then return 'mismatch' end
        local entry = redis.call('HGET', job, 'entry')
        if entry then
          redis.call('XACK', stream, ARGV[1], entry)
          redis.call('XDEL', stream, entry)
        end
        redis.call('HINCRBY', counts, state, -1)
        redis.call('HSET', job, 'state', 'completed', ARGV[9], ARGV[4], 'completed_items', ARGV[3],
                   'completed_at_ns', ARGV[5])
        redis.call('HINCRBY', job, 'attempts', 1)
        redis.call('HDEL', job, 'entry', 'consumer')
        redis.call('PEXPIRE', job, ARGV[7])
        redis.call('ZADD', done, ARGV[6], ARGV[2])
        redis.call('ZREMRANGEBYSCORE', done, '-inf', '(' .. ARGV[8])
        return 'completed'
        """)

    /// Fails a queued job without running it (its batch was cancelled); anything else is
    /// 'ignored'. KEYS: job, counts, stream, failed set. ARGV: group, job id, reason, now ns,
    /// now ms, retention ms, cutoff ms. Returns 'cancelled' or 'ignored'.
    static let cancel = RedisScript("""
        local job, counts, stream, failed = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
        if redis.call('HGET', job, 'state') ~= 'queued' then return 'ignored' end
        local entry = redis.call('HGET', job, 'entry')
        if entry then
          -- A retried job's entry is still pending with its old consumer: acknowledged too.
          redis.call('XACK', stream, ARGV[1], entry)
          redis.call('XDEL', stream, entry)
        end
        redis.call('HINCRBY', counts, 'queued', -1)
        redis.call('HSET', job, 'state', 'failed', 'error', ARGV[3], 'completed_at_ns', ARGV[4])
        redis.call('HDEL', job, 'entry', 'consumer')
        redis.call('PEXPIRE', job, ARGV[6])
        redis.call('ZADD', failed, ARGV[5], ARGV[2])
        redis.call('ZREMRANGEBYSCORE', failed, '-inf', '(' .. ARGV[7])
        return 'cancelled'
        """)

    /// A failed attempt of a processing job (anything else is 'ignored'). With retry the job is
    /// queued again at the front: its entry stays pending, made to look abandoned (XCLAIM IDLE),
    /// so the next claim's first phase takes it before newer jobs — the embedded queue's order.
    /// Without retry it is failed with the reason. KEYS: job, counts, stream, failed set.
    /// ARGV: group, job id, retry ('1'/'0'), reason, now ns, now ms, retention ms, cutoff ms,
    /// claim timeout ms. Returns 'queued', 'failed' or 'ignored'.
    static let fail = RedisScript("""
        local job, counts, stream, failed = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
        if redis.call('HGET', job, 'state') ~= 'processing' then return 'ignored' end
        local entry = redis.call('HGET', job, 'entry')
        redis.call('HINCRBY', job, 'attempts', 1)
        redis.call('HINCRBY', counts, 'processing', -1)
        if ARGV[3] == '1' then
          local owner = redis.call('HGET', job, 'consumer') or 'requeued'
          local kept = entry and #redis.call('XCLAIM', stream, ARGV[1], owner, 0, entry,
                                             'IDLE', ARGV[9], 'JUSTID') == 1
          if not kept then
            -- The entry was no longer pending (never expected): a new one, at the back.
            redis.call('HSET', job, 'entry',
                       redis.call('XADD', stream, '*', 'id', ARGV[2], 'n', redis.call('HGET', job, 'items')))
          end
          redis.call('HSET', job, 'state', 'queued')
          redis.call('HDEL', job, 'consumer')
          redis.call('HINCRBY', counts, 'queued', 1)
          return 'queued'
        end
        if entry then
          redis.call('XACK', stream, ARGV[1], entry)
          redis.call('XDEL', stream, entry)
        end
        redis.call('HSET', job, 'state', 'failed', 'error', ARGV[4], 'completed_at_ns', ARGV[5])
        redis.call('HDEL', job, 'entry', 'consumer')
        redis.call('PEXPIRE', job, ARGV[7])
        redis.call('ZADD', failed, ARGV[6], ARGV[2])
        redis.call('ZREMRANGEBYSCORE', failed, '-inf', '(' .. ARGV[8])
        return 'failed'
        """)
}
