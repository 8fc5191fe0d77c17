import CLinux

/// How many parts a big scan is split into: one per CPU this process may run on (its affinity
/// mask, so `taskset -c 0` means one part), at most four; memory bandwidth stops helping there.
enum ScanParallelism {
    static let cpus: Int = max(1, min(4, Int(clinux_available_cpus())))
}
