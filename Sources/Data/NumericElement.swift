/// A Swift type that is the in-memory form of one `DType`, for typed access to `NumericArray`.
public protocol NumericElement: Sendable {
    /// The dtype whose elements have this type's memory layout.
    static var dtype: DType { get }
}

extension Bool: NumericElement {
    /// `.bool`
    public static var dtype: DType { .bool }
}
extension Int8: NumericElement {
    /// `.int8`
    public static var dtype: DType { .int8 }
}
extension UInt8: NumericElement {
    /// `.uint8`
    public static var dtype: DType { .uint8 }
}
extension Int16: NumericElement {
    /// `.int16`
    public static var dtype: DType { .int16 }
}
extension UInt16: NumericElement {
    /// `.uint16`
    public static var dtype: DType { .uint16 }
}
extension Int32: NumericElement {
    /// `.int32`
    public static var dtype: DType { .int32 }
}
extension UInt32: NumericElement {
    /// `.uint32`
    public static var dtype: DType { .uint32 }
}
extension Int64: NumericElement {
    /// `.int64`
    public static var dtype: DType { .int64 }
}
extension UInt64: NumericElement {
    /// `.uint64`
    public static var dtype: DType { .uint64 }
}
extension Float: NumericElement {
    /// `.float32`
    public static var dtype: DType { .float32 }
}
extension Double: NumericElement {
    /// `.float64`
    public static var dtype: DType { .float64 }
}

extension NumericArray {
    /// The elements as `Element`, which must be the array's own dtype (no conversion).
    public func elements<Element: NumericElement>(as type: Element.Type) throws -> [Element] {
        try withUnsafeElements(as: type) { Array($0) }
    }

    /// Calls `body` with the elements viewed in place as `Element`; the dtype must match.
    public func withUnsafeElements<Element: NumericElement, Result>(
        as type: Element.Type, _ body: (UnsafeBufferPointer<Element>) throws -> Result
    ) throws -> Result {
        guard Element.dtype == dtype else {
            throw SourceError("array", "expected \(Element.dtype) elements, found \(dtype)")
        }
        return try bytes.withUnsafeBytes { raw in
            try raw.withMemoryRebound(to: Element.self) { try body($0) }
        }
    }

    /// The element at flat (C-order) `index`, which must be below `count`, converted to `Double`.
    public func value(at index: Int) -> Double {
        bytes.withUnsafeBytes { raw in
            let offset = index * dtype.itemSize
            switch dtype {
            case .bool, .uint8: return Double(raw[offset])
            case .int8: return Double(raw.loadUnaligned(fromByteOffset: offset, as: Int8.self))
            case .int16: return Double(raw.loadUnaligned(fromByteOffset: offset, as: Int16.self))
            case .uint16: return Double(raw.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
            case .int32: return Double(raw.loadUnaligned(fromByteOffset: offset, as: Int32.self))
            case .uint32: return Double(raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
            case .int64: return Double(raw.loadUnaligned(fromByteOffset: offset, as: Int64.self))
            case .uint64: return Double(raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            case .float32: return Double(raw.loadUnaligned(fromByteOffset: offset, as: Float.self))
            case .float64: return raw.loadUnaligned(fromByteOffset: offset, as: Double.self)
            }
        }
    }

    /// All elements converted to `Float` (a new array: use per batch, not on a whole data set).
    public func floats() -> [Float] {
        if dtype == .float32, let same = try? elements(as: Float.self) { return same }
        if dtype == .uint8 { return bytes.map { Float($0) } }
        return (0..<count).map { Float(value(at: $0)) }
    }

    /// The index of the first NaN or infinite element, or nil when all are finite (or not float).
    public func firstNonFiniteIndex() -> Int? {
        switch dtype {
        case .float32: return try? withUnsafeElements(as: Float.self) { $0.firstIndex { !$0.isFinite } } ?? nil
        case .float64: return try? withUnsafeElements(as: Double.self) { $0.firstIndex { !$0.isFinite } } ?? nil
        default: return nil
        }
    }
}
