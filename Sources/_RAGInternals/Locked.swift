// SPDX-License-Identifier: Apache-2.0

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A value guarded by a POSIX mutex.
///
/// This plays the role of the standard library's `Mutex`, which on Linux locks with raw futex calls that the
/// thread sanitizer cannot see: every access under it is reported as a race (measured with Swift 6.3.1), so
/// `swift test --sanitize=thread` could not check our concurrency at all. `pthread_mutex_lock` is intercepted
/// by the sanitizer, so races it reports here are real.
@safe
package final class Locked<Value>: @unchecked Sendable {
    // SAFETY: `value` is read and written only inside `withLock`, while `mutex` is held; `mutex` itself is
    // immutable after `init` and destroyed only in `deinit`, when no other reference exists.
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    @usableFromInline var value: Value

    /// Creates a lock guarding `value`.
    package init(_ value: Value) {
        self.value = value
        unsafe mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        unsafe mutex.initialize(to: pthread_mutex_t())
        let status = unsafe pthread_mutex_init(mutex, nil)
        precondition(status == 0, "pthread_mutex_init failed with \(status)")
    }

    deinit {
        unsafe pthread_mutex_destroy(mutex)
        unsafe mutex.deinitialize(count: 1)
        unsafe mutex.deallocate()
    }

    /// Runs `body` with exclusive access to the value and returns its result.
    @inlinable
    package func withLock<Result, Failure: Error>(
        _ body: (inout Value) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        lock()
        defer { unlock() }
        return try body(&value)
    }

    @usableFromInline
    func lock() {
        let status = unsafe pthread_mutex_lock(mutex)
        precondition(status == 0, "pthread_mutex_lock failed with \(status)")
    }

    @usableFromInline
    func unlock() {
        let status = unsafe pthread_mutex_unlock(mutex)
        precondition(status == 0, "pthread_mutex_unlock failed with \(status)")
    }
}
