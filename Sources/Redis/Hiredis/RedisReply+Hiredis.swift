import CHiredis

extension RedisReply {
    /// Copies a hiredis reply tree; the caller still frees it with `freeReplyObject`.
    init(_ reply: redisReply) throws(RedisError) {
        switch reply.type {
        case chiredis_reply_status():
            self = .status(String(decoding: RedisReply.bytes(of: reply), as: UTF8.self))
        case chiredis_reply_error():
            self = .error(String(decoding: RedisReply.bytes(of: reply), as: UTF8.self))
        case chiredis_reply_integer():
            self = .integer(Int64(reply.integer))
        case chiredis_reply_string():
            self = .bulk(RedisReply.bytes(of: reply))
        case chiredis_reply_nil():
            // hiredis 0.14 also reports a nil multi-bulk (*-1) this way.
            self = .bulk(nil)
        case chiredis_reply_array():
            var elements: [RedisReply] = []
            elements.reserveCapacity(reply.elements)
            for index in 0..<reply.elements {
                guard let element = reply.element[index] else { throw .protocol("hiredis array with a missing element") }
                elements.append(try RedisReply(element.pointee))
            }
            self = .array(elements)
        default:
            throw .protocol("unsupported reply type \(reply.type)")
        }
    }

    private static func bytes(of reply: redisReply) -> [UInt8] {
        Array(UnsafeRawBufferPointer(start: reply.str, count: reply.len))
    }
}
