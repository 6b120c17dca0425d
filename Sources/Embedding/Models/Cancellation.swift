// SPDX-License-Identifier: Apache-2.0

extension EmbeddingError {
    /// Throws ``Code/cancelled`` when the current task has been cancelled; native embedders call it before each
    /// batch, so cancelling a long embedding stops it within one batch.
    static func checkCancellation(_ what: @autoclosure () -> String) throws(EmbeddingError) {
        if Task.isCancelled { throw EmbeddingError(.cancelled, "cancelled before \(what())") }
    }
}
