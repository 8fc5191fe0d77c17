// SwiftPM links an executable target with `--defsym main=<module>_main`, expecting Swift's
// top-level code; built with -parse-as-library the targets have none, and libFuzzer's own main
// is not the one chosen. These are those entry points: each hands the process to libFuzzer's
// driver with the target's LLVMFuzzerTestOneInput (an executable links exactly one).
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_ENTRY(name) \
    int name(int argc, char **argv) { return LLVMFuzzerRunDriver(&argc, &argv, LLVMFuzzerTestOneInput); }

FUZZ_ENTRY(fuzz_http1_main)
FUZZ_ENTRY(fuzz_http2_main)
FUZZ_ENTRY(fuzz_graphql_main)
FUZZ_ENTRY(fuzz_protobuf_main)
FUZZ_ENTRY(fuzz_sse_main)
FUZZ_ENTRY(fuzz_ndjson_main)
FUZZ_ENTRY(fuzz_multipart_main)
FUZZ_ENTRY(fuzz_jsonl_main)
FUZZ_ENTRY(fuzz_websocket_main)
FUZZ_ENTRY(fuzz_traceparent_main)
FUZZ_ENTRY(fuzz_hnswgraph_main)
