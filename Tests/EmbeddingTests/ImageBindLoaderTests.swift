// SPDX-License-Identifier: Apache-2.0

import Embedding
import MediaDecoding
import Testing

/// The loaders Weaviate's `multi2vec-bind` container uses for IMU (CSV) and depth/thermal (grayscale images).
@Suite struct ImageBindLoaderTests {
    static let csv = """
        acc_x,acc_y,acc_z,gyro_x,gyro_y,gyro_z
        1,2,3,4,5,6
        7,8,9,10,11,12\r
        13, 14 ,15,16,17,1.5e1

        """

    @Test("the Weaviate layout reshapes the T × 6 table to 6 × T in file order (numpy's reshape, not a transpose)")
    func weaviateLayout() throws {
        let series = try IMUSeries(csv: Array(Self.csv.utf8))
        #expect(series.length == 3)
        #expect(series.values == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 15])
        let columns = try IMUSeries(csv: Array(Self.csv.utf8), layout: .columns)
        #expect(Array(columns.values.prefix(6)) == [1, 7, 13, 2, 8, 14])
        #expect(Array(columns.values.suffix(3)) == [6, 12, 15])
    }

    @Test("resizing pads every channel with zeros at the end or cuts it")
    func resizing() throws {
        let series = try IMUSeries(csv: Array(Self.csv.utf8), layout: .columns)
        let padded = series.resized(to: 5)
        #expect(Array(padded.values.prefix(5)) == [1, 7, 13, 0, 0])
        #expect(Array(padded.values.suffix(5)) == [6, 12, 15, 0, 0])
        let cut = series.resized(to: 2)
        #expect(cut.values == [1, 7, 2, 8, 3, 9, 4, 10, 5, 11, 6, 12])
    }

    @Test("malformed CSV files are typed errors naming the line")
    func malformed() {
        let cases = [
            "h\n1,2,3,4,5\n",
            "h\n1,2,3,4,5,x\n",
            "h\n1,2,3,4,5,inf\n",
            "only a header\n",
            "",
        ]
        for text in cases {
            let error = #expect(throws: EmbeddingError.self, "\(text)") { _ = try IMUSeries(csv: Array(text.utf8)) }
            #expect(error?.code == .invalidInput)
        }
        #expect(throws: EmbeddingError.self) { _ = try IMUSeries(csv: [0x68, 0x0A, 0xFF, 0xFE]) }
    }

    @Test("the gray preset converts like Pillow's convert(\"L\"), drops alpha and normalises with CLIP's first channel")
    func grayPreset() {
        let rgb = Image(
            width: 300,
            height: 250,
            format: .rgb,
            samples: .uint8(Array(repeating: [200, 100, 50], count: 75_000).flatMap { $0 })
        )
        let rgba = Image(
            width: 300,
            height: 250,
            format: .rgba,
            samples: .uint8(Array(repeating: [200, 100, 50, 0], count: 75_000).flatMap { $0 })
        )
        let a = ImagePreprocessor.imageBindGray(rgb)
        let b = ImagePreprocessor.imageBindGray(rgba)
        #expect(a.shape == [1, 224, 224])
        #expect(a.values == b.values)
        // Pillow: (200 × 19595 + 100 × 38470 + 50 × 7471 + 2^15) >> 16 = 124.
        let expected = (Float(124) / 255 - 0.48145466) / 0.26862954
        #expect(a.values.allSatisfy { abs($0 - expected) < 1e-5 })
        // The CLIP preset composites the transparent pixels over white instead.
        #expect(ImagePreprocessor.clipGray(rgba).values != a.values)
    }
}
