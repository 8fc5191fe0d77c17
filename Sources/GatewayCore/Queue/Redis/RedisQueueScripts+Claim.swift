import Redis

/// The two steps of a claim: deliver stream entries to a consumer (one script on the stream),
/// then take each delivered job (one script per job hash, pipelined).
extension RedisQueueScripts {
    /// Delivers to the consumer the oldest entries whose texts fit the budget (always one if any
    /// is there): first entries pending longer than the claim timeout (a dead consumer's, or
    /// retried ones), then never-delivered ones. Peeking at sizes (the entry's `n`) and delivering
    /// are one step, so an entry that does not fit is never delivered and none is delivered twice.
    /// KEYS: stream. ARGV: group, consumer, claim timeout ms, budget, window (entries to look at
    /// per phase). Returns entry id, job id, entry id, job id, ...
    static let deliver = RedisScript("""
        local stream, group, consumer = KEYS[1], ARGV[1], ARGV[2]
        local idle, budget, window = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
        redis.pcall('XGROUP', 'CREATE', stream, group, '0', 'MKSTREAM')
        local out, taken, texts = {}, 0, 0
        local function field(fields, name)
          for i = 1, #fields, 2 do if fields[i] == name then return fields[i + 1] end end
          return ''
        end
        -- Whole jobs, oldest first: stop at the first that does not fit.
        local function fits(fields)
          local n = tonumber(field(fields, 'n')) or 1
          if taken > 0 and texts + n > budget then return false end
          taken, texts = taken + 1, texts + n
          return true
        end
        for _, p in ipairs(redis.call('XPENDING', stream, group, 'IDLE', idle, '-', '+', window)) do
          local e = redis.call('XRANGE', stream, p[1], p[1])[1]
          if not e then
            redis.call('XACK', stream, group, p[1])
          else
            if not fits(e[2]) then return out end
            redis.call('XCLAIM', stream, group, consumer, idle, p[1], 'JUSTID')
            out[#out + 1] = p[1]
            out[#out + 1] = field(e[2], 'id')
          end
        end
        if taken > 0 and texts >= budget then return out end
        local last = '0-0'
        for _, g in ipairs(redis.call('XINFO', 'GROUPS', stream)) do
          local info = {}
          for i = 1, #g, 2 do info[g[i]] = g[i + 1] end
          if info['name'] == group then last = info['last-delivered-id'] end
        end
        local fresh = 0
        for _, e in ipairs(redis.call('XRANGE', stream, '(' .. last, '+', 'COUNT', window)) do
          if not fits(e[2]) then break end
          fresh = fresh + 1
          out[#out + 1] = e[1]
          out[#out + 1] = field(e[2], 'id')
        end
        if fresh > 0 then
          redis.call('XREADGROUP', 'GROUP', group, consumer, 'COUNT', fresh, 'STREAMS', stream, '>')
        end
        return out
        """)

    /// Marks one delivered job processing under the consumer and returns its hash (HGETALL), or
    /// nil when the entry is stale: the job finished (a finished job is never redone), moved to
    /// another entry, or its record is gone. A stale entry is acked and deleted.
    /// KEYS: job, counts, stream. ARGV: group, consumer, entry id.
    static let take = RedisScript("""
        local job, counts, stream = KEYS[1], KEYS[2], KEYS[3]
        local group, consumer, entry = ARGV[1], ARGV[2], ARGV[3]
        local state = redis.call('HGET', job, 'state')
        if (state ~= 'queued' and state ~= 'processing') or redis.call('HGET', job, 'entry') ~= entry then
          redis.call('XACK', stream, group, entry)
          redis.call('XDEL', stream, entry)
          return false
        end
        if state == 'queued' then
          redis.call('HINCRBY', counts, 'queued', -1)
          redis.call('HINCRBY', counts, 'processing', 1)
        end
        redis.call('HSET', job, 'state', 'processing', 'consumer', consumer)
        return redis.call('HGETALL', job)
        """)
}
