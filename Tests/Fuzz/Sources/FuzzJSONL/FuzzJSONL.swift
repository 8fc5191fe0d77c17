import BatchAPI
import JSON

// The Batch API's input file reader. Invariants (a violation traps):
// - reading never crashes, whatever the bytes;
// - good lines come in increasing line order, within the file's line count, with distinct
//   custom_ids, each body a JSON object;
// - a refused file names at most `reportAtMost` problems, each on a line of the file (or none,
//   for an empty file), in increasing order.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    let lineCount = input.split(separator: 10, omittingEmptySubsequences: false).count
    switch BatchInputParser.parse(input, endpoint: "/v1/embeddings", limits: .init(maxLines: 64, maxLineBytes: 4096),
                                  reportAtMost: 5) {
    case .lines(let lines):
        precondition(!lines.isEmpty, "a good file with no line")
        var previous = 0
        var ids: Set<String> = []
        for l in lines {
            precondition(l.number > previous && l.number <= lineCount, "line numbers out of order or range")
            previous = l.number
            precondition(ids.insert(l.customID).inserted, "a repeated custom_id passed")
            precondition((try? JSON.parse(l.body))?.objectValue != nil, "a body that is not an object passed")
        }
    case .invalid(let errors):
        precondition(!errors.isEmpty && errors.count <= 5, "error count out of bounds")
        var previous = 0
        for e in errors {
            guard let n = e.line else {
                precondition(e.code == "empty_file", "a numberless error other than empty_file")
                continue
            }
            precondition(n >= previous && n >= 1 && n <= lineCount, "error line out of order or range")
            previous = n
        }
    }
    return 0
}
