// SPDX-License-Identifier: Apache-2.0

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The file-system edge of the tokenizers: reads whole files and turns failures into ``EmbeddingError``s.
enum TokenizerFiles {
    /// The bytes of a file.
    static func read(_ url: URL) throws(EmbeddingError) -> [UInt8] {
        [UInt8](try LocalFile.read(url))
    }

    /// The text of a file's bytes, which must be UTF-8 (a leading byte-order mark is dropped).
    static func utf8(_ bytes: [UInt8], name: String) throws(EmbeddingError) -> String {
        let body = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? bytes.dropFirst(3) : bytes[...]
        guard let text = String(validating: body, as: UTF8.self) else {
            throw EmbeddingError(.invalidUTF8, "\(name) is not valid UTF-8")
        }
        return text
    }

    /// The lines of a text file, without line terminators (`\n` or `\r\n`); a final terminator adds no line.
    ///
    /// Splits on scalars, not `Character`s: `"\r\n"` is one `Character`, and a line starting with a combining mark
    /// would otherwise merge with the line feed before it.
    static func lines(_ text: String) -> [Substring] {
        let scalars = text.unicodeScalars
        var lines: [Substring] = []
        var start = scalars.startIndex
        var i = start
        while i < scalars.endIndex {
            if scalars[i] == "\n" {
                lines.append(line(scalars, start, i))
                start = scalars.index(after: i)
            }
            i = scalars.index(after: i)
        }
        if start < scalars.endIndex { lines.append(line(scalars, start, scalars.endIndex)) }
        return lines
    }

    private static func line(
        _ scalars: String.UnicodeScalarView,
        _ start: String.Index,
        _ end: String.Index
    ) -> Substring {
        var end = end
        if end > start, scalars[scalars.index(before: end)] == "\r" { end = scalars.index(before: end) }
        return Substring(scalars[start..<end])
    }

    /// Splits a line at single spaces (U+0020), by scalar.
    static func fields(_ line: Substring) -> [Substring] {
        line.unicodeScalars.split(separator: " ", omittingEmptySubsequences: false).map { Substring($0) }
    }

    /// Decodes JSON, naming the offending key path in the error.
    static func decodeJSON<T: Decodable>(_ type: T.Type, from bytes: [UInt8], name: String) throws(EmbeddingError) -> T
    {
        do {
            return try JSONDecoder().decode(type, from: Data(bytes))
        } catch {
            throw EmbeddingError.json(.malformedJSON, name, error)
        }
    }
}
