// SPDX-License-Identifier: Apache-2.0

/// Collects the damage a JPEG decode recovers from, or turns the first one into an error when damaged data
/// is to be refused.
struct JPEGDamageLog: Sendable {
    /// Whether damage throws instead of being recorded.
    let rejects: Bool
    private(set) var warnings: [MediaDecodingWarning] = []
    /// Whether the end of the file has been reported (libjpeg supplies an EOI there every time it is asked).
    private(set) var reportedEndOfFile = false

    /// The most warnings kept; a garbage file can produce one per segment, and the list must stay small.
    static let maxWarnings = 64

    init(rejects: Bool) {
        self.rejects = rejects
    }

    /// Records `warning`, or throws it as an error with `code` when damage is refused.
    mutating func report(_ warning: MediaDecodingWarning, as code: MediaDecodingError.Code) throws(MediaDecodingError) {
        if rejects {
            let place = warning.offset.map { " (offset \($0))" } ?? ""
            throw MediaDecodingError(code, "JPEG damaged data: \(warning.message)\(place)")
        }
        if warning.code == .prematureEndOfFile {
            if reportedEndOfFile { return }
            reportedEndOfFile = true
        }
        if warnings.count < Self.maxWarnings { warnings.append(warning) }
    }

    /// Appends the warnings another log (a scan's) collected.
    mutating func merge(_ other: JPEGDamageLog) {
        for warning in other.warnings where warnings.count < Self.maxWarnings {
            if warning.code == .prematureEndOfFile {
                if reportedEndOfFile { continue }
                reportedEndOfFile = true
            }
            warnings.append(warning)
        }
    }
}
