/// An n-dimensional array of one numeric dtype, stored as raw bytes in host byte order and C order.
///
/// Data stays in its file dtype (a uint8 image set stays uint8); conversion to `Float` happens on
/// demand through `floats()` or per batch, never up front.
public struct NumericArray: Sendable, Equatable {
    /// The extent of each dimension, outermost first; `[]` is a scalar.
    public let shape: [Int]
    /// The element type.
    public let dtype: DType
    /// The elements' bytes, host byte order, C (row-major) order; `count * dtype.itemSize` long.
    public private(set) var bytes: [UInt8]

    /// The number of elements: the product of `shape`.
    public var count: Int { bytes.count / dtype.itemSize }

    /// Wraps `bytes` (host order, C order) as an array, checking the length matches `shape`.
    public init(shape: [Int], dtype: DType, bytes: [UInt8]) throws {
        let expected = try NumericArray.byteCount(shape: shape, dtype: dtype, source: "array")
        guard bytes.count == expected else {
            throw SourceError(
                "array", "shape \(shape) of \(dtype) needs \(expected) bytes, found \(bytes.count)")
        }
        if dtype == .bool, let bad = bytes.firstIndex(where: { $0 > 1 }) {
            throw SourceError("array", "bool element \(bad) is \(bytes[bad]), expected 0 or 1")
        }
        self.shape = shape
        self.dtype = dtype
        self.bytes = bytes
    }

    /// Makes an array of `elements` with `shape`; the element type decides the dtype.
    public init<Element: NumericElement>(shape: [Int], elements: [Element]) throws {
        let raw = elements.withUnsafeBytes { [UInt8]($0) }
        try self.init(shape: shape, dtype: Element.dtype, bytes: raw)
    }

    /// Wraps bytes already checked by a reader; the caller guarantees the length and bool values.
    init(validatedShape shape: [Int], dtype: DType, bytes: [UInt8]) {
        self.shape = shape
        self.dtype = dtype
        self.bytes = bytes
    }

    /// The element count of `shape`, or an error naming `source` if a dimension is negative or
    /// the product overflows.
    public static func elementCount(shape: [Int], source: String) throws -> Int {
        var product = 1
        for dim in shape {
            guard dim >= 0 else {
                throw SourceError(source, "shape \(shape) has a negative dimension \(dim)")
            }
            let (next, overflow) = product.multipliedReportingOverflow(by: dim)
            guard !overflow else {
                throw SourceError(source, "shape \(shape) has more elements than fit in memory")
            }
            product = next
        }
        return product
    }

    /// The byte length of an array of `shape` and `dtype`, or an error naming `source` on overflow.
    public static func byteCount(shape: [Int], dtype: DType, source: String) throws -> Int {
        let elements = try elementCount(shape: shape, source: source)
        let (total, overflow) = elements.multipliedReportingOverflow(by: dtype.itemSize)
        guard !overflow else {
            throw SourceError(source, "shape \(shape) of \(dtype) has more bytes than fit in memory")
        }
        return total
    }

    /// The same elements under a new shape with the same element count.
    public func reshaped(_ newShape: [Int]) throws -> NumericArray {
        let newCount = try NumericArray.elementCount(shape: newShape, source: "reshape")
        guard newCount == count else {
            throw SourceError("reshape", "cannot reshape \(shape) (\(count) elements) to \(newShape)")
        }
        return NumericArray(validatedShape: newShape, dtype: dtype, bytes: bytes)
    }
}
