import Kernels

/// `a + b`, `a - b`, `a * b`, `c * a` and `a + c` where `a` and `b` are batches of one shape (per-sample
/// values such as `log_bernoulli_logits(…) + log_normal(z) - log_normal(z, mu, logvar)`, IWAE's log
/// weights, or a standard deviation times a noise draw) and `c` a constant: element by element, a
/// one-draw operand read against each draw of the other.
public struct BatchArithmetic: BatchFunction {
    /// What it computes.
    public enum Operation: Sendable, Equatable {
        case sum
        case difference
        /// Element by element: the gradient of each operand is the other times the output's.
        case product
        case scale(Float)
        /// The constant added to each value (the S-VAE's concentration, softplus(…) + 1).
        case shift(Float)
    }

    public let operation: Operation
    public let width: Int
    public let draws: Int
    /// How often each row of each operand is read.
    public let repeats: [Int]
    public var outputDraws: Int? { draws }
    public var description: String {
        let name: String
        switch operation {
        case .sum: name = "sum"
        case .difference: name = "difference"
        case .product: name = "product"
        case .scale(let factor): name = "scale \(factor)"
        case .shift(let offset): name = "shift \(offset)"
        }
        return "\(name)(\(width), draws: \(draws)/\(repeats.map(String.init).joined(separator: "/")))"
    }

    public init(_ operation: Operation, width: Int, draws: Int, repeats: [Int]) {
        self.operation = operation
        self.width = width
        self.draws = draws
        self.repeats = repeats
    }

    public func forward(_ b: FunctionBuffers, random: inout RandomStream) {
        let a = b.inputs[0]
        for row in 0..<b.batch {
            let (out, left) = (row * width, (row / repeats[0]) * width)
            switch operation {
            case .scale(let factor):
                for j in 0..<width { b.output[out + j] = factor * a[left + j] }
            case .shift(let offset):
                for j in 0..<width { b.output[out + j] = a[left + j] + offset }
            case .sum, .difference:
                let (other, right) = (b.inputs[1], (row / repeats[1]) * width)
                let sign: Float = operation == .sum ? 1 : -1
                for j in 0..<width { b.output[out + j] = a[left + j] + sign * other[right + j] }
            case .product:
                let (other, right) = (b.inputs[1], (row / repeats[1]) * width)
                for j in 0..<width { b.output[out + j] = a[left + j] * other[right + j] }
            }
        }
    }

    public func backward(_ b: FunctionBuffers) {
        if operation == .product { return productBackward(b) }
        let dOut = b.dOutput
        let (leftFactor, rightFactor): (Float, Float)
        switch operation {
        case .scale(let factor): (leftFactor, rightFactor) = (factor, 0)
        case .shift: (leftFactor, rightFactor) = (1, 0)
        case .sum, .product: (leftFactor, rightFactor) = (1, 1)
        case .difference: (leftFactor, rightFactor) = (1, -1)
        }
        if let dA = b.dInputs[0] {
            writeRepeated(dA, rows: b.batch, width: width, repeats: repeats[0]) { row, j in
                leftFactor * dOut[row * width + j]
            }
        }
        if b.dInputs.count > 1, let dB = b.dInputs[1] {
            writeRepeated(dB, rows: b.batch, width: width, repeats: repeats[1]) { row, j in
                rightFactor * dOut[row * width + j]
            }
        }
    }
}

extension BatchArithmetic {
    private func productBackward(_ b: FunctionBuffers) {
        let (dOut, a, other) = (b.dOutput, b.inputs[0], b.inputs[1])
        let (leftRepeats, rightRepeats) = (repeats[0], repeats[1])
        if let dA = b.dInputs[0] {
            writeRepeated(dA, rows: b.batch, width: width, repeats: leftRepeats) { row, j in
                dOut[row * width + j] * other[(row / rightRepeats) * width + j]
            }
        }
        if let dB = b.dInputs[1] {
            writeRepeated(dB, rows: b.batch, width: width, repeats: rightRepeats) { row, j in
                dOut[row * width + j] * a[(row / leftRepeats) * width + j]
            }
        }
    }
}
