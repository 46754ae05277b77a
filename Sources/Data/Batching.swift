import Kernels

/// Seeded shuffling, batching and validation splits.
public enum Shuffling {
    /// A uniformly random permutation of `0..<count` (Fisher–Yates, drawing from the top down).
    public static func permutation<Source: RandomWordSource>(count: Int, random: inout Source) -> [Int] {
        var order = Array(0..<max(count, 0))
        var top = order.count - 1
        while top > 0 {
            order.swapAt(top, random.index(below: top + 1))
            top -= 1
        }
        return order
    }

    /// `order` cut into consecutive batches of `size` (none when `size` < 1); the short last batch is
    /// kept unless `dropLast`.
    public static func batches(_ order: [Int], size: Int, dropLast: Bool = false) -> [ArraySlice<Int>] {
        guard size > 0 else { return [] }
        return stride(from: 0, to: order.count, by: size).compactMap { start in
            let end = min(start + size, order.count)
            return dropLast && end - start < size ? nil : order[start..<end]
        }
    }
}

extension LabeledImages {
    /// The images and labels at `indices`, in that order.
    public func subset(_ indices: [Int]) throws -> LabeledImages {
        let imageSize = images.count / max(images.shape[0], 1)
        var bytes = [UInt8]()
        bytes.reserveCapacity(indices.count * imageSize)
        for index in indices {
            guard index >= 0, index < count else {
                throw SourceError("data set", "index \(index) is outside 0..<\(count)")
            }
            bytes += images.bytes[(index * imageSize)..<((index + 1) * imageSize)]
        }
        let shape = [indices.count] + images.shape.dropFirst()
        return try LabeledImages(
            images: NumericArray(validatedShape: shape, dtype: .uint8, bytes: bytes), labels: indices.map { labels[$0] }
        )
    }

    /// A random `fraction` of the images held out as validation, the rest kept for training.
    public func splitValidation<Source: RandomWordSource>(
        fraction: Double, random: inout Source
    ) throws -> (train: LabeledImages, validation: LabeledImages) {
        guard fraction > 0, fraction < 1 else {
            throw SourceError("data set", "validation fraction \(fraction) must lie strictly between 0 and 1")
        }
        let order = Shuffling.permutation(count: count, random: &random)
        let held = Int((Double(count) * fraction).rounded())
        guard held > 0, held < count else {
            throw SourceError(
                "data set", "a validation fraction of \(fraction) of \(count) images leaves a split empty")
        }
        return (try subset(Array(order[held...]).sorted()), try subset(Array(order[..<held]).sorted()))
    }

    /// Writes the images at `indices` into `output` as floats scaled by `scale` (1/255 maps uint8 to
    /// [0, 1]); this is the one place pixels are widened, one batch at a time.
    public func writeBatch(_ indices: ArraySlice<Int>, scale: Float, into output: UnsafeMutableBufferPointer<Float>)
        throws
    {
        let imageSize = images.count / max(images.shape[0], 1)
        guard output.count >= indices.count * imageSize else {
            throw SourceError(
                "data set", "batch buffer holds \(output.count) floats, needs \(indices.count * imageSize)")
        }
        if let bad = indices.first(where: { $0 < 0 || $0 >= count }) {
            throw SourceError("data set", "batch index \(bad) is outside 0..<\(count)")
        }
        images.bytes.withUnsafeBufferPointer { pixels in
            for (slot, index) in indices.enumerated() {
                for offset in 0..<imageSize {
                    output[slot * imageSize + offset] = Float(pixels[index * imageSize + offset]) * scale
                }
            }
        }
    }
}
