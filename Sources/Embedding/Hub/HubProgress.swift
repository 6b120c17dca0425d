// SPDX-License-Identifier: Apache-2.0

/// How far a snapshot download has come, reported to the `progress` callback of ``HubClient``.
public struct HubProgress: Sendable, Hashable {
    /// The file being downloaded, as a path in the repository.
    public var file: String
    /// The file's position among the files being fetched (0-based).
    public var fileIndex: Int
    /// How many files the snapshot fetches.
    public var fileCount: Int
    /// Bytes of this file on disk so far (including bytes from an earlier, interrupted attempt).
    public var completedBytes: Int64
    /// The file's size, when the hub announced it.
    public var totalBytes: Int64?

    /// Creates a progress report.
    public init(file: String, fileIndex: Int, fileCount: Int, completedBytes: Int64, totalBytes: Int64?) {
        self.file = file
        self.fileIndex = fileIndex
        self.fileCount = fileCount
        self.completedBytes = completedBytes
        self.totalBytes = totalBytes
    }

    /// `completedBytes / totalBytes` in `0...1`, or `nil` when the size is unknown.
    public var fractionCompleted: Double? {
        guard let totalBytes, totalBytes > 0 else { return nil }
        return min(1, Double(completedBytes) / Double(totalBytes))
    }
}
