// SPDX-License-Identifier: Apache-2.0

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The kernel side of ``SocketEventLoop``: `epoll` on Linux, `poll(2)` elsewhere (and as the fallback).
///
/// The toolchain's `Glibc` module does not import `<sys/epoll.h>`, and a C target only for three declarations
/// would be one more module in every build, so the three `epoll` calls are looked up once with `dlsym` and called
/// through C function pointers; `struct epoll_event` is packed on x86-64 (12 bytes) and naturally aligned
/// elsewhere (16 bytes), and is read and written byte-wise here. If a symbol is missing the poller uses `poll`.
struct SocketPoller: Sendable {
    private typealias EpollCreate = @convention(c) (Int32) -> Int32
    private typealias EpollControl = @convention(c) (Int32, Int32, Int32, UnsafeMutableRawPointer?) -> Int32
    private typealias EpollWait = @convention(c) (Int32, UnsafeMutableRawPointer?, Int32, Int32) -> Int32

    @safe private struct Epoll: @unchecked Sendable {
        // SAFETY: C function pointers to the C library's own `epoll_ctl` / `epoll_wait`; immutable after init.
        var control: EpollControl
        var wait: EpollWait
        var fd: Int32
    }

    private static let eventIn: UInt32 = 0x001
    private static let eventOut: UInt32 = 0x004
    private static let eventError: UInt32 = 0x008
    private static let eventHangUp: UInt32 = 0x010
    private static let eventOneShot: UInt32 = 1 << 30
    private static let controlAdd: Int32 = 1
    private static let controlDelete: Int32 = 2
    private static let controlModify: Int32 = 3
    #if arch(x86_64)
    private static let eventSize = 12
    private static let dataOffset = 4
    #else
    private static let eventSize = 16
    private static let dataOffset = 8
    #endif

    private let epoll: Epoll?
    private let wakeFD: Int32

    /// The mechanism in use.
    let readiness: SocketReadiness

    init(readiness requested: SocketReadiness, wakeFD: Int32) {
        self.wakeFD = wakeFD
        epoll = requested == .epoll ? Self.makeEpoll(wakeFD: wakeFD) : nil
        readiness = epoll == nil ? .poll : .epoll
    }

    /// Whether the loop must be woken to pick up a new registration (`poll` rebuilds its set every round).
    var needsWakeToArm: Bool { epoll == nil }

    private static func makeEpoll(wakeFD: Int32) -> Epoll? {
        #if os(Linux)
        guard let library = unsafe dlopen(nil, RTLD_NOW),
            let create = unsafe dlsym(library, "epoll_create1"),
            let control = unsafe dlsym(library, "epoll_ctl"),
            let wait = unsafe dlsym(library, "epoll_wait")
        else { return nil }
        let epoll = unsafe Epoll(
            control: unsafeBitCast(control, to: EpollControl.self),
            wait: unsafeBitCast(wait, to: EpollWait.self),
            fd: unsafeBitCast(create, to: EpollCreate.self)(O_CLOEXEC)
        )
        guard epoll.fd >= 0 else { return nil }
        guard Self.control(epoll, controlAdd, wakeFD, eventIn) == 0 else {
            close(epoll.fd)
            return nil
        }
        return epoll
        #else
        return nil
        #endif
    }

    private static func control(_ epoll: Epoll, _ operation: Int32, _ fd: Int32, _ events: UInt32) -> Int32 {
        unsafe withUnsafeTemporaryAllocation(byteCount: 16, alignment: 8) { raw in
            unsafe raw.initializeMemory(as: UInt8.self, repeating: 0)
            unsafe raw.storeBytes(of: events, toByteOffset: 0, as: UInt32.self)
            unsafe raw.storeBytes(of: Int64(fd), toByteOffset: dataOffset, as: Int64.self)
            return unsafe epoll.control(epoll.fd, operation, fd, raw.baseAddress)
        }
    }

    /// Asks for one notification when `fd` becomes ready for `interest` (epoll only; `poll` reads the set).
    func arm(_ fd: Int32, _ interest: SocketInterest) {
        guard let epoll else { return }
        let events = (interest == .readable ? Self.eventIn : Self.eventOut) | Self.eventOneShot
        if Self.control(epoll, Self.controlModify, fd, events) != 0 {
            _ = Self.control(epoll, Self.controlAdd, fd, events)
        }
    }

    /// Drops the registration of `fd` (a wait that timed out or was cancelled).
    func disarm(_ fd: Int32) {
        guard let epoll else { return }
        _ = Self.control(epoll, Self.controlDelete, fd, 0)
    }

    /// Sleeps until an armed socket is ready, the wake pipe is written or the timeout (−1: none) passes.
    /// - Parameters:
    ///   - timeoutMilliseconds: The longest sleep; −1 for none.
    ///   - interests: The sockets to watch, for `poll` (epoll keeps its own set).
    /// - Returns: The ready sockets, and whether the wake pipe was written.
    func wait(timeoutMilliseconds: Int32, interests: [(Int32, SocketInterest)]) -> (fds: [Int32], wake: Bool) {
        if let epoll { return Self.waitEpoll(epoll, timeoutMilliseconds, wakeFD: wakeFD) }
        var set = [pollfd(fd: wakeFD, events: Int16(POLLIN), revents: 0)]
        for (fd, interest) in interests {
            set.append(pollfd(fd: fd, events: Int16(interest == .readable ? POLLIN : POLLOUT), revents: 0))
        }
        let count = unsafe set.withUnsafeMutableBufferPointer { buffer in
            unsafe poll(buffer.baseAddress, nfds_t(buffer.count), timeoutMilliseconds)
        }
        guard count > 0 else { return ([], false) }
        var ready: [Int32] = []
        for entry in set.dropFirst() where entry.revents != 0 { ready.append(entry.fd) }
        return (ready, set[0].revents != 0)
    }

    private static func waitEpoll(_ epoll: Epoll, _ timeout: Int32, wakeFD: Int32) -> (fds: [Int32], wake: Bool) {
        let capacity = 64
        return unsafe withUnsafeTemporaryAllocation(byteCount: capacity * eventSize, alignment: 8) { raw in
            let count = unsafe epoll.wait(epoll.fd, raw.baseAddress, Int32(capacity), timeout)
            guard count > 0 else { return ([], false) }
            var ready: [Int32] = []
            var wake = false
            for index in 0..<Int(count) {
                let data = unsafe raw.loadUnaligned(fromByteOffset: index * eventSize + dataOffset, as: Int64.self)
                let fd = Int32(truncatingIfNeeded: data)
                if fd == wakeFD { wake = true } else { ready.append(fd) }
            }
            return (ready, wake)
        }
    }
}
