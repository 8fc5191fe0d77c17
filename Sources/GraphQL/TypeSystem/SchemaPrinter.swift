/// Prints a schema back as SDL exactly as graphql-core's `print_schema` does: the schema
/// definition only when the root types are not named Query/Mutation/Subscription (or there is a
/// description), then the non-specified directives, then every type except the built-in scalars
/// and the introspection types, in `typeNames` order, separated by blank lines.
public enum SchemaPrinter {
    public static func print(_ schema: GraphQLSchema) -> String {
        var blocks: [String] = []
        if let definition = schemaDefinition(schema) { blocks.append(definition) }
        for directive in schema.directives where !SpecifiedDirectives.isSpecified(directive.name) {
            blocks.append(printDirective(directive))
        }
        for type in schema.types where !BuiltInScalars.isBuiltIn(type.name) && !IntrospectionTypes.names.contains(type.name) {
            blocks.append(printType(type))
        }
        return blocks.joined(separator: "\n\n")
    }

    /// The introspection types and the specified directives (graphql-core's `print_introspection_schema`).
    static func printIntrospectionSchema(_ schema: GraphQLSchema) -> String {
        let directives = schema.directives.filter { SpecifiedDirectives.isSpecified($0.name) }.map(printDirective)
        let types = schema.types.filter { IntrospectionTypes.names.contains($0.name) }.map(printType)
        return (directives + types).joined(separator: "\n\n")
    }

    private static func schemaDefinition(_ schema: GraphQLSchema) -> String? {
        let hasDefaultNames =
            schema.queryType == "Query" && (schema.mutationType ?? "Mutation") == "Mutation"
            && (schema.subscriptionType ?? "Subscription") == "Subscription"
            && (schema.mutationType != nil || schema.type(named: "Mutation") == nil)
            && (schema.subscriptionType != nil || schema.type(named: "Subscription") == nil)
        if schema.description == nil && hasDefaultNames { return nil }
        var text = description(schema.description) + "schema {\n"
        text += "  query: \(schema.queryType)\n"
        if let mutation = schema.mutationType { text += "  mutation: \(mutation)\n" }
        if let subscription = schema.subscriptionType { text += "  subscription: \(subscription)\n" }
        return text + "}"
    }

    static func printType(_ type: GraphQLNamedType) -> String {
        let head = description(type.description)
        switch type.kind {
        case .scalar(let url):
            return head + "scalar \(type.name)" + (url.map { " @specifiedBy(url: \(Printer.printString($0)))" } ?? "")
        case .object(let fields, let interfaces):
            return head + "type \(type.name)" + implements(interfaces) + printFields(fields)
        case .interface(let fields, let interfaces):
            return head + "interface \(type.name)" + implements(interfaces) + printFields(fields)
        case .union(let members):
            return head + "union \(type.name)" + (members.isEmpty ? "" : " = " + members.joined(separator: " | "))
        case .enumeration(let values):
            let items = values.enumerated().map { index, value in
                description(value.description, indentation: "  ", firstInBlock: index == 0) + "  \(value.name)"
                    + deprecated(value.deprecationReason)
            }
            return head + "enum \(type.name)" + block(items)
        case .inputObject(let fields):
            let items = fields.enumerated().map { index, field in
                description(field.description, indentation: "  ", firstInBlock: index == 0) + "  " + inputValue(field)
            }
            return head + "input \(type.name)" + (type.isOneOf ? " @oneOf" : "") + block(items)
        }
    }

    private static func implements(_ interfaces: [String]) -> String {
        interfaces.isEmpty ? "" : " implements " + interfaces.joined(separator: " & ")
    }

    private static func printFields(_ fields: [GraphQLField]) -> String {
        block(
            fields.enumerated().map { index, field in
                description(field.description, indentation: "  ", firstInBlock: index == 0) + "  \(field.name)"
                    + arguments(field.arguments, indentation: "  ") + ": \(field.type)" + deprecated(field.deprecationReason)
            })
    }

    private static func block(_ items: [String]) -> String {
        items.isEmpty ? "" : " {\n" + items.joined(separator: "\n") + "\n}"
    }

    /// On one line when no argument has a description, else one per line.
    private static func arguments(_ arguments: [GraphQLInputValue], indentation: String = "") -> String {
        if arguments.isEmpty { return "" }
        if arguments.allSatisfy({ $0.description == nil }) {
            return "(" + arguments.map(inputValue).joined(separator: ", ") + ")"
        }
        let lines = arguments.enumerated().map { index, argument in
            description(argument.description, indentation: "  " + indentation, firstInBlock: index == 0) + "  " + indentation
                + inputValue(argument)
        }
        return "(\n" + lines.joined(separator: "\n") + "\n\(indentation))"
    }

    private static func inputValue(_ value: GraphQLInputValue) -> String {
        var text = "\(value.name): \(value.type)"
        if let defaultValue = value.defaultValue { text += " = " + Printer.print(defaultValue) }
        return text + deprecated(value.deprecationReason)
    }

    static func printDirective(_ directive: GraphQLDirective) -> String {
        description(directive.description) + "directive @\(directive.name)" + arguments(directive.arguments)
            + (directive.isRepeatable ? " repeatable" : "") + " on "
            + directive.locations.map(\.rawValue).joined(separator: " | ")
    }

    private static func deprecated(_ reason: String?) -> String {
        guard let reason else { return "" }
        if reason == SpecifiedDirectives.defaultDeprecationReason { return " @deprecated" }
        return " @deprecated(reason: \(Printer.printString(reason)))"
    }

    private static func description(_ text: String?, indentation: String = "", firstInBlock: Bool = true) -> String {
        guard let text else { return "" }
        let literal =
            DescriptionPrinting.isPrintableAsBlockString(text) ? BlockString.print(text) : Printer.printString(text)
        let prefix = !indentation.isEmpty && !firstInBlock ? "\n" + indentation : indentation
        return prefix + literal.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\n" + indentation) + "\n"
    }
}
