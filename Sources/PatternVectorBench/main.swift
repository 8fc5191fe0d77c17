// Filled in by the vectors benchmark work.
print("pattern-vector-bench: not built yet")
