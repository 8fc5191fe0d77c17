/// Carries a loop-confined object across a `@Sendable` boundary. Its value may be touched only
/// on `loop`'s thread; `run` gets there, directly when already on it.
struct LoopBound<Value: AnyObject>: @unchecked Sendable {
    let loop: EventLoop
    let value: Value

    init(_ value: Value, on loop: EventLoop) {
        self.value = value
        self.loop = loop
    }

    /// Runs `body` with the value on the loop: inline when called on the loop, else queued.
    func run(_ body: @escaping @Sendable (Value) -> Void) {
        if loop.inEventLoop {
            body(value)
        } else {
            let me = self
            loop.execute { body(me.value) }
        }
    }
}
