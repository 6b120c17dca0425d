// SPDX-License-Identifier: Apache-2.0

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// What an ImageBind checkpoint's tensor shapes do not say: head counts, the audio stride and input size.
///
/// Every width, depth and patch size is read from the tensors themselves.
///
/// The defaults are `imagebind_huge`'s, so the real checkpoint needs no configuration file. For another model,
/// ``init(constructorArgumentsJSON:)`` reads the reference `ImageBindModel` constructor's own argument names
/// (`vision_num_heads`, `audio_stride`, …), either at the top level (the `config.json` a
/// `PyTorchModelHubMixin` upload carries) or under `constructor_kwargs`.
public struct ImageBindConfiguration: Sendable, Hashable {
    /// Attention heads per tower.
    public var heads: [ImageBindModel.Tower: Int]
    /// The audio stem's convolution stride (10 in every released model).
    public var audioStride: Int
    /// The mel bins of an audio clip's spectrogram (128).
    public var audioMelBins: Int
    /// The frames of an audio clip's spectrogram (204).
    public var audioFrames: Int
    /// How the transformer blocks' and heads' projection weights are kept in memory.
    ///
    /// ``WeightStorage/float32`` by default; ``WeightStorage/float16`` halves the model's memory. Not a constructor
    /// argument of the reference, so ``init(constructorArgumentsJSON:)`` leaves it at Float32.
    public var weightStorage: WeightStorage

    /// Creates a configuration.
    /// - Parameters:
    ///   - heads: Attention heads per tower; towers not named keep `imagebind_huge`'s.
    ///   - audioStride: The audio stem's stride.
    ///   - audioMelBins: The mel bins of an audio clip.
    ///   - audioFrames: The frames of an audio clip.
    ///   - weightStorage: How the projection weights are kept in memory.
    public init(
        heads: [ImageBindModel.Tower: Int] = [:],
        audioStride: Int = 10,
        audioMelBins: Int = 128,
        audioFrames: Int = 204,
        weightStorage: WeightStorage = .float32
    ) {
        self.heads = Self.hugeHeads.merging(heads) { _, given in given }
        self.audioStride = audioStride
        self.audioMelBins = audioMelBins
        self.audioFrames = audioFrames
        self.weightStorage = weightStorage
    }

    /// `imagebind_huge`: vision 16, text 16, audio 12, depth 8, thermal 12, IMU 8 heads.
    public static let huge = ImageBindConfiguration()

    private static let hugeHeads: [ImageBindModel.Tower: Int] = [
        .vision: 16, .text: 16, .audio: 12, .depth: 8, .thermal: 12, .imu: 8,
    ]

    /// Reads the reference constructor's arguments from JSON.
    ///
    /// Recognised keys: `<tower>_num_heads` for each tower, `audio_stride`, `audio_num_mel_bins`,
    /// `audio_target_len`; others are ignored. Missing keys keep `imagebind_huge`'s values.
    /// - Parameter json: A JSON object, with the arguments at the top level or under `constructor_kwargs`.
    /// - Throws: ``EmbeddingError/Code/invalidConfiguration`` for text that is not such an object or a value that
    ///   is not a positive integer.
    public init(constructorArgumentsJSON json: Data) throws(EmbeddingError) {
        let arguments: ConstructorArguments
        do {
            arguments = try JSONDecoder().decode(ConstructorArguments.self, from: json)
        } catch {
            throw EmbeddingError.json(.invalidConfiguration, "the ImageBind configuration", error)
        }
        func integer(_ key: String) throws(EmbeddingError) -> Int? {
            guard let value = arguments.values[key] else { return nil }
            guard let number = value, number > 0 else {
                throw EmbeddingError(
                    .invalidConfiguration,
                    "ImageBind configuration: \(key) must be a positive integer"
                )
            }
            return number
        }
        var heads: [ImageBindModel.Tower: Int] = [:]
        for tower in ImageBindModel.Tower.allCases {
            if let count = try integer("\(tower.rawValue)_num_heads") { heads[tower] = count }
        }
        self.init(
            heads: heads,
            audioStride: try integer("audio_stride") ?? 10,
            audioMelBins: try integer("audio_num_mel_bins") ?? 128,
            audioFrames: try integer("audio_target_len") ?? 204
        )
    }
}

/// The integer arguments of a constructor-arguments object (`nil` for a key whose value is not an integer).
private struct ConstructorArguments: Decodable {
    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    var values: [String: Int?] = [:]

    init(from decoder: any Decoder) throws {
        var container = try decoder.container(keyedBy: Key.self)
        let nested = Key(stringValue: "constructor_kwargs")
        if container.contains(nested) {
            container = try container.nestedContainer(keyedBy: Key.self, forKey: nested)
        }
        for key in container.allKeys {
            values[key.stringValue] = try? container.decode(Int.self, forKey: key)
        }
    }
}
