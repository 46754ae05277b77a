import Kernels
import Spec

/// A residual block (`residual: [layers…]`, a ResNet block): its layers' output plus its input, so
/// the layers must give back the input's shape.
///
/// The block is one layer of its network, so network-level keys (`encoder#3`, `encoder.layers.3.`)
/// stay as they are; its layers' tensors are named by their place in it (`1.weight`: the weight of
/// the block's second layer, `encoder.layers.3.1.weight` in a checkpoint), which is where PyTorch's
/// `Residual(nn.Sequential)` of the exported module keeps them. The layers' outputs, their
/// gradients and their own scratch live in the block's scratch: the planner sees one application.
public struct Residual: Layer {
    public let specs: [LayerSpec]
    let layers: [any Layer]

    public init(layers specs: [LayerSpec]) {
        self.specs = specs
        layers = specs.map { LayerRegistry.layer(for: $0.kind) }
    }

    /// The shape of every value in the block: the input, then each layer's output.
    func shapes(for input: SampleShape) -> Result<[SampleShape], ShapeMismatch> {
        var shapes = [input]
        for (index, layer) in layers.enumerated() {
            switch layer.outputShape(for: shapes[index]) {
            case .success(let output): shapes.append(output)
            case .failure(let mismatch):
                return .failure(ShapeMismatch("block layer \(index) (\(specs[index].summary)): \(mismatch.message)"))
            }
        }
        return .success(shapes)
    }

    public func outputShape(for input: SampleShape) -> Result<SampleShape, ShapeMismatch> {
        guard layers.contains(where: { !$0.isView }) else {
            return .failure(ShapeMismatch("a residual block needs a layer that computes, not only reshapes"))
        }
        return shapes(for: input).flatMap { shapes in
            shapes.last == input
                ? .success(input)
                : .failure(
                    ShapeMismatch(
                        "the block's layers give \(shapes.last?.shapeText ?? ""), but their output is added to "
                            + "the block's input of \(input.shapeText); a block must keep its input's shape"))
        }
    }

    public func parameters(for input: SampleShape) -> [ParameterShape] {
        guard case .success(let shapes) = shapes(for: input) else { return [] }
        return layers.indices.flatMap { index in
            layers[index].parameters(for: shapes[index]).map { tensor in
                var named = tensor
                named.name = "\(index).\(tensor.name)"
                named.torchName = "\(index).\(tensor.torchName)"
                named.fanIn = tensor.fanIn ?? ParameterStore.fanIn(specs[index].kind, shapes[index])
                return named
            }
        }
    }

    public func flops(input: SampleShape, output: SampleShape) -> Int {
        guard case .success(let shapes) = shapes(for: input) else { return 0 }
        return layers.indices.reduce(input.elementCount) { total, index in
            saturatingSum(total, layers[index].flops(input: shapes[index], output: shapes[index + 1]))
        }
    }

    public func scratch(input: SampleShape, output: SampleShape, batch: Int) -> ScratchSize {
        guard let layout = Layout(self, input: input, batch: batch) else { return ScratchSize() }
        return ScratchSize(floats: layout.floats, doubles: layout.doubles)
    }

    public func torchModule(input: SampleShape, output: SampleShape) -> TorchModule {
        guard case .success(let shapes) = shapes(for: input) else { return TorchModule("Residual()") }
        let modules = layers.indices.map { layers[$0].torchModule(input: shapes[$0], output: shapes[$0 + 1]) }
        return TorchModule(
            "Residual(" + modules.map(\.expression).joined(separator: ", ") + ")",
            counters: modules.indices.flatMap { index in modules[index].counters.map { "\(index).\($0)" } })
    }

    public func forward(_ b: LayerBuffers, random: inout RandomStream) {
        guard let layout = Layout(self, input: b.inputShape, batch: b.batch) else { return }
        for index in layers.indices where !layers[index].isView {
            layers[index].forward(layout.buffers(index, of: b), random: &random)
        }
        let last = layout.value(layers.count, of: b)
        for i in 0..<b.batch * b.inputShape.elementCount { b.output[i] = last[i] + b.input[i] }
    }

    /// The skip path hands the output gradient to the input as it is; the layers add theirs to it.
    public func backward(_ b: LayerBuffers) {
        guard let layout = Layout(self, input: b.inputShape, batch: b.batch) else { return }
        let count = b.batch * b.inputShape.elementCount
        if let dInput = b.dInput {
            if b.accumulateInput {
                for i in 0..<count { dInput[i] += b.dOutput[i] }
            } else {
                dInput.update(from: b.dOutput, count: count)
            }
        }
        for index in layers.indices.reversed() where !layers[index].isView {
            layers[index].backward(layout.buffers(index, of: b))
        }
    }
}

extension Residual {
    /// Where the block's values live for one batch: value 0 is the block's input, value i + 1 the
    /// output of layer i, a view's output its input's storage (`roots`). Each other value has its
    /// floats and its gradient's in the block's scratch (the last value's gradient is the block's
    /// output gradient), followed by each layer's own scratch.
    struct Layout {
        let block: Residual
        let shapes: [SampleShape]
        var roots: [Int] = []
        var values: [Int] = []
        var gradients: [Int] = []
        var layerScratch: [Int] = []
        var layerDoubles: [Int] = []
        /// Per layer: where its tensors and its trainable tensors start among the block's.
        var tensorStarts: [Int] = []
        var trainableStarts: [Int] = []
        var floats = 0
        var doubles = 0

        init?(_ block: Residual, input: SampleShape, batch: Int) {
            guard case .success(let shapes) = block.shapes(for: input) else { return nil }
            self.block = block
            self.shapes = shapes
            roots = [0]
            values = [0]
            gradients = [0]
            var tensors = 0, trainable = 0
            for (index, layer) in block.layers.enumerated() {
                let isView = layer.isView
                roots.append(isView ? roots[index] : index + 1)
                values.append(isView ? values[index] : floats)
                floats += isView ? 0 : batch * shapes[index + 1].elementCount
                gradients.append(isView ? gradients[index] : floats)
                floats += isView ? 0 : batch * shapes[index + 1].elementCount
                tensorStarts.append(tensors)
                trainableStarts.append(trainable)
                let parameters = layer.parameters(for: shapes[index])
                tensors += parameters.count
                trainable += parameters.filter(\.trainable).count
            }
            for (index, layer) in block.layers.enumerated() {
                let size = layer.scratch(input: shapes[index], output: shapes[index + 1], batch: batch)
                layerScratch.append(floats)
                layerDoubles.append(doubles)
                floats += size.floats
                doubles += size.doubles
            }
        }

        /// The storage of value `index`.
        func value(_ index: Int, of b: LayerBuffers) -> UnsafeMutablePointer<Float> {
            roots[index] == 0 ? b.input : b.scratch + values[index]
        }

        /// The gradient of value `index`: the block's input gradient (nil when nothing needs it),
        /// the block's output gradient for the last value, else its place in scratch.
        func gradient(_ index: Int, of b: LayerBuffers) -> UnsafeMutablePointer<Float>? {
            if roots[index] == 0 { return b.dInput }
            if roots[index] == roots[block.layers.count] { return b.dOutput }
            return b.scratch + gradients[index]
        }

        /// The buffers of layer `index` inside the block's application `b`.
        func buffers(_ index: Int, of b: LayerBuffers) -> LayerBuffers {
            let layer = block.layers[index]
            let tensors = tensorStarts[index], trainable = trainableStarts[index]
            let ownTensors = layer.parameters(for: shapes[index])
            let ownTrainable = ownTensors.filter(\.trainable).count
            var inner = LayerBuffers(
                batch: b.batch, inputShape: shapes[index], outputShape: shapes[index + 1],
                input: value(index, of: b), output: value(index + 1, of: b), dInput: gradient(index, of: b),
                dOutput: gradient(index + 1, of: b) ?? b.dOutput,
                // The skip path has written the input gradient before any layer's backward runs.
                accumulateInput: roots[index] == 0,
                parameters: Array(b.parameters[tensors..<tensors + ownTensors.count]),
                gradients: b.gradients.map { Array($0[trainable..<trainable + ownTrainable]) },
                scratch: b.scratch + layerScratch[index], doubleScratch: b.doubleScratch + layerDoubles[index],
                training: b.training)
            inner.accumulateParameters = b.accumulateParameters
            inner.context = b.context
            inner.gemmClock = b.gemmClock
            inner.convolutionClock = b.convolutionClock
            return inner
        }
    }
}
