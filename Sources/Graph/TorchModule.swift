/// A layer as PyTorch writes it, for checkpoints a PyTorch user can load and `runexp export
/// --pytorch`: the Python expression that builds the module (PyTorch's own where it computes the
/// same, else one of the exported file's small classes, `ChannelsLastReshape`, `PaddedConv2d`,
/// `CroppedConvTranspose2d`), and the counters PyTorch keeps beside the layer's tensors.
public struct TorchModule: Sendable, Equatable {
    public var expression: String
    /// Names of int64 scalars in the module's state dict that runexp has no use for
    /// (`num_batches_tracked`); checkpoints write them so that a strict load finds every key.
    public var counters: [String]

    public init(_ expression: String, counters: [String] = []) {
        self.expression = expression
        self.counters = counters
    }

    /// A Python float literal: `0.2`, `1e-05`.
    static func number(_ value: Double) -> String { "\(value)" }

    /// A Python bool literal.
    static func flag(_ value: Bool) -> String { value ? "True" : "False" }
}

/// Moves a tensor between runexp's axis order and PyTorch's, where axis i of PyTorch's tensor is
/// axis `axes[i]` of runexp's (`ParameterShape.torchAxes`).
public enum TorchLayout {
    /// The values of a runexp tensor of `shape`, in PyTorch's order.
    public static func toTorch(_ values: [Float], shape: [Int], axes: [Int]) -> [Float] {
        var result = [Float](repeating: 0, count: values.count)
        walk(shape: shape, axes: axes) { torchIndex, index in result[torchIndex] = values[index] }
        return result
    }

    /// The values of a PyTorch tensor, in the order of the runexp tensor of `shape`.
    public static func fromTorch(_ values: [Float], shape: [Int], axes: [Int]) -> [Float] {
        var result = [Float](repeating: 0, count: values.count)
        walk(shape: shape, axes: axes) { torchIndex, index in result[index] = values[torchIndex] }
        return result
    }

    /// Hands the values at `values`, a runexp tensor of `shape`, to `emit` in PyTorch's order, at
    /// most `pieceSize` at a time: a checkpoint writes a tensor of any size through a buffer this small.
    public static func inTorchOrder(
        _ values: UnsafePointer<Float>, shape: [Int], axes: [Int], pieceSize: Int = 1 << 16,
        _ emit: (UnsafeBufferPointer<Float>) throws -> Void
    ) throws {
        if axes == Array(shape.indices) {
            try emit(UnsafeBufferPointer(start: values, count: shape.elementCount))
            return
        }
        var piece: [Float] = []
        piece.reserveCapacity(min(pieceSize, shape.elementCount))
        try walk(shape: shape, axes: axes) { _, index in
            piece.append(values[index])
            guard piece.count == pieceSize else { return }
            try piece.withUnsafeBufferPointer(emit)
            piece.removeAll(keepingCapacity: true)
        }
        if !piece.isEmpty { try piece.withUnsafeBufferPointer(emit) }
    }

    /// Calls `visit(torch offset, runexp offset)` for every element, PyTorch's offsets in order.
    static func walk(shape: [Int], axes: [Int], _ visit: (Int, Int) throws -> Void) rethrows {
        precondition(axes.sorted() == Array(shape.indices), "axes \(axes) are not an order of \(shape)")
        guard !shape.contains(0) else { return }
        var strides = [Int](repeating: 1, count: shape.count)
        for axis in shape.indices.reversed().dropFirst() { strides[axis] = strides[axis + 1] * shape[axis + 1] }
        let extents = axes.map { shape[$0] }, steps = axes.map { strides[$0] }
        var counter = [Int](repeating: 0, count: shape.count)
        var offset = 0
        for torchIndex in 0..<shape.elementCount {
            try visit(torchIndex, offset)
            // Advance the last PyTorch axis, carrying into the ones before it.
            var axis = shape.count - 1
            while axis >= 0 {
                counter[axis] += 1
                offset += steps[axis]
                if counter[axis] < extents[axis] { break }
                offset -= steps[axis] * extents[axis]
                counter[axis] = 0
                axis -= 1
            }
        }
    }

    /// How PyTorch shapes one sample of `shape`: channels (the last axis) first, `[28, 28, 3]` →
    /// `[3, 28, 28]`; a vector as it is.
    public static func sampleShape(_ shape: SampleShape) -> [Int] {
        shape.count < 2 ? shape : [shape[shape.count - 1]] + shape.dropLast()
    }
}
