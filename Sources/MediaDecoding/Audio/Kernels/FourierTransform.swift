// SPDX-License-Identifier: Apache-2.0

/// A mixed-radix complex FFT of any size (factors 4, 2, 3, 5, then any remaining primes by direct DFT),
/// in `Double`: `X[k] = Σ x[n] e^(−2πi nk/N)`.
///
/// Decimation in time, recursive, out of place, with every level's twiddles precomputed. Used for the 400-point
/// (Whisper) and 512-point (Kaldi) spectra; a transform costs about N × Σ factors complex multiply-adds.
package struct FourierTransform: Sendable {
    /// The transform length.
    package let count: Int
    private let factors: [Int]
    /// Level `l` twiddles `W_n^(q·k)` for `q < p`, `k < m`, at `twiddleOffset[l] + q × m + k`.
    private let twiddleRe: [Double]
    private let twiddleIm: [Double]
    private let twiddleOffset: [Int]
    /// `W_p^j` for the generic radix, `j < p`, at `rootOffset[l] + j`.
    private let rootRe: [Double]
    private let rootIm: [Double]
    private let rootOffset: [Int]

    /// Plans a transform of `count` points.
    /// - Precondition: `count > 0`.
    package init(count: Int) {
        precondition(count > 0, "FFT size must be positive")
        self.count = count
        var factors = [Int]()
        var rest = count
        for p in [4, 2, 3, 5] {
            while rest % p == 0 && rest > 1 {
                factors.append(p)
                rest /= p
            }
        }
        var prime = 7
        while rest > 1 {
            while rest % prime == 0 {
                factors.append(prime)
                rest /= prime
            }
            prime += 2
        }
        if factors.isEmpty { factors = [1] }
        self.factors = factors
        var twRe = [Double]()
        var twIm = [Double]()
        var twOffset = [Int]()
        var rRe = [Double]()
        var rIm = [Double]()
        var rOffset = [Int]()
        var n = count
        for p in factors {
            let m = n / p
            twOffset.append(twRe.count)
            for q in 0..<p {
                for k in 0..<m {
                    let turns = Double((q * k) % n) / Double(n)
                    twRe.append(Elementary.cosineOfTurn(turns))
                    twIm.append(-Elementary.sineOfTurn(turns))
                }
            }
            rOffset.append(rRe.count)
            for j in 0..<p {
                rRe.append(Elementary.cosineOfTurn(Double(j) / Double(p)))
                rIm.append(-Elementary.sineOfTurn(Double(j) / Double(p)))
            }
            n = m
        }
        twiddleRe = twRe
        twiddleIm = twIm
        twiddleOffset = twOffset
        rootRe = rRe
        rootIm = rIm
        rootOffset = rOffset
    }

    /// Transforms `real` (imaginary part zero) of exactly ``count`` values.
    /// - Returns: The real and imaginary parts of all `count` bins.
    package func forward(real input: [Double]) -> (real: [Double], imaginary: [Double]) {
        precondition(input.count == count, "FFT input has the wrong length")
        var outRe = [Double](repeating: 0, count: count)
        var outIm = [Double](repeating: 0, count: count)
        unsafe input.withUnsafeBufferPointer { inRe in
            unsafe outRe.withUnsafeMutableBufferPointer { oRe in
                unsafe outIm.withUnsafeMutableBufferPointer { oIm in
                    unsafe withUnsafeTemporaryAllocation(of: Double.self, capacity: 2 * (factors.max() ?? 1)) {
                        scratch in
                        let handle = unsafe _UnsafeFFTHandle(
                            plan: self,
                            inRe: inRe.baseAddress!,
                            outRe: oRe.baseAddress!,
                            outIm: oIm.baseAddress!,
                            scratch: scratch.baseAddress!
                        )
                        unsafe handle.transform(0, 1, 0, count, 0)
                    }
                }
            }
        }
        return (outRe, outIm)
    }

    /// Power spectrum `|X[k]|²` for bins `0 ..< bins`.
    package func powerSpectrum(real input: [Double], bins: Int) -> [Double] {
        let (re, im) = forward(real: input)
        return (0..<bins).map { re[$0] * re[$0] + im[$0] * im[$0] }
    }

    /// Raw pointers for one transform; created and used only inside ``forward(real:)``'s closures.
    @unsafe private struct _UnsafeFFTHandle {
        let plan: FourierTransform
        let inRe: UnsafePointer<Double>
        let outRe: UnsafeMutablePointer<Double>
        let outIm: UnsafeMutablePointer<Double>
        let scratch: UnsafeMutablePointer<Double>

        /// The DFT of the `n` real inputs at `inStart + i × inStride` into `out[outStart ..< outStart + n]`.
        func transform(_ inStart: Int, _ inStride: Int, _ outStart: Int, _ n: Int, _ level: Int) {
            let p = unsafe plan.factors[level]
            let m = n / p
            if m == 1 {
                for q in 0..<p {
                    unsafe outRe[outStart &+ q] = unsafe inRe[inStart &+ q &* inStride]
                    unsafe outIm[outStart &+ q] = 0
                }
            } else {
                for q in 0..<p {
                    unsafe transform(inStart &+ q &* inStride, inStride &* p, outStart &+ q &* m, m, level &+ 1)
                }
            }
            if p == 1 { return }
            unsafe plan.twiddleRe.withUnsafeBufferPointer { twRe in
                unsafe plan.twiddleIm.withUnsafeBufferPointer { twIm in
                    unsafe combine(p, m, outStart, twRe, twIm, plan.twiddleOffset[level], plan.rootOffset[level])
                }
            }
        }

        /// Twiddles the `p` sub-transforms and runs a `p`-point DFT across them, in place.
        private func combine(
            _ p: Int,
            _ m: Int,
            _ outStart: Int,
            _ twRe: UnsafeBufferPointer<Double>,
            _ twIm: UnsafeBufferPointer<Double>,
            _ twBase: Int,
            _ rootBase: Int
        ) {
            let tRe = unsafe scratch
            let tIm = unsafe scratch + p
            for k in 0..<m {
                for q in 0..<p {
                    let index = outStart &+ q &* m &+ k
                    let re = unsafe outRe[index]
                    let im = unsafe outIm[index]
                    let c = unsafe twRe[twBase &+ q &* m &+ k]
                    let s = unsafe twIm[twBase &+ q &* m &+ k]
                    unsafe tRe[q] = re * c - im * s
                    unsafe tIm[q] = re * s + im * c
                }
                let o = outStart &+ k
                switch p {
                case 2:
                    unsafe outRe[o] = unsafe tRe[0] + tRe[1]
                    unsafe outIm[o] = unsafe tIm[0] + tIm[1]
                    unsafe outRe[o &+ m] = unsafe tRe[0] - tRe[1]
                    unsafe outIm[o &+ m] = unsafe tIm[0] - tIm[1]
                case 4:
                    let aRe = unsafe tRe[0] + tRe[2]
                    let aIm = unsafe tIm[0] + tIm[2]
                    let bRe = unsafe tRe[0] - tRe[2]
                    let bIm = unsafe tIm[0] - tIm[2]
                    let cRe = unsafe tRe[1] + tRe[3]
                    let cIm = unsafe tIm[1] + tIm[3]
                    let dRe = unsafe tRe[1] - tRe[3]
                    let dIm = unsafe tIm[1] - tIm[3]
                    // X1 = b − i·d, X3 = b + i·d (forward transform).
                    unsafe outRe[o] = aRe + cRe
                    unsafe outIm[o] = aIm + cIm
                    unsafe outRe[o &+ m] = bRe + dIm
                    unsafe outIm[o &+ m] = bIm - dRe
                    unsafe outRe[o &+ 2 &* m] = aRe - cRe
                    unsafe outIm[o &+ 2 &* m] = aIm - cIm
                    unsafe outRe[o &+ 3 &* m] = bRe - dIm
                    unsafe outIm[o &+ 3 &* m] = bIm + dRe
                default:
                    for s in 0..<p {
                        var accRe = 0.0
                        var accIm = 0.0
                        var j = 0
                        for q in 0..<p {
                            let c = unsafe plan.rootRe[rootBase &+ j]
                            let sn = unsafe plan.rootIm[rootBase &+ j]
                            accRe += unsafe tRe[q] * c - tIm[q] * sn
                            accIm += unsafe tRe[q] * sn + tIm[q] * c
                            j &+= s
                            if j >= p { j &-= p }
                        }
                        unsafe outRe[o &+ s &* m] = accRe
                        unsafe outIm[o &+ s &* m] = accIm
                    }
                }
            }
        }
    }
}
