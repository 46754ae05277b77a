/// The element types a `NumericArray` can hold; these match NumPy's fixed-size numeric dtypes.
public enum DType: String, CaseIterable, Sendable {
    /// NumPy `bool`: one byte holding 0 or 1.
    case bool
    /// NumPy `int8`.
    case int8
    /// NumPy `uint8`.
    case uint8
    /// NumPy `int16`.
    case int16
    /// NumPy `uint16`.
    case uint16
    /// NumPy `int32`.
    case int32
    /// NumPy `uint32`.
    case uint32
    /// NumPy `int64`.
    case int64
    /// NumPy `uint64`.
    case uint64
    /// NumPy `float32`.
    case float32
    /// NumPy `float64`.
    case float64

    /// Bytes per element.
    public var itemSize: Int {
        switch self {
        case .bool, .int8, .uint8: 1
        case .int16, .uint16: 2
        case .int32, .uint32, .float32: 4
        case .int64, .uint64, .float64: 8
        }
    }

    /// NumPy's kind character: `b` bool, `i` signed, `u` unsigned, `f` float.
    public var kind: Character {
        switch self {
        case .bool: "b"
        case .int8, .int16, .int32, .int64: "i"
        case .uint8, .uint16, .uint32, .uint64: "u"
        case .float32, .float64: "f"
        }
    }

    /// Whether elements are IEEE floating point (and so may hold NaN).
    public var isFloatingPoint: Bool { kind == "f" }

    /// The dtype with NumPy kind character `kind` and `size` bytes per element, if there is one.
    public init?(kind: Character, size: Int) {
        guard let found = DType.allCases.first(where: { $0.kind == kind && $0.itemSize == size })
        else { return nil }
        self = found
    }
}

/// The order of bytes within one multi-byte element.
public enum ByteOrder: Sendable {
    /// Least significant byte first (x86, ARM, and NumPy's `<`).
    case little
    /// Most significant byte first (NumPy's `>`, IDX files).
    case big

    /// The byte order of the machine running this code.
    public static var host: ByteOrder { 1.littleEndian == 1 ? .little : .big }
}

/// Reverses the bytes of every `itemSize`-byte element in `buffer`, converting between byte orders.
func swapByteOrder(_ buffer: UnsafeMutableRawBufferPointer, itemSize: Int) {
    guard itemSize > 1, let base = buffer.baseAddress else { return }
    let bytes = base.assumingMemoryBound(to: UInt8.self)
    var start = 0
    while start + itemSize <= buffer.count {
        var low = start
        var high = start + itemSize - 1
        while low < high {
            let kept = bytes[low]
            bytes[low] = bytes[high]
            bytes[high] = kept
            low += 1
            high -= 1
        }
        start += itemSize
    }
}
