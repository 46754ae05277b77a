import Foundation

/// An array with the name it has in an `.npz` archive (the member name without `.npy`).
public struct NamedArray: Sendable, Equatable {
    /// The key NumPy uses for it, e.g. `train_x`.
    public var name: String
    /// The array.
    public var array: NumericArray

    /// Pairs `name` with `array`.
    public init(_ name: String, _ array: NumericArray) {
        self.name = name
        self.array = array
    }
}

/// Reading and writing NumPy `.npz` archives: zips of `.npy` members, stored or deflated.
public enum NPZ {
    /// The largest member inflated, so that a crafted archive cannot exhaust memory.
    public static let memberLimit = 1 << 34

    /// Reads every array in the `.npz` file at `path`, in archive order.
    public static func read(path: String, requirements: ArrayRequirements = .init()) throws -> [NamedArray] {
        try read(data: try readFile(path), source: path, requirements: requirements)
    }

    /// Reads every array in the `.npz` bytes `data`; `source` names them in errors.
    public static func read(
        data: Data, source: String, requirements: ArrayRequirements = .init()
    ) throws -> [NamedArray] {
        try data.withUnsafeBytes { raw in
            let zip = ZipReader(raw, source: source)
            let entries = try zip.entries()
            guard !entries.isEmpty else { throw SourceError(source, "archive holds no arrays") }
            var seen = Set<String>()
            return try entries.map { entry in
                let name = entry.name.hasSuffix(".npy") ? String(entry.name.dropLast(4)) : entry.name
                guard seen.insert(name).inserted else {
                    throw SourceError(source, "archive holds two members named \(name)")
                }
                let member = "\(source)[\(entry.name)]"
                let contents = try zip.contents(of: entry, limit: memberLimit)
                return NamedArray(name, try NPY.read(taking: contents, source: member, requirements: requirements))
            }
        }
    }

    /// The `.npz` encoding of `arrays`, members named `<name>.npy`, deflated when `compressed`.
    public static func encode(_ arrays: [NamedArray], compressed: Bool = false) throws -> [UInt8] {
        var zip = ZipWriter(source: "npz")
        var seen = Set<String>()
        for named in arrays {
            guard seen.insert(named.name).inserted else {
                throw SourceError("npz", "two arrays named \(named.name)")
            }
            try zip.add(name: named.name + ".npy", contents: NPY.encode(named.array), compress: compressed)
        }
        return zip.finished()
    }

    /// Writes `arrays` as an `.npz` file at `path`.
    public static func write(_ arrays: [NamedArray], to path: String, compressed: Bool = false) throws {
        try AtomicFile.write(data: try encode(arrays, compressed: compressed), to: path)
    }
}

extension Array where Element == NamedArray {
    /// The array named `name`, or an error naming `source` and the names that exist.
    public func array(named name: String, source: String) throws -> NumericArray {
        guard let found = first(where: { $0.name == name }) else {
            throw SourceError(source, "no array named \(name); found \(map(\.name).joined(separator: ", "))")
        }
        return found.array
    }
}
