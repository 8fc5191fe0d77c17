import CHiredis

#if canImport(Glibc)
import Glibc
#endif

/// One synchronous hiredis connection, the sole owner of its `redisContext` (and, through it, of
/// the socket: only `redisFree` closes it). Every call blocks for up to the timeout, so it is
/// confined to its pool thread and is not Sendable.
///
/// Runs on: its pool slot's thread only.
final class HiredisConnection {
    private let context: UnsafeMutablePointer<redisContext>
    /// The socket timeout now set, so a job with the default timeout costs no setsockopt.
    private var timeout: Double

    private init(_ context: UnsafeMutablePointer<redisContext>, timeout: Double) {
        self.context = context
        self.timeout = timeout
    }

    deinit {
        redisFree(context)
    }

    /// Connects, sets the command timeout, then logs in and selects the database. Every failure
    /// is `.unavailable`: to callers a server they cannot log in to is as absent as a dead one.
    static func open(_ endpoint: RedisURL, connectTimeout: Double, commandTimeout: Double) throws(RedisError) -> HiredisConnection {
        let target = "\(endpoint.host):\(endpoint.port)"
        guard let context = redisConnectWithTimeout(endpoint.host, Int32(endpoint.port), timeval(seconds: connectTimeout)) else {
            throw .unavailable("connect to \(target): cannot allocate a hiredis context")
        }
        if context.pointee.err != 0 {
            let error = RedisError.hiredis(context, errno: 0)
            redisFree(context)
            throw .unavailable("connect to \(target): \(error.message)")
        }
        // From here deinit frees the context on every exit.
        let connection = HiredisConnection(context, timeout: commandTimeout)
        do throws(RedisError) {
            try connection.setTimeout(commandTimeout)
            // Finds a peer that vanished without a FIN (power loss, partition) while idle.
            _ = redisEnableKeepAlive(context)
            try connection.logIn(endpoint)
        } catch {
            throw .unavailable("connect to \(target): \(error.message)")
        }
        return connection
    }

    private func logIn(_ endpoint: RedisURL) throws(RedisError) {
        var setup: [[String]] = []
        if let password = endpoint.password {
            setup.append(["AUTH"] + (endpoint.username.map { [$0] } ?? []) + [password])
        }
        if endpoint.database != 0 { setup.append(["SELECT", String(endpoint.database)]) }
        guard !setup.isEmpty else { return }
        let replies = try execute(setup.map { $0.map { Array($0.utf8) } }, timeout: timeout)
        for (command, reply) in zip(setup, replies) {
            if case .error(let message) = reply { throw .server("\(command[0]): \(message)") }
        }
    }

    /// Sends the commands in one write and reads one reply per command, in order. A thrown error
    /// leaves the connection in an unknown state (a reply may still be on its way): drop it.
    func execute(_ commands: [[[UInt8]]], timeout: Double) throws(RedisError) -> [RedisReply] {
        if timeout != self.timeout { try setTimeout(timeout) }
        for command in commands { try append(command) }
        var replies: [RedisReply] = []
        replies.reserveCapacity(commands.count)
        for _ in commands { replies.append(try nextReply()) }
        return replies
    }

    /// True when the socket is readable while no command is outstanding. Redis sends nothing
    /// unasked on a RESP2 connection, so that is the server closing it (or garbage): either way
    /// the connection is unusable, and finding out now keeps `isConnected` honest.
    var peerClosedWhileIdle: Bool {
        var descriptor = pollfd(fd: context.pointee.fd, events: Int16(POLLIN), revents: 0)
        return poll(&descriptor, 1, 0) > 0
    }

    private func setTimeout(_ seconds: Double) throws(RedisError) {
        guard redisSetTimeout(context, timeval(seconds: seconds)) == chiredis_ok() else {
            throw .hiredis(context, errno: errno)
        }
        timeout = seconds
    }

    /// Formats one argv command into hiredis's output buffer; nothing is sent yet.
    private func append(_ arguments: [[UInt8]]) throws(RedisError) {
        precondition(!arguments.isEmpty, "a Redis command needs at least its name")
        // One buffer for all arguments, so a single closure keeps every argv pointer valid.
        // The trailing 0 keeps it non-empty, so its base address is never nil.
        var flat: [UInt8] = []
        flat.reserveCapacity(arguments.reduce(1) { $0 + $1.count })
        var offsets: [Int] = []
        var lengths: [Int] = []
        for argument in arguments {
            offsets.append(flat.count)
            lengths.append(argument.count)
            flat += argument
        }
        flat.append(0)
        let result = flat.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                var argv: [UnsafePointer<CChar>?] = offsets.map { chars.baseAddress! + $0 }
                // hiredis copies the arguments into its output buffer before returning.
                return redisAppendCommandArgv(context, Int32(arguments.count), &argv, lengths)
            }
        }
        guard result == chiredis_ok() else { throw .hiredis(context, errno: errno) }
    }

    /// Flushes pending commands if needed and blocks for the next reply.
    private func nextReply() throws(RedisError) -> RedisReply {
        var reply: UnsafeMutablePointer<redisReply>?
        var savedErrno: Int32 = 0
        guard chiredis_get_reply(context, &reply, &savedErrno) == chiredis_ok() else {
            throw .hiredis(context, errno: savedErrno)
        }
        guard let reply else { throw .protocol("hiredis returned no reply") }
        defer { freeReplyObject(reply) }
        return try RedisReply(reply.pointee)
    }
}

extension timeval {
    fileprivate init(seconds: Double) {
        let whole = seconds.rounded(.down)
        self.init(tv_sec: Int(whole), tv_usec: Int((seconds - whole) * 1_000_000))
    }
}
