import JSON

/// The documentation of the OpenAI-compatible routes (spec §8); see `APIOperation.gateway`.
extension APIOperation {
    /// OpenAI's SDKs read `id` and `created` from a completion, whichever dialect the upstream spoke.
    static let openAI: [(String, APIOperation)] = [
        ("GET /v1/models", APIOperation(id: "listModels", summary: "The nine models", answers: [.json(200, "the models", "ModelList")])),
        ("GET /v1/models/{model}", APIOperation(id: "retrieveModel", summary: "One model; an alias answers as its canonical name",
                                                answers: [.json(200, "the model", "Model")], errors: [404])),
        ("POST /v1/embeddings", APIOperation(
            id: "createEmbedding", summary: "Embed now (a bulk_only model is 400: use the Batch API)",
            body: .json("EmbeddingsRequest", example: ["model": "general", "input": "hello"]),
            answers: [.json(200, "the embeddings", "EmbeddingList")], errors: modelCallErrors)),
        ("POST /v1/completions", completion(id: "createCompletion", request: "CompletionRequest",
                                            example: ["model": "general", "prompt": "Say hi", "max_tokens": 16])),
        ("POST /v1/chat/completions", completion(id: "createChatCompletion", request: "ChatCompletionRequest",
                                                 example: ["model": "general", "messages": [["role": "user", "content": "Hi"]]])),
    ]

    static let batch: [(String, APIOperation)] = [
        ("POST /v1/files", APIOperation(
            id: "uploadFile", summary: "Upload a JSONL file of batch requests",
            body: RequestBody(mediaType: "multipart/form-data", schema: .ref("FileUpload")),
            answers: [.json(200, "the stored file", "File")], errors: [400, 413, 503])),
        ("GET /v1/files/{file_id}", APIOperation(id: "retrieveFile", summary: "A file's description",
                                                 answers: [.json(200, "the file", "File")], errors: [404, 503])),
        ("DELETE /v1/files/{file_id}", APIOperation(id: "deleteFile", summary: "Delete a file",
                                                    answers: [.json(200, "deleted", "FileDeleted")], errors: [404, 503])),
        ("GET /v1/files/{file_id}/content", APIOperation(id: "retrieveFileContent", summary: "A file's bytes", answers: [
            APIAnswer(status: 200, description: "the file as stored", content: [("application/octet-stream", JSONSchema.string)]),
        ], errors: [404, 503])),
        ("POST /v1/batches", APIOperation(
            id: "createBatch", summary: "Queue every line of an uploaded file",
            body: .json("BatchRequest", example: ["input_file_id": "file-0", "endpoint": "/v1/embeddings", "completion_window": "24h"]),
            answers: [.json(200, "the batch, validating", "Batch")], errors: [400, 404, 429, 503])),
        ("GET /v1/batches", APIOperation(
            id: "listBatches", summary: "Batches, newest first",
            query: [QueryParameter(name: "after", description: "the last batch id of the previous page", schema: JSONSchema.string),
                    QueryParameter(name: "limit", description: "how many, 1 to 100 (default 20)",
                                   schema: JSONSchema.integer(minimum: 1, maximum: 100))],
            answers: [.json(200, "a page of batches", "BatchList")], errors: [400, 503])),
        ("GET /v1/batches/{batch_id}", APIOperation(id: "retrieveBatch", summary: "A batch's state",
                                                    answers: [.json(200, "the batch", "Batch")], errors: [404, 503])),
        ("POST /v1/batches/{batch_id}/cancel", APIOperation(id: "cancelBatch", summary: "Cancel a batch",
                                                            answers: [.json(200, "the batch, cancelling", "Batch")],
                                                            errors: [400, 404, 503])),
    ]

    private static func completion(id: String, request: String, example: JSONValue) -> APIOperation {
        APIOperation(id: id, summary: "Generate now (a bulk_only model is 400: use the Batch API)",
                     body: .json(request, example: example), answers: [
                         APIAnswer(status: 200, description: "the completion; with `stream: true` `data: {chunk}` events ending "
                                   + "with `data: [DONE]`",
                                   content: [("application/json", .ref("Completion")), ("text/event-stream", .ref("CompletionChunkEvent"))]),
                     ], errors: modelCallErrors)
    }
}
