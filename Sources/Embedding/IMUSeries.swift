// SPDX-License-Identifier: Apache-2.0

/// An inertial measurement series: 6 channels (accelerometer x, y, z and gyroscope x, y, z in ImageBind's Ego4D
/// training data) over `length` time steps, stored channel-major (`values[c × length + t]`).
///
/// ImageBind's IMU tower takes exactly 2000 steps (10 s at 200 Hz); ``ImageBindEmbedder`` pads a shorter series
/// with zeros and cuts a longer one, as Weaviate's `multi2vec-bind` container does.
///
/// ```swift
/// let series = try IMUSeries(csv: csvBytes)                  // as Weaviate's container reads it
/// let vector = try await imagebind.embed(.imu(series))
/// ```
public struct IMUSeries: Sendable, Hashable {
    /// The channels of every series (6).
    public static let channelCount = 6

    /// The time steps.
    public let length: Int
    /// `6 × length` floats, channel-major.
    public let values: ContiguousArray<Float>

    /// How a CSV file's table becomes channels.
    public enum CSVLayout: Sendable, Hashable {
        /// Weaviate's container: the `T × 6` table's values in file order are reshaped (not transposed) to
        /// `6 × T`, so channel 0 holds the first `T` values read row by row. Vectors then match a deployment's.
        case weaviate
        /// Each of the 6 columns is one channel (a transpose of the table).
        case columns
    }

    /// Wraps channel-major values.
    /// - Parameters:
    ///   - values: `6 × length` finite floats, channel-major.
    ///   - length: The time steps.
    /// - Throws: ``EmbeddingError/Code/invalidInput`` for no steps, a count that is not `6 × length`, or a value
    ///   that is not finite.
    public init(values: ContiguousArray<Float>, length: Int) throws(EmbeddingError) {
        guard length > 0, values.count == Self.channelCount * length else {
            throw EmbeddingError(
                .invalidInput,
                "an IMU series of \(length) steps needs \(Self.channelCount) × \(length) values, not \(values.count)"
            )
        }
        if let bad = values.firstIndex(where: { !$0.isFinite }) {
            throw EmbeddingError(.invalidInput, "the IMU series has a non-finite value at \(bad)")
        }
        self.values = values
        self.length = length
    }

    /// Reads a CSV file as Weaviate's container does (`numpy.loadtxt(delimiter=",", skiprows=1)` as float32): the
    /// first line is a header, every other non-empty line holds 6 comma-separated numbers.
    /// - Parameters:
    ///   - csv: The file's bytes (UTF-8).
    ///   - layout: How the table becomes channels; Weaviate's reshape by default.
    /// - Throws: ``EmbeddingError/Code/invalidInput`` for text that is not UTF-8, a line without 6 numbers, a
    ///   number that does not parse or is not finite, or no data lines.
    public init(csv: [UInt8], layout: CSVLayout = .weaviate) throws(EmbeddingError) {
        guard let text = String(validating: csv, as: UTF8.self) else {
            throw EmbeddingError(.invalidInput, "the IMU CSV is not UTF-8")
        }
        var table: [Float] = []
        var rows = 0
        for (number, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated()
            .dropFirst()
        {
            // "\r\n" is one Character in Swift, so `isNewline` splits Windows line ends too.
            let trimmed = line.trimmingSuffix(while: { $0 == " " })
            if trimmed.isEmpty { continue }
            let fields = trimmed.split(separator: ",", omittingEmptySubsequences: false)
            guard fields.count == Self.channelCount else {
                throw EmbeddingError(
                    .invalidInput,
                    "IMU CSV line \(number + 1) has \(fields.count) fields; expected \(Self.channelCount)"
                )
            }
            for field in fields {
                // numpy parses a Python float, then rounds it to float32.
                guard let value = Double(field.trimmingCharacters(in: " ")), value.isFinite else {
                    throw EmbeddingError(.invalidInput, "IMU CSV line \(number + 1): \"\(field)\" is not a number")
                }
                table.append(Float(value))
            }
            rows += 1
        }
        guard rows > 0 else { throw EmbeddingError(.invalidInput, "the IMU CSV has no data lines") }
        switch layout {
        case .weaviate:
            try self.init(values: ContiguousArray(table), length: rows)
        case .columns:
            var channels = ContiguousArray<Float>(repeating: 0, count: table.count)
            for t in 0..<rows {
                for c in 0..<Self.channelCount { channels[c * rows + t] = table[t * Self.channelCount + c] }
            }
            try self.init(values: channels, length: rows)
        }
    }

    /// The series cut to, or zero-padded at the end to, `length` steps (per channel).
    /// - Precondition: `length > 0`.
    public func resized(to length: Int) -> IMUSeries {
        precondition(length > 0, "length must be positive")
        var out = ContiguousArray<Float>(repeating: 0, count: Self.channelCount * length)
        let kept = min(length, self.length)
        for c in 0..<Self.channelCount {
            for t in 0..<kept { out[c * length + t] = values[c * self.length + t] }
        }
        return IMUSeries(unchecked: out, length: length)
    }

    private init(unchecked values: ContiguousArray<Float>, length: Int) {
        self.values = values
        self.length = length
    }
}

extension Substring {
    fileprivate func trimmingSuffix(while predicate: (Character) -> Bool) -> Substring {
        var end = endIndex
        while end > startIndex, predicate(self[index(before: end)]) { end = index(before: end) }
        return self[startIndex..<end]
    }

    fileprivate func trimmingCharacters(in set: Character) -> Substring {
        var start = startIndex
        while start < endIndex, self[start] == set { start = index(after: start) }
        var end = endIndex
        while end > start, self[index(before: end)] == set { end = index(before: end) }
        return self[start..<end]
    }
}
