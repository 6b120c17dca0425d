// SPDX-License-Identifier: Apache-2.0

import Embedding
import Foundation
import Retrieval
import Testing
import VectorIndex

/// A schema with one property of each filterable type and a plain 4-dimensional vector.
func catalogSchema(
    index: VectorIndexKind = .flat,
    keyword: KeywordSettings = KeywordSettings()
) throws
    -> CollectionSchema
{
    try CollectionSchema(
        properties: [
            Property("title", .text), Property("category", .text), Property("year", .integer),
            Property("price", .double), Property("inStock", .bool), Property("taken", .date),
            Property("tags", .textArray), Property("ref", .uuid),
        ],
        vectors: [
            NamedVector(
                "given",
                space: EmbeddingSpace(modelID: "given", dimension: 4, normalization: .none),
                index: index,
                metric: .squaredL2
            )
        ],
        keyword: keyword
    )
}

/// Deterministic catalog objects: every property varies with `i`, and some are missing (null).
func catalogObject(_ i: Int, seed: UInt64 = 1) -> ObjectInput {
    var random = SeededRandom(seed: seed &+ UInt64(i) &* 0x9E37)
    let categories = ["birds", "boats", "bikes", "Birds", "béton", "bird s"]
    let tagPool = ["red", "green", "blue", "wild", "city"]
    var properties: [String: PropertyValue] = [
        "title": .text("item \(i) " + categories[i % categories.count]),
        "year": .integer(Int64(2015 + i % 11)),
        "tags": .textArray((0..<Int(random.next() % 3)).map { _ in tagPool[Int(random.next() % 5)] }),
    ]
    if i % 7 != 0 { properties["category"] = .text(categories[Int(random.next() % 6)]) }
    if i % 5 != 0 { properties["price"] = .double(Double(random.next() % 1000) / 10) }
    if i % 3 != 0 { properties["inStock"] = .bool(random.next() % 2 == 0) }
    properties["taken"] = .date(Date(timeIntervalSinceReferenceDate: Double(i % 17) * 86_400))
    if i % 4 == 0 { properties["ref"] = .uuid(UUID(uuid: (UInt8(i % 8), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1))) }
    let vector = (0..<4).map { _ in Float(random.next() % 1000) / 100 }
    return ObjectInput(id: catalogID(i), properties: properties, vectors: ["given": vector])
}

func catalogID(_ i: Int) -> UUID {
    let b = (0..<4).map { UInt8(truncatingIfNeeded: UInt32(i) >> (24 - 8 * $0)) }
    return UUID(uuid: (0xC0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, b[0], b[1], b[2], b[3]))
}

/// The documented filter semantics, evaluated one object at a time: the oracle the inverted index must match.
enum ReferenceFilter {
    static func passes(_ filter: Filter, _ object: CollectionObject) -> Bool {
        switch filter {
        case .and(let filters): filters.allSatisfy { passes($0, object) }
        case .or(let filters): filters.contains { passes($0, object) }
        case .not(let filter): !passes(filter, object)
        case .condition(let condition): passes(condition, object)
        }
    }

    /// The field's values as comparable atoms (a text array gives its elements; null gives none).
    private static func atoms(_ field: FilterField, _ object: CollectionObject) -> [PropertyValue]? {
        switch field {
        case .id: return [.uuid(object.id)]
        case .createdAt: return [.date(object.createdAt)]
        case .updatedAt: return [.date(object.updatedAt)]
        case .property(let name):
            guard let value = object.properties[name] else { return nil }
            if case .textArray(let values) = value { return values.map { .text($0) } }
            return [value]
        }
    }

    private static func order(_ a: PropertyValue, _ b: PropertyValue) -> Int? {
        func sign<T: Comparable>(_ x: T, _ y: T) -> Int { x < y ? -1 : (x == y ? 0 : 1) }
        switch (a, b) {
        case (.text(let x), .text(let y)): return TextOracle.order(x, y)
        case (.integer(let x), .integer(let y)): return sign(x, y)
        case (.integer(let x), .double(let y)): return sign(Double(x), y)
        case (.double(let x), .integer(let y)): return sign(x, Double(y))
        case (.double(let x), .double(let y)): return sign(x, y)
        case (.date(let x), .date(let y)): return sign(x, y)
        case (.uuid(let x), .uuid(let y)):
            return sign(x.uuidString.lowercased(), y.uuidString.lowercased())
        case (.bool(let x), .bool(let y)): return x == y ? 0 : 1
        default: return nil
        }
    }

    private static func passes(_ condition: FilterCondition, _ object: CollectionObject) -> Bool {
        let atoms = atoms(condition.field, object)
        let values = condition.values
        switch condition.operator {
        case .isNull:
            guard case .bool(let isNull) = values[0] else { return false }
            return (atoms == nil) == isNull
        case .notEqual:
            return !passes(FilterCondition(condition.field, .equal, values), object)
        case .containsNone:
            return !passes(FilterCondition(condition.field, .containsAny, values), object)
        case .containsAny:
            return values.contains { value in atoms?.contains { order($0, value) == 0 } ?? false }
        case .containsAll:
            return values.allSatisfy { value in atoms?.contains { order($0, value) == 0 } ?? false }
        case .equal:
            return atoms?.contains { order($0, values[0]) == 0 } ?? false
        case .lessThan: return atoms?.contains { (order($0, values[0]) ?? 0) < 0 } ?? false
        case .lessThanOrEqual: return atoms?.contains { order($0, values[0]).map { $0 <= 0 } ?? false } ?? false
        case .greaterThan: return atoms?.contains { (order($0, values[0]) ?? 0) > 0 } ?? false
        case .greaterThanOrEqual: return atoms?.contains { order($0, values[0]).map { $0 >= 0 } ?? false } ?? false
        case .like:
            guard case .text(let pattern) = values[0] else { return false }
            return atoms?.contains { atom in
                guard case .text(let text) = atom else { return false }
                return TextOracle.like(text, pattern)
            } ?? false
        }
    }

    /// A random filter over the catalog schema.
    static func random(_ random: inout SeededRandom, depth: Int = 0) -> Filter {
        let pick = random.next() % (depth < 2 ? 16 : 12)
        let years: [PropertyValue] = [.integer(2016), .integer(2020), .double(2019.5), .integer(2025)]
        let categories = ["birds", "boats", "Birds", "béton", "nothing"]
        func any<T>(_ values: [T]) -> T { values[Int(random.next() % UInt64(values.count))] }
        switch pick {
        case 0: return .equal("category", .text(any(categories)))
        case 1: return .notEqual("category", .text(any(categories)))
        case 2: return .lessThan("year", any(years))
        case 3: return .greaterThanOrEqual("year", any(years))
        case 4: return .lessThanOrEqual("price", .double(Double(random.next() % 1000) / 10))
        case 5: return .greaterThan("price", .integer(Int64(random.next() % 100)))
        case 6: return .like("category", any(["b*", "*s", "b?rds", "*i*", "?", "*"]))
        case 7: return .containsAny("tags", [.text(any(["red", "wild"])), .text(any(["blue", "none"]))])
        case 8: return .containsAll("tags", [.text(any(["red", "wild"])), .text(any(["city", "green"]))])
        case 9: return .containsNone("tags", [.text(any(["red", "city"]))])
        case 10: return .isNull(any(["price", "inStock", "category", "ref"]), random.next() % 2 == 0)
        case 11:
            let day = Date(timeIntervalSinceReferenceDate: Double(random.next() % 17) * 86_400)
            return any([.lessThan("taken", .date(day)), .equal("taken", .date(day)), .equal("inStock", .bool(true))])
        case 12, 13: return .random(&random, depth: depth + 1) && .random(&random, depth: depth + 1)
        case 14: return .random(&random, depth: depth + 1) || .random(&random, depth: depth + 1)
        default: return !.random(&random, depth: depth + 1)
        }
    }
}

extension Filter {
    fileprivate static func random(_ random: inout SeededRandom, depth: Int) -> Filter {
        ReferenceFilter.random(&random, depth: depth)
    }
}

@Suite struct FilterTests {
    private func catalog(_ count: Int, folder: String? = nil) async throws -> MultimodalCollection {
        let collection = try await MultimodalCollection.create(at: folder, schema: try catalogSchema())
        _ = try await collection.insert((0..<count).map { catalogObject($0) })
        return collection
    }

    private func all(_ collection: MultimodalCollection) async throws -> [CollectionObject] {
        try await collection.objects(limit: .max)
    }

    @Test("400 random filters select exactly what the documented semantics select, through writes and deletes")
    func randomFiltersMatchTheReference() async throws {
        let collection = try await catalog(300)
        var random = SeededRandom(seed: 42)
        for round in 0..<4 {
            let objects = try await all(collection)
            for _ in 0..<100 {
                let filter = ReferenceFilter.random(&random)
                let expected = objects.filter { ReferenceFilter.passes(filter, $0) }.map(\.id)
                let got = try await collection.objects(where: filter, limit: .max).map(\.id)
                #expect(got == expected, "round \(round): \(filter)")
            }
            // Change the collection between rounds: updates move values, deletes drop keys, inserts add some.
            let present = Set(objects.map(\.id))
            for i in stride(from: round, to: 300, by: 9) where present.contains(catalogID(i)) {
                try await collection.update(
                    catalogID(i),
                    properties: catalogObject(i + 1000, seed: 7).properties.mapValues { $0 }
                )
            }
            _ = try await collection.delete(stride(from: round + 3, to: 300, by: 13).map(catalogID))
            _ = try await collection.insert((0..<5).map { catalogObject(400 + round * 5 + $0) })
        }
    }

    @Test("null, notEqual, like, text arrays, ids and timestamps follow the documented rules")
    func semantics() async throws {
        let collection = try await MultimodalCollection.create(at: nil, schema: try catalogSchema())
        let a = try await collection.insert(
            ObjectInput(properties: ["category": .text("birds"), "tags": .textArray(["red", "wild"])])
        )
        let b = try await collection.insert(ObjectInput(properties: ["category": .text("Birds"), "year": .integer(3)]))
        let c = try await collection.insert(ObjectInput(properties: ["price": .double(2.5), "tags": .textArray([])]))
        func ids(_ filter: Filter) async throws -> Set<UUID> {
            Set(try await collection.objects(where: filter).map(\.id))
        }
        #expect(try await ids(.equal("category", .text("birds"))) == [a])  // whole value, case-sensitive
        #expect(try await ids(.notEqual("category", .text("birds"))) == [b, c])  // nulls included
        #expect(try await ids(.isNull("category")) == [c])
        #expect(try await ids(.isNull("category", false)) == [a, b])
        #expect(try await ids(.like("category", "?irds")) == [a, b])
        #expect(try await ids(.like("category", "b*")) == [a])
        #expect(try await ids(.equal("tags", .text("wild"))) == [a])
        #expect(try await ids(.containsAll("tags", [.text("red"), .text("wild")])) == [a])
        #expect(try await ids(.containsAll("tags", [.text("red"), .text("blue")])) == [])
        #expect(try await ids(.containsNone("tags", [.text("red")])) == [b, c])
        #expect(try await ids(.containsAny("category", [.text("Birds"), .text("x")])) == [b])
        #expect(try await ids(.greaterThan("price", .integer(2))) == [c])
        #expect(try await ids(.lessThan("year", .double(3.5))) == [b])
        #expect(try await ids(.equal("year", .double(3))) == [b])
        #expect(try await ids(.equal(.id, .uuid(b))) == [b])
        #expect(try await ids(.containsAny(.id, [.uuid(a), .uuid(c), .uuid(UUID())])) == [a, c])
        let created = try #require(try await collection.object(b)).createdAt
        #expect(try await ids(.greaterThanOrEqual(.createdAt, .date(created))).contains(b))
        #expect(try await ids(.lessThan(.createdAt, .date(created))).isSubset(of: [a]))
        #expect(try await ids(.equal("year", .integer(3)) || .isNull("tags")) == [b])
        #expect(try await ids(!.isNull("tags") && !.equal("tags", .text("red"))) == [c])
        #expect(try await ids(.and([])) == [a, b, c])
        #expect(try await ids(.or([])).isEmpty)
    }

    @Test("a filter on an undeclared property, with a wrong-typed value or an inapplicable operator names the field")
    func badFilters() async throws {
        let collection = try await catalog(3)
        func expectError(_ code: RetrievalError.Code, naming field: String, _ filter: Filter) async {
            do {
                _ = try await collection.objects(where: filter)
                Issue.record("expected \(code) for \(filter)")
            } catch {
                #expect(error.code == code && error.message.contains("\"\(field)\""), "\(error)")
            }
        }
        await expectError(.unknownProperty, naming: "colour", .equal("colour", .text("red")))
        await expectError(.typeMismatch, naming: "year", .equal("year", .text("2020")))
        await expectError(.typeMismatch, naming: "tags", .containsAny("tags", [.integer(1)]))
        await expectError(.typeMismatch, naming: "createdAt", .lessThan(.createdAt, .integer(1)))
        await expectError(.invalidQuery, naming: "year", .like("year", "20*"))
        await expectError(.invalidQuery, naming: "inStock", .lessThan("inStock", .bool(true)))
        await expectError(.invalidQuery, naming: "id", .isNull(.id))
        await expectError(.unknownProperty, naming: "nope", .equal("year", .integer(1)) && !.isNull("nope"))
        var query = NearQuery(target: .init(vector: "given", .vector([0, 0, 0, 0])))
        query.filter = .equal("year", .bool(true))
        await expectCode(.typeMismatch) { _ = try await collection.search(query) }
    }

    @Test("a filtered vector search returns the exact top k among the allowed objects, flat or IVF-PQ")
    func filteredVectorSearch() async throws {
        let configuration = IVFPQConfiguration(listCount: 8, subquantizerCount: 2, bitsPerCode: 4)
        for (index, cutoff) in [(VectorIndexKind.flat, 0), (.ivfpq(configuration), 0), (.ivfpq(configuration), 10_000)]
        {
            let collection = try await MultimodalCollection.create(
                at: nil,
                schema: try catalogSchema(index: index),
                options: LocalVectorStore.Options(flatSearchCutoff: cutoff)
            )
            _ = try await collection.insert((0..<1500).map { catalogObject($0) })
            if let store = collection.store as? LocalVectorStore { await store.waitForIndexing() }
            let objects = try await all(collection)
            let vectors = try await collection.store.objects(objects.map(\.id)).map { $0!.vectors["given"]! }
            var random = SeededRandom(seed: 9)
            for _ in 0..<20 {
                let filter = ReferenceFilter.random(&random)
                let q = (0..<4).map { _ in Float(random.next() % 1000) / 100 }
                let allowed = objects.indices.filter { ReferenceFilter.passes(filter, objects[$0]) }
                var query = NearQuery(target: .init(vector: "given", .vector(q)))
                query.filter = filter
                query.limit = 10
                let hits = try await collection.search(query)
                // Never fewer than the limit when enough objects pass, and every hit passes.
                #expect(hits.count == min(10, allowed.count), "\(index) \(filter)")
                #expect(hits.allSatisfy { hit in ReferenceFilter.passes(filter, hit.object) })
                guard case .flat = index else { continue }
                func d(_ i: Int) -> Float { zip(vectors[i], q).map { ($0 - $1) * ($0 - $1) }.reduce(0, +) }
                let expected = allowed.sorted {
                    (d($0), objects[$0].id.uuidString) < (d($1), objects[$1].id.uuidString)
                }
                let distances = hits.map(\.distance!)
                #expect(zip(distances, expected.prefix(10).map(d)).allSatisfy { abs($0 - $1) < 1e-3 })
            }
        }
    }

    @Test("the inverted index is rebuilt from the snapshot and the log when a collection reopens")
    func reopened() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("filter-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let filter: Filter = .greaterThanOrEqual("year", .integer(2020)) && .containsAny("tags", [.text("red")])
        let expected: [UUID]
        do {
            let collection = try await catalog(200, folder: folder)
            try await (collection.store as! LocalVectorStore).checkpoint()
            _ = try await collection.delete([catalogID(5), catalogID(6)])
            _ = try await collection.insert(catalogObject(900))
            expected = try await collection.objects(where: filter, limit: .max).map(\.id)
            #expect(!expected.isEmpty)
        }
        let reopened = try await MultimodalCollection.open(at: folder)
        #expect(try await reopened.objects(where: filter, limit: .max).map(\.id) == expected)
        // Paging by cursor visits the same objects.
        var paged: [UUID] = []
        var cursor: UUID?
        while true {
            let page = try await reopened.objects(where: filter, after: cursor, limit: 7)
            guard let last = page.last else { break }
            paged += page.map(\.id)
            cursor = last.id
        }
        #expect(paged == expected)
    }
}
