import GatewayCore

/// An instant `seconds` after the origin, for readable state-machine tests.
func instant(_ seconds: Double) -> GatewayInstant {
    GatewayInstant(nanoseconds: Int64((seconds * 1e9).rounded()))
}
