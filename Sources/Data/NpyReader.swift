import Foundation

/// Checks applied to an array after it is read, for callers that need real data.
public struct ArrayRequirements: Sendable {
    /// Refuse arrays with no elements.
    public var nonEmpty: Bool
    /// Refuse float arrays holding NaN or infinity.
    public var finite: Bool

    /// Requirements with each check on or off; both off by default.
    public init(nonEmpty: Bool = false, finite: Bool = false) {
        self.nonEmpty = nonEmpty
        self.finite = finite
    }

    /// Throws a `SourceError` naming `source` if `array` breaks a requirement.
    public func check(_ array: NumericArray, source: String) throws {
        if nonEmpty && array.count == 0 {
            throw SourceError(source, "array of shape \(array.shape) is empty; expected at least one element")
        }
        if finite, let bad = array.firstNonFiniteIndex() {
            throw SourceError(source, "element \(bad) is \(array.value(at: bad)); expected finite numbers (no NaN)")
        }
    }
}

/// Reading and writing NumPy `.npy` files (format versions 1.0, 2.0 and 3.0).
public enum NPY {
    /// Reads the `.npy` file at `path`; the file is memory-mapped so the data is copied only once.
    public static func read(path: String, requirements: ArrayRequirements = .init()) throws -> NumericArray {
        let data = try readFile(path)
        return try read(data: data, source: path, requirements: requirements)
    }

    /// Decodes `.npy` bytes; `source` names them in errors.
    public static func read(
        data: Data, source: String, requirements: ArrayRequirements = .init()
    ) throws -> NumericArray {
        let array = try data.withUnsafeBytes { raw in
            let header = try NpyHeader.parse(raw, source: source)
            let (dtype, order) = try header.numericType(source: source)
            return try ArrayLayout.copy(
                UnsafeRawBufferPointer(rebasing: raw[header.dataOffset...]), shape: header.shape,
                dtype: dtype, order: order, fortran: header.fortranOrder, source: source)
        }
        try requirements.check(array, source: source)
        return array
    }

    /// Decodes `.npy` bytes that the caller hands over, reusing their storage for the array.
    public static func read(
        taking bytes: consuming [UInt8], source: String, requirements: ArrayRequirements = .init()
    ) throws -> NumericArray {
        let header = try bytes.withUnsafeBytes { try NpyHeader.parse($0, source: source) }
        let (dtype, order) = try header.numericType(source: source)
        bytes.removeFirst(header.dataOffset)
        let array = try ArrayLayout.adopt(
            bytes, shape: header.shape, dtype: dtype, order: order, fortran: header.fortranOrder,
            source: source)
        try requirements.check(array, source: source)
        return array
    }
}
