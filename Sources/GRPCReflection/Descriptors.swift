/// A hand-written model of the parts of descriptor.proto that proto3 service definitions use:
/// enough to serve reflection (grpcurl `list`/`describe`) without protoc or codegen.
public struct FileDescriptor: Sendable, Equatable {
    public var name: String
    public var package: String
    public var dependencies: [String]
    public var messages: [MessageDescriptor]
    public var enums: [EnumDescriptor]
    public var services: [ServiceDescriptor]
    public var options: FileOptions?
    public var syntax: String

    public init(
        name: String, package: String, dependencies: [String] = [], messages: [MessageDescriptor] = [],
        enums: [EnumDescriptor] = [], services: [ServiceDescriptor] = [], options: FileOptions? = nil,
        syntax: String = "proto3"
    ) {
        self.name = name
        self.package = package
        self.dependencies = dependencies
        self.messages = messages
        self.enums = enums
        self.services = services
        self.options = options
        self.syntax = syntax
    }
}

/// The FileOptions the grpc-proto files set; nil means "not set", as protoc distinguishes.
public struct FileOptions: Sendable, Equatable {
    public var javaPackage: String?
    public var javaOuterClassname: String?
    public var javaMultipleFiles: Bool?
    public var goPackage: String?
    public var deprecated: Bool?
    public var objcClassPrefix: String?
    public var csharpNamespace: String?

    public init(
        javaPackage: String? = nil, javaOuterClassname: String? = nil, javaMultipleFiles: Bool? = nil,
        goPackage: String? = nil, deprecated: Bool? = nil, objcClassPrefix: String? = nil,
        csharpNamespace: String? = nil
    ) {
        self.javaPackage = javaPackage
        self.javaOuterClassname = javaOuterClassname
        self.javaMultipleFiles = javaMultipleFiles
        self.goPackage = goPackage
        self.deprecated = deprecated
        self.objcClassPrefix = objcClassPrefix
        self.csharpNamespace = csharpNamespace
    }
}

public struct MessageDescriptor: Sendable, Equatable {
    public var name: String
    public var fields: [FieldDescriptor]
    public var nested: [MessageDescriptor]
    public var enums: [EnumDescriptor]
    public var oneofs: [String]
    public var isMapEntry: Bool

    public init(
        _ name: String, fields: [FieldDescriptor] = [], nested: [MessageDescriptor] = [],
        enums: [EnumDescriptor] = [], oneofs: [String] = [], isMapEntry: Bool = false
    ) {
        self.name = name
        self.fields = fields
        self.nested = nested
        self.enums = enums
        self.oneofs = oneofs
        self.isMapEntry = isMapEntry
    }

    /// Adds a `map<K, V>` field as protoc lowers it: a repeated field of a nested `XxxEntry`
    /// message {key = 1, value = 2} marked map_entry. `fullName` is this message's dotted name.
    public mutating func addMap(_ field: String, _ number: Int32, key: FieldType, value: FieldType, fullName: String) {
        let entry = protoCamelCase(field, upperFirst: true) + "Entry"
        nested.append(MessageDescriptor(
            entry, fields: [FieldDescriptor("key", 1, key), FieldDescriptor("value", 2, value)], isMapEntry: true))
        fields.append(FieldDescriptor(field, number, .message(".\(fullName).\(entry)"), label: .repeated))
    }
}

public enum FieldLabel: Int32, Sendable {
    case optional = 1
    case repeated = 3
}

/// A field's type; message and enum types carry their fully-qualified name with the leading dot.
public enum FieldType: Sendable, Equatable {
    case double, float, int64, uint64, int32, bool, string, bytes, uint32
    case message(String)
    case enumeration(String)

    /// FieldDescriptorProto.Type.
    var number: Int32 {
        switch self {
        case .double: 1
        case .float: 2
        case .int64: 3
        case .uint64: 4
        case .int32: 5
        case .bool: 8
        case .string: 9
        case .message: 11
        case .bytes: 12
        case .uint32: 13
        case .enumeration: 14
        }
    }

    var typeName: String? {
        switch self {
        case .message(let n), .enumeration(let n): n
        default: nil
        }
    }
}

public struct FieldDescriptor: Sendable, Equatable {
    public var name: String
    public var number: Int32
    public var type: FieldType
    public var label: FieldLabel
    public var oneofIndex: Int32?
    public var jsonName: String

    public init(_ name: String, _ number: Int32, _ type: FieldType, label: FieldLabel = .optional, oneofIndex: Int32? = nil) {
        self.name = name
        self.number = number
        self.type = type
        self.label = label
        self.oneofIndex = oneofIndex
        jsonName = protoCamelCase(name, upperFirst: false)
    }
}

public struct EnumDescriptor: Sendable, Equatable {
    public var name: String
    public var values: [(name: String, number: Int32)]

    public init(_ name: String, values: [(name: String, number: Int32)]) {
        self.name = name
        self.values = values
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.name == b.name && a.values.elementsEqual(b.values) { $0.name == $1.name && $0.number == $1.number }
    }
}

public struct ServiceDescriptor: Sendable, Equatable {
    public var name: String
    public var methods: [MethodDescriptor]

    public init(_ name: String, methods: [MethodDescriptor]) {
        self.name = name
        self.methods = methods
    }
}

public struct MethodDescriptor: Sendable, Equatable {
    public var name: String
    /// Fully qualified with the leading dot, as in the descriptor.
    public var inputType: String
    public var outputType: String
    public var clientStreaming: Bool
    public var serverStreaming: Bool

    public init(_ name: String, _ inputType: String, _ outputType: String, clientStreaming: Bool = false, serverStreaming: Bool = false) {
        self.name = name
        self.inputType = inputType
        self.outputType = outputType
        self.clientStreaming = clientStreaming
        self.serverStreaming = serverStreaming
    }
}

/// protoc's ToJsonName / ToCamelCase: drop each underscore and capitalize the letter after it.
func protoCamelCase(_ name: String, upperFirst: Bool) -> String {
    var out = ""
    var capitalizeNext = upperFirst
    for c in name {
        if c == "_" {
            capitalizeNext = true
        } else if capitalizeNext {
            out += c.uppercased()
            capitalizeNext = false
        } else {
            out.append(c)
        }
    }
    return out
}
