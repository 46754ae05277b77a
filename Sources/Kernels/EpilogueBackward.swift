/// The backward pass of a layer's epilogue (its bias and the activation fused after it) in one
/// pass over memory: `dOutput[r, c] ← dOutput[r, c] · activation'(output[r, c])` in place, and,
/// when `dBias` is given, `dBias[c] (= | +=) Σ_r dOutput[r, c]` of the result.
///
/// The bits are those of `activationBackward` followed by each column summed down the rows in
/// order, on any number of threads, except in one case: with oneDNN's products (`context`'s library), rows
/// too narrow to share out by columns are shared out by rows, and each thread's column sums are
/// added in thread order (the same bits run to run for the same thread count). Rows narrower than eight
/// lanes (an RGB image's three channels) take the activation in parallel, then one sum pass.
public func epilogueBackward(
    dOutput: UnsafeMutablePointer<Float>, output: UnsafePointer<Float>, dBias: UnsafeMutablePointer<Float>?,
    rows: Int, columns: Int, activation: Activation, accumulateBias: Bool, context: ExecutionContext
) {
    guard let dBias, columns >= Lanes.scalarCount else {
        if activation != .identity {
            activationBackward(
                dInput: dOutput, output: output, dOutput: dOutput, count: rows * columns, activation: activation,
                accumulate: false, context: context)
        }
        if let dBias {
            narrowColumnSums(output: dBias, input: dOutput, rows: rows, columns: columns, accumulate: accumulateBias)
        }
        return
    }
    let parts = rows * columns >= 1 << 16 ? max(1, min(context.threads, rows, maximumParts)) : 1
    if parts > 1, columns >= parts * wideShare {
        // Wide rows (dense layers): each thread owns whole groups of eight columns, summed in row
        // order as on one thread; the last thread also owns the columns past the last group.
        let groups = columns / Lanes.scalarCount
        let shared = UncheckedSendable(value: (dOutput, output, dBias))
        forEachPart(parts: parts, on: context.library) { part in
            let (dOutput, output, dBias) = shared.value
            let owned = partRange(part: part, parts: parts, count: groups)
            let first = owned.lowerBound * Lanes.scalarCount
            let last = part == parts - 1 ? columns : owned.upperBound * Lanes.scalarCount
            epilogueRows(
                dOutput + first, output + first, dBias + first, rows: rows, columns: last - first, pitch: columns,
                activation, start: accumulateBias)
        }
        return
    }
    guard parts > 1, context.library == .oneDNN else {
        epilogueRows(
            dOutput, output, dBias, rows: rows, columns: columns, pitch: columns, activation, start: accumulateBias)
        return
    }
    withUnsafeTemporaryAllocation(of: Float.self, capacity: parts * columns) { partials in
        let shared = UncheckedSendable(value: (dOutput, output, partials.baseAddress!))
        forEachPart(parts: parts, on: context.library) { part in
            let (dOutput, output, partials) = shared.value
            let owned = partRange(part: part, parts: parts, count: rows)
            let offset = owned.lowerBound * columns
            epilogueRows(
                dOutput + offset, output + offset, partials + part * columns, rows: owned.count, columns: columns,
                pitch: columns, activation, start: false)
        }
        for c in 0..<columns {
            var sum: Float = accumulateBias ? dBias[c] : 0
            for part in 0..<parts { sum += partials[part * columns + c] }
            dBias[c] = sum
        }
    }
}

/// At most this many threads split one epilogue: their partial sums live on the stack.
private let maximumParts = 16
/// Columns per thread from which threads split the columns rather than the rows: a quarter
/// kilobyte of each row, enough for the prefetchers to stream.
private let wideShare = 64

/// `epilogueBackward` of `rows` rows of `columns` (`pitch` apart in memory) on the calling
/// thread, into `sums` (started from its own values when `start`, else from zero), each column
/// summed down the rows in order.
private func epilogueRows(
    _ dOutput: UnsafeMutablePointer<Float>, _ output: UnsafePointer<Float>, _ sums: UnsafeMutablePointer<Float>,
    rows: Int, columns: Int, pitch: Int, _ activation: Activation, start: Bool
) {
    if !start { sums.update(repeating: 0, count: columns) }
    switch activation {
    case .identity:
        sumRows(dOutput, output, sums, rows, columns, pitch, stores: false) { _ in
            Lanes(repeating: 1)
        } scalar: { _ in
            1
        }
    case .relu:
        sumRows(dOutput, output, sums, rows, columns, pitch, stores: true) {
            Lanes(repeating: 0).replacing(with: 1, where: $0 .> 0)
        } scalar: {
            $0 > 0 ? 1 : 0
        }
    case .leakyReLU(let slope):
        sumRows(dOutput, output, sums, rows, columns, pitch, stores: true) {
            Lanes(repeating: slope).replacing(with: 1, where: $0 .> 0)
        } scalar: {
            $0 > 0 ? 1 : slope
        }
    case .sigmoid:
        sumRows(dOutput, output, sums, rows, columns, pitch, stores: true) {
            $0 * (1 - $0)
        } scalar: {
            $0 * (1 - $0)
        }
    case .tanh:
        sumRows(dOutput, output, sums, rows, columns, pitch, stores: true) {
            1 - $0 * $0
        } scalar: {
            1 - $0 * $0
        }
    }
}

/// Walks the rows in memory order; each row's gradient (times `derivative` of the activation's
/// outputs, stored back when `stores`) is added into `sums` eight columns at a time. The sums stay
/// in the first cache level, and a row's groups are independent additions.
@inline(__always)
private func sumRows(
    _ dOutput: UnsafeMutablePointer<Float>, _ output: UnsafePointer<Float>, _ sums: UnsafeMutablePointer<Float>,
    _ rows: Int, _ columns: Int, _ pitch: Int, stores: Bool, _ derivative: (Lanes) -> Lanes,
    scalar: (Float) -> Float
) {
    let width = Lanes.scalarCount
    let vector = columns - columns % width
    for r in 0..<rows {
        let row = r * pitch
        var c = 0
        while c < vector {
            var g = loadLanes(dOutput + row + c)
            if stores {
                g *= derivative(loadLanes(output + row + c))
                storeLanes(g, dOutput + row + c)
            }
            storeLanes(loadLanes(sums + c) + g, sums + c)
            c += width
        }
        while c < columns {
            if stores { dOutput[row + c] *= scalar(output[row + c]) }
            sums[c] += dOutput[row + c]
            c += 1
        }
    }
}

/// The column sums of rows narrower than eight lanes: one eight-lane load per row, of which the
/// first `columns` lanes are the row (the rest, the next row's start, is ignored), so the sums
/// stay in one register; the last rows, where eight lanes would read past the matrix, go one
/// element at a time.
private func narrowColumnSums(
    output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, rows: Int, columns: Int, accumulate: Bool
) {
    var sums = Lanes(repeating: 0)
    if accumulate { for c in 0..<columns { sums[c] = output[c] } }
    let count = rows * columns
    var r = 0
    while r * columns + Lanes.scalarCount <= count {
        sums += loadLanes(input + r * columns)
        r += 1
    }
    while r < rows {
        for c in 0..<columns { sums[c] += input[r * columns + c] }
        r += 1
    }
    for c in 0..<columns { output[c] = sums[c] }
}
