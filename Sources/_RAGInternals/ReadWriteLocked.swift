// SPDX-License-Identifier: Apache-2.0

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A value guarded by a POSIX readers-writer lock: any number of readers at once, or one writer.
///
/// Like ``Locked`` it uses a pthread primitive, which the thread sanitizer understands. Readers get the value
/// borrowed, writers get it `inout`; keep both critical sections short.
@safe
package final class ReadWriteLocked<Value>: @unchecked Sendable {
    // SAFETY: `value` is read only while the lock is held for reading and written only while it is held for
    // writing; `lock` is immutable after `init` and destroyed only in `deinit`.
    private let lock: UnsafeMutablePointer<pthread_rwlock_t>
    private var value: Value

    /// Creates a lock guarding `value`.
    package init(_ value: Value) {
        self.value = value
        unsafe lock = UnsafeMutablePointer<pthread_rwlock_t>.allocate(capacity: 1)
        unsafe lock.initialize(to: pthread_rwlock_t())
        let status = unsafe pthread_rwlock_init(lock, nil)
        precondition(status == 0, "pthread_rwlock_init failed with \(status)")
    }

    deinit {
        unsafe pthread_rwlock_destroy(lock)
        unsafe lock.deinitialize(count: 1)
        unsafe lock.deallocate()
    }

    /// Runs `body` with shared read access (other readers may run at the same time).
    package func withReadLock<Result, Failure: Error>(
        _ body: (borrowing Value) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        let status = unsafe pthread_rwlock_rdlock(lock)
        precondition(status == 0, "pthread_rwlock_rdlock failed with \(status)")
        defer { unsafe pthread_rwlock_unlock(lock) }
        return try body(value)
    }

    /// Runs `body` with exclusive access.
    package func withWriteLock<Result, Failure: Error>(
        _ body: (inout Value) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        let status = unsafe pthread_rwlock_wrlock(lock)
        precondition(status == 0, "pthread_rwlock_wrlock failed with \(status)")
        defer { unsafe pthread_rwlock_unlock(lock) }
        return try body(&value)
    }
}
