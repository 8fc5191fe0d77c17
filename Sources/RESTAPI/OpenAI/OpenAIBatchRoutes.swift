import BatchAPI
import GatewayCore
import GatewayHTTP
import JSON

/// The OpenAI Batch API (spec §8): `/v1/files` (multipart upload, retrieve, content, delete) and
/// `/v1/batches` (create, retrieve, list with a cursor, cancel), in OpenAI's shapes. The work is
/// the `BatchService`'s; these only translate.
/// Runs on: the request's handler task; file bytes are written on the blocking pool (or Redis).
struct OpenAIBatchRoutes: Sendable {
    let service: BatchService

    // MARK: files

    func uploadFile(_ request: Request, _ context: RequestContext) async -> Reply {
        let limit = service.limits.maxFileBytes + 64 << 10  // the file and the form's framing
        guard let body = try? await request.body.collect(upTo: limit) else {
            return .openAIError(OpenAIError(GatewayError(.payloadTooLarge, "the file is larger than \(service.limits.maxFileBytes) bytes",
                                                         details: [("field", "file")])))
        }
        do throws(GatewayError) {
            guard let boundary = request.head.headers["content-type"].flatMap(MultipartForm.boundary(contentType:)) else {
                throw .invalid("the upload must be multipart/form-data with a file and a purpose", field: "file")
            }
            let parts: [MultipartForm.Part]
            do { parts = try MultipartForm.parse(body, boundary: boundary) } catch {
                throw .invalid("the multipart body cannot be read: \(error)", field: "file")
            }
            guard let file = parts.first(where: { $0.name == "file" }) else { throw .invalid("file is required", field: "file") }
            guard let purpose = parts.first(where: { $0.name == "purpose" }) else {
                throw .invalid("purpose is required", field: "purpose")
            }
            let stored = try await service.createFile(filename: file.filename ?? "file", purpose: String(decoding: purpose.body, as: UTF8.self),
                                                      content: file.body)
            return .json(200, Self.file(stored))
        } catch {
            return .openAIError(OpenAIError(error))
        }
    }

    func file(_ request: Request, _ context: RequestContext) async -> Reply {
        do throws(GatewayError) {
            return .json(200, Self.file(try await service.file(id: context.parameters["file_id"])))
        } catch {
            return .openAIError(OpenAIError(error))
        }
    }

    func fileContent(_ request: Request, _ context: RequestContext) async -> Reply {
        do throws(GatewayError) {
            let bytes = try await service.fileContent(id: context.parameters["file_id"])
            var headers = HTTPHeaders()
            headers.add("Content-Type", "application/octet-stream")
            return Reply(status: 200, headers: headers, body: bytes)
        } catch {
            return .openAIError(OpenAIError(error))
        }
    }

    func deleteFile(_ request: Request, _ context: RequestContext) async -> Reply {
        let id = context.parameters["file_id"]
        do throws(GatewayError) {
            try await service.deleteFile(id: id)
            return .json(200, JSON.serialize(["id": .string(id), "object": "file", "deleted": true]))
        } catch {
            return .openAIError(OpenAIError(error))
        }
    }

    static func file(_ f: StoredFile) -> [UInt8] {
        JSON.serialize(["id": .string(f.id), "object": "file", "bytes": .number(JSONNumber(f.bytes)),
                        "created_at": .number(JSONNumber(Int(f.createdAt))), "filename": .string(f.filename),
                        "purpose": .string(f.purpose), "status": "processed"])
    }

    // MARK: batches

    func createBatch(_ request: Request, _ context: RequestContext) async -> Reply {
        let body = (try? await request.body.collect(upTo: 1 << 20)) ?? []
        do throws(GatewayError) {
            let o = try JSONBody.object(body)
            guard let input = o["input_file_id"]?.stringValue else { throw .invalid("input_file_id is required", field: "input_file_id") }
            guard let endpoint = o["endpoint"]?.stringValue else { throw .invalid("endpoint is required", field: "endpoint") }
            guard let window = o["completion_window"]?.stringValue else {
                throw .invalid("completion_window is required", field: "completion_window")
            }
            var metadata: [(String, String)]?
            if let m = o["metadata"], m != .null {
                guard let fields = m.objectValue?.fields, fields.allSatisfy({ $0.value.stringValue != nil }) else {
                    throw .invalid("metadata must be an object of strings", field: "metadata")
                }
                metadata = fields.map { ($0.key, $0.value.stringValue!) }
            }
            let batch = try await service.createBatch(inputFileID: input, endpoint: endpoint, completionWindow: window,
                                                      metadata: metadata)
            return .json(200, batch.json())
        } catch {
            return .openAIError(OpenAIError(error))
        }
    }

    func batch(_ request: Request, _ context: RequestContext) async -> Reply {
        do throws(GatewayError) {
            return .json(200, try await service.batch(id: context.parameters["batch_id"]).json())
        } catch {
            return .openAIError(OpenAIError(error))
        }
    }

    func cancel(_ request: Request, _ context: RequestContext) async -> Reply {
        do throws(GatewayError) {
            return .json(200, try await service.cancel(id: context.parameters["batch_id"]).json())
        } catch {
            return .openAIError(OpenAIError(error))
        }
    }

    /// `?after=<batch id>&limit=<1–100, default 20>`, newest first.
    func list(_ request: Request, _ context: RequestContext) async -> Reply {
        let query = request.head.query
        do throws(GatewayError) {
            var limit = 20
            if let raw = QueryString.value("limit", in: query) {
                guard let n = Int(raw) else { throw .invalid("limit must be an integer", field: "limit") }
                limit = n
            }
            let page = try await service.list(after: QueryString.value("after", in: query), limit: limit)
            var w = JSONWriter(capacity: 512 * page.batches.count + 64)
            w.beginObject()
            w.key("object"); w.string("list")
            w.key("data")
            w.beginArray()
            for b in page.batches { w.raw(b.json()) }
            w.endArray()
            w.key("first_id"); if let f = page.batches.first { w.string(f.id) } else { w.null() }
            w.key("last_id"); if let l = page.batches.last { w.string(l.id) } else { w.null() }
            w.key("has_more"); w.bool(page.hasMore)
            w.endObject()
            return .json(200, w.bytes)
        } catch {
            return .openAIError(OpenAIError(error))
        }
    }
}
