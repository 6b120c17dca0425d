// SPDX-License-Identifier: Apache-2.0

import Dispatch

/// The outcome of work running on another thread, set once by that thread and read by any number of waiters.
package final class Pending<Outcome: Sendable>: Sendable {
    private let done = DispatchSemaphore(value: 0)
    private let outcome = Locked<Outcome?>(nil)

    /// Nothing yet.
    package init() {}

    /// Records the outcome; called once, by the working thread.
    package func finish(_ value: Outcome) {
        outcome.withLock { $0 = value }
        done.signal()
    }

    /// The outcome, or `nil` while the work is still running.
    package var result: Outcome? { outcome.withLock { $0 } }

    /// Waits until the work has finished and returns its outcome.
    package func wait() -> Outcome {
        done.wait()
        done.signal()  // later waiters return at once
        return outcome.withLock { $0! }
    }
}
