extension Parser {
    /// SelectionSet : { Selection+ }
    ///
    /// Selection :
    ///   - Field
    ///   - FragmentSpread
    ///   - InlineFragment
    ///
    /// The released spec (October 2021) and graphql-js 16 refuse `{ }`: a `}` where the first
    /// selection belongs is read as a field and fails as "Expected Name, found '}'." at the brace.
    /// graphql-core 3.3 accepts it by default, after a draft (graphql-spec PR 1227) that is not
    /// part of any released spec; its `allow_empty_selection_sets=False` gives these answers.
    ///
    /// Nested selection sets are parsed with an explicit stack rather than by recursion, so the
    /// depth of a request costs heap, not stack (debug builds spend kilobytes of stack per call).
    mutating func parseSelectionSet() throws(GraphQLError) -> SelectionSet {
        var enclosing: [OpenSelectionSet] = []
        var current = try openSelectionSet(for: .root)
        while true {
            if token.kind == .braceR && !current.selections.isEmpty {
                try advance()
                leaveNesting()
                // Moved, not copied: the finished selections and the owner's field go into the parent.
                let closed = consume current
                let selectionSet = SelectionSet(selections: closed.selections, location: closed.location)
                guard var parent = enclosing.popLast() else { return selectionSet }
                parent.selections.append(closed.owner.selection(with: selectionSet))
                current = parent
            } else if token.kind == .spread {
                let spread = try expect(.spread)
                let hasTypeCondition = try expectOptionalKeyword("on")
                if !hasTypeCondition && peek(.name) {
                    current.selections.append(.fragmentSpread(try parseFragmentSpread(at: spread.location)))
                } else {
                    let (typeCondition, directives) = try parseInlineFragmentHeader(hasTypeCondition: hasTypeCondition)
                    enclosing.append(consume current)
                    current = try openSelectionSet(for: .inlineFragment(typeCondition, directives, spread.location))
                }
            } else {
                let field = try parseFieldWithoutSelectionSet()
                if peek(.braceL) {
                    enclosing.append(consume current)
                    current = try openSelectionSet(for: .field(field))
                } else {
                    current.selections.append(.field(field))
                }
            }
        }
    }

    /// Consumes the `{` of a selection set, counting it toward the nesting limit first.
    private mutating func openSelectionSet(for owner: SelectionSetOwner) throws(GraphQLError) -> OpenSelectionSet {
        try enterNesting()
        let brace = try expect(.braceL)
        return OpenSelectionSet(owner: owner, location: brace.location)
    }

    /// Field : Alias? Name Arguments? Directives? SelectionSet?
    ///
    /// Alias : Name :
    ///
    /// Everything but the selection set, which `parseSelectionSet` reads.
    private mutating func parseFieldWithoutSelectionSet() throws(GraphQLError) -> Field {
        let nameOrAlias = try parseName()
        let alias: Name?
        let name: Name
        if try expectOptional(.colon) {
            alias = nameOrAlias
            name = try parseName()
        } else {
            alias = nil
            name = nameOrAlias
        }
        let arguments = try parseArguments(isConst: false)
        let directives = try parseDirectives(isConst: false)
        return Field(
            alias: alias, name: name, arguments: arguments, directives: directives, selectionSet: nil,
            location: nameOrAlias.location)
    }

    /// FragmentSpread : ... FragmentName Directives?
    ///
    /// After the `...`, when no `on` follows and a name does.
    private mutating func parseFragmentSpread(at location: SourceLocation) throws(GraphQLError) -> FragmentSpread {
        let name = try parseFragmentName()
        return FragmentSpread(name: name, directives: try parseDirectives(isConst: false), location: location)
    }

    /// InlineFragment : ... TypeCondition? Directives? SelectionSet
    ///
    /// The type condition's name and the directives; `on` is already consumed when present.
    private mutating func parseInlineFragmentHeader(hasTypeCondition: Bool) throws(GraphQLError) -> (Name?, [Directive])
    {
        let typeCondition = hasTypeCondition ? try parseName() : nil
        return (typeCondition, try parseDirectives(isConst: false))
    }

    /// FragmentDefinition : Description? fragment FragmentName TypeCondition Directives? SelectionSet
    ///
    /// TypeCondition : on NamedType
    mutating func parseFragmentDefinition() throws(GraphQLError) -> FragmentDefinition {
        _ = try parseDescription()
        let location = token.location
        try expectKeyword("fragment")
        let name = try parseFragmentName()
        try expectKeyword("on")
        let typeCondition = try parseName()
        let directives = try parseDirectives(isConst: false)
        return FragmentDefinition(
            name: name, typeCondition: typeCondition, directives: directives, selectionSet: try parseSelectionSet(),
            location: location)
    }

    /// FragmentName : Name but not `on`
    mutating func parseFragmentName() throws(GraphQLError) -> Name {
        if token.kind == .name && token.value == "on" { throw unexpected() }
        return try parseName()
    }
}

/// What a selection set being parsed belongs to, waiting for its `}`.
private enum SelectionSetOwner {
    case root
    case field(Field)
    case inlineFragment(Name?, [Directive], SourceLocation)

    /// The finished selection that owns `selectionSet`.
    consuming func selection(with selectionSet: SelectionSet) -> Selection {
        switch self {
        case .root:
            preconditionFailure("the root selection set has no enclosing selection")
        case .field(var field):
            field.selectionSet = selectionSet
            return .field(field)
        case .inlineFragment(let typeCondition, let directives, let location):
            return .inlineFragment(
                InlineFragment(
                    typeCondition: typeCondition, directives: directives, selectionSet: selectionSet, location: location
                ))
        }
    }
}

/// A selection set whose `{` is read and whose `}` is not yet.
private struct OpenSelectionSet {
    var owner: SelectionSetOwner
    var location: SourceLocation
    var selections: [Selection] = []
}
