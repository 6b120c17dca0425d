// SPDX-License-Identifier: Apache-2.0

import Foundation

/// The body of an OpenAI-style embeddings answer, which Jina's API shares:
/// `{"data": [{"index": 0, "embedding": [0.1, …] or "base64…"}, …], …}`.
struct EmbeddingsResponse: Decodable {
    /// One vector and the position of its input in the request.
    struct Item: Decodable {
        /// The position of the input this vector belongs to.
        let index: Int
        /// The vector as sent.
        let embedding: WireVector
    }

    /// A vector as a JSON array of numbers or as base64 of little-endian Float32 values.
    enum WireVector: Decodable {
        case floats([Float])
        case base64(String)

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let text = try? container.decode(String.self) {
                self = .base64(text)
            } else {
                self = .floats(try container.decode([Float].self))
            }
        }
    }

    /// The vectors, in any order.
    let data: [Item]

    /// Decodes and checks an answer for `count` inputs and returns its vectors ordered by `index`, row-major.
    /// - Parameters:
    ///   - body: The response body.
    ///   - count: How many inputs the request held.
    ///   - dimension: The length every vector must have.
    ///   - source: Names the request in messages.
    /// - Returns: `count × dimension` floats, row `i` for input `i`.
    /// - Throws: ``EmbeddingError/Code/invalidResponse`` for JSON that is not an embeddings answer, a missing
    ///   `data` field, the wrong number of vectors, indexes that are not `0..<count`, a vector of the wrong length
    ///   or undecodable base64.
    static func vectors(
        _ body: [UInt8],
        count: Int,
        dimension: Int,
        source: String
    ) throws(EmbeddingError) -> ContiguousArray<Float> {
        let response: EmbeddingsResponse
        do {
            response = try JSONDecoder().decode(EmbeddingsResponse.self, from: Data(body))
        } catch {
            throw EmbeddingError(.invalidResponse, "\(source) sent a body that is not an embeddings answer: \(error)")
        }
        guard response.data.count == count else {
            throw EmbeddingError(
                .invalidResponse,
                "\(source) sent \(response.data.count) vectors for \(count) inputs"
            )
        }
        var values = ContiguousArray<Float>(repeating: 0, count: count * dimension)
        var seen = [Bool](repeating: false, count: count)
        for item in response.data {
            guard (0..<count).contains(item.index), !seen[item.index] else {
                throw EmbeddingError(.invalidResponse, "\(source) sent index \(item.index) for \(count) inputs")
            }
            seen[item.index] = true
            let vector = try decode(item.embedding, source: source, index: item.index)
            guard vector.count == dimension else {
                throw EmbeddingError(
                    .invalidResponse,
                    "\(source) sent a vector of \(vector.count) values for input \(item.index); expected \(dimension)"
                )
            }
            let offset = item.index * dimension
            for j in 0..<dimension { values[offset + j] = vector[j] }
        }
        return values
    }

    /// The floats of one wire vector.
    static func decode(_ vector: WireVector, source: String, index: Int) throws(EmbeddingError) -> [Float] {
        switch vector {
        case .floats(let floats):
            return floats
        case .base64(let text):
            guard let data = Data(base64Encoded: text), data.count % 4 == 0 else {
                throw EmbeddingError(
                    .invalidResponse,
                    "\(source) sent an embedding for input \(index) that is not base64 of Float32 values"
                )
            }
            return littleEndianFloats([UInt8](data))
        }
    }

    /// Reads consecutive little-endian IEEE 754 binary32 values.
    /// - Precondition: `bytes.count` is a multiple of 4.
    static func littleEndianFloats(_ bytes: [UInt8]) -> [Float] {
        precondition(bytes.count % 4 == 0, "byte count must be a multiple of 4")
        var floats: [Float] = []
        floats.reserveCapacity(bytes.count / 4)
        var i = 0
        while i < bytes.count {
            let bits =
                UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16 | UInt32(bytes[i + 3]) << 24
            floats.append(Float(bitPattern: bits))
            i += 4
        }
        return floats
    }
}
