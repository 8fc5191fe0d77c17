import COpenSSL

/// Application protocol names in ALPN's wire format: each name prefixed by its length byte.
struct ALPNProtocolList: Sendable {
    let wire: [UInt8]

    init(_ names: [String]) throws(TLSError) {
        var wire: [UInt8] = []
        for name in names {
            let count = name.utf8.count
            guard (1...255).contains(count) else {
                throw TLSError("ALPN protocol name must be 1 to 255 bytes long: \"\(name)\"")
            }
            wire.append(UInt8(count))
            wire.append(contentsOf: name.utf8)
        }
        self.wire = wire
    }

    /// Where, in `offered` (a client's list in wire format), our most preferred protocol that the
    /// client also speaks sits; nil when there is no overlap.
    ///
    /// Server preference rather than client preference, so that a client listing http/1.1 first
    /// still gets h2 from us. Both lists are a handful of short names: a nested scan beats a set.
    func select(from offered: UnsafeBufferPointer<UInt8>) -> Range<Int>? {
        wire.withUnsafeBufferPointer { ours in
            var mine = 0
            while mine < ours.count {
                let mineEnd = mine + 1 + Int(ours[mine])
                let wanted = UnsafeBufferPointer(rebasing: ours[(mine + 1)..<mineEnd])
                var theirs = 0
                // OpenSSL has validated the client's list, but a truncated entry must still not be read past.
                while theirs < offered.count, theirs + 1 + Int(offered[theirs]) <= offered.count {
                    let candidate = (theirs + 1)..<(theirs + 1 + Int(offered[theirs]))
                    if candidate.count == wanted.count, offered[candidate].elementsEqual(wanted) {
                        return candidate
                    }
                    theirs = candidate.upperBound
                }
                mine = mineEnd
            }
            return nil
        }
    }
}

/// Owns the server's protocol list on behalf of OpenSSL's select callback, which receives it as
/// user data and may run on any event loop thread at once; it is immutable for that reason.
final class ALPNSelector: Sendable {
    let preference: ALPNProtocolList

    init(preference: ALPNProtocolList) {
        self.preference = preference
    }

    /// Installs the callback; the context keeps `retained` until after SSL_CTX_free.
    static func install(on context: OpaquePointer, retained: Unmanaged<ALPNSelector>) {
        SSL_CTX_set_alpn_select_cb(context, alpnSelectTrampoline, retained.toOpaque())
    }
}

/// Answers a ClientHello's ALPN offer. No overlap is NOACK rather than a fatal alert: a client that
/// speaks only protocols we do not list still gets a connection and, by default, HTTP/1.1.
private func alpnSelectTrampoline(
    _ ssl: OpaquePointer?,
    _ out: UnsafeMutablePointer<UnsafePointer<UInt8>?>?,
    _ outLength: UnsafeMutablePointer<UInt8>?,
    _ offered: UnsafePointer<UInt8>?,
    _ offeredLength: UInt32,
    _ userData: UnsafeMutableRawPointer?
) -> Int32 {
    guard let out, let outLength, let offered, let userData else { return copenssl_tlsext_err_noack() }
    let selector = Unmanaged<ALPNSelector>.fromOpaque(userData).takeUnretainedValue()
    let offer = UnsafeBufferPointer(start: offered, count: Int(offeredLength))
    guard let chosen = selector.preference.select(from: offer) else { return copenssl_tlsext_err_noack() }
    // Pointing into the client's list is what OpenSSL expects; it copies the name before the list goes.
    out.pointee = offered + chosen.lowerBound
    outLength.pointee = UInt8(chosen.count)
    return copenssl_tlsext_err_ok()
}
