// SPDX-License-Identifier: Apache-2.0

public import Testing

/// Whether `actual` is within `relativeTolerance` of `expected`, relative to `max(|expected|, scale)`.
///
/// `scale` keeps values near zero from demanding impossible precision: pass the magnitude of the terms that
/// were summed (for a dot product, `‖a‖·‖b‖`).
public func isApproximatelyEqual(
    _ actual: Double,
    _ expected: Double,
    relativeTolerance: Double,
    scale: Double = 0
) -> Bool {
    if actual == expected { return true }
    guard actual.isFinite, expected.isFinite else { return false }
    return abs(actual - expected) <= relativeTolerance * max(abs(expected), scale)
}

/// Records an issue unless `actual` is within `relativeTolerance` of `expected` (see ``isApproximatelyEqual``).
public func expectApproximatelyEqual(
    _ actual: some BinaryFloatingPoint,
    _ expected: some BinaryFloatingPoint,
    relativeTolerance: Double,
    scale: Double = 0,
    _ comment: Comment? = nil,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    let a = Double(actual)
    let e = Double(expected)
    #expect(
        isApproximatelyEqual(a, e, relativeTolerance: relativeTolerance, scale: scale),
        "\(a) is not within \(relativeTolerance) (relative) of \(e)\(comment.map { ": \($0)" } ?? "")",
        sourceLocation: sourceLocation
    )
}

/// Records an issue at the first pair of elements that are not approximately equal, and returns whether all were.
@discardableResult
public func expectApproximatelyEqual(
    _ actual: [Float],
    _ expected: [Float],
    relativeTolerance: Double,
    absoluteTolerance: Double = 0,
    sourceLocation: SourceLocation = #_sourceLocation
) -> Bool {
    guard actual.count == expected.count else {
        Issue.record("count \(actual.count) != expected \(expected.count)", sourceLocation: sourceLocation)
        return false
    }
    for i in actual.indices {
        let a = Double(actual[i])
        let e = Double(expected[i])
        if abs(a - e) <= absoluteTolerance { continue }
        if !isApproximatelyEqual(a, e, relativeTolerance: relativeTolerance) {
            Issue.record("element \(i): \(a) vs expected \(e)", sourceLocation: sourceLocation)
            return false
        }
    }
    return true
}
