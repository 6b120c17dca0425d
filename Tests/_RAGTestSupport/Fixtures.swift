// SPDX-License-Identifier: Apache-2.0

public import Foundation

/// Locates test data: small fixtures committed beside a test target, large ones in a shared folder.
public enum Fixtures {
    /// The environment variable naming the folder of large shared fixtures (`.ci/run` sets it).
    public static let environmentVariable = "MMRAG_FIXTURES"

    /// The shared fixture folder, or `nil` when ``environmentVariable`` is unset (tests that need it are skipped).
    public static var sharedRoot: URL? {
        guard let path = ProcessInfo.processInfo.environment[environmentVariable], !path.isEmpty else { return nil }
        return URL(fileURLWithPath: path, isDirectory: true)
    }

    /// Whether the shared fixture folder is configured; use with `.enabled(if:)`.
    public static var hasShared: Bool { sharedRoot != nil }

    /// Whether the tests were compiled optimised (`swift test -c release`, which `.ci/run` runs after the debug
    /// `swift test`). Tests whose work takes minutes through the unoptimised kernels run at full size only there,
    /// and on a smaller share of their inputs in debug builds.
    #if DEBUG
    public static let isOptimizedBuild = false
    #else
    public static let isOptimizedBuild = true
    #endif

    /// A file in the shared fixture folder.
    public static func shared(_ relativePath: String) throws -> URL {
        guard let root = sharedRoot else {
            throw NPYArray.FormatError(description: "\(environmentVariable) is not set")
        }
        return root.appendingPathComponent(relativePath)
    }

    /// Reads a TEXMEX `.fvecs` file: returns the dimension and the vectors back to back.
    public static func readFvecs(_ url: URL) throws -> (dimension: Int, values: [Float]) {
        let raw = try [UInt8](Data(contentsOf: url))
        do {
            guard raw.count >= 4 else { throw NPYArray.FormatError(description: "empty fvecs file") }
            let d = Int(Int32(bitPattern: raw.littleEndianUInt32(at: 0)))
            let rowBytes = 4 + 4 * d
            guard d > 0, raw.count % rowBytes == 0 else { throw NPYArray.FormatError(description: "bad fvecs size") }
            let n = raw.count / rowBytes
            var values = [Float](repeating: 0, count: n * d)
            unsafe raw.withUnsafeBytes { bytes in
                for r in 0..<n {
                    for j in 0..<d {
                        let bits = unsafe bytes.loadUnaligned(fromByteOffset: r * rowBytes + 4 + 4 * j, as: UInt32.self)
                        values[r * d + j] = Float(bitPattern: UInt32(littleEndian: bits))
                    }
                }
            }
            return (d, values)
        }
    }

    /// Reads a TEXMEX `.ivecs` file: returns the row length and the integers back to back.
    public static func readIvecs(_ url: URL) throws -> (width: Int, values: [Int]) {
        let raw = try [UInt8](Data(contentsOf: url))
        do {
            guard raw.count >= 4 else { throw NPYArray.FormatError(description: "empty ivecs file") }
            let k = Int(Int32(bitPattern: raw.littleEndianUInt32(at: 0)))
            let rowBytes = 4 + 4 * k
            guard k > 0, raw.count % rowBytes == 0 else { throw NPYArray.FormatError(description: "bad ivecs size") }
            let n = raw.count / rowBytes
            var values = [Int](repeating: 0, count: n * k)
            unsafe raw.withUnsafeBytes { bytes in
                for r in 0..<n {
                    for j in 0..<k {
                        let bits = unsafe bytes.loadUnaligned(fromByteOffset: r * rowBytes + 4 + 4 * j, as: UInt32.self)
                        values[r * k + j] = Int(Int32(bitPattern: UInt32(littleEndian: bits)))
                    }
                }
            }
            return (k, values)
        }
    }
}
