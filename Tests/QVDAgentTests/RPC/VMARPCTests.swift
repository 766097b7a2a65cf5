import Testing

/// Every test of the RPC server, run one after another: several measure latency (< 100 ms)
/// and must not compete with the 1 MiB floods of their neighbours for the two CPUs.
@Suite("VMA RPC server", .serialized)
struct VMARPCTests {}
