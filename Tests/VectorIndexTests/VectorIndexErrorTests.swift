// SPDX-License-Identifier: Apache-2.0

import Testing
import VectorIndex

@Suite struct VectorIndexErrorTests {
    struct Cause: Error, CustomStringConvertible {
        var description: String { "ENOSPC (errno 28)" }
    }

    @Test("description is code: message, and names the underlying cause when there is one")
    func description() {
        #expect(VectorIndexError(.corruptFile, "checksum mismatch").description == "corruptFile: checksum mismatch")
        let wrapped = VectorIndexError(.fileSystem, "cannot write /tmp/x", underlying: Cause())
        #expect(wrapped.description == "fileSystem: cannot write /tmp/x (underlying: ENOSPC (errno 28))")
        #expect(wrapped.underlying is Cause)
    }
}
