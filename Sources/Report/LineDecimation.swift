/// Thinning of long curves before drawing.
///
/// A 50-epoch run logs tens of thousands of steps, far more points than the plot has pixel
/// columns; drawing them all makes SVGs of megabytes with no visible difference. Within each
/// column only the first, lowest, highest and last points are kept, in their original order, so
/// the curve's envelope and spikes survive exactly.
enum LineDecimation {
    /// Indices into `positions` (device x, y; nil for points that cannot be shown) worth drawing
    /// when `columns` pixel columns span `[left, left + columns)`.
    static func keptIndices(_ positions: [(x: Double, y: Double)?], left: Double, columns: Int) -> [Int] {
        let shown = positions.indices.filter { positions[$0] != nil }
        guard shown.count > 4 * max(columns, 1) else { return Array(positions.indices) }
        var kept: [Int] = []
        var bucket: [Int] = []
        var bucketColumn = Int.min
        func flush() {
            guard let first = bucket.first, let last = bucket.last else { return }
            let byY = bucket.sorted { (positions[$0]?.y ?? 0, $0) < (positions[$1]?.y ?? 0, $1) }
            let chosen = Set([first, last, byY.first ?? first, byY.last ?? last])
            kept.append(contentsOf: chosen.sorted())
            bucket.removeAll(keepingCapacity: true)
        }
        for index in positions.indices {
            guard let position = positions[index] else {
                // Gaps must survive thinning, or a NaN would be bridged by a line.
                flush()
                kept.append(index)
                bucketColumn = Int.min
                continue
            }
            let column = Int((position.x - left).rounded(.down))
            if column != bucketColumn { flush() }
            bucketColumn = column
            bucket.append(index)
        }
        flush()
        return kept
    }
}
