import GRPCReflection

/// Server reflection, v1alpha and v1 (identical on the wire) on one implementation: a
/// bidirectional stream answered message by message, ended with OK when the client half-closes.
struct ReflectionMethods: Sendable {
    let service: ReflectionService

    func table() -> [(String, GRPCMethod)] {
        let service = self.service
        let method: GRPCMethod = { call in
            var reader = call.messages()
            while let request = try await reader.next() {
                try await call.responder.send(service.answer(request))
            }
        }
        return [
            ("/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", method),
            ("/grpc.reflection.v1.ServerReflection/ServerReflectionInfo", method),
        ]
    }
}
