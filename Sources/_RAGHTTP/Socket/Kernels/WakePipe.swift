// SPDX-License-Identifier: Apache-2.0

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The system calls on the pipe that wakes a ``SocketEventLoop``.
enum WakePipe {
    /// A new pipe's two descriptors, `[read end, write end]`; traps when the system has none left.
    static func open() -> [Int32] {
        var fds: [Int32] = [-1, -1]
        let status = unsafe fds.withUnsafeMutableBufferPointer { unsafe pipe($0.baseAddress!) }
        precondition(status == 0, "pipe() failed: errno \(errno)")
        return fds
    }

    /// Reads and drops every byte waiting in the non-blocking read end `fd`.
    static func drain(_ fd: Int32) {
        var bytes = [UInt8](repeating: 0, count: 64)
        while unsafe bytes.withUnsafeMutableBytes({ unsafe read(fd, $0.baseAddress, $0.count) }) > 0 {}
    }
}
