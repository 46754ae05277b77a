/// One cell of the Barnes–Hut quadtree, stored in depth-first order so a walk needs no stack:
/// descending goes to the next node, skipping a summarised subtree jumps to `skip`.
struct QuadNode {
    /// Centre of mass of the cell's points.
    var x: Double
    /// Centre of mass of the cell's points.
    var y: Double
    /// How many points the cell holds, as a `Double` for the force sums.
    var mass: Double
    /// The squared side length of the (square) cell.
    var widthSquared: Double
    /// The index of the first node after this cell's subtree.
    var skip: Int32
    /// For a leaf, the first of its points in tree order.
    var firstPoint: Int32
    /// For a leaf, how many points it holds; 0 for an inner node.
    var pointCount: Int32
}

/// A Barnes–Hut quadtree over 2-D points in flat arrays, rebuilt every iteration into storage
/// that is allocated once and reused.
///
/// The build sorts the points into tree order (`sortedX`, `sortedY`, `order`), so the points of a
/// leaf are contiguous and points walked in that order touch neighbouring nodes one after another.
struct QuadTree {
    /// Leaves hold up to this many points, handled exactly when a leaf must be opened.
    static let leafCapacity = 8
    /// Cells stop splitting at this depth, so coincident points end in one leaf.
    static let maximumDepth = 40

    /// The nodes, root first, in depth-first order.
    private(set) var nodes: [QuadNode] = []
    /// Point x coordinates in tree order.
    private(set) var sortedX: [Double] = []
    /// Point y coordinates in tree order.
    private(set) var sortedY: [Double] = []
    /// `order[s]` is the original index of the point at tree position `s`.
    private(set) var order: [Int32] = []

    /// Rebuilds the tree over `count` points stored interleaved `x0, y0, x1, y1, …`.
    mutating func build(positions: UnsafePointer<Double>, count: Int) {
        nodes.removeAll(keepingCapacity: true)
        if sortedX.count != count {
            sortedX = [Double](repeating: 0, count: count)
            sortedY = [Double](repeating: 0, count: count)
            order = [Int32](repeating: 0, count: count)
        }
        guard count > 0 else { return }
        var minX = Double.infinity
        var minY = Double.infinity
        var maxX = -Double.infinity
        var maxY = -Double.infinity
        for i in 0..<count {
            let x = positions[2 * i]
            let y = positions[2 * i + 1]
            sortedX[i] = x
            sortedY[i] = y
            order[i] = Int32(i)
            minX = min(minX, x)
            maxX = max(maxX, x)
            minY = min(minY, y)
            maxY = max(maxY, y)
        }
        // A slightly enlarged square so points on the far edge fall strictly inside.
        let half = max(maxX - minX, maxY - minY, 1e-12) * 0.5 * (1 + 1e-6)
        buildNode(lower: 0, upper: count, centerX: (minX + maxX) / 2, centerY: (minY + maxY) / 2, half: half, depth: 0)
    }

    /// Appends the node for tree positions `lower..<upper` inside the cell, then its children.
    private mutating func buildNode(lower: Int, upper: Int, centerX: Double, centerY: Double, half: Double, depth: Int)
    {
        let index = nodes.count
        var sumX = 0.0
        var sumY = 0.0
        for s in lower..<upper {
            sumX += sortedX[s]
            sumY += sortedY[s]
        }
        let mass = Double(upper - lower)
        let isLeaf = upper - lower <= QuadTree.leafCapacity || depth >= QuadTree.maximumDepth
        nodes.append(
            QuadNode(
                x: sumX / mass, y: sumY / mass, mass: mass, widthSquared: 4 * half * half,
                skip: Int32(index + 1), firstPoint: Int32(lower), pointCount: isLeaf ? Int32(upper - lower) : 0))
        if isLeaf { return }
        let middle = partition(lower: lower, upper: upper) { _, y in y < centerY }
        let lowerMiddle = partition(lower: lower, upper: middle) { x, _ in x < centerX }
        let upperMiddle = partition(lower: middle, upper: upper) { x, _ in x < centerX }
        let quarter = half / 2
        // Quadrants in a fixed order: (−,−), (+,−), (−,+), (+,+).
        let ranges = (lower, lowerMiddle, middle, upperMiddle, upper)
        if ranges.1 > ranges.0 {
            buildNode(
                lower: ranges.0, upper: ranges.1, centerX: centerX - quarter, centerY: centerY - quarter,
                half: quarter, depth: depth + 1)
        }
        if ranges.2 > ranges.1 {
            buildNode(
                lower: ranges.1, upper: ranges.2, centerX: centerX + quarter, centerY: centerY - quarter,
                half: quarter, depth: depth + 1)
        }
        if ranges.3 > ranges.2 {
            buildNode(
                lower: ranges.2, upper: ranges.3, centerX: centerX - quarter, centerY: centerY + quarter,
                half: quarter, depth: depth + 1)
        }
        if ranges.4 > ranges.3 {
            buildNode(
                lower: ranges.3, upper: ranges.4, centerX: centerX + quarter, centerY: centerY + quarter,
                half: quarter, depth: depth + 1)
        }
        nodes[index].skip = Int32(nodes.count)
    }

    /// Reorders tree positions `lower..<upper` so those satisfying `goesFirst` come first; returns
    /// the boundary. Deterministic: it depends only on the current order.
    private mutating func partition(lower: Int, upper: Int, _ goesFirst: (Double, Double) -> Bool) -> Int {
        var first = lower
        var last = upper - 1
        while true {
            while first <= last && goesFirst(sortedX[first], sortedY[first]) { first += 1 }
            while first <= last && !goesFirst(sortedX[last], sortedY[last]) { last -= 1 }
            if first >= last { return first }
            sortedX.swapAt(first, last)
            sortedY.swapAt(first, last)
            order.swapAt(first, last)
            first += 1
            last -= 1
        }
    }
}
