import Kernels

/// `encoder(x).mu`: one named part of a network's flat output (`outputs: {mu: 20, logvar: 20}`),
/// `count` features from `offset`.
public struct OutputHead: BatchFunction {
    public let name: String
    public let offset: Int
    public let count: Int
    public let width: Int
    public var description: String { ".\(name)[\(offset)..<\(offset + count) of \(width)]" }

    public init(name: String, offset: Int, count: Int, width: Int) {
        self.name = name
        self.offset = offset
        self.count = count
        self.width = width
    }

    public func forward(_ b: FunctionBuffers, random: inout RandomStream) {
        for sample in 0..<b.batch {
            (b.output + sample * count).update(from: b.inputs[0] + sample * width + offset, count: count)
        }
    }

    public func backward(_ b: FunctionBuffers) {
        guard let gradient = b.dInputs[0] else { return }
        for sample in 0..<b.batch {
            let row = sample * width
            if !gradient.accumulate {
                // The other heads' columns may get no gradient of their own: zero them here.
                (gradient.0 + row).update(repeating: 0, count: width)
            }
            for j in 0..<count { gradient.0[row + offset + j] += b.dOutput[sample * count + j] }
        }
    }
}
