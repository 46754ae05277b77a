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
        if let bad = indices.first(where: { $0 < 0 || $0 >= count }) {
            throw SourceError("data set", "index \(bad) is outside 0..<\(count)")
        }
        if let files { return try LabeledImages(files: files.subset(indices), labels: indices.map { labels[$0] }) }
        let images = self.images, imageSize = self.imageSize
        var bytes = [UInt8]()
        bytes.reserveCapacity(indices.count * imageSize)
        for index in indices {
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
    /// [0, 1]); this is the one place pixels are widened, one batch at a time. A streamed split
    /// decodes the batch's files here.
    public func writeBatch(_ indices: ArraySlice<Int>, scale: Float, into output: UnsafeMutableBufferPointer<Float>)
        throws
    {
        let imageSize = self.imageSize
        guard output.count >= indices.count * imageSize else {
            throw SourceError(
                "data set", "batch buffer holds \(output.count) floats, needs \(indices.count * imageSize)")
        }
        if let bad = indices.first(where: { $0 < 0 || $0 >= count }) {
            throw SourceError("data set", "batch index \(bad) is outside 0..<\(count)")
        }
        guard case .memory(let images) = storage else {
            var bytes = [UInt8](repeating: 0, count: indices.count * imageSize)
            try bytes.withUnsafeMutableBufferPointer { try writeBytes(indices, into: $0.baseAddress!) }
            bytes.withUnsafeBufferPointer { Self.widen($0.baseAddress!, count: $0.count, scale: scale, into: output) }
            return
        }
        images.bytes.withUnsafeBufferPointer { pixels in
            for (slot, index) in indices.enumerated() {
                Self.widen(
                    pixels.baseAddress! + index * imageSize, count: imageSize, scale: scale,
                    into: UnsafeMutableBufferPointer(rebasing: output[(slot * imageSize)...]))
            }
        }
    }

    /// `count` bytes from `bytes` into `output` as floats times `scale`.
    static func widen(
        _ bytes: UnsafePointer<UInt8>, count: Int, scale: Float, into output: UnsafeMutableBufferPointer<Float>
    ) {
        for offset in 0..<count { output[offset] = Float(bytes[offset]) * scale }
    }

    /// The uint8 pixels of the images at `indices`, one after another, into `destination` (which
    /// holds `indices.count × imageSize` bytes): copied from memory, or decoded from a streamed
    /// split's files. Indices must lie inside the split.
    func writeBytes<C: Collection<Int>>(_ indices: C, into destination: UnsafeMutablePointer<UInt8>) throws {
        let imageSize = self.imageSize
        switch storage {
        case .memory(let images):
            images.bytes.withUnsafeBufferPointer { pixels in
                for (slot, index) in indices.enumerated() {
                    (destination + slot * imageSize).update(
                        from: pixels.baseAddress! + index * imageSize, count: imageSize)
                }
            }
        case .files(let files):
            for (slot, index) in indices.enumerated() { try files.decode(index, into: destination + slot * imageSize) }
        }
    }
}
