// SPDX-License-Identifier: Apache-2.0

/// The `[n]` source markers in a model's answer.
///
/// `[2]`, `[1, 3]`, `[1][4]` and `[2-4]` (a range) are understood; a number outside `1...sourceCount` is reported
/// as unknown rather than trusted. Brackets holding anything else (`[note]`, `[1a]`) are not markers.
public struct Citations: Sendable, Hashable {
    /// The source numbers cited (1-based, each once, in order of first mention) that name a source.
    public var cited: [Int]
    /// Numbers cited that name no source, each once, in order of first mention.
    public var unknown: [Int]

    /// Creates citations.
    public init(cited: [Int], unknown: [Int]) {
        self.cited = cited
        self.unknown = unknown
    }

    /// Finds the markers in `text`.
    /// - Parameters:
    ///   - text: The answer.
    ///   - sourceCount: How many sources the prompt numbered.
    public init(parsing text: String, sourceCount: Int) {
        var cited: [Int] = []
        var unknown: [Int] = []
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "[") {
            let afterOpen = rest.index(after: open)
            guard let close = rest[afterOpen...].firstIndex(where: { $0 == "]" || $0 == "[" }), rest[close] == "]"
            else {
                rest = rest[afterOpen...]
                continue
            }
            for number in Self.numbers(in: rest[afterOpen..<close]) {
                if (1...max(sourceCount, 1)).contains(number) && sourceCount > 0 {
                    if !cited.contains(number) { cited.append(number) }
                } else if !unknown.contains(number) {
                    unknown.append(number)
                }
            }
            rest = rest[rest.index(after: close)...]
        }
        self.init(cited: cited, unknown: unknown)
    }

    /// The numbers of a marker body such as `2`, `1, 3` or `2-4`; empty if it is not a marker.
    private static func numbers(in body: Substring) -> [Int] {
        var numbers: [Int] = []
        for item in body.split(separator: ",", omittingEmptySubsequences: false) {
            let trimmed = item.trimmingSpaces
            let bounds = trimmed.split(separator: "-", omittingEmptySubsequences: false).map { $0.trimmingSpaces }
            let values = bounds.compactMap { $0.count <= 6 && $0.allSatisfy(\.isASCIIDigit) ? Int($0) : nil }
            guard !trimmed.isEmpty, values.count == bounds.count else { return [] }
            switch values.count {
            case 1: numbers.append(values[0])
            case 2 where values[0] <= values[1] && values[1] - values[0] < 100: numbers += Array(values[0]...values[1])
            default: return []
            }
        }
        return numbers
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}

extension Substring {
    fileprivate var trimmingSpaces: Substring {
        var text = self
        while text.first == " " { text.removeFirst() }
        while text.last == " " { text.removeLast() }
        return text
    }
}
