// SPDX-License-Identifier: Apache-2.0

import _RAGInternals

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// Meta's ImageBind: six towers (vision for images and video, text, audio, depth, thermal, IMU) trained into one
/// embedding space, ported exactly from the reference code and loaded from its original state-dict tensor names.
///
/// Every width, depth, patch size and token count is read from the tensors' shapes, so `imagebind_huge` (and any
/// ImageBind-shaped checkpoint) loads without a configuration file; ``ImageBindConfiguration`` carries only what
/// the shapes cannot say (head counts, the audio stride), with `imagebind_huge`'s values by default. A checkpoint
/// may leave towers out; ``towers`` says which it has.
///
/// The model takes tensors: token ids, and preprocessed floats per item (images `3 × 224 × 224`, video clips
/// `3 × 2 × 224 × 224`, spectrograms `1 × 128 × 204`, depth and thermal maps `1 × 224 × 224`, IMU `6 × 2000`).
/// ``ImageBindEmbedder`` adds the reference preprocessing. ImageBind's code and weights are licensed
/// CC-BY-NC-SA 4.0; this library ships no weights.
///
/// ```swift
/// let model = try await ImageBindModel(directory: folder)            // model.safetensors (+ optional config.json)
/// let text = try model.embed(tokenIDs: [[49406, 320, 1929, 269, 49407]])
/// let audio = try model.embed(.audio, values: spectrograms, batch: 1, clips: 3)
/// print(text.outputs.count, audio.outputs.dimension)                 // 1 1024
/// ```
public struct ImageBindModel: Sendable {
    /// A tower of the model (one per modality; vision takes both images and video).
    public enum Tower: String, Sendable, Hashable, Codable, CaseIterable {
        /// Images and video clips.
        case vision
        /// Token ids of the CLIP BPE tokenizer.
        case text
        /// Mel spectrograms of 2-second clips.
        case audio
        /// Single-channel depth maps.
        case depth
        /// Single-channel thermal images.
        case thermal
        /// Six-channel inertial measurement series (accelerometer and gyroscope).
        case imu
    }

    /// What the tensor shapes do not say.
    public let configuration: ImageBindConfiguration
    /// The model's identifier (the checkpoint folder's name unless given).
    public let modelID: String
    /// The checkpoint revision (`sha256:<digest>` of the weight file for a folder, unless given); empty when unknown.
    public let revision: String
    /// The most threads one call may use.
    public var threads: Int

    let loaded: [Tower: ImageBindTower]

    /// Builds the model from its weights.
    /// - Parameters:
    ///   - weights: Tensors named as the reference `ImageBindModel.state_dict()` names them.
    ///   - configuration: Head counts and the audio stride (`imagebind_huge`'s by default).
    ///   - modelID: The identifier recorded in ``space``.
    ///   - revision: The revision recorded in ``space``.
    /// - Throws: ``EmbeddingError`` with code ``EmbeddingError/Code/missingTensor`` or
    ///   ``EmbeddingError/Code/shapeMismatch`` naming the first bad tensor (or when the checkpoint has no tower at
    ///   all), ``EmbeddingError/Code/invalidConfiguration`` for head counts that do not divide a width.
    public init(
        weights: some ModelWeights,
        configuration: ImageBindConfiguration = .huge,
        modelID: String = "imagebind",
        revision: String = ""
    ) throws(EmbeddingError) {
        var loaded: [Tower: ImageBindTower] = [:]
        for tower in Tower.allCases {
            if let built = try ImageBindTower(tower, weights, configuration: configuration) { loaded[tower] = built }
        }
        guard let first = loaded.values.first else {
            throw EmbeddingError(.missingTensor, "the checkpoint has no ImageBind tower (no modality_preprocessors.*)")
        }
        for (tower, built) in loaded where built.outFeatures != first.outFeatures {
            throw EmbeddingError(
                .shapeMismatch,
                "the \(tower.rawValue) head projects to \(built.outFeatures), the \(first.tower.rawValue) head to "
                    + "\(first.outFeatures)"
            )
        }
        self.loaded = loaded
        self.configuration = configuration
        self.modelID = modelID
        self.revision = revision
        threads = max(1, Parallel.processorCount)
    }

    /// Loads `model.safetensors` (or a sharded index; without one, `pytorch_model.bin` through the weights-only
    /// reader) from a folder, with `config.json` when present (the reference constructor's arguments, see
    /// ``ImageBindConfiguration/init(constructorArgumentsJSON:)``).
    /// - Parameters:
    ///   - directory: The folder.
    ///   - configuration: Overrides `config.json`; `nil` reads it, or uses `imagebind_huge`'s values without one.
    /// - Throws: ``EmbeddingError`` for an unreadable folder, configuration or checkpoint.
    @concurrent public init(
        directory: URL,
        configuration: ImageBindConfiguration? = nil
    ) async throws(EmbeddingError) {
        var resolved = configuration ?? .huge
        let configFile = directory.appendingPathComponent("config.json")
        if configuration == nil, FileManager.default.fileExists(atPath: configFile.path) {
            resolved = try ImageBindConfiguration(constructorArgumentsJSON: try LocalFile.read(configFile))
        }
        let weights = try await WeightFiles.open(directory: directory, variant: nil)
        let revision = try WeightDigests.shared.revision(ofWeightsIn: directory, variant: nil)
        try self.init(
            weights: weights,
            configuration: resolved,
            modelID: directory.lastPathComponent,
            revision: revision
        )
    }

    /// Loads the reference checkpoint as it is distributed: one PyTorch file such as `imagebind_huge.pth`, read by
    /// the weights-only reader (``PyTorchCheckpoint``, which never runs the pickle inside).
    ///
    /// ```swift
    /// let model = try await ImageBindModel(checkpoint: downloads.appendingPathComponent("imagebind_huge.pth"))
    /// ```
    /// The space's revision is the SHA-256 of the file, computed on the first open and remembered (in
    /// `~/.cache/mmrag/weight-digests`), so two different files never share a space.
    /// - Parameters:
    ///   - file: The `.pth` file (a `.safetensors` file with the same tensor names works too).
    ///   - configuration: Head counts and the audio stride; `imagebind_huge`'s by default.
    /// - Throws: ``EmbeddingError`` for an unreadable or refused file, or missing or misshapen tensors.
    @concurrent public init(
        checkpoint file: URL,
        configuration: ImageBindConfiguration = .huge
    ) async throws(EmbeddingError) {
        let weights: any ModelWeights =
            file.pathExtension == "safetensors"
            ? try SafetensorsCheckpoint(files: [try await SafetensorsFile(contentsOf: file)])
            : try await PyTorchCheckpoint(file: file)
        try self.init(
            weights: weights,
            configuration: configuration,
            modelID: file.deletingPathExtension().lastPathComponent,
            revision: try WeightDigests.shared.digest(of: file)
        )
    }

    /// The towers this checkpoint has.
    public var towers: Set<Tower> { Set(loaded.keys) }

    /// The length of every output vector (1024 for `imagebind_huge`).
    public var dimension: Int { loaded.values.first!.outFeatures }

    /// The space of the L2-normalised outputs (every tower shares it).
    public var space: EmbeddingSpace {
        EmbeddingSpace(modelID: modelID, revision: revision, dimension: dimension, normalization: .l2)
    }

    /// The factor a tower's normalised outputs are multiplied by (`min(exp(log_logit_scale), 100)`; 1 for vision).
    public func logitScale(_ tower: Tower) -> Float? {
        loaded[tower].map { $0.logitScale ?? 1 }
    }

    /// The shape of one item of a tower's input without a time axis: `[3, 224, 224]` for an image, `[1, 128, 204]`
    /// for a spectrogram, `[1, 224, 224]` for depth and thermal, `[6, 2000]` for IMU, `[77]` (the most positions)
    /// for text; `nil` when the checkpoint lacks the tower.
    public func inputShape(_ tower: Tower) -> [Int]? { loaded[tower]?.itemShape }

    /// The shape of one video clip, `[3, 2, 224, 224]` (`nil` without a vision tower).
    public var videoClipShape: [Int]? {
        guard let vision = loaded[.vision], case .patches(let conv, let size, _, _) = vision.stem else { return nil }
        return [conv.channels, size.t, size.h, size.w]
    }

    func tower(_ tower: Tower) throws(EmbeddingError) -> ImageBindTower {
        guard let built = loaded[tower] else {
            throw EmbeddingError(.unsupportedModality, "the checkpoint \(modelID) has no \(tower.rawValue) tower")
        }
        return built
    }
}
