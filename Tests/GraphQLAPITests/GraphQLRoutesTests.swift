import Testing
@testable import GraphQLAPI
