/// What a generation call asks the model to continue: a prompt, or a conversation.
enum GenerationPrompt: Sendable {
    struct Message: Sendable, Equatable {
        var role: String
        var content: String
    }

    case text(String)
    case chat([Message])

    /// A deterministic stand-in for the tokenizer: a quarter of the bytes (at least 1), and for
    /// a conversation 4 more per message for the chat template's markers.
    var promptTokens: Int {
        switch self {
        case .text(let prompt):
            return max(1, prompt.utf8.count / 4)
        case .chat(let messages):
            return max(1, messages.reduce(0) { $0 + $1.content.utf8.count / 4 + 4 })
        }
    }

    /// What the text is seeded from; the dialect is not part of it, so vLLM and Ollama routes
    /// say the same words.
    fileprivate var key: String {
        switch self {
        case .text(let prompt):
            return "prompt\u{0}" + prompt
        case .chat(let messages):
            return "chat" + messages.map { "\u{0}\($0.role)\u{1}\($0.content)" }.joined()
        }
    }
}

/// One answer, token by token. `pieces[i]` is what token i adds to the text: one streamed
/// piece each, so a stream of the same request carries exactly these pieces.
struct Generation: Sendable, Equatable {
    var pieces: [String]
    /// "stop" (the model ended, or a stop string was met) or "length" (`max_tokens` ran out).
    var finishReason: String
    /// The stop string that ended the text, as vLLM's `stop_reason` names it.
    var stopString: String?
    var promptTokens: Int

    var completionTokens: Int { pieces.count }
    var text: String { pieces.joined() }
}

/// Deterministic text: the same (model, prompt or messages, seed) gives the same words on both
/// dialects, whole or streamed, so tests can compare what a gateway relays with what the
/// simulator would have said.
enum Generator {
    /// Where an answer ends on its own, when `max_tokens` does not end it first.
    static let naturalLengths = 8...64

    static func generate(model: String, prompt: GenerationPrompt, seed: String?, maxTokens: Int?,
                         stop: [String]) -> Generation {
        var state = Embedder.seed(model: model, text: prompt.key + "\u{0}seed=" + (seed ?? "none"))
        let natural = naturalLengths.lowerBound + Int(next(&state) % UInt64(naturalLengths.count))
        let limit = maxTokens.map { min($0, natural) } ?? natural
        // The natural end is an end-of-sequence token after the last word; a limit reached
        // first (or at the same time) means the model was cut short.
        var finish = if let maxTokens, maxTokens <= natural { "length" } else { "stop" }
        var pieces: [String] = []
        var text: [UInt8] = []
        var stopString: String?
        let longestStop = stop.map(\.utf8.count).max() ?? 0
        while pieces.count < limit {
            let word = words[Int(next(&state) % UInt64(words.count))] + " "
            let searchFrom = max(0, text.count - longestStop + 1)
            pieces.append(word)
            text.append(contentsOf: word.utf8)
            if let (found, at) = firstStop(stop, in: text, from: searchFrom) {
                pieces = truncate(pieces, at: at)
                finish = "stop"
                stopString = found
                break
            }
        }
        return Generation(pieces: pieces, finishReason: finish, stopString: stopString,
                          promptTokens: prompt.promptTokens)
    }

    /// The earliest stop string in `text` starting at or after `from` (earlier starts were
    /// searched after the previous token), with its byte offset.
    private static func firstStop(_ stop: [String], in text: [UInt8], from: Int) -> (String, Int)? {
        var best: (String, Int)?
        for s in stop where !s.isEmpty {
            let needle = Array(s.utf8)
            guard needle.count <= text.count else { continue }
            var i = from
            while i + needle.count <= text.count, i < (best?.1 ?? .max) {
                if text[i..<(i + needle.count)].elementsEqual(needle) {
                    best = (s, i)
                    break
                }
                i += 1
            }
        }
        return best
    }

    /// Keeps every token (each was generated and is counted) but only the text before `offset`,
    /// so a stop string spanning tokens empties the later ones, as vLLM's hold-back would.
    private static func truncate(_ pieces: [String], at offset: Int) -> [String] {
        var start = 0
        return pieces.map { piece in
            let bytes = Array(piece.utf8)
            let keep = max(0, min(bytes.count, offset - start))
            start += bytes.count
            return String(decoding: bytes[..<keep], as: UTF8.self)
        }
    }

    /// splitmix64: cheap, well spread, and the same on every platform.
    private static func next(_ state: inout UInt64) -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// ASCII only, so a piece can be cut at any byte.
    static let words = [
        "the", "model", "server", "answers", "with", "a", "steady", "stream", "of", "plain", "words",
        "while", "gateway", "relays", "each", "token", "to", "its", "client", "and", "counts", "them",
        "carefully", "before", "batch", "queue", "drains", "into", "vector", "store", "under", "load",
        "replica", "breaker", "opens", "when", "upstream", "fails", "retry", "waits", "for", "healthy",
        "pattern", "routes", "every", "request", "through", "one", "core", "on", "three", "protocols",
        "latency", "stays", "low", "enough", "that", "nobody", "notices", "quiet", "night", "shift",
        "again", "today",
    ]
}
