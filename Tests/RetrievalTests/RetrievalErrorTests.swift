// SPDX-License-Identifier: Apache-2.0

import Retrieval
import Testing

@Suite struct RetrievalErrorTests {
    private struct Cause: Error, CustomStringConvertible {
        var description: String { "disk on fire" }
    }

    @Test("description is the stable code, the message and the cause")
    func description() {
        #expect(RetrievalError(.notFound, "no object 42").description == "notFound: no object 42")
        let wrapped = RetrievalError(.fileSystem, "cannot sync the log", underlying: Cause())
        #expect(wrapped.description == "fileSystem: cannot sync the log (caused by: disk on fire)")
        #expect(wrapped.code == .fileSystem && wrapped.code != .corruptFile)
    }
}
