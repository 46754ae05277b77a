/// Whether candidate `(da, ia)` ranks after `(db, ib)`: farther, or as far with a larger index.
///
/// Breaking distance ties by index makes the neighbour lists independent of scan order.
@inline(__always)
func ranksAfter(_ da: Float, _ ia: Int32, _ db: Float, _ ib: Int32) -> Bool {
    da > db || (da == db && ia > ib)
}

/// Writes the `k` smallest of `candidates[0..<count]`, skipping index `exclude`, into
/// `distances`/`indices`, nearest first (ties by index).
///
/// A bounded max-heap keeps the current `k` best; most candidates fail the single comparison
/// against its root, so the scan costs about one compare per candidate.
@inline(__always)
func selectNearest(
    distances: UnsafeMutablePointer<Float>, indices: UnsafeMutablePointer<Int32>,
    candidates: UnsafePointer<Float>, count: Int, exclude: Int, k: Int
) {
    var size = 0
    var j = 0
    while size < k && j < count {
        if j != exclude {
            distances[size] = candidates[j]
            indices[size] = Int32(j)
            siftUp(distances, indices, from: size)
            size += 1
        }
        j += 1
    }
    while j < count {
        let d = candidates[j]
        // Later indices lose ties, so a strict comparison is the exact (distance, index) order.
        if d < distances[0] && j != exclude {
            distances[0] = d
            indices[0] = Int32(j)
            siftDown(distances, indices, size: size, from: 0)
        }
        j += 1
    }
    var end = size - 1
    while end > 0 {
        swapAt(distances, indices, 0, end)
        siftDown(distances, indices, size: end, from: 0)
        end -= 1
    }
}

@inline(__always)
private func swapAt(_ d: UnsafeMutablePointer<Float>, _ i: UnsafeMutablePointer<Int32>, _ a: Int, _ b: Int) {
    let td = d[a]
    d[a] = d[b]
    d[b] = td
    let ti = i[a]
    i[a] = i[b]
    i[b] = ti
}

@inline(__always)
private func siftUp(_ d: UnsafeMutablePointer<Float>, _ i: UnsafeMutablePointer<Int32>, from start: Int) {
    var child = start
    while child > 0 {
        let parent = (child - 1) / 2
        if !ranksAfter(d[child], i[child], d[parent], i[parent]) { return }
        swapAt(d, i, child, parent)
        child = parent
    }
}

@inline(__always)
private func siftDown(_ d: UnsafeMutablePointer<Float>, _ i: UnsafeMutablePointer<Int32>, size: Int, from start: Int) {
    var parent = start
    while true {
        let left = 2 * parent + 1
        if left >= size { return }
        var largest = left
        let right = left + 1
        if right < size && ranksAfter(d[right], i[right], d[left], i[left]) { largest = right }
        if !ranksAfter(d[largest], i[largest], d[parent], i[parent]) { return }
        swapAt(d, i, largest, parent)
        parent = largest
    }
}
