/// Which vector store holds the points (`vector_store` in the YAML file; `QDRANT_URL` implies
/// `qdrant`).
public enum VectorStoreKind: String, Sendable, Equatable {
    /// In process, persisted under the data directory.
    case embedded
    /// Qdrant over its REST API, shared by every gateway instance pointed at it.
    case qdrant

    /// Qdrant's own default port on this host: like every other default, never a remote address.
    public static let defaultQdrantURL = "http://127.0.0.1:6333"
}
