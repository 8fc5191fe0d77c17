import Foundation
import GatewayHTTP
import Testing
@testable import Transport

/// An echo server over WebSocket: "close-me" makes the server close with 4000, "return" makes
/// the handler return; everything else comes back as it came. The recorder gets "finished
/// <closeCode>" when `messages` ends and "send threw" when a send after that fails.
private func echoServer(_ rec: Recorder, _ tweak: @escaping (inout ServerConfiguration) -> Void = { _ in }) throws -> LiveServer {
    try LiveServer.start(tweak) { request, writer in
        guard let key = request.head.headers["sec-websocket-key"],
              let upgradable = writer as? any WebSocketUpgradable,
              let session = upgradable.upgradeToWebSocket(
                  key: key, subprotocol: request.head.headers["sec-websocket-protocol"], headers: ["X-Test": "1"])
        else {
            writer.respond(status: 400, body: Array("no upgrade".utf8))
            return
        }
        for await message in session.messages {
            switch message {
            case .text("close-me"): session.close(code: 4000, reason: "asked")
            case .text("return"): return
            default: try? await session.send(message)
            }
        }
        rec.add("finished \(session.closeCode.map(String.init) ?? "nil")")
        do { try await session.send(.text("too late")) } catch { rec.add("send threw") }
    }
}

@Suite("WebSocket over live sockets", .serialized)
struct WebSocketChannelTests {
    typealias Client = WebSocketTestClient

    /// The server still answers plain HTTP on a fresh connection.
    private func expectHealthy(_ live: LiveServer, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let c = try RawClient(port: live.port)
        c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try c.readResponses(1)[0].status == 400, sourceLocation: sourceLocation)  // no upgrade asked: the handler's 400
    }

    @Test func handshakeIsAnsweredWith101AndTheAcceptValue() throws {
        let rec = Recorder()
        let live = try echoServer(rec)
        defer { live.stop() }
        let c = try Client(port: live.port, extraHeaders: "Sec-WebSocket-Protocol: graphql-transport-ws\r\n")
        #expect(c.response.status == 101)
        #expect(c.response.header("upgrade")?.lowercased() == "websocket")
        #expect(c.response.header("connection")?.lowercased() == "upgrade")
        #expect(c.response.header("sec-websocket-accept") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
        #expect(c.response.header("sec-websocket-protocol") == "graphql-transport-ws")
        #expect(c.response.header("x-test") == "1")
        #expect(c.response.header("content-length") == nil && c.response.header("transfer-encoding") == nil)
    }

    @Test func textAndBinaryAreEchoed() throws {
        let live = try echoServer(Recorder())
        defer { live.stop() }
        let c = try Client(port: live.port)
        let big = (0..<70_000).map { UInt8(truncatingIfNeeded: $0 &* 13) }
        c.send(Client.text("héllo"))
        c.send(Client.frame(0x2, [0, 1, 2, 255]))
        c.send(Client.frame(0x2, big))
        #expect(c.readFrame() == .init(fin: true, opcode: 1, payload: Array("héllo".utf8)))
        #expect(c.readFrame() == .init(fin: true, opcode: 2, payload: [0, 1, 2, 255]))
        #expect(c.readFrame() == .init(fin: true, opcode: 2, payload: big))
    }

    @Test func framesSentWithTheUpgradeRequestAreNotLost() throws {
        let live = try echoServer(Recorder())
        defer { live.stop() }
        let c = try Client(port: live.port, thenSend: Client.text("early"))
        #expect(c.response.status == 101)
        #expect(c.readFrame()?.text == "early")
    }

    @Test func aFragmentedMessageWithAPingBetweenIsEchoedWhole() throws {
        let live = try echoServer(Recorder())
        defer { live.stop() }
        let c = try Client(port: live.port)
        c.send(Client.text("frag", fin: false) + Client.frame(0x9, Array("mid".utf8)) + Client.frame(0x0, Array("men".utf8), fin: false))
        c.send(Client.frame(0x0, Array("ted".utf8)))
        #expect(c.readFrame() == .init(fin: true, opcode: 0xA, payload: Array("mid".utf8)))
        #expect(c.readFrame() == .init(fin: true, opcode: 1, payload: Array("fragmented".utf8)))
    }

    @Test func pingIsAnsweredWithPongCarryingTheSamePayload() throws {
        let live = try echoServer(Recorder())
        defer { live.stop() }
        let c = try Client(port: live.port)
        c.send(Client.frame(0x9, Array("are you there".utf8)))
        #expect(c.readFrame() == .init(fin: true, opcode: 0xA, payload: Array("are you there".utf8)))
    }

    @Test(arguments: [(UInt16(1000), "bye"), (1001, ""), (4001, "app")] as [(UInt16, String)])
    func clientCloseIsEchoedAndTheConnectionCloses(_ code: UInt16, _ reason: String) throws {
        let rec = Recorder()
        let live = try echoServer(rec)
        defer { live.stop() }
        let c = try Client(port: live.port)
        c.send(Client.close(code, reason))
        let (frames, closed) = c.readUntilClosed()
        #expect(frames.map(\.opcode) == [0x8])
        #expect(frames.first?.closeCode == code)
        #expect(closed)
        #expect(rec.wait(for: "finished \(code)"))
        #expect(rec.wait(for: "send threw"))
        try expectHealthy(live)
    }

    @Test func emptyCloseIsAnsweredWith1000AndReportedAs1005() throws {
        let rec = Recorder()
        let live = try echoServer(rec)
        defer { live.stop() }
        let c = try Client(port: live.port)
        c.send(Client.close(nil))
        let (frames, closed) = c.readUntilClosed()
        #expect(frames.first?.closeCode == 1000)
        #expect(closed)
        #expect(rec.wait(for: "finished 1005"))
    }

    @Test func serverCloseWaitsForTheClientsAnswer() throws {
        let rec = Recorder()
        let live = try echoServer(rec)
        defer { live.stop() }
        let c = try Client(port: live.port)
        c.send(Client.text("close-me"))
        let f = c.readFrame()
        #expect(f?.opcode == 0x8)
        #expect(f?.closeCode == 4000)
        #expect(f.map { String(decoding: $0.payload.dropFirst(2), as: UTF8.self) } == "asked")
        c.send(Client.text("crossing"))     // data crossing the close is dropped
        c.send(Client.close(4000))
        let (frames, closed) = c.readUntilClosed()
        #expect(frames.isEmpty)
        #expect(closed)
        #expect(rec.wait(for: "finished 4000"))
    }

    @Test func serverCloseGivesUpOnASilentClientAfterTheGrace() throws {
        let rec = Recorder()
        let live = try echoServer(rec) { $0.webSocket.closeGrace = 0.5 }
        defer { live.stop() }
        let c = try Client(port: live.port)
        c.send(Client.text("close-me"))
        #expect(c.readFrame()?.closeCode == 4000)
        let started = Date()
        let (_, closed) = c.readUntilClosed()
        #expect(closed)
        #expect(Date().timeIntervalSince(started) < 3)
        #expect(rec.wait(for: "finished 4000"))
    }

    /// The protocol errors: the close code and that the TCP connection ends, then a healthy server.
    @Test(arguments: [
        (Client.frame(0x1, Array("plain".utf8), masked: false), UInt16(1002)),
        (Client.frame(0x1, Array("x".utf8), rsv: 0x40), 1002),
        (Client.frame(0x3, []), 1002),
        (Client.frame(0x9, [UInt8](repeating: 0, count: 126)), 1002),
        (Client.frame(0x9, Array("p".utf8), fin: false), 1002),
        (Client.frame(0x0, Array("orphan".utf8)), 1002),
        (Client.text("a", fin: false) + Client.text("b"), 1002),
        (Client.frame(0x8, [0x03]), 1002),
        (Client.close(1005), 1002),
        (Client.close(2999), 1002),
        (Client.frame(0x1, [0x61, 0xED, 0xA0, 0x80]), 1007),
        (Client.text("ok", fin: false) + Client.frame(0x0, [0xC3]), 1007),
        (Client.frame(0x8, [0x03, 0xE8, 0xFF]), 1007),
        (Client.frame(0x2, [UInt8](repeating: 0, count: 1001)), 1009),
        (Client.frame(0x2, [UInt8](repeating: 0, count: 600), fin: false) + Client.frame(0x0, [UInt8](repeating: 0, count: 401)), 1009),
    ] as [([UInt8], UInt16)])
    func protocolErrorsCloseWithTheirCode(_ bytes: [UInt8], _ code: UInt16) throws {
        let rec = Recorder()
        let live = try echoServer(rec) { $0.webSocket.maxMessageBytes = 1000 }
        defer { live.stop() }
        let c = try Client(port: live.port)
        c.send(bytes)
        let (frames, closed) = c.readUntilClosed()
        #expect(frames.last?.opcode == 0x8)
        #expect(frames.last?.closeCode == code)
        #expect(closed)
        #expect(rec.wait(for: "finished \(code)"))
        try expectHealthy(live)
    }

    @Test func anOversizedMessageIsRefusedFromItsHeader() throws {
        let rec = Recorder()
        let live = try echoServer(rec)
        defer { live.stop() }
        let c = try Client(port: live.port)
        // 2 GiB declared; nothing of it sent: the answer cannot depend on the payload arriving.
        c.send([0x82, 0xFF, 0, 0, 0, 0, 0x80, 0, 0, 0, 1, 2, 3, 4])
        let (frames, closed) = c.readUntilClosed()
        #expect(frames.last?.closeCode == 1009)
        #expect(closed)
    }

    @Test func abruptTCPCloseEndsMessagesWith1006() throws {
        let rec = Recorder()
        let live = try echoServer(rec)
        defer { live.stop() }
        do {
            let c = try Client(port: live.port)
            c.send(Client.text("hi"))
            #expect(c.readFrame()?.text == "hi")
        }  // closed here, no close frame
        #expect(rec.wait(for: "finished 1006"))
        #expect(rec.wait(for: "send threw"))
        try expectHealthy(live)
    }

    @Test func handlerReturnClosesWith1000() throws {
        let live = try echoServer(Recorder())
        defer { live.stop() }
        let c = try Client(port: live.port)
        c.send(Client.text("return"))
        let f = c.readFrame()
        #expect(f?.opcode == 0x8)
        #expect(f?.closeCode == 1000)
        c.send(Client.close(1000))
        #expect(c.readUntilClosed().closed)
    }

    @Test func aSilentClientIsPingedAndDroppedWhenItNeverAnswers() throws {
        let rec = Recorder()
        let live = try echoServer(rec) {
            $0.webSocket.pingInterval = 0.5
            $0.webSocket.pongTimeout = 1
        }
        defer { live.stop() }
        let c = try Client(port: live.port)
        let ping = c.readFrame()
        #expect(ping?.opcode == 0x9)
        // Answering keeps it open through the next ping.
        c.send(Client.frame(0xA, ping?.payload ?? []))
        #expect(c.readFrame()?.opcode == 0x9)
        // Not answering gets close 1001, then the socket closes; the session reports 1006.
        let (frames, closed) = c.readUntilClosed()
        #expect(frames.last?.closeCode == 1001)
        #expect(closed)
        #expect(rec.wait(for: "finished 1006"))
    }

    @Test func anUpgradeRequestWithABodyIsRefused() throws {
        let live = try echoServer(Recorder())
        defer { live.stop() }
        let c = try Client(port: live.port, extraHeaders: "Content-Length: 3\r\n", thenSend: Array("abc".utf8))
        #expect(c.response.status == 400)
    }

    @Test func manyMessagesToASlowReaderAreAllDeliveredInOrder() throws {
        let rec = Recorder()
        let live = try LiveServer.start({ $0.webSocket.maxQueuedBytes = 4096 }) { request, writer in
            guard let upgradable = writer as? any WebSocketUpgradable,
                  let session = upgradable.upgradeToWebSocket(key: request.head.headers["sec-websocket-key"] ?? "",
                                                              subprotocol: nil, headers: [:])
            else { return }
            var n = 0
            for await message in session.messages {
                guard case .binary(let b) = message, b.count == 1000, b[0] == UInt8(n % 256) else {
                    rec.add("out of order at \(n)")
                    return
                }
                n += 1
                if n % 50 == 0 { try? await Task.sleep(for: .milliseconds(20)) }
                if n == 500 { try? await session.send(.text("got 500")) }
            }
        }
        defer { live.stop() }
        let c = try Client(port: live.port, receiveTimeout: 20)
        var all: [UInt8] = []
        for i in 0..<500 { all += Client.frame(0x2, [UInt8](repeating: UInt8(i % 256), count: 1000)) }
        c.send(all)
        #expect(c.readFrame()?.text == "got 500")
        #expect(!rec.all.contains { $0.hasPrefix("out of order") })
    }

    @Test func onlyTheHTTP1WriterOffersTheUpgrade() {
        let http1: Any.Type = TransportResponseWriter<HTTP1Channel>.self
        let http2: Any.Type = TransportResponseWriter<HTTP2Channel>.self
        #expect(http1 is any WebSocketUpgradable.Type)
        #expect(!(http2 is any WebSocketUpgradable.Type))
    }

    @Test func gracefulShutdownClosesWith1001() throws {
        let rec = Recorder()
        let live = try echoServer(rec)
        let c = try Client(port: live.port)
        c.send(Client.text("hi"))
        #expect(c.readFrame()?.text == "hi")
        let stopper = Thread { live.stop(grace: 5) }
        stopper.start()
        let f = c.readFrame()
        #expect(f?.closeCode == 1001)
        c.send(Client.close(1001))
        #expect(c.readUntilClosed().closed)
        #expect(rec.wait(for: "finished 1001"))
    }
}
