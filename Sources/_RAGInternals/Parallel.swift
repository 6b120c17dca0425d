// SPDX-License-Identifier: Apache-2.0

#if canImport(Dispatch)
import Dispatch
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Batch work on several threads: how many there are, and one way to fan a loop out over them.
package enum Parallel {
    /// The number of processors currently online (at least 1).
    package static var processorCount: Int {
        #if canImport(Glibc) || canImport(Musl) || canImport(Darwin)
        return max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        #else
        return 1
        #endif
    }

    /// Runs `body(part)` for every `part` in `0..<parts`, concurrently, and returns when all have finished.
    ///
    /// This is the one place where a closure that is not `Sendable` (one that captures buffers or pointers to
    /// write into) crosses to other threads. That is sound under the contract that callers keep: `body` only
    /// reads shared state, and parts write to disjoint memory; the call blocks until every part is done, so
    /// nothing `body` captured can be used from two places at once after it returns. One part runs on the
    /// calling thread when `parts == 1`, without touching Dispatch.
    ///
    /// - Precondition: `parts >= 0`.
    package static func forEach(parts: Int, _ body: (Int) -> Void) {
        precondition(parts >= 0, "parts must not be negative")
        guard parts > 1 else {
            if parts == 1 { body(0) }
            return
        }
        withoutActuallyEscaping(body) { escapable in
            let shared = _UnsafeSendableClosure(escapable)
            DispatchQueue.concurrentPerform(iterations: parts) { part in shared.body(part) }
        }
    }
}

/// The closure of one ``Parallel/forEach(parts:_:)`` call, lent to its worker threads for the call's duration.
private struct _UnsafeSendableClosure: @unchecked Sendable {
    // SAFETY: only created inside `Parallel.forEach`, which blocks until every worker has returned, and whose
    // callers promise disjoint writes; the closure never outlives the call.
    let body: (Int) -> Void

    init(_ body: @escaping (Int) -> Void) {
        self.body = body
    }
}
