// SPDX-License-Identifier: Apache-2.0

import Dispatch
import Testing
import _RAGInternals

@Suite struct LockedConcurrencyTests {
    @Test("increments from many threads are neither lost nor reported as races")
    func counts() {
        let counter = Locked([Int]())
        DispatchQueue.concurrentPerform(iterations: 4) { t in
            for i in 0..<2000 { counter.withLock { $0.append(t * 10_000 + i) } }
        }
        let values = counter.withLock { $0 }
        #expect(values.count == 8000)
        #expect(Set(values).count == 8000)
    }

    @Test("a typed error thrown inside the lock propagates and releases it")
    func throwsAndUnlocks() {
        struct Refused: Error {}
        let lock = Locked(0)
        #expect(throws: Refused.self) {
            try lock.withLock { (value: inout Int) throws(Refused) in
                value = 1
                throw Refused()
            }
        }
        #expect(lock.withLock { $0 } == 1)
    }
}
