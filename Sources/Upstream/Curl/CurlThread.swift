#if canImport(Glibc)
import Glibc
#endif

/// The dedicated OS thread that runs a `TransferLoop`. Not a Swift task: curl_multi_poll blocks,
/// and a blocked cooperative-pool thread would stall unrelated async work.
///
/// Runs on: its own pthread, the libcurl thread.
enum CurlThread {
    static func start(_ loop: TransferLoop) throws(UpstreamError) -> pthread_t {
        // The thread owns one reference to the loop until run() returns.
        let retained = Unmanaged.passRetained(loop).toOpaque()
        var thread = pthread_t()
        let rc = pthread_create(
            &thread, nil,
            { argument in
                let loop = Unmanaged<TransferLoop>.fromOpaque(argument!).takeRetainedValue()
                loop.run()
                return nil
            }, retained)
        guard rc == 0 else {
            Unmanaged<TransferLoop>.fromOpaque(retained).release()
            throw UpstreamError(kind: .transport, message: "cannot start the upstream thread: error \(rc)")
        }
        return thread
    }
}
