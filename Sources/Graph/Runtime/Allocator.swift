import Kernels

extension PhaseProgram {
    /// Allocates a plan's buffers once and decides, for every gradient write, whether it overwrites or
    /// adds: the first writer in backward order overwrites, later ones add (a value used twice).
    struct Allocator {
        let plan: PhasePlan
        let capacity: Int
        /// What each layer's kernels run with (the plan's context), and the bench's counters
        /// (usually nil).
        let context: ExecutionContext
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

        init(plan: PhasePlan, capacity: Int, context: ExecutionContext) {
            self.plan = plan
            self.capacity = capacity
            self.context = context
            values = Array(repeating: nil, count: plan.values.count)
            gradients = Array(repeating: nil, count: plan.values.count)
        }

        /// The storage of value `index` (its root's), allocated on first use.
        mutating func value(_ index: Int) -> FloatBuffer {
            let root = plan.values[index].root
            if let buffer = values[root] { return buffer }
            let buffer = FloatBuffer(count: floats(root))
            values[root] = buffer
            owned.append(buffer)
            return buffer
        }

        mutating func gradient(_ index: Int) -> FloatBuffer {
            let root = plan.values[index].root
            if let buffer = gradients[root] { return buffer }
            let buffer = FloatBuffer(count: floats(root))
            gradients[root] = buffer
            owned.append(buffer)
            return buffer
        }

        /// The floats of value `index` at full capacity: every row of every sample.
        func floats(_ index: Int) -> Int {
            plan.values[index].rows.count(batch: capacity) * plan.values[index].shape.elementCount
        }

        /// A gradient destination for value `index`, and whether that write must add.
        mutating func write(_ index: Int) -> (UnsafeMutablePointer<Float>, accumulate: Bool)? {
            guard plan.values[index].needsGradient else { return nil }
            let root = plan.values[index].root
            return (gradient(index).pointer, accumulate: !written.insert(root).inserted)
        }

        /// Loss terms run backward first, in order: comparisons, then term functions.
        mutating func lossRuns() -> [LossRun] {
            plan.terms.indices.compactMap { index in
                guard case .compare(let term) = plan.terms[index] else { return nil }
                var targetPointer: UnsafeMutablePointer<Float>?
                var dTarget: (UnsafeMutablePointer<Float>, accumulate: Bool)?
                if case .value(let value) = term.target {
                    targetPointer = self.value(value).pointer
                    dTarget = write(value)
                }
                return LossRun(
                    index: index, term: term, count: plan.values[term.prediction].shape.elementCount,
                    rows: plan.values[term.prediction].rows,
                    prediction: value(term.prediction).pointer, target: targetPointer,
                    dPrediction: write(term.prediction), dTarget: dTarget)
            }
        }

        /// Term functions, whose backward runs right after the comparisons', in order.
        mutating func termRuns(store: ParameterStore) -> [TermRun] {
            plan.terms.indices.compactMap { index in
                guard case .function(let function, let inputs) = plan.terms[index] else { return nil }
                let shapes = inputs.map { plan.values[$0].shape }
                let rows = inputs.first.map { plan.values[$0].rows } ?? .perSample(1)
                let scratch = FloatBuffer(
                    count: max(function.scratch(inputs: shapes, batch: rows.count(batch: capacity)), 1))
                owned.append(scratch)
                var buffers = TermBuffers(
                    batch: rows.count(batch: capacity), inputShapes: shapes, inputs: inputs.map { value($0).pointer },
                    dInputs: inputs.map { write($0) }, scratch: scratch.pointer)
                buffers.context = context
                for layer in function.parameterLayers {
                    let tensors = store.tensors(network: layer.network, layer: layer.layer)
                    buffers.parameters.append(tensors.map(\.value.pointer))
                    let first = layer.trains && writtenLayers.insert("\(layer.network).\(layer.layer)").inserted
                    buffers.parameterGradients.append(
                        layer.trains ? (tensors.compactMap { $0.gradient?.pointer }, accumulate: !first) : nil)
                }
                return TermRun(index: index, function: function, buffers: buffers, rows: rows)
            }
        }

        /// A batch function's buffers; its input-gradient writes are decided in backward order.
        mutating func functionRun(
            _ f: PhasePlan.FunctionApplication, beforeRun: Int, store: ParameterStore
        ) -> FunctionRun {
            let shapes = f.inputs.map { plan.values[$0].shape }, output = plan.values[f.output].shape
            let rows = plan.values[f.output].rows
            let scratch = FloatBuffer(
                count: max(f.function.scratch(inputs: shapes, output: output, batch: rows.count(batch: capacity)), 1))
            owned.append(scratch)
            let runsBackward = plan.values[f.output].needsGradient
            var buffers = FunctionBuffers(
                batch: rows.count(batch: capacity), inputShapes: shapes, outputShape: output,
                inputs: f.inputs.map { value($0).pointer },
                output: value(f.output).pointer,
                dInputs: runsBackward ? f.inputs.map { write($0) } : f.inputs.map { _ in nil },
                dOutput: runsBackward ? gradient(f.output).pointer : dummy.pointer, scratch: scratch.pointer)
            buffers.context = context
            buffers.parameters = f.function.parameterLayers.map {
                store.tensors(network: $0.network, layer: $0.layer).map(\.value.pointer)
            }
            return FunctionRun(
                function: f.function, buffers: buffers, runsBackward: runsBackward, beforeRun: beforeRun, rows: rows)
        }

        /// Layer applications and batch functions in forward order; their gradient writes are
        /// decided in reverse (backward) order. Each function records how many layer runs precede it.
        mutating func layerRuns(store: ParameterStore, training: Bool) -> ([LayerRun], [FunctionRun]) {
            let applications = plan.applications
            let runsBefore = (0...applications.count).map { position in
                applications[..<position].filter { !$0.layer.isView }.count
            }
            var runs: [LayerRun] = [], functions: [FunctionRun] = []
            var pending = plan.functions.indices.reversed().makeIterator(), next = pending.next()
            for index in applications.indices.reversed() {
                while let f = next, plan.functions[f].position > index {
                    functions.append(
                        functionRun(
                            plan.functions[f], beforeRun: runsBefore[plan.functions[f].position], store: store))
                    next = pending.next()
                }
                if !applications[index].layer.isView {
                    runs.append(layerRun(applications[index], store: store, training: training))
                }
            }
            while let f = next {
                functions.append(
                    functionRun(
                        plan.functions[f], beforeRun: runsBefore[plan.functions[f].position], store: store))
                next = pending.next()
            }
            return (runs.reversed(), functions.reversed())
        }

        mutating func layerRun(_ a: PhasePlan.Application, store: ParameterStore, training: Bool) -> LayerRun {
            let inputShape = plan.values[a.input].shape, outputShape = plan.values[a.output].shape
            let runsBackward = plan.values[a.output].needsGradient
            let dOutput = runsBackward ? gradient(a.output).pointer : dummy.pointer
            let dInput = runsBackward ? write(a.input) : nil
            let tensors = store.tensors(network: a.network, layer: a.layerIndex)
            let rows = plan.values[a.input].rows
            let size = a.layer.scratch(input: inputShape, output: outputShape, batch: rows.count(batch: capacity))
            let scratch = FloatBuffer(count: size.floats)
            owned.append(scratch)
            let doubleScratch = size.doubles > 0 ? DoubleBuffer(count: size.doubles) : noDoubles
            if size.doubles > 0 { doubles.append(doubleScratch) }
            var buffers = LayerBuffers(
                batch: rows.count(batch: capacity), inputShape: inputShape, outputShape: outputShape,
                input: value(a.input).pointer,
                output: value(a.output).pointer, dInput: dInput?.0, dOutput: dOutput,
                accumulateInput: dInput?.accumulate ?? false, parameters: tensors.map(\.value.pointer),
                gradients: a.computesParameterGradients ? tensors.compactMap { $0.gradient?.pointer } : nil,
                scratch: scratch.pointer, doubleScratch: doubleScratch.pointer, training: training)
            buffers.epilogue = a.epilogue
            buffers.context = context
            buffers.convolutionClock = timing?.convolutionCounter
            if context.library == .oneDNN {
                buffers.convolution = a.layer.directConvolution(for: buffers, backward: runsBackward)
            }
            let hasProducts = PhaseProgram.productServer(a.layer, buffers) != nil
            buffers.gemmClock = hasProducts ? timing?.layerCounter() : timing?.gemmCounter
            if runsBackward && a.computesParameterGradients {
                buffers.accumulateParameters = !writtenLayers.insert("\(a.network).\(a.layerIndex)").inserted
            }
            return LayerRun(
                layer: a.layer, buffers: buffers, runsBackward: runsBackward,
                place: "\(a.network) layer \(a.layerIndex)", rows: rows)
        }
    }
}
