import Foundation

/// Reading and writing `.safetensors` files, the checkpoint format PyTorch's `safetensors` loads.
///
/// A file is an 8-byte little-endian header length `N`, `N` bytes of UTF-8 JSON naming each tensor's
/// dtype, shape and byte range (plus an optional `__metadata__` object of strings), then the tensors'
/// bytes, little-endian and C order, back to back.
public enum SafeTensors {
    /// The largest header accepted, as in the reference implementation (100 MB).
    public static let headerLimit = 100_000_000

    /// The tensors and metadata of one `.safetensors` file.
    public struct Contents: Sendable, Equatable {
        /// The tensors in the order their bytes lie in the file.
        public var tensors: [NamedArray]
        /// The `__metadata__` strings; empty when the file has none.
        public var metadata: [String: String]

        /// Pairs `tensors` with `metadata`.
        public init(tensors: [NamedArray], metadata: [String: String] = [:]) {
            self.tensors = tensors
            self.metadata = metadata
        }
    }

    /// The `.safetensors` encoding of `tensors` and `metadata`, the same bytes for the same input.
    ///
    /// Tensors are laid out as the reference implementation lays them out: widest dtype first, then
    /// by name, so every tensor starts at a multiple of its item size; metadata keys are sorted; the
    /// JSON is compact and padded with spaces to a multiple of 8 bytes. Two tensors with one name, or
    /// a tensor named `__metadata__`, are refused.
    public static func encode(_ tensors: [NamedArray], metadata: [String: String] = [:]) throws -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(tensors.reduce(4096) { $0 + $1.array.bytes.count })
        try stream(
            tensors.map { named in
                TensorSource(name: named.name, dtype: named.array.dtype, shape: named.array.shape) { emit in
                    try named.array.bytes.withUnsafeBytes(emit)
                }
            }, metadata: metadata
        ) { output += $0 }
        return output
    }

    /// One tensor of a file written in pieces (`stream`): its name, dtype and shape, which the
    /// header needs before any tensor's bytes, and its bytes (host order, C order), handed over in
    /// pieces of whole elements when its turn comes.
    public struct TensorSource {
        public var name: String
        public var dtype: DType
        public var shape: [Int]
        public var bytes: AtomicFile.ByteStream

        public init(name: String, dtype: DType, shape: [Int], bytes: @escaping AtomicFile.ByteStream) {
            (self.name, self.dtype, self.shape, self.bytes) = (name, dtype, shape, bytes)
        }
    }

    /// The bytes `encode` makes of `tensors` and `metadata`, handed to `emit` piece by piece, so
    /// that a file as large as the model is written with a piece of one tensor in memory at a time
    /// (a checkpoint whole in memory, twice, did not fit where training did).
    public static func stream(
        _ tensors: [TensorSource], metadata: [String: String] = [:],
        to emit: (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        var seen = Set<String>()
        for tensor in tensors {
            guard tensor.name != metadataKey else {
                throw SourceError("safetensors", "a tensor cannot be named \(metadataKey)")
            }
            guard seen.insert(tensor.name).inserted else {
                throw SourceError("safetensors", "two tensors named \(tensor.name)")
            }
        }
        let ordered = tensors.sorted {
            let (left, right) = (layoutRank($0.dtype), layoutRank($1.dtype))
            return left != right ? left < right : $0.name.utf8.lexicographicallyPrecedes($1.name.utf8)
        }
        let sizes = try ordered.map { try NumericArray.byteCount(shape: $0.shape, dtype: $0.dtype, source: $0.name) }
        var header = encodeHeader(zip(ordered, sizes).map { ($0.name, $0.dtype, $0.shape, $1) }, metadata: metadata)
        header += [UInt8](repeating: 0x20, count: (8 - header.count % 8) % 8)
        try withUnsafeBytes(of: UInt64(header.count).littleEndian) { try emit($0) }
        try header.withUnsafeBytes(emit)
        for (tensor, size) in zip(ordered, sizes) {
            var given = 0
            try tensor.bytes { piece in
                given += piece.count
                guard given <= size, piece.count % tensor.dtype.itemSize == 0 else {
                    throw SourceError("safetensors", "tensor \(tensor.name) gave more or other than its \(size) bytes")
                }
                guard ByteOrder.host != .little else { return try emit(piece) }
                var swapped = [UInt8](piece)
                swapped.withUnsafeMutableBytes { swapByteOrder($0, itemSize: tensor.dtype.itemSize) }
                try swapped.withUnsafeBytes(emit)
            }
            guard given == size else {
                throw SourceError("safetensors", "tensor \(tensor.name) gave \(given) of its \(size) bytes")
            }
        }
    }

    /// The `.safetensors` encoding of `(name, array)` pairs and `metadata`; see `encode(_:metadata:)`.
    public static func encode(
        tensors: [(name: String, array: NumericArray)], metadata: [String: String] = [:]
    ) throws -> [UInt8] {
        try encode(tensors.map { NamedArray($0.name, $0.array) }, metadata: metadata)
    }

    /// Writes `tensors` and `metadata` as a `.safetensors` file at `path`.
    ///
    /// The bytes go to `.<name>.tmp-<pid>` in the same folder, are flushed to disk and then renamed
    /// over `path`, so a crash leaves either the old file or the whole new one under `path`.
    public static func write(_ tensors: [NamedArray], metadata: [String: String] = [:], to path: String) throws {
        try AtomicFile.write(data: try encode(tensors, metadata: metadata), to: path)
    }

    /// Writes `(name, array)` pairs and `metadata` as a `.safetensors` file at `path`; see `write(_:metadata:to:)`.
    public static func write(
        tensors: [(name: String, array: NumericArray)], metadata: [String: String] = [:], to path: String
    ) throws {
        try write(tensors.map { NamedArray($0.name, $0.array) }, metadata: metadata, to: path)
    }

    /// Reads the `.safetensors` file at `path`; the file is memory-mapped so the data is copied once.
    public static func read(path: String) throws -> Contents {
        try decode(bytes: try readFile(path), source: path)
    }

    /// Decodes `.safetensors` bytes, refusing anything malformed with a `SourceError` naming `source`.
    public static func decode(bytes: some ContiguousBytes, source: String) throws -> Contents {
        try bytes.withUnsafeBytes { try decode(raw: $0, source: source) }
    }

    static let metadataKey = "__metadata__"

    /// The position of `dtype` in the reference layout order: widest first, then U, I, F, BOOL last.
    static func layoutRank(_ dtype: DType) -> Int {
        switch dtype {
        case .uint64: 0
        case .int64: 1
        case .float64: 2
        case .float32: 3
        case .uint32: 4
        case .int32: 5
        case .uint16: 6
        case .int16: 7
        case .int8: 8
        case .uint8: 9
        case .bool: 10
        }
    }

    /// The safetensors name of `dtype`, e.g. `F32`.
    static func formatName(_ dtype: DType) -> String {
        switch dtype {
        case .bool: "BOOL"
        case .int8: "I8"
        case .uint8: "U8"
        case .int16: "I16"
        case .uint16: "U16"
        case .int32: "I32"
        case .uint32: "U32"
        case .int64: "I64"
        case .uint64: "U64"
        case .float32: "F32"
        case .float64: "F64"
        }
    }

    /// The dtypes the format defines that `NumericArray` cannot hold.
    static let unsupportedNames: Set<String> = [
        "F16", "BF16", "F8_E5M2", "F8_E4M3", "F8_E8M0", "F6_E2M3", "F6_E3M2", "F4", "C64",
    ]

    /// Compact JSON for the header: metadata first, then each tensor in layout order.
    static func encodeHeader(
        _ ordered: [(name: String, dtype: DType, shape: [Int], byteCount: Int)], metadata: [String: String]
    ) -> [UInt8] {
        var json: [UInt8] = [UInt8(ascii: "{")]
        var first = true
        func separate() {
            if !first { json.append(UInt8(ascii: ",")) }
            first = false
        }
        if !metadata.isEmpty {
            separate()
            appendJSONString(metadataKey, to: &json)
            json += Array(":{".utf8)
            let keys = metadata.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            for (index, key) in keys.enumerated() {
                if index > 0 { json.append(UInt8(ascii: ",")) }
                appendJSONString(key, to: &json)
                json.append(UInt8(ascii: ":"))
                appendJSONString(metadata[key] ?? "", to: &json)
            }
            json.append(UInt8(ascii: "}"))
        }
        var offset = 0
        for tensor in ordered {
            separate()
            appendJSONString(tensor.name, to: &json)
            let end = offset + tensor.byteCount
            let shape = tensor.shape.map(String.init).joined(separator: ",")
            json += Array(
                ":{\"dtype\":\"\(formatName(tensor.dtype))\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(end)]}"
                    .utf8)
            offset = end
        }
        json.append(UInt8(ascii: "}"))
        return json
    }

    /// Appends `text` as a JSON string literal, escaping as serde_json does (other characters raw UTF-8).
    static func appendJSONString(_ text: String, to json: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        json.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): json += [0x5C, 0x22]
            case UInt8(ascii: "\\"): json += [0x5C, 0x5C]
            case 0x08: json += [0x5C, UInt8(ascii: "b")]
            case 0x09: json += [0x5C, UInt8(ascii: "t")]
            case 0x0A: json += [0x5C, UInt8(ascii: "n")]
            case 0x0C: json += [0x5C, UInt8(ascii: "f")]
            case 0x0D: json += [0x5C, UInt8(ascii: "r")]
            case 0..<0x20: json += Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            default: json.append(byte)
            }
        }
        json.append(UInt8(ascii: "\""))
    }
}
