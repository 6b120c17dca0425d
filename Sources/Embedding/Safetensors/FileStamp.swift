// SPDX-License-Identifier: Apache-2.0

import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What tells one version of a file from another without reading it: which file it is (device and inode), its
/// size, and when its content and its status last changed (seconds and nanoseconds).
///
/// Writing the file in place changes its modification and status-change times; replacing it (a copy, a rename, a
/// new download) changes its inode. Setting the modification time back (`touch -d`, `cp -p`, `rsync -t`) still
/// changes the status-change time, which no program can set.
struct FileStamp: Hashable, Sendable {
    var device: UInt64
    var inode: UInt64
    var size: Int64
    var modifiedSeconds: Int64
    var modifiedNanoseconds: Int64
    var changedSeconds: Int64
    var changedNanoseconds: Int64

    /// The later of the modification and status-change times, in seconds since 1970.
    var latestChange: Double {
        max(
            Double(modifiedSeconds) + Double(modifiedNanoseconds) / 1e9,
            Double(changedSeconds) + Double(changedNanoseconds) / 1e9
        )
    }

    /// The seven integers stored in a digest cache line, in order.
    var fields: [Int64] {
        [
            Int64(bitPattern: device), Int64(bitPattern: inode), size, modifiedSeconds, modifiedNanoseconds,
            changedSeconds, changedNanoseconds,
        ]
    }

    /// A stamp from the integers of ``fields``, or `nil` when there are not exactly seven.
    init?(fields: [Int64]) {
        guard fields.count == 7 else { return nil }
        device = UInt64(bitPattern: fields[0])
        inode = UInt64(bitPattern: fields[1])
        size = fields[2]
        modifiedSeconds = fields[3]
        modifiedNanoseconds = fields[4]
        changedSeconds = fields[5]
        changedNanoseconds = fields[6]
    }

    /// The stamp of an open file.
    /// - Throws: ``EmbeddingError/Code/fileSystem`` with the `errno` as a `POSIXError` when `fstat` fails.
    init(descriptor: Int32, path: String) throws(EmbeddingError) {
        var status = stat()
        guard unsafe fstat(descriptor, &status) == 0 else {
            throw EmbeddingError.posix(errno, "cannot read the status of \(path)")
        }
        self.init(status)
    }

    /// The stamp of the file at `path` (links followed), or `nil` when it cannot be read.
    init?(path: String) {
        var status = stat()
        guard unsafe stat(path, &status) == 0 else { return nil }
        self.init(status)
    }

    private init(_ status: stat) {
        device = UInt64(truncatingIfNeeded: status.st_dev)
        inode = UInt64(truncatingIfNeeded: status.st_ino)
        size = Int64(status.st_size)
        #if canImport(Darwin)
        modifiedSeconds = Int64(status.st_mtimespec.tv_sec)
        modifiedNanoseconds = Int64(status.st_mtimespec.tv_nsec)
        changedSeconds = Int64(status.st_ctimespec.tv_sec)
        changedNanoseconds = Int64(status.st_ctimespec.tv_nsec)
        #else
        modifiedSeconds = Int64(status.st_mtim.tv_sec)
        modifiedNanoseconds = Int64(status.st_mtim.tv_nsec)
        changedSeconds = Int64(status.st_ctim.tv_sec)
        changedNanoseconds = Int64(status.st_ctim.tv_nsec)
        #endif
    }
}
