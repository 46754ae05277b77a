import Data
import Graph
import Kernels
import RunFolder

/// Everything training carries from one epoch to the next besides the spec, as one table: the
/// weights, each phase's optimizer moments and step, the position of every random stream, and how
/// far training got. Each entry says where it is stored and how to read it from the trainer and
/// give it back, so saving and restoring walk the same table and cannot disagree.
struct TrainingState {
    /// Which checkpoint file holds an entry: the weights (loadable by PyTorch) or the rest.
    enum File { case parameters, training }

    /// An entry's values as stored: float tensors, 64-bit words (counters, stream states), or a
    /// scalar count PyTorch keeps and runexp only writes (`num_batches_tracked`).
    enum Values {
        case floats([Float], shape: [Int])
        case words([UInt64])
        case count(Int64)
    }

    /// How the weights file orders and names the weights: PyTorch's way (`nn.Linear.weight` is
    /// [out, in], batch norm's scale is `weight`), or runexp's own, as checkpoints whose metadata
    /// names no layout hold them (written before PyTorch's layout), which `apply` still reads.
    enum ParameterLayout: String {
        case pytorch
        case runexp
    }

    /// One entry: its key, its file, the tensor it is stored as, and how to write it from the
    /// trainer and give it back. `give` refuses values that do not fit (wrong size, a position
    /// training cannot be at).
    struct Entry {
        var key: String
        var file: File
        /// The stored tensor's dtype and shape, known before its values are read (a file's header
        /// lists every tensor before the first one's bytes).
        var dtype: DType
        var shape: [Int]
        /// Hands the entry's bytes to the file from where they lie, or through a small buffer for a
        /// weight put in PyTorch's order: a checkpoint is written with no copy the size of the model.
        var write: AtomicFile.ByteStream
        var give: (Values) throws -> Void
    }

    let entries: [Entry]

    /// The table of `trainer`'s state, its weights in `layout`.
    init(_ trainer: Trainer, layout: ParameterLayout = .pytorch) {
        var entries = Self.weights(trainer.store, model: trainer.checked.model, layout: layout) { trainer.step }
        entries.append(Self.progress(trainer))
        entries.append(Self.stream("stream/shuffle", { trainer.shuffle }, { trainer.shuffle = $0 }))
        if trainer.sampler != nil {
            entries.append(
                Self.stream(
                    "stream/prior", { trainer.sampler?.stream ?? RandomStream(seed: 0, name: "") },
                    { trainer.sampler?.stream = $0 }))
        }
        if let early = trainer.earlyStopping {
            entries.append(
                Entry(
                    key: "early_stop", file: .training, dtype: .uint64, shape: [early.state.count],
                    write: { emit in try early.state.withUnsafeBytes(emit) },
                    give: { values in
                        guard case .words(let words) = values else { throw RunError("bad early_stop record") }
                        try early.restore(words)
                    }))
            for (parameter, copy) in zip(trainer.store.parameters, early.best) {
                entries.append(Self.floats("early_stop/best/\(parameter.name)", .training, copy, parameter.shape))
            }
        }
        for phase in trainer.phases {
            entries.append(Self.stream("stream/dropout/\(phase.name)", { phase.dropout }, { phase.dropout = $0 }))
            if phase.plan.functions.contains(where: { $0.function.isRandom }) {
                entries.append(Self.stream("stream/noise/\(phase.name)", { phase.noise }, { phase.noise = $0 }))
            }
            entries.append(Self.optimizerStep(phase))
            let optimizer = phase.optimizer
            for (index, parameter) in optimizer.parameters.enumerated() {
                let prefix = "optimizer/\(phase.name)"
                entries.append(
                    Self.floats(
                        "\(prefix)/first/\(parameter.name)", .training, optimizer.firstMoments[index], parameter.shape))
                if index < optimizer.secondMoments.count {
                    entries.append(
                        Self.floats(
                            "\(prefix)/second/\(parameter.name)", .training, optimizer.secondMoments[index],
                            parameter.shape))
                }
            }
        }
        self.entries = entries
    }

    static func floats(_ key: String, _ file: File, _ buffer: FloatBuffer, _ shape: [Int]) -> Entry {
        Entry(
            key: key, file: file, dtype: .float32, shape: shape,
            write: { emit in try emit(UnsafeRawBufferPointer(start: buffer.pointer, count: buffer.count * 4)) },
            give: { values in
                guard case .floats(let floats, _) = values, floats.count == buffer.count else {
                    throw RunError("checkpoint tensor '\(key)' has the wrong size (\(buffer.count) values expected)")
                }
                buffer.set(floats)
            })
    }

    /// A weight by its PyTorch name, in PyTorch's axis order.
    static func torchFloats(_ parameter: Parameter) -> Entry {
        let (shape, axes, torchShape) = (parameter.shape, parameter.torchAxes, parameter.torchShape)
        let buffer = parameter.value
        return Entry(
            key: parameter.torchName, file: .parameters, dtype: .float32, shape: torchShape,
            write: { emit in
                try TorchLayout.inTorchOrder(buffer.pointer, shape: shape, axes: axes) {
                    try emit(UnsafeRawBufferPointer($0))
                }
            },
            give: { values in
                guard case .floats(let floats, let stored) = values, stored == torchShape else {
                    throw RunError("checkpoint tensor '\(parameter.torchName)' is not of shape \(torchShape)")
                }
                buffer.set(TorchLayout.fromTorch(floats, shape: shape, axes: axes))
            })
    }

    /// The counters PyTorch's modules keep beside their tensors (batch norm's batches seen, here the
    /// steps taken), written so that PyTorch's strict load finds every key; read back, they are ignored.
    /// The weights file's entries of `store`: each parameter in `layout`, and in PyTorch's the
    /// counters it keeps (`num_batches_tracked`, written as `step()`, read back and ignored). What
    /// a trained model for inference restores, with no trainer.
    static func weights(
        _ store: ParameterStore, model: ModelSummary, layout: ParameterLayout, step: @escaping () -> Int
    )
        -> [Entry]
    {
        let parameters = store.parameters.map { parameter in
            layout == .pytorch
                ? Self.torchFloats(parameter)
                : Self.floats(parameter.name, .parameters, parameter.value, parameter.shape)
        }
        guard layout == .pytorch else { return parameters }
        return parameters
            + model.networks.flatMap { network in
                network.layers.enumerated().flatMap { index, layer in
                    layer.torch.counters.map { counter in
                        Entry(
                            key: "\(network.name).layers.\(index).\(counter)", file: .parameters, dtype: .int64,
                            shape: [], write: { emit in try withUnsafeBytes(of: Int64(step())) { try emit($0) } },
                            give: { _ in })
                    }
                }
            }
    }

    /// Epochs done and steps taken: a checkpoint is written after a whole epoch, so the two must
    /// agree with each other and with the spec.
    static func progress(_ trainer: Trainer) -> Entry {
        Entry(
            key: "progress", file: .training, dtype: .uint64, shape: [2],
            write: { emit in try [UInt64(trainer.epochsDone), UInt64(trainer.step)].withUnsafeBytes(emit) },
            give: { values in
                let train = trainer.checked.spec.train
                let perEpoch = (trainer.data.train.count + train.batchSize - 1) / train.batchSize
                guard case .words(let words) = values, words.count == 2, words[0] <= UInt64(train.epochs),
                    words[1] == words[0] * UInt64(perEpoch)
                else {
                    throw RunError(
                        "the checkpoint's progress record does not fit this spec (\(train.epochs) epochs of "
                            + "\(perEpoch) steps)")
                }
                trainer.restoreProgress(epochsDone: Int(words[0]), step: Int(words[1]))
            })
    }

    static func stream(_ key: String, _ get: @escaping () -> RandomStream, _ set: @escaping (RandomStream) -> Void)
        -> Entry
    {
        Entry(
            key: key, file: .training, dtype: .uint64, shape: [4],
            write: { emit in try get().state.array.withUnsafeBytes(emit) },
            give: { values in
                // xoshiro's all-zero state is a fixed point: a stream there would repeat one value forever.
                guard case .words(let w) = values, w.count == 4, w.contains(where: { $0 != 0 }) else {
                    throw RunError("checkpoint's random stream '\(key)' is not a stream's state")
                }
                set(RandomStream(state: RandomStreamState(w[0], w[1], w[2], w[3])))
            })
    }

    static func optimizerStep(_ phase: PhaseProgram) -> Entry {
        let key = "optimizer/\(phase.name)/step"
        return Entry(
            key: key, file: .training, dtype: .uint64, shape: [1],
            write: { emit in try [UInt64(phase.optimizer.step)].withUnsafeBytes(emit) },
            give: { values in
                guard case .words(let w) = values, w.count == 1, w[0] <= UInt64(Int32.max) else {
                    throw RunError("checkpoint's '\(key)' is not a step count")
                }
                phase.optimizer.restore(step: Int(w[0]))
            })
    }
}
