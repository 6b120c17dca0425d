// SPDX-License-Identifier: Apache-2.0

/// The working memory of one pass through an ImageBind trunk, allocated once and reused by every block.
///
/// Every buffer is laid out by rows (tokens), and the stages of a block write disjoint rows or disjoint
/// (sequence, head) blocks of it, so the threads of one stage share the buffers without locks; a stage ends
/// (``_RAGInternals/Parallel/forEach(parts:_:)`` returns) before the next one reads what it wrote.
@safe
struct ImageBindTrunkBuffers {
    /// `rows × width`: the residual stream.
    let stream: UnsafeMutablePointer<Float>
    /// `rows × width`: a LayerNorm's output or a projection's, before it is added to the stream.
    let normed: UnsafeMutablePointer<Float>
    /// `sequences × keys × 3 width`: the queries, keys and values (with the appended row of each sequence).
    let qkv: UnsafeMutablePointer<Float>
    /// `rows × width`: the attention's output before its projection.
    let context: UnsafeMutablePointer<Float>
    /// `rows × hiddenWidth`: the MLP's hidden layer.
    let hidden: UnsafeMutablePointer<Float>
    /// The model width.
    let width: Int

    /// Runs `body` with zeroed buffers for `sequences` sequences of `length` rows (`keys` keys each) and frees
    /// them afterwards.
    static func with<Result>(
        sequences: Int,
        length: Int,
        keys: Int,
        width: Int,
        hiddenWidth: Int,
        _ body: (ImageBindTrunkBuffers) -> Result
    ) -> Result {
        let rows = sequences * length
        func zeroed(_ count: Int) -> UnsafeMutablePointer<Float> {
            let p = UnsafeMutablePointer<Float>.allocate(capacity: max(1, count))
            unsafe p.initialize(repeating: 0, count: max(1, count))
            return unsafe p
        }
        let buffers = unsafe ImageBindTrunkBuffers(
            stream: zeroed(rows * width),
            normed: zeroed(rows * width),
            qkv: zeroed(sequences * keys * 3 * width),
            context: zeroed(rows * width),
            hidden: zeroed(rows * hiddenWidth),
            width: width
        )
        defer {
            unsafe buffers.stream.deallocate()
            unsafe buffers.normed.deallocate()
            unsafe buffers.qkv.deallocate()
            unsafe buffers.context.deallocate()
            unsafe buffers.hidden.deallocate()
        }
        return body(buffers)
    }
}
