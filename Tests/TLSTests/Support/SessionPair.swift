import TLS
import Testing

/// One side of an in-memory connection and everything it has seen.
struct Endpoint {
    let session: TLSSession
    var received: [UInt8] = []
    var state: TLSReadState = .open
    var error: TLSError?

    mutating func receive(_ ciphertext: [UInt8], piece: Int = .max) {
        var start = 0
        while start < ciphertext.count {
            let end = start + min(piece, ciphertext.count - start)
            session.feed(ciphertext[start..<end])
            start = end
            // Like the event loop: a failed session is only drained (for its alert), never read again.
            guard error == nil else { continue }
            do {
                state = try session.readPlaintext(into: &received)
            } catch {
                self.error = error
            }
        }
    }
}

/// A client and a server session wired back to back, the way two event loops would be.
struct SessionPair {
    var client: Endpoint
    var server: Endpoint

    init(server: TLSContext, client: TLSContext, serverName: String? = "localhost") throws(TLSError) {
        self.server = Endpoint(session: try TLSSession(context: server))
        self.client = Endpoint(session: try TLSSession(context: client, serverName: serverName))
    }

    /// Moves ciphertext both ways until neither side has anything more to say, in pieces of at most
    /// `piece` bytes, as a socket might split it.
    mutating func pump(piece: Int = .max, sourceLocation: SourceLocation = #_sourceLocation) {
        var bytes: [UInt8] = []
        for _ in 0..<10_000 {
            bytes.removeAll(keepingCapacity: true)
            client.session.drainCiphertext(into: &bytes)
            let clientSpoke = !bytes.isEmpty
            if clientSpoke { server.receive(bytes, piece: piece) }

            bytes.removeAll(keepingCapacity: true)
            server.session.drainCiphertext(into: &bytes)
            let serverSpoke = !bytes.isEmpty
            if serverSpoke { client.receive(bytes, piece: piece) }

            if !clientSpoke && !serverSpoke { return }
        }
        Issue.record("the sessions never went quiet", sourceLocation: sourceLocation)
    }

    var bothSucceeded: Bool {
        client.error == nil && server.error == nil
            && client.session.isHandshakeComplete && server.session.isHandshakeComplete
    }
}
