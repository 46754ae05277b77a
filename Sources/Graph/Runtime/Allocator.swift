import Kernels

extension PhaseProgram {
    /// Allocates a plan's buffers once and decides, for every gradient write, whether it overwrites or
    /// adds: the first writer in backward order overwrites, later ones add (a value used twice).
    struct Allocator {
        let plan: PhasePlan
        let capacity: Int
        /// Threads each layer's elementwise passes may use, and the bench's counters (usually nil).
        var threads = 1
        var timing: StepTiming?
        var values: [FloatBuffer?]
        var gradients: [FloatBuffer?]
        var owned: [FloatBuffer] = []
        /// Roots whose gradient some earlier backward step has already written.
        var written = Set<Int>()
        /// Layers (network, index) whose parameter gradients some earlier backward step has written.
        var writtenLayers = Set<String>()
        let dummy = FloatBuffer(count: 1)
        let noDoubles = DoubleBuffer(count: 1)
        var doubles: [DoubleBuffer] = []

        init(plan: PhasePlan, capacity: Int) {
            self.plan = plan
            self.capacity = capacity
            values = Array(repeating: nil, count: plan.values.count)
            gradients = Array(repeating: nil, count: plan.values.count)
        }

        /// The storage of value `index` (its root's), allocated on first use.
        mutating func value(_ index: Int) -> FloatBuffer {
            let root = plan.values[index].root
            if let buffer = values[root] { return buffer }
            let buffer = FloatBuffer(count: capacity * plan.values[root].shape.elementCount)
            values[root] = buffer
            owned.append(buffer)
            return buffer
        }

        mutating func gradient(_ index: Int) -> FloatBuffer {
            let root = plan.values[index].root
            if let buffer = gradients[root] { return buffer }
            let buffer = FloatBuffer(count: capacity * plan.values[root].shape.elementCount)
            gradients[root] = buffer
            owned.append(buffer)
            return buffer
        }

        /// A gradient destination for value `index`, and whether that write must add.
        mutating func write(_ index: Int) -> (UnsafeMutablePointer<Float>, accumulate: Bool)? {
            guard plan.values[index].needsGradient else { return nil }
            let root = plan.values[index].root
            return (gradient(index).pointer, accumulate: !written.insert(root).inserted)
        }

        /// Loss terms run backward first, in order.
        mutating func lossRuns() -> [LossRun] {
            plan.terms.map { term in
                var targetPointer: UnsafeMutablePointer<Float>?
                var dTarget: (UnsafeMutablePointer<Float>, accumulate: Bool)?
                if case .value(let index) = term.target {
                    targetPointer = value(index).pointer
                    dTarget = write(index)
                }
                return LossRun(
                    term: term, count: plan.values[term.prediction].shape.elementCount,
                    prediction: value(term.prediction).pointer, target: targetPointer,
                    dPrediction: write(term.prediction), dTarget: dTarget)
            }
        }

        /// Layer applications in forward order; their input-gradient flags follow reverse order.
        mutating func layerRuns(store: ParameterStore, training: Bool) -> [LayerRun] {
            var runs: [LayerRun] = []
            for application in plan.applications.reversed() where !application.layer.isView {
                runs.append(layerRun(application, store: store, training: training))
            }
            return runs.reversed()
        }

        mutating func layerRun(_ a: PhasePlan.Application, store: ParameterStore, training: Bool) -> LayerRun {
            let inputShape = plan.values[a.input].shape, outputShape = plan.values[a.output].shape
            let runsBackward = plan.values[a.output].needsGradient
            let dOutput = runsBackward ? gradient(a.output).pointer : dummy.pointer
            let dInput = runsBackward ? write(a.input) : nil
            let tensors = store.tensors(network: a.network, layer: a.layerIndex)
            let size = a.layer.scratch(input: inputShape, output: outputShape, batch: capacity)
            let scratch = FloatBuffer(count: size.floats)
            owned.append(scratch)
            let doubleScratch = size.doubles > 0 ? DoubleBuffer(count: size.doubles) : noDoubles
            if size.doubles > 0 { doubles.append(doubleScratch) }
            var buffers = LayerBuffers(
                batch: capacity, inputShape: inputShape, outputShape: outputShape, input: value(a.input).pointer,
                output: value(a.output).pointer, dInput: dInput?.0, dOutput: dOutput,
                accumulateInput: dInput?.accumulate ?? false, parameters: tensors.map(\.value.pointer),
                gradients: a.computesParameterGradients ? tensors.compactMap { $0.gradient?.pointer } : nil,
                scratch: scratch.pointer, doubleScratch: doubleScratch.pointer, training: training)
            buffers.epilogue = a.epilogue
            buffers.threads = threads
            buffers.gemmClock = timing?.gemmCounter
            buffers.convolutionClock = timing?.convolutionCounter
            if runsBackward && a.computesParameterGradients {
                buffers.accumulateParameters = !writtenLayers.insert("\(a.network).\(a.layerIndex)").inserted
            }
            return LayerRun(layer: a.layer, buffers: buffers, runsBackward: runsBackward)
        }
    }
}
