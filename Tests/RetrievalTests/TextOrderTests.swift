// SPDX-License-Identifier: Apache-2.0

import Embedding
import Foundation
import Testing
import VectorIndex

@testable import Retrieval

/// Text that is not in NFC (decomposed accents, marks out of canonical order) against the property index: every
/// text filter selects what the documented semantics select — equality is canonical equivalence, order is the
/// order of the code points of the composed (NFC) form — through batches, updates, deletes, a snapshot and a log.
///
/// Swift's own `String <` is not a strict weak order on such text ("e\u{301}" and "\u{e9}c" are unequal and
/// neither is less), so the oracle here orders by code points of Foundation's NFC instead.
enum TextOracle {
    /// The scalars the random texts are made of: bases, precomposed letters and combining marks of several
    /// canonical combining classes, among them U+1E39 (which decomposes into a base and two marks).
    static let alphabet: [Unicode.Scalar] = [
        "e", "a", "c", "\u{E9}", "\u{E7}", "\u{301}", "\u{302}", "\u{323}", "\u{327}", "\u{1E39}",
    ]

    /// Three texts that Swift 6.3's `String <` orders in a cycle: each is less than the next, and the last is less
    /// than the first.
    static let cycle = ["\u{1E39}", "\u{1E39}\u{323}\u{327}", "\u{327}"]

    /// A random text of one to four scalars from ``alphabet``.
    static func text(_ random: inout SeededRandom) -> String {
        var scalars = String.UnicodeScalarView()
        for _ in 0...(random.next() % 4) { scalars.append(alphabet[Int(random.next() % UInt64(alphabet.count))]) }
        return String(scalars)
    }

    /// The NFC form's scalar values (Foundation's normalisation: an implementation independent of the index's).
    static func composed(_ text: String) -> [UInt32] {
        text.precomposedStringWithCanonicalMapping.unicodeScalars.map(\.value)
    }

    /// -1, 0 or 1 as `a` orders before, with or after `b`.
    static func order(_ a: String, _ b: String) -> Int {
        let (x, y) = (composed(a), composed(b))
        return x == y ? 0 : (x.lexicographicallyPrecedes(y) ? -1 : 1)
    }

    /// Whether `text` matches a `*` / `?` pattern over the scalars of both NFC forms.
    static func like(_ text: String, _ pattern: String) -> Bool {
        let expression = composed(pattern).map { value -> String in
            switch value {
            case 0x2A: ".*"
            case 0x3F: "."
            default: String(format: "\\x{%X}", value)
            }
        }.joined()
        guard let regex = try? Regex(expression).matchingSemantics(.unicodeScalar) else { return false }
        return text.precomposedStringWithCanonicalMapping.wholeMatch(of: regex) != nil
    }

    /// Whether `object` passes `filter`, for the text conditions these tests build.
    static func passes(_ filter: Filter, _ object: CollectionObject) -> Bool {
        switch filter {
        case .and(let filters): return filters.allSatisfy { passes($0, object) }
        case .or(let filters): return filters.contains { passes($0, object) }
        case .not(let filter): return !passes(filter, object)
        case .condition(let condition):
            guard case .property(let name) = condition.field else { return false }
            let atoms: [String]
            switch object.properties[name] {
            case .text(let value): atoms = [value]
            case .textArray(let values): atoms = values
            default: atoms = []
            }
            let operands = condition.values.map { value -> String in
                guard case .text(let text) = value else { fatalError("text conditions only") }
                return text
            }
            func any(_ test: (Int) -> Bool) -> Bool { atoms.contains { test(order($0, operands[0])) } }
            switch condition.operator {
            case .equal: return any { $0 == 0 }
            case .notEqual: return !any { $0 == 0 }
            case .lessThan: return any { $0 < 0 }
            case .lessThanOrEqual: return any { $0 <= 0 }
            case .greaterThan: return any { $0 > 0 }
            case .greaterThanOrEqual: return any { $0 >= 0 }
            case .like: return atoms.contains { like($0, operands[0]) }
            case .containsAny: return operands.contains { o in atoms.contains { order($0, o) == 0 } }
            case .containsAll: return operands.allSatisfy { o in atoms.contains { order($0, o) == 0 } }
            case .containsNone: return !operands.contains { o in atoms.contains { order($0, o) == 0 } }
            case .isNull: return atoms.isEmpty
            }
        }
    }

    /// The text of each text or text-array property as scalars (`String ==` would hide a change of spelling).
    static func scalars(_ properties: [String: PropertyValue]) -> [String: [[Unicode.Scalar]]] {
        properties.compactMapValues { value in
            switch value {
            case .text(let text): [Array(text.unicodeScalars)]
            case .textArray(let texts): texts.map { Array($0.unicodeScalars) }
            default: nil
            }
        }
    }

    /// The schema of the text tests: a text, a text array and a 2-dimensional vector.
    static func schema() throws -> CollectionSchema {
        try CollectionSchema(
            properties: [Property("name", .text), Property("labels", .textArray)],
            vectors: [
                NamedVector(
                    "given",
                    space: EmbeddingSpace(modelID: "given", dimension: 2, normalization: .none),
                    index: .flat,
                    metric: .squaredL2
                )
            ]
        )
    }

    /// Object `i` of the text tests (deterministic in `i` and `seed`).
    static func object(_ i: Int, seed: UInt64 = 3) -> ObjectInput {
        var random = SeededRandom(seed: seed &+ UInt64(i) &* 0x9E37)
        var properties: [String: PropertyValue] = [:]
        if i % 9 != 0 { properties["name"] = .text(text(&random)) }
        properties["labels"] = .textArray((0..<Int(random.next() % 4)).map { _ in text(&random) })
        return ObjectInput(id: id(i), properties: properties, vectors: ["given": [Float(i), 1]])
    }

    /// The id of object `i`.
    static func id(_ i: Int) -> UUID {
        UUID(uuid: (0x7E, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, UInt8(i >> 16), UInt8((i >> 8) & 0xFF), UInt8(i & 0xFF)))
    }

    /// Random text filters: comparisons with random bounds and stored values, `like`, `contains…`, combinations.
    static func filters(_ random: inout SeededRandom, count: Int, values: [String]) -> [Filter] {
        func bound() -> PropertyValue {
            .text(
                random.next() % 2 == 0 || values.isEmpty
                    ? text(&random) : values[Int(random.next() % UInt64(values.count))]
            )
        }
        func condition() -> Filter {
            let field: FilterField = random.next() % 3 == 0 ? "labels" : "name"
            switch random.next() % 10 {
            case 0: return .equal(field, bound())
            case 1: return .notEqual(field, bound())
            case 2: return .lessThan(field, bound())
            case 3: return .lessThanOrEqual(field, bound())
            case 4: return .greaterThan(field, bound())
            case 5: return .greaterThanOrEqual(field, bound())
            case 6:
                let patterns = ["*", "?", "e*", "*\u{301}*", "?\u{327}*", "\u{E9}*", "e\u{301}*", "*\u{1E39}", "a?*"]
                return .like(field, patterns[Int(random.next() % UInt64(patterns.count))])
            case 7: return .containsAny(field, [bound(), bound()])
            case 8: return .containsAll(field, [bound(), bound()])
            default: return .greaterThan(field, bound()) && .lessThanOrEqual(field, bound())
            }
        }
        return (0..<count).map { _ in condition() }
    }

    /// Checks `count` random filters on `collection` against the oracle; returns the number checked.
    @discardableResult
    static func check(
        _ collection: MultimodalCollection,
        seed: UInt64,
        count: Int = 150,
        _ stage: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> Int {
        let objects = try await collection.objects(limit: .max)
        let values = objects.flatMap { object -> [String] in
            switch object.properties["name"] {
            case .text(let value): [value]
            default: []
            }
        }
        var random = SeededRandom(seed: seed)
        for filter in filters(&random, count: count, values: values) {
            let expected = objects.filter { passes(filter, $0) }.map(\.id)
            let got = try await collection.objects(where: filter, limit: .max).map(\.id)
            #expect(got == expected, "\(stage): \(filter)", sourceLocation: sourceLocation)
        }
        return count
    }
}

@Suite("Text order")
struct TextOrderTests {
    private func temporaryFolder(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID())").path
    }

    @Test("Swift's String < is not a strict weak order on text that is not in NFC (why the index has its own)")
    func stringOrderIsBroken() {
        let (a, b) = ("e\u{301}", "\u{E9}c")
        // When this starts failing, the standard library has been fixed; the index's order does not depend on it.
        withKnownIssue("Swift 6.3 String comparison of non-NFC text", isIntermittent: true) {
            #expect(a == b || a < b || b < a)
        }
        #expect(TextOracle.order(a, b) == -1)
    }

    @Test("text filters on decomposed text match the reference through batches, updates, deletes, a snapshot and a log")
    func filtersMatchTheReference() async throws {
        let folder = temporaryFolder("text-order")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        do {
            let collection = try await MultimodalCollection.create(at: folder, schema: try TextOracle.schema())
            // Batches of different sizes, so the posting lists merge runs of both kinds.
            var next = 0
            for size in [1, 7, 60, 300, 40, 1500] {
                _ = try await collection.insert((next..<(next + size)).map { TextOracle.object($0) })
                next += size
                try await TextOracle.check(collection, seed: UInt64(next), count: 40, "after \(next) inserts")
            }
            // Updates that keep, change and drop values; deletes.
            for i in stride(from: 0, to: next, by: 11) {
                try await collection.update(
                    TextOracle.id(i),
                    properties: TextOracle.object(i + 5000, seed: 8).properties.mapValues { $0 }
                )
            }
            _ = try await collection.delete(stride(from: 3, to: next, by: 17).map(TextOracle.id))
            try await TextOracle.check(collection, seed: 1, "after updates and deletes")
            try await (collection.store as! LocalVectorStore).checkpoint()
            // A log over the snapshot.
            _ = try await collection.insert((9000..<9100).map { TextOracle.object($0) })
            _ = try await collection.delete(stride(from: 5, to: 400, by: 7).map(TextOracle.id))
            try await TextOracle.check(collection, seed: 2, "after the checkpoint")
        }
        // The snapshot's stored index with the log replayed over it; then the snapshot alone.
        let reopened = try await MultimodalCollection.open(at: folder)
        try await TextOracle.check(reopened, seed: 3, "reopened")
        try await (reopened.store as! LocalVectorStore).checkpoint()
        _ = consume reopened
        try await TextOracle.check(try await MultimodalCollection.open(at: folder), seed: 4, "reopened again")
    }

    @Test("canonically equivalent spellings are one value to every text condition, and read back as stored")
    func canonicalEquivalents() async throws {
        let collection = try await MultimodalCollection.create(at: nil, schema: try TextOracle.schema())
        let spellings = ["\u{E9}t\u{E9}", "e\u{301}te\u{301}", "\u{E9}te\u{301}"]
        var ids: [UUID] = []
        for spelling in spellings {
            ids.append(
                try await collection.insert(
                    ObjectInput(properties: ["name": .text(spelling), "labels": .textArray([spelling, "x"])])
                )
            )
        }
        let other = try await collection.insert(ObjectInput(properties: ["name": .text("\u{E9}u")]))
        func found(_ filter: Filter) async throws -> Set<UUID> {
            Set(try await collection.objects(where: filter, limit: .max).map(\.id))
        }
        for spelling in spellings {
            #expect(try await found(.equal("name", .text(spelling))) == Set(ids), "\(spelling.unicodeScalars)")
            #expect(try await found(.equal("labels", .text(spelling))) == Set(ids))
            #expect(try await found(.containsAll("labels", [.text(spelling), .text("x")])) == Set(ids))
            #expect(try await found(.lessThanOrEqual("name", .text(spelling))) == Set(ids))
            #expect(try await found(.lessThan("name", .text(spelling))).isEmpty)
            #expect(try await found(.greaterThan("name", .text(spelling))) == [other])
            #expect(try await found(.like("name", spelling)) == Set(ids))
        }
        #expect(try await found(.like("name", "???")) == Set(ids))
        #expect(try await found(.like("name", "??")) == [other])
        #expect(try await found(.like("name", "e*")).isEmpty)
        // What a user reads back is what they stored.
        for (id, spelling) in zip(ids, spellings) {
            let object = try #require(try await collection.object(id))
            #expect(object.properties["name"] == .text(spelling))
            #expect(TextOracle.scalars(object.properties)["name"] == [Array(spelling.unicodeScalars)])
        }
    }

    @Test("a format-3 snapshot whose text postings are in the old String order opens and answers as the reference")
    func oldOrderSnapshotOpens() async throws {
        let folder = temporaryFolder("snapshot-v3-text")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let fixture = try #require(Bundle.module.url(forResource: "Fixtures/snapshot-v3-text", withExtension: nil))
        try FileManager.default.copyItem(atPath: fixture.path, toPath: folder)
        let snapshotBytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: folder + "/snapshot")))
        #expect(snapshotBytes[8] == 3)

        // Objects 0..<40 and the cycle's first and last (its middle was deleted before the snapshot, leaving the
        // two next to each other in the old order, the wrong way round), then the log's changes.
        var expected = Dictionary(
            uniqueKeysWithValues: (0..<40).map { (TextOracle.id($0), TextOracle.object($0).properties) }
        )
        for i in [1, 8, 15, 22, 29, 36, 4, 5] { expected[TextOracle.id(i)] = nil }
        expected[TextOracle.id(1000)] = ["name": .text(TextOracle.cycle[0])]
        expected[TextOracle.id(1002)] = ["name": .text(TextOracle.cycle[2])]
        for i in 200..<205 { expected[TextOracle.id(i)] = TextOracle.object(i).properties }
        do {
            let collection = try await MultimodalCollection.open(at: folder)
            let objects = try await collection.objects(limit: .max)
            #expect(Set(objects.map(\.id)) == Set(expected.keys))
            for object in objects {
                #expect(object.properties == expected[object.id])
                // Read back with the scalars stored, not a normalised spelling.
                #expect(TextOracle.scalars(object.properties) == expected[object.id].map(TextOracle.scalars))
            }
            for name in TextOracle.cycle {
                let found = try await collection.objects(where: .equal("name", .text(name)), limit: .max).map(\.id)
                #expect(found == objects.filter { TextOracle.passes(.equal("name", .text(name)), $0) }.map(\.id))
            }
            try await TextOracle.check(collection, seed: 5, "old snapshot")
            try await (collection.store as! LocalVectorStore).checkpoint()
            let rewritten = try [UInt8](Data(contentsOf: URL(fileURLWithPath: folder + "/snapshot")))
            #expect(rewritten[8] == UInt8(Snapshot.version))
        }
        try await TextOracle.check(try await MultimodalCollection.open(at: folder), seed: 6, "rewritten")
    }
}
