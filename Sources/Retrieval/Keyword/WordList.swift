// SPDX-License-Identifier: Apache-2.0

/// Words as UTF-8, end to end in one array, so that tokenizing a text makes no `String` per word.
///
/// ``WordTokenizer`` appends the words of texts here; a keyword index then reads each word as a slice of
/// ``bytes``. Clearing keeps the capacity, so one list serves a whole batch of documents.
struct WordList: Sendable {
    /// The words' UTF-8, end to end.
    private(set) var bytes: [UInt8] = []
    /// Where each word ends in ``bytes`` (each starts where the one before it ends).
    private(set) var ends: [Int] = []

    /// The number of words.
    var count: Int { ends.count }

    /// The UTF-8 of word `index`.
    subscript(index: Int) -> ArraySlice<UInt8> {
        bytes[(index == 0 ? 0 : ends[index - 1])..<ends[index]]
    }

    /// Appends one word as it is (not lower-cased or split); an empty word is not added.
    mutating func append(_ word: String) {
        bytes.append(contentsOf: word.utf8)
        closeWord()
    }

    /// Ends the word being built, if it has any bytes.
    private mutating func closeWord() {
        if bytes.count > (ends.last ?? 0) { ends.append(bytes.count) }
    }

    /// Lends the two arrays to `body` moved out of the list, so that appends to them check no other reference;
    /// `body` must leave every end within the bytes and in order.
    mutating func withStorage<Result>(_ body: (inout [UInt8], inout [Int]) -> Result) -> Result {
        var movedBytes: [UInt8] = []
        var movedEnds: [Int] = []
        swap(&movedBytes, &bytes)
        swap(&movedEnds, &ends)
        defer {
            swap(&movedBytes, &bytes)
            swap(&movedEnds, &ends)
        }
        return body(&movedBytes, &movedEnds)
    }

    /// Where the list stands, so that ``restore(_:)`` can drop what was appended since.
    var mark: (bytes: Int, words: Int) { (bytes.count, ends.count) }

    /// Drops the bytes and words appended after `mark`.
    mutating func restore(_ mark: (bytes: Int, words: Int)) {
        bytes.removeSubrange(mark.bytes...)
        ends.removeSubrange(mark.words...)
    }

    /// Removes every word, keeping the capacity.
    mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
    }
}
