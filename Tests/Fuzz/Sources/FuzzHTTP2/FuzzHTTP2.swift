#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import GatewayHTTP
import Logging
@testable import Transport

// The HTTP/2 entry: the client preface, then the input, written into one end of a socket pair
// whose other end is a Transport `Connection` on a running event loop, exactly as an accepted
// socket is served: protocol sniff, nghttp2 session (`HTTP2Channel`), streams, request bodies,
// handlers, responses and flow control. The handler echoes the body (whole, or streamed for
// paths under /stream). Invariants (a violation traps):
// - nothing crashes (ASan reports memory errors in our callbacks and in nghttp2 alike);
// - the server never wedges: after the client half-closes, the connection closes its side
//   within a few seconds, whatever state the input left its streams in.

private let preface = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)

private let loop: EventLoop = {
    do {
        signal(SIGPIPE, SIG_IGN)
        let loop = try EventLoop(index: 0)
        loop.start()
        return loop
    } catch { fatalError("event loop: \(error)") }
}()

private let server: ServerState = {
    var configuration = ServerConfiguration()
    configuration.http2MaxConcurrentStreams = 16
    configuration.http1Limits = .init(maxHeaderBytes: 4096, maxBodyBytes: 8192)
    configuration.writeHighWaterMark = 4096
    var logger = Logger(label: "fuzz-http2")
    logger.logLevel = .critical
    return ServerState(configuration: configuration, handler: echo, tlsContext: nil, logger: logger)
}()

private let echo: HTTPHandler = { request, writer in
    let body: [UInt8]
    do { body = try await request.body.collect(upTo: 16 * 1024) } catch {
        writer.respond(status: 413, headers: ["content-type": "text/plain"], body: Array("too large".utf8), trailers: nil)
        return
    }
    if request.head.path.hasPrefix("/stream") {
        writer.writeHead(status: 200, headers: ["content-type": "application/octet-stream"])
        do {
            try await writer.write(body)
            try await writer.write(Array(request.head.path.utf8))
        } catch { return }
        writer.finish(trailers: ["x-echo-bytes": String(body.count)])
    } else {
        writer.respond(status: 200, headers: ["x-method": request.head.method], body: body, trailers: nil)
    }
}

/// Lets a loop-confined object cross into a closure that runs on that loop.
private struct OnLoop<T>: @unchecked Sendable { let value: T }

/// Runs `body` on the loop's thread and waits for it.
private func onLoop(_ body: @escaping @Sendable () -> Void) {
    let done = DispatchSemaphore(value: 0)
    loop.execute {
        body()
        done.signal()
    }
    done.wait()
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var fds: [Int32] = [-1, -1]
    guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &fds) == 0 else {
        fatalError("socketpair: \(errno)")
    }
    let (serverFD, clientFD) = (fds[0], fds[1])
    _ = fcntl(serverFD, F_SETFL, fcntl(serverFD, F_GETFL) | O_NONBLOCK)
    _ = fcntl(clientFD, F_SETFL, fcntl(clientFD, F_GETFL) | O_NONBLOCK)

    let connection = OnLoop(value: Connection(fd: serverFD, remote: "fuzz", loop: loop, server: server, acceptsCleartext: true))
    server.connectionOpened()
    onLoop { connection.value.start() }

    let input = preface + Array(UnsafeBufferPointer(start: data, count: size))
    var written = 0
    var halfClosed = false
    var scratch = [UInt8](repeating: 0, count: 64 * 1024)
    var quietPolls = 0
    while true {
        if written == input.count && !halfClosed {
            // Let the loop read it all and run the handlers it started before the client
            // half-closes: two passes, one to read and dispatch, one for the flush after it.
            onLoop {}
            onLoop {}
            shutdown(clientFD, Int32(SHUT_WR))
            halfClosed = true
        }
        var pfd = pollfd(fd: clientFD, events: Int16(POLLIN) | (written < input.count ? Int16(POLLOUT) : 0), revents: 0)
        let ready = poll(&pfd, 1, 100)
        if ready == 0 {
            quietPolls += 1
            precondition(quietPolls < 50, "the connection neither read nor closed for 5 s")
            continue
        }
        quietPolls = 0
        if pfd.revents & Int16(POLLOUT) != 0 && written < input.count {
            let n = input[written...].withUnsafeBytes { send(clientFD, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n > 0 { written += n } else if n < 0 && errno != EAGAIN && errno != EINTR { written = input.count }
        }
        if pfd.revents & Int16(POLLIN | POLLHUP | POLLERR) != 0 {
            let n = read(clientFD, &scratch, scratch.count)
            if n == 0 { break }  // the server closed (or shut down) its side
            if n < 0 && errno != EAGAIN && errno != EINTR { break }
        }
    }
    // The server side goes when the client's close reaches it; make sure it has, so that
    // connections do not pile up across inputs.
    close(clientFD)
    onLoop {}
    onLoop { connection.value.close() }
    return 0
}
