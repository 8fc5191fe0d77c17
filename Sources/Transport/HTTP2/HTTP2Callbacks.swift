import CNghttp2

/// nghttp2's callbacks, set once for the process. Each is a non-capturing trampoline that
/// recovers the `HTTP2Channel` from the session's user data (passed unretained: the channel
/// outlives its session, which it deletes in deinit).
///
/// Runs on: the event loop of the channel whose session calls them.
enum HTTP2Callbacks {
    nonisolated(unsafe) static let shared: OpaquePointer = {
        var cbs: OpaquePointer?
        precondition(nghttp2_session_callbacks_new(&cbs) == 0, "nghttp2_session_callbacks_new")
        nghttp2_session_callbacks_set_on_begin_headers_callback(cbs) { _, frame, user in
            guard let frame, let user else { return 0 }
            return channel(user).onBeginHeaders(frame)
        }
        nghttp2_session_callbacks_set_on_header_callback(cbs) { _, frame, name, namelen, value, valuelen, _, user in
            guard let frame, let name, let value, let user else { return 0 }
            return channel(user).onHeader(frame, UnsafeBufferPointer(start: name, count: namelen),
                                          UnsafeBufferPointer(start: value, count: valuelen))
        }
        nghttp2_session_callbacks_set_on_frame_recv_callback(cbs) { _, frame, user in
            guard let frame, let user else { return 0 }
            return channel(user).onFrameReceived(frame)
        }
        nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cbs) { _, _, streamID, data, len, user in
            guard let data, let user else { return 0 }
            return channel(user).onData(streamID, UnsafeBufferPointer(start: data, count: len))
        }
        nghttp2_session_callbacks_set_on_frame_send_callback(cbs) { _, frame, user in
            guard let frame, let user else { return 0 }
            return channel(user).onFrameSent(frame)
        }
        nghttp2_session_callbacks_set_on_stream_close_callback(cbs) { _, streamID, errorCode, user in
            guard let user else { return 0 }
            return channel(user).onStreamClose(streamID, errorCode: errorCode)
        }
        return cbs!
    }()

    /// Sessions take their flow-control windows from what handlers read, not from what arrived.
    nonisolated(unsafe) static let options: OpaquePointer = {
        var opt: OpaquePointer?
        precondition(nghttp2_option_new(&opt) == 0, "nghttp2_option_new")
        nghttp2_option_set_no_auto_window_update(opt, 1)
        return opt!
    }()

    @inline(__always)
    static func channel(_ user: UnsafeMutableRawPointer) -> HTTP2Channel {
        Unmanaged<HTTP2Channel>.fromOpaque(user).takeUnretainedValue()
    }

    /// The data provider's read callback: copies queued response bytes of a stream.
    static let readCallback: nghttp2_data_source_read_callback = { _, streamID, buf, length, flags, _, user in
        guard let buf, let flags, let user else { return Int(NGHTTP2_ERR_CALLBACK_FAILURE.rawValue) }
        return channel(user).readResponseBody(streamID, into: UnsafeMutableRawBufferPointer(start: buf, count: length), flags: flags)
    }
}
