// SPDX-License-Identifier: Apache-2.0

extension EmbeddingError {
    /// Throws ``Code/cancelled`` when the current task has been cancelled; native embedders call it before each
    /// batch, so cancelling a long embedding stops it within one batch.
    static func checkCancellation(_ what: @autoclosure () -> String) throws(EmbeddingError) {
        if Task.isCancelled { throw EmbeddingError(.cancelled, "cancelled before \(what())") }
    }

    /// Before batch `started` (counting from 0) of an embedding: from the second batch on, lets other tasks
    /// waiting for this cooperative thread run (a batch can take a second); then checks for cancellation.
    static func beforeBatch(_ started: inout Int, _ what: @autoclosure () -> String) async throws(EmbeddingError) {
        if started > 0 { await Task.yield() }
        started += 1
        try checkCancellation(what())
    }
}
