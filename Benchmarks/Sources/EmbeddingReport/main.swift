// SPDX-License-Identifier: Apache-2.0

// Release-build timings of the real model shapes (CLIP ViT-B/32 image and text towers, MiniLM-L6) with random
// weights generated here: milliseconds per item at batch 1 and 8, one and two threads, wall and CPU time.
// Compare with PyTorch 2.13 CPU (`../shared/tools/torch_embed_bench.py`; ../shared/BENCHMARKS.md).
// Usage: swift run -c release --package-path Benchmarks embedding-report

import BenchmarkSupport
import Dispatch
import Embedding
import Foundation

#if canImport(Glibc)
import Glibc
#endif

#if DEBUG
fatalError("build with -c release: debug numbers mean nothing")
#endif

/// Random weights for every tensor a model needs, found by asking the loader (missing-tensor errors name them).
func randomCheckpoint(
    seed: UInt64,
    tensors: [(String, [Int], Float)]
) throws -> SafetensorsCheckpoint {
    var rng = SplitMix64(seed: seed)
    var header: [String] = []
    var payload: [UInt8] = []
    let total = tensors.reduce(0) { $0 + $1.1.reduce(1, *) }
    payload.reserveCapacity(total * 4)
    for (name, shape, scale) in tensors {
        let count = shape.reduce(1, *)
        let start = payload.count
        for _ in 0..<count {
            let bits = (Float(Int64(rng.next() >> 40) - (1 << 23)) / Float(1 << 23) * scale).bitPattern
            payload.append(UInt8(truncatingIfNeeded: bits))
            payload.append(UInt8(truncatingIfNeeded: bits >> 8))
            payload.append(UInt8(truncatingIfNeeded: bits >> 16))
            payload.append(UInt8(truncatingIfNeeded: bits >> 24))
        }
        let dims = shape.map(String.init).joined(separator: ",")
        header.append(
            "\"\(name)\":{\"dtype\":\"F32\",\"shape\":[\(dims)],\"data_offsets\":[\(start),\(payload.count)]}"
        )
    }
    let json = Array(("{" + header.joined(separator: ",") + "}").utf8)
    var file = (0..<8).map { UInt8(truncatingIfNeeded: UInt64(json.count) >> (8 * $0)) } + json
    file += payload
    return try SafetensorsCheckpoint(files: [SafetensorsFile(data: Data(file))])
}

func encoderTensors(prefix: String, layers: Int, d: Int, ff: Int) -> [(String, [Int], Float)] {
    var t: [(String, [Int], Float)] = []
    for i in 0..<layers {
        let p = "\(prefix).encoder.layers.\(i)."
        for n in ["layer_norm1", "layer_norm2"] { t += [(p + n + ".weight", [d], 1), (p + n + ".bias", [d], 0.1)] }
        for n in ["q_proj", "k_proj", "v_proj", "out_proj"] {
            t += [
                (p + "self_attn.\(n).weight", [d, d], 1 / Float(d).squareRoot()),
                (p + "self_attn.\(n).bias", [d], 0.1),
            ]
        }
        t += [(p + "mlp.fc1.weight", [ff, d], 1 / Float(d).squareRoot()), (p + "mlp.fc1.bias", [ff], 0.1)]
        t += [(p + "mlp.fc2.weight", [d, ff], 1 / Float(ff).squareRoot()), (p + "mlp.fc2.bias", [d], 0.1)]
    }
    return t
}

func clip(_ c: CLIPConfiguration) throws -> CLIPModel {
    let t = c.text
    let v = c.vision
    var tensors: [(String, [Int], Float)] = [
        ("logit_scale", [], 1),
        ("text_model.embeddings.token_embedding.weight", [t.vocabSize, t.hiddenSize], 0.5),
        ("text_model.embeddings.position_embedding.weight", [t.maxPositionEmbeddings, t.hiddenSize], 0.5),
        ("text_model.final_layer_norm.weight", [t.hiddenSize], 1),
        ("text_model.final_layer_norm.bias", [t.hiddenSize], 0.1),
        ("text_projection.weight", [c.projectionDim, t.hiddenSize], 0.05),
        ("vision_model.embeddings.patch_embedding.weight", [v.hiddenSize, 3, v.patchSize, v.patchSize], 0.02),
        ("vision_model.embeddings.class_embedding", [v.hiddenSize], 0.5),
        ("vision_model.embeddings.position_embedding.weight", [v.gridSize * v.gridSize + 1, v.hiddenSize], 0.5),
        ("vision_model.pre_layrnorm.weight", [v.hiddenSize], 1),
        ("vision_model.pre_layrnorm.bias", [v.hiddenSize], 0.1),
        ("vision_model.post_layernorm.weight", [v.hiddenSize], 1),
        ("vision_model.post_layernorm.bias", [v.hiddenSize], 0.1),
        ("visual_projection.weight", [c.projectionDim, v.hiddenSize], 0.05),
    ]
    tensors += encoderTensors(
        prefix: "text_model",
        layers: t.numHiddenLayers,
        d: t.hiddenSize,
        ff: t.intermediateSize
    )
    tensors += encoderTensors(
        prefix: "vision_model",
        layers: v.numHiddenLayers,
        d: v.hiddenSize,
        ff: v.intermediateSize
    )
    return try CLIPModel(configuration: c, weights: randomCheckpoint(seed: 1, tensors: tensors))
}

func miniLM() throws -> BERTModel {
    var c = BERTConfiguration()
    c.hiddenSize = 384
    c.numHiddenLayers = 6
    c.intermediateSize = 1536
    let d = 384
    var t: [(String, [Int], Float)] = [
        ("embeddings.word_embeddings.weight", [c.vocabSize, d], 0.5),
        ("embeddings.position_embeddings.weight", [512, d], 0.5),
        ("embeddings.token_type_embeddings.weight", [2, d], 0.5),
        ("embeddings.LayerNorm.weight", [d], 1), ("embeddings.LayerNorm.bias", [d], 0.1),
    ]
    for i in 0..<6 {
        let p = "encoder.layer.\(i)."
        for n in ["attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense"] {
            t += [(p + n + ".weight", [d, d], 1 / Float(d).squareRoot()), (p + n + ".bias", [d], 0.1)]
        }
        for n in ["attention.output.LayerNorm", "output.LayerNorm"] {
            t += [(p + n + ".weight", [d], 1), (p + n + ".bias", [d], 0.1)]
        }
        t += [
            (p + "intermediate.dense.weight", [1536, d], 1 / Float(d).squareRoot()),
            (p + "intermediate.dense.bias", [1536], 0.1),
        ]
        t += [
            (p + "output.dense.weight", [d, 1536], 1 / Float(1536).squareRoot()),
            (p + "output.dense.bias", [d], 0.1),
        ]
    }
    return try BERTModel(configuration: c, weights: randomCheckpoint(seed: 2, tensors: t))
}

/// CPU time of the calling thread, in nanoseconds.
func cpuTime(_ clock: clockid_t = CLOCK_THREAD_CPUTIME_ID) -> Double {
    var ts = timespec()
    _ = clock_gettime(clock, &ts)
    return Double(ts.tv_sec) * 1e9 + Double(ts.tv_nsec)
}

/// Median wall-clock and calling-thread CPU milliseconds per item over `runs` timed runs (after one warm-up).
///
/// The machine is shared, so wall time is noisy; with one thread all work runs on the calling thread and its CPU
/// time is the steadier number.
func time(
    runs: Int,
    items: Int,
    threads: Int,
    _ body: () throws -> Void
) rethrows -> (wall: Double, cpu: Double) {
    // One thread: the calling thread's CPU time; more: the whole process's (all worker threads summed).
    let clock = threads == 1 ? CLOCK_THREAD_CPUTIME_ID : CLOCK_PROCESS_CPUTIME_ID
    try body()
    var wall: [Double] = []
    var cpu: [Double] = []
    for _ in 0..<runs {
        let start = DispatchTime.now().uptimeNanoseconds
        let cpuStart = cpuTime(clock)
        try body()
        cpu.append((cpuTime(clock) - cpuStart) / 1e6 / Double(items))
        wall.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6 / Double(items))
    }
    return (wall.sorted()[runs / 2], cpu.sorted()[runs / 2])
}

func cell(_ t: (wall: Double, cpu: Double), threads: Int) -> String {
    String(format: threads == 1 ? "%.1f (cpu %.1f)" : "%.1f (cpu, all threads, %.1f)", t.wall, t.cpu)
}

var small = CLIPConfiguration()
small.text.hiddenSize = 64
small.text.numHiddenLayers = 1
small.text.numAttentionHeads = 1
small.text.intermediateSize = 64
small.text.vocabSize = 1000
var image = try clip(small)
var textOnly = CLIPConfiguration()
textOnly.vision.hiddenSize = 64
textOnly.vision.numHiddenLayers = 1
textOnly.vision.numAttentionHeads = 1
textOnly.vision.intermediateSize = 64
var text = try clip(textOnly)
var bert = try miniLM()
var rng = SplitMix64(seed: 3)
let pixels = randomMatrix(8, 3 * 224 * 224, seed: 4).values.map { $0 }
let tokens = (0..<8).map { _ in [49406] + (0..<75).map { _ in Int(rng.next() % 49000) } + [49407] }
let sentences = (0..<8).map { _ in [101] + (0..<30).map { _ in 1000 + Int(rng.next() % 29000) } + [102] }
print("| threads | model | batch 1 ms/item | batch 8 ms/item |")
for threads in [1, 2] {
    image.threads = threads
    text.threads = threads
    bert.threads = threads
    let i1 = try time(runs: 7, items: 1, threads: threads) {
        _ = try image.imageFeatures(pixelValues: Array(pixels[0..<3 * 224 * 224]))
    }
    let i8 = try time(runs: 3, items: 8, threads: threads) {
        _ = try image.imageFeatures(pixelValues: pixels)
    }
    print(
        "| \(threads) | CLIP ViT-B/32 image | \(cell(i1, threads: threads)) | \(cell(i8, threads: threads)) |"
    )
    let t1 = try time(runs: 7, items: 1, threads: threads) { _ = try text.textFeatures([tokens[0]]) }
    let t8 = try time(runs: 3, items: 8, threads: threads) { _ = try text.textFeatures(tokens) }
    print(
        "| \(threads) | CLIP ViT-B/32 text (77 tokens) | \(cell(t1, threads: threads)) | \(cell(t8, threads: threads)) |"
    )
    let b1 = try time(runs: 15, items: 1, threads: threads) {
        _ = try bert.sentenceEmbeddings([sentences[0]])
    }
    let b8 = try time(runs: 5, items: 8, threads: threads) { _ = try bert.sentenceEmbeddings(sentences) }
    print(
        "| \(threads) | MiniLM-L6 (32 tokens) | \(cell(b1, threads: threads)) | \(cell(b8, threads: threads)) |"
    )
}
