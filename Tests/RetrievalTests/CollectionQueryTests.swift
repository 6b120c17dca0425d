// SPDX-License-Identifier: Apache-2.0

import Embedding
import Foundation
import MediaDecoding
import Retrieval
import Testing
import VectorIndex

@Suite struct CollectionQueryTests {
    /// Objects whose "given" vectors lie on the first axis at 0, 1, 2, … (squared-L2 distances i²).
    private func line(_ count: Int) async throws -> (MultimodalCollection, [UUID]) {
        let collection = try await MultimodalCollection.create(at: nil, schema: try captionSchema())
        let ids = try await collection.insert(
            (0..<count).map { i in
                ObjectInput(
                    properties: ["caption": .text(String(repeating: "a", count: i + 1))],
                    vectors: ["given": [Float(i), 0, 0, 0]]
                )
            }
        )
        return (collection, ids)
    }

    @Test("near(vector:) ranks by distance with exact distances, limit and offset")
    func nearVector() async throws {
        let (collection, ids) = try await line(10)
        let hits = try await collection.near(vector: [2.2, 0, 0, 0], in: "given", limit: 3)
        #expect(hits.map(\.object.id) == [ids[2], ids[3], ids[1]])
        #expect(abs(hits[0].distance! - 0.04) < 1e-5 && abs(hits[1].distance! - 0.64) < 1e-5)
        #expect(hits[0].certainty == nil && hits[0].matchedTarget == "given")
        var query = NearQuery(target: .init(vector: "given", .vector([0, 0, 0, 0])))
        query.offset = 4
        query.limit = 3
        #expect(try await collection.search(query).map(\.object.id) == Array(ids[4..<7]))
        query.offset = 0
        query.limit = 10
        query.maxDistance = 4.5
        #expect(try await collection.search(query).map(\.object.id) == Array(ids[0..<3]))
    }

    @Test("near(text:) embeds with the named vector's embedder; cosine certainty is 1 − d/2")
    func nearText() async throws {
        let collection = try await MultimodalCollection.create(at: nil, schema: try captionSchema())
        let a = try await collection.insert(ObjectInput(properties: ["caption": .text("aaaa")]))
        let b = try await collection.insert(ObjectInput(properties: ["caption": .text("bbbb")]))
        let hits = try await collection.near(text: "a", in: "text", limit: 2)
        #expect(hits.map(\.object.id) == [a, b])
        #expect(abs(hits[0].distance!) < 1e-6 && abs(hits[1].distance! - 1) < 1e-6)
        #expect(hits[0].certainty == 1 && hits[1].certainty == 0.5 && hits[0].score == 1)
        // Embedding arithmetic: "a" + "b" is equally close to both.
        let mixed = try await collection.search(
            NearQuery(target: .init(vector: "text", concepts: [(.text("a"), 1), (.text("b"), 1)]))
        )
        #expect(abs(mixed[0].distance! - mixed[1].distance!) < 1e-6)
        #expect(abs(mixed[0].distance! - Float(1 - 1 / 2.0.squareRoot())) < 1e-6)
        // The toy embedder has no audio: the error says what it accepts.
        do {
            _ = try await collection.near(audio: AudioBuffer(sampleRate: 16000, channelCount: 1, samples: [0, 0]))
            Issue.record("expected unsupportedModality")
        } catch {
            #expect(error.code == .unsupportedModality && error.message.hasSuffix("accepts image, text"))
        }
    }

    @Test("near(object:) finds the object first at distance 0")
    func nearObject() async throws {
        let (collection, ids) = try await line(5)
        let hits = try await collection.near(object: ids[3], in: "given", limit: 3)
        #expect(
            hits.map(\.object.id) == [ids[3], ids[2], ids[4]] || hits.map(\.object.id) == [ids[3], ids[4], ids[2]]
        )
        #expect(hits[0].distance == 0)
        await expectCode(.notFound) { _ = try await collection.near(object: UUID()) }
    }

    @Test("multi-target joins: minimum, sum, average, manual weights and relative score")
    func joins() async throws {
        let collection = try await MultimodalCollection.create(at: nil, schema: try captionSchema())
        // text distances (cosine) and given distances (squared L2) chosen per object.
        let x = try await collection.insert(
            ObjectInput(properties: ["caption": .text("a")], vectors: ["given": [3, 0, 0, 0]])
        )
        let y = try await collection.insert(
            ObjectInput(properties: ["caption": .text("b")], vectors: ["given": [1, 0, 0, 0]])
        )
        func run(_ join: TargetJoin) async throws -> [QueryResult] {
            var query = NearQuery(targets: [
                .init(vector: "text", .text("a")), .init(vector: "given", .vector([0, 0, 0, 0])),
            ])
            query.join = join
            return try await collection.search(query)
        }
        // x: text 0, given 9. y: text 1, given 1.
        let minimum = try await run(.minimum)
        #expect(minimum.map(\.object.id) == [x, y] && minimum[0].distance == 0 && minimum[1].distance == 1)
        #expect(minimum[0].matchedTarget == "text" && minimum[0].distances["given"] == 9)
        let sum = try await run(.sum)
        #expect(sum.map(\.object.id) == [y, x] && sum[0].distance == 2 && sum[1].distance == 9)
        let average = try await run(.average)
        #expect(average[0].distance == 1 && average[1].distance == 4.5)
        let manual = try await run(.manualWeights(["text": 10, "given": 1]))
        #expect(manual.map(\.object.id) == [x, y] && manual[0].distance == 9 && manual[1].distance == 11)
        // Relative: text normalised x 0, y 1; given normalised x 1, y 0.
        let relative = try await run(.relativeScore(["text": 0.7, "given": 0.3]))
        #expect(relative.map(\.object.id) == [x, y])
        #expect(abs(relative[0].distance! - 0.3) < 1e-6 && abs(relative[1].distance! - 0.7) < 1e-6)
        await expectCode(.invalidQuery) { _ = try await run(.manualWeights(["text": 1])) }
        await expectCode(.invalidQuery) {
            _ = try await collection.search(
                NearQuery(targets: [.init(vector: "text", .text("a")), .init(vector: "text", .text("b"))])
            )
        }
    }

    @Test("autocut keeps the results before the first jump in the distance curve")
    func autocut() async throws {
        let collection = try await MultimodalCollection.create(at: nil, schema: try captionSchema())
        let xs: [Float] = [0.1, 0.11, 0.12, 0.5, 0.51, 0.52]
        let ids = try await collection.insert(xs.map { ObjectInput(vectors: ["given": [$0.squareRoot(), 0, 0, 0]]) })
        var query = NearQuery(target: .init(vector: "given", .vector([0, 0, 0, 0])))
        query.autocut = 1
        #expect(try await collection.search(query).map(\.object.id) == Array(ids[0..<3]))
        query.autocut = nil
        #expect(try await collection.search(query).count == 6)
    }

    @Test("unknown vectors and bad queries are refused")
    func badQueries() async throws {
        let collection = try await MultimodalCollection.create(at: nil, schema: try captionSchema())
        await expectCode(.unknownVector) { _ = try await collection.near(vector: [1], in: "nope") }
        await expectCode(.dimensionMismatch) { _ = try await collection.near(vector: [1, 2], in: "given") }
        await expectCode(.invalidQuery) { _ = try await collection.search(NearQuery(targets: [])) }
        var negative = NearQuery(target: .init(vector: "given", .vector([0, 0, 0, 0])))
        negative.limit = -1
        await expectCode(.invalidQuery) { _ = try await collection.search(negative) }
    }
}
