// SPDX-License-Identifier: Apache-2.0

import Testing
import _RAGHTTP

/// The event-stream parser against the WHATWG interpretation rules.
@Suite struct ServerSentEventParserTests {
    /// Parses `text` fed in pieces of `size` bytes.
    func parse(_ text: String, chunkSize size: Int = .max) throws -> [ServerSentEvent] {
        var parser = ServerSentEventParser()
        let bytes = Array(text.utf8)
        var events: [ServerSentEvent] = []
        var start = 0
        while start < bytes.count {
            let end = start + min(size, bytes.count - start)
            events += try parser.feed(bytes[start..<end])
            start = end
        }
        parser.finish()
        return events
    }

    static let mixed =
        "\u{FEFF}: keep-alive comment\r\nevent: add\r\ndata: first line\r\ndata:second line\r\nid: 7\r\n\r\n"
        + "data: {\"a\": 1}\n\n" + "retry: 3000\rdata: cr only\r\r" + "event: ping\ndata\n\n" + "data: dangling"

    static let expected = [
        ServerSentEvent(event: "add", data: "first line\nsecond line", id: "7"),
        ServerSentEvent(data: "{\"a\": 1}", id: "7"),
        ServerSentEvent(data: "cr only", id: "7", retry: 3000),
        ServerSentEvent(event: "ping", data: "", id: "7", retry: 3000),
    ]

    @Test(arguments: [Int.max, 1, 2, 3, 7])
    func eventsAreTheSameWhereverTheStreamIsSplit(chunkSize: Int) throws {
        #expect(try parse(Self.mixed, chunkSize: chunkSize) == Self.expected)
    }

    @Test func aCRAtTheEndOfAChunkAndAnLFAtTheStartOfTheNextAreOneLineEnd() throws {
        var parser = ServerSentEventParser()
        #expect(try parser.feed(Array("data: a\r".utf8)).isEmpty)
        #expect(try parser.feed(Array("\n\r".utf8)) == [ServerSentEvent(data: "a")])
        #expect(try parser.feed(Array("\ndata: b\n\n".utf8)) == [ServerSentEvent(data: "b")])
    }

    @Test func blocksWithoutDataAreNotDispatched() throws {
        #expect(try parse("event: x\n\nid: 1\n\n: only a comment\n\n").isEmpty)
        // The event name does not carry over to the next block.
        #expect(try parse("event: x\n\ndata: y\n\n") == [ServerSentEvent(data: "y", id: nil)])
    }

    @Test func fieldsFollowTheColonRules() throws {
        let events = try parse("data:  two spaces\ndata:\nunknown: z\nretry: 12x\n\n")
        #expect(events == [ServerSentEvent(data: " two spaces\n")])
    }

    @Test func multiByteCharactersSplitAcrossChunksSurvive() throws {
        #expect(
            try parse("data: caf\u{E9} \u{1F408}\n\n", chunkSize: 1) == [ServerSentEvent(data: "caf\u{E9} \u{1F408}")]
        )
    }

    @Test func anOverlongLineIsAnInvalidResponse() {
        var parser = ServerSentEventParser(maxLineBytes: 8)
        let error = #expect(throws: HTTPError.self) { try parser.feed(Array("data: 0123456789".utf8)) }
        #expect(error?.code == .invalidResponse)
    }
}

/// The NDJSON splitter.
@Suite struct JSONLinesSplitterTests {
    @Test(arguments: [Int.max, 1, 4])
    func linesAreTheSameWhereverTheStreamIsSplit(chunkSize: Int) throws {
        let bytes = Array("{\"a\":1}\r\n\n  \n{\"b\":2}\n{\"c\":3}".utf8)
        var splitter = JSONLinesSplitter()
        var lines: [String] = []
        var start = 0
        while start < bytes.count {
            let end = start + min(chunkSize, bytes.count - start)
            lines += try splitter.feed(bytes[start..<end]).map { String(decoding: $0, as: UTF8.self) }
            start = end
        }
        if let last = splitter.finish() { lines.append(String(decoding: last, as: UTF8.self)) }
        #expect(lines == [#"{"a":1}"#, #"{"b":2}"#, #"{"c":3}"#])
        #expect(splitter.finish() == nil)
    }

    @Test func anOverlongLineIsAnInvalidResponse() {
        var splitter = JSONLinesSplitter(maxLineBytes: 4)
        let error = #expect(throws: HTTPError.self) { try splitter.feed(Array("12345".utf8)) }
        #expect(error?.code == .invalidResponse)
    }
}
