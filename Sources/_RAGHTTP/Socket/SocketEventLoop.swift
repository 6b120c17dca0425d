// SPDX-License-Identifier: Apache-2.0

import Foundation
import _RAGInternals

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a socket waits for.
enum SocketInterest: Sendable {
    /// Bytes (or end-of-file, or an error) to read.
    case readable
    /// Room to write, or a finished `connect`.
    case writable
}

/// How one wait on a socket ended.
enum SocketWaitOutcome: Sendable {
    /// The socket is ready (or has an error pending, which the next call reports).
    case ready
    /// The deadline passed first.
    case timedOut
    /// The waiting task was cancelled.
    case cancelled
}

/// How the loop learns that sockets are ready.
package enum SocketReadiness: Sendable {
    /// `epoll` (Linux); falls back to ``poll`` where the symbols cannot be found.
    case epoll
    /// `poll(2)`, on every platform.
    case poll
}

/// One thread that sleeps in the kernel until a registered socket is ready, the earliest deadline passes or
/// another thread wakes it, and then resumes the tasks that wait.
///
/// It never spins: with nothing in flight it blocks in `epoll_wait` / `poll` without a timeout, and while requests
/// wait it wakes only for readiness events and deadlines. Tasks wait with ``wait(_:for:until:)``; each wait is one
/// shot (the socket is armed, the event delivered once, and the registration dropped).
final class SocketEventLoop: Sendable {
    /// The loop every transport shares on this platform (epoll on Linux, poll elsewhere).
    static let shared = SocketEventLoop(readiness: .epoll)
    /// A loop on `poll(2)`, so that tests cover the fallback on Linux too.
    static let sharedPoll = SocketEventLoop(readiness: .poll)

    /// The loop for a readiness mechanism.
    static func loop(for readiness: SocketReadiness) -> SocketEventLoop {
        switch readiness {
        case .epoll: shared
        case .poll: sharedPoll
        }
    }

    private struct Waiter {
        var fd: Int32
        var interest: SocketInterest
        var deadline: ContinuousClock.Instant
        var continuation: CheckedContinuation<SocketWaitOutcome, Never>
    }

    private struct State {
        var nextID: UInt64 = 0
        var waiters: [UInt64: Waiter] = [:]
        var byFD: [Int32: UInt64] = [:]
        var cancelledEarly: Set<UInt64> = []
        /// When the loop will wake by itself; `nil` while it sleeps without a timeout.
        var plannedWake: ContinuousClock.Instant?
        var started = false
    }

    private let state = Locked(State())
    private let poller: SocketPoller
    /// The pipe other threads write one byte into to wake the loop.
    private let wakeRead: Int32
    private let wakeWrite: Int32

    private init(readiness: SocketReadiness) {
        let fds = WakePipe.open()
        wakeRead = fds[0]
        wakeWrite = fds[1]
        for fd in fds {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
        poller = SocketPoller(readiness: readiness, wakeFD: wakeRead)
    }

    /// The mechanism this loop actually uses.
    var readiness: SocketReadiness { poller.readiness }

    /// Suspends until `fd` is ready for `interest`, `deadline` passes or the task is cancelled.
    func wait(
        _ fd: Int32,
        for interest: SocketInterest,
        until deadline: ContinuousClock.Instant
    ) async
        -> SocketWaitOutcome
    {
        if Task.isCancelled { return .cancelled }
        let id = state.withLock { state -> UInt64 in
            state.nextID &+= 1
            return state.nextID
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<SocketWaitOutcome, Never>) in
                register(id, Waiter(fd: fd, interest: interest, deadline: deadline, continuation: continuation))
            }
        } onCancel: {
            cancel(id)
        }
    }

    private func register(_ id: UInt64, _ waiter: Waiter) {
        let (early, wake) = state.withLock { state -> (Bool, Bool) in
            if state.cancelledEarly.remove(id) != nil { return (true, false) }
            state.waiters[id] = waiter
            state.byFD[waiter.fd] = id
            if !state.started {
                state.started = true
                Thread.detachNewThread { [self] in run() }
            }
            let sooner = state.plannedWake.map { waiter.deadline < $0 } ?? true
            if sooner { state.plannedWake = waiter.deadline }
            return (false, sooner)
        }
        if early {
            waiter.continuation.resume(returning: .cancelled)
            return
        }
        poller.arm(waiter.fd, waiter.interest)
        if wake || poller.needsWakeToArm { signal() }
    }

    private func cancel(_ id: UInt64) {
        let waiter = state.withLock { state -> Waiter? in
            guard let waiter = state.waiters.removeValue(forKey: id) else {
                state.cancelledEarly.insert(id)
                return nil
            }
            state.byFD[waiter.fd] = nil
            return waiter
        }
        // A wait that already ended leaves its id in `cancelledEarly`; ids are never reused, so it only costs a
        // few bytes until the next register of that id, which never comes. Keep the set from growing regardless.
        state.withLock { state in if state.cancelledEarly.count > 4096 { state.cancelledEarly.removeAll() } }
        guard let waiter else { return }
        poller.disarm(waiter.fd)
        waiter.continuation.resume(returning: .cancelled)
        if poller.needsWakeToArm { signal() }
    }

    private func signal() {
        var byte: UInt8 = 1
        _ = unsafe write(wakeWrite, &byte, 1)
    }

    private func drainWakePipe() { WakePipe.drain(wakeRead) }

    /// The loop thread: sleep in the kernel, resume whoever is ready or late, repeat.
    private func run() {
        while true {
            let (timeout, interests) = state.withLock { state -> (Int32, [(Int32, SocketInterest)]) in
                let next = state.waiters.values.lazy.map(\.deadline).min()
                state.plannedWake = next
                let list = poller.needsWakeToArm ? state.waiters.values.map { ($0.fd, $0.interest) } : []
                guard let next else { return (-1, list) }
                let left = next - ContinuousClock.now
                if left <= .zero { return (0, list) }
                let (seconds, attoseconds) = left.components
                let ms = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
                return (Int32(clamping: ms), list)
            }
            let ready = poller.wait(timeoutMilliseconds: timeout, interests: interests)
            if ready.wake { drainWakePipe() }
            var resumed: [(CheckedContinuation<SocketWaitOutcome, Never>, SocketWaitOutcome)] = []
            var expired: [Int32] = []
            state.withLock { state in
                for fd in ready.fds {
                    guard let id = state.byFD.removeValue(forKey: fd),
                        let waiter = state.waiters.removeValue(forKey: id)
                    else { continue }
                    resumed.append((waiter.continuation, .ready))
                }
                let now = ContinuousClock.now
                for (id, waiter) in state.waiters where waiter.deadline <= now {
                    state.waiters[id] = nil
                    state.byFD[waiter.fd] = nil
                    expired.append(waiter.fd)
                    resumed.append((waiter.continuation, .timedOut))
                }
            }
            for fd in expired { poller.disarm(fd) }
            for (continuation, outcome) in resumed { continuation.resume(returning: outcome) }
        }
    }
}
