import Builtin

/// A hint to start loading the cache line at `p` (into every cache level), without waiting for it.
///
/// A graph search knows which rows it will read a little before it reads them (the neighbours
/// it has just found unvisited, the candidate it expands next), but the loads themselves come
/// later, each a miss to DRAM once the graph outgrows the last-level cache. Asking early
/// overlaps those misses with the arithmetic on rows already here. Swift has no prefetch
/// function, so this is LLVM's `llvm.prefetch` through the Builtin module (the package enables
/// it for this target alone); on a CPU without the instruction it compiles to nothing.
@inline(__always)
func prefetch(_ p: UnsafeRawPointer) {
    Builtin.int_prefetch_RawPointer(p._rawValue, Int32(0)._value, Int32(3)._value, Int32(1)._value)
}
