// SPDX-License-Identifier: Apache-2.0

import Embedding
import Foundation
import Retrieval
import Testing
import _RAGTestSupport

/// Depth, thermal and IMU concepts on a collection whose named vector is bound to ImageBind (the `imagebind-tiny`
/// fixture): the query vector is the embedder's own output for the input.
@Suite(.enabled(if: Fixtures.hasShared, "set \(Fixtures.environmentVariable) to the shared fixtures folder"))
struct ImageBindConceptTests {
    @Test("near depth, thermal and IMU concepts embed with the bound embedder and find that vector at distance 0")
    func depthThermalIMU() async throws {
        let folder = try Fixtures.shared("models/imagebind-tiny")
        let embedder = try await ImageBindEmbedder(directory: folder)
        let schema = try CollectionSchema(
            properties: [Property("caption", .text)],
            vectors: [NamedVector("bind", embedder: embedder, sources: [VectorSource("caption")])]
        )
        let collection = try await MultimodalCollection.create(at: nil, schema: schema)
        func npy(_ name: String) throws -> [Float] {
            try NPYArray(contentsOf: folder.appendingPathComponent(name)).floats
        }
        let depth = try SingleChannelMap(
            width: 224,
            height: 224,
            values: ContiguousArray(npy("depth_input.npy").prefix(224 * 224))
        )
        let thermal = try SingleChannelMap(
            width: 224,
            height: 224,
            values: ContiguousArray(npy("thermal_input.npy").prefix(224 * 224))
        )
        let imu = try IMUSeries(values: ContiguousArray(npy("imu_input.npy").prefix(6 * 2000)), length: 2000)
        let inputs: [(Concept, EmbeddingInput)] = [
            (.depth(depth), .depth(depth)), (.thermal(thermal), .thermal(thermal)), (.imu(imu), .imu(imu)),
        ]
        var ids: [UUID] = []
        for (_, input) in inputs {
            let vector = Array(try await embedder.embed([input]).values)
            ids.append(try await collection.insert(ObjectInput(vectors: ["bind": vector])))
        }
        for (i, (concept, _)) in inputs.enumerated() {
            let hits = try await collection.search(NearQuery(target: .init(vector: "bind", concept)))
            #expect(hits.first?.object.id == ids[i], "\(concept)")
            #expect(abs(hits.first?.distance ?? 1) < 1e-6, "\(concept)")
        }
    }
}
