/// A block of numbers allocated once by the planner and freed with its owner; zero-filled at birth.
public final class PlannedBuffer<Element: BinaryFloatingPoint>: @unchecked Sendable {
    public let pointer: UnsafeMutablePointer<Element>
    public let count: Int

    public init(count: Int) {
        self.count = count
        pointer = .allocate(capacity: max(count, 1))
        pointer.initialize(repeating: 0, count: max(count, 1))
    }

    deinit { pointer.deallocate() }

    /// Sets every element to zero.
    public func zero() { pointer.update(repeating: 0, count: count) }

    /// The contents, copied out (for tests, checkpoints and digests; never on a training step).
    public var values: [Element] { Array(UnsafeBufferPointer(start: pointer, count: count)) }

    /// Replaces the contents; `values` must hold exactly `count` elements.
    public func set(_ values: [Element]) {
        precondition(values.count == count, "PlannedBuffer.set: \(values.count) values for \(count) slots")
        values.withUnsafeBufferPointer { pointer.update(from: $0.baseAddress!, count: count) }
    }
}

/// Activations, gradients, parameters and scratch.
public typealias FloatBuffer = PlannedBuffer<Float>
/// Scratch for reductions that must not lose precision.
public typealias DoubleBuffer = PlannedBuffer<Double>
