// SPDX-License-Identifier: Apache-2.0

import Foundation
import MultimodalRAG
import Testing

@testable import mmrag

/// `--where` expressions parse into the filters they spell, with the collection's property types.
@Suite struct FilterExpressionTests {
    static let schema = try? CollectionSchema(
        properties: [
            Property("name", .text), Property("bytes", .integer), Property("ratio", .double),
            Property("done", .bool), Property("taken", .date), Property("tags", .textArray),
        ],
        vectors: [NamedVector("v", space: EmbeddingSpace(modelID: "v", dimension: 2, normalization: .none))]
    )

    static let parsed: [(String, Filter)] = [
        ("name = cat", .equal("name", .text("cat"))),
        ("name != 'a cat'", .notEqual("name", .text("a cat"))),
        (
            "bytes >= 10 and ratio < 0.5",
            .and([.greaterThanOrEqual("bytes", .integer(10)), .lessThan("ratio", .double(0.5))])
        ),
        ("bytes > 2.5", .greaterThan("bytes", .double(2.5))),
        ("name like \"*cat*\" or not done = true", .or([.like("name", "*cat*"), .not(.equal("done", .bool(true)))])),
        ("tags in (red, 'dark blue')", .containsAny("tags", [.text("red"), .text("dark blue")])),
        ("name is null", .isNull("name")),
        ("name IS NOT NULL", .isNull("name", false)),
        (
            "(bytes<=1 or bytes>9) and taken < 2024-01-02",
            .and([
                .or([.lessThanOrEqual("bytes", .integer(1)), .greaterThan("bytes", .integer(9))]),
                .lessThan("taken", .date(Date(timeIntervalSince1970: 1_704_153_600))),
            ])
        ),
        (
            "createdAt > 2024-01-02T00:00:00Z",
            .greaterThan(.createdAt, .date(Date(timeIntervalSince1970: 1_704_153_600)))
        ),
    ]

    @Test(arguments: 0..<parsed.count)
    func parses(_ i: Int) throws {
        let (text, filter) = Self.parsed[i]
        #expect(try FilterExpression.parse(text, schema: #require(Self.schema)) == filter, "\(text)")
    }

    static let refused: [(String, String)] = [
        ("colour = red", "the collection has no property 'colour'"),
        ("bytes = many", "'many' is not a valid integer value for 'bytes'"),
        ("done = maybe", "'maybe' is not a valid bool value for 'done'"),
        ("name = 'cat", "a quote ' is not closed"),
        ("(name = cat", "a '(' is not closed"),
        ("name cat", "expected =, !=, <, <=, >, >=, like, in or is after 'name'"),
        ("name = cat extra", "unexpected 'extra'"),
        ("", "the expression is empty"),
        ("name ! cat", "'!' must be followed by '='"),
        ("and", "the collection has no property 'and'"),
    ]

    @Test(arguments: 0..<refused.count)
    func refuses(_ i: Int) {
        let (text, message) = Self.refused[i]
        do {
            _ = try FilterExpression.parse(text, schema: #require(Self.schema))
            Issue.record("'\(text)' parsed")
        } catch {
            #expect("\(error)".contains(message), "'\(text)': \(error)")
        }
    }
}
