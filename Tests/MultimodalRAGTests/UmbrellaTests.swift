// SPDX-License-Identifier: Apache-2.0

import MultimodalRAG
import Testing

@Suite struct UmbrellaTests {
    @Test("the umbrella re-exports every module: the README example runs")
    func readmeExample() throws {
        let index = try FlatIndex(dimension: 3, metric: .cosine)
        try index.add(VectorMatrix(rows: [[1, 0, 0], [0, 1, 0], [0.7, 0.7, 0]]), ids: [1, 2, 3])
        let hits = try index.search([1, 0.1, 0], k: 2)
        #expect(hits.map(\.id) == [1, 3])

        let ppm: [UInt8] = Array("P6 2 1 255\n".utf8) + [255, 0, 0, 0, 0, 255]
        let image = try MediaDecoder().decodeImage(ppm)
        #expect(image.width == 2 && image.height == 1 && image.format == .rgb)
        #expect(image.uint8Samples == [255, 0, 0, 0, 0, 255])

        let tokenizer = try WordPieceTokenizer(vocabularyText: Array("[PAD]\n[UNK]\n[CLS]\n[SEP]\nhi\n".utf8))
        #expect(tokenizer.encode("Hi") == [2, 4, 3])
    }
}
