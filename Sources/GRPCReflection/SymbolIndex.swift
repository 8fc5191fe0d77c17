/// Every fully-qualified name a reflection client may ask `file_containing_symbol` about, mapped
/// to the name of the file that declares it: services, methods (`pkg.Service.Method`), messages
/// and enums at any depth, and (as grpc-go also resolves them) fields and enum values.
public struct SymbolIndex: Sendable {
    public private(set) var files: [String: String] = [:]
    /// Message types only, for `all_extension_numbers_of_type`.
    public private(set) var messageTypes: Set<String> = []

    public init(_ descriptors: [FileDescriptor]) {
        for file in descriptors {
            let prefix = file.package.isEmpty ? "" : file.package + "."
            for m in file.messages { addMessage(m, prefix: prefix, file: file.name) }
            for e in file.enums { addEnum(e, prefix: prefix, file: file.name) }
            for s in file.services {
                let service = prefix + s.name
                files[service] = file.name
                for method in s.methods { files[service + "." + method.name] = file.name }
            }
        }
    }

    public func file(containing symbol: String) -> String? {
        files[symbol]
    }

    public var symbols: [String] { files.keys.sorted() }

    private mutating func addMessage(_ m: MessageDescriptor, prefix: String, file: String) {
        let full = prefix + m.name
        files[full] = file
        messageTypes.insert(full)
        for f in m.fields { files[full + "." + f.name] = file }
        for n in m.nested { addMessage(n, prefix: full + ".", file: file) }
        for e in m.enums { addEnum(e, prefix: full + ".", file: file) }
    }

    /// Enum values are scoped beside their enum, as in C++ (`pkg.Msg.SERVING`), not inside it.
    private mutating func addEnum(_ e: EnumDescriptor, prefix: String, file: String) {
        files[prefix + e.name] = file
        for v in e.values { files[prefix + v.name] = file }
    }
}
