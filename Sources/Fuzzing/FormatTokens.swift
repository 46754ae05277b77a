import Data

/// The tokens the mutator inserts into each binary format: magic numbers, header keys, type codes
/// and sizes at the edges, the pickle opcodes (hostile ones included) and chunk names.
enum FormatTokens {
    static let npy = [
        "\u{93}NUMPY", "{'descr': '<f4', 'fortran_order': False, 'shape': (", "'descr': ", "'fortran_order': True, ",
        "'shape': (", "), }", ",)", "(", ")", "'|O'", "'>f8'", "'<i8'", "'|b1'", "'<c8'", "'<U4'", "'|V8'", "'|u1'",
        "'<f2'", "'=f4'", "(18446744073709551616,)", "(-1,)", "(0,)", "(3, 0, 4)", "(2147483648, 2147483648)", ", ",
        "L", "True", "False", "None", "\n", " ", "'", "\"", "{", "}", "\\x00", "\u{0}",
    ]

    static let zip: [[UInt8]] = [
        [0x50, 0x4B, 0x03, 0x04], [0x50, 0x4B, 0x01, 0x02], [0x50, 0x4B, 0x05, 0x06], [0x50, 0x4B, 0x06, 0x06],
        [0x50, 0x4B, 0x06, 0x07], [0x01, 0x00, 0x10, 0x00], [0x01, 0x00, 0x18, 0x00], [0xFF, 0xFF, 0xFF, 0xFF],
        [0xFF, 0xFF], [0x08, 0x00], [0x00, 0x00], [0x09, 0x00], [0x01, 0x00], Array("x.npy".utf8),
        Array("train_x.npy".utf8), Array("../../evil.npy".utf8), [0x03, 0x00], [0x00, 0x00, 0x00, 0x80],
    ]

    static let pickle: [[UInt8]] = [
        [0x80, 0x02], [0x80, 0x05], [0x95, 0, 0, 0, 0, 0, 0, 0, 0], Array("cos\nsystem\n".utf8),
        Array("cbuiltins\neval\n".utf8), Array("csubprocess\nPopen\n".utf8), Array("cnumpy\nndarray\n".utf8),
        Array("cnumpy.core.multiarray\n_reconstruct\n".utf8), Array("cnumpy\ndtype\n".utf8),
        [0x8C, 8] + Array("builtins".utf8) + [0x94, 0x8C, 4] + Array("exec".utf8) + [0x94, 0x93],
        [0x8C, 5] + Array("numpy".utf8) + [0x8C, 5] + Array("dtype".utf8) + [0x93], [0x52], [0x62], [0x28], [0x74],
        [0x4B, 0x03], [0x4B, 0xFF], [0x4A, 0xFF, 0xFF, 0xFF, 0xFF], [0x4A, 0xFF, 0xFF, 0xFF, 0x7F], [0x4D, 0xFF, 0xFF],
        [0x8A, 0x08, 0, 0, 0, 0, 0, 0, 0, 0x80], [0x8E, 0, 0, 0, 0, 0, 0, 0, 0x40], [0x96, 0xFF, 0, 0, 0, 0, 0, 0, 0],
        [0x43, 0x03, 1, 2, 3], [0x42, 0xFF, 0xFF, 0xFF, 0x7F], [0x58, 0x02, 0, 0, 0, 0x41, 0x42], [0x68, 0x00],
        [0x68, 0xFF], [0x71, 0x00], [0x72, 0xFF, 0xFF, 0xFF, 0xFF], [0x94], [0x7D], [0x5D], [0x65], [0x73], [0x75],
        [0x85], [0x86], [0x87], [0x4E], [0x88], [0x89], [0x29], [0x2E], [0x30], [0x31], [0x32], [0x50], [0x51],
        [0x69], [0x6F], [0x81], [0x82, 0x01], [0x92], [0x97], [0x98], [0x47], [0x46],
        Array("I999999999999999999999\n".utf8),
        Array("Vlatin1\n".utf8), Array("S'a'\n".utf8),
    ]

    static let idx: [[UInt8]] = [
        [0, 0, 0x08, 3], [0, 0, 0x08, 1], [0, 0, 0x0D, 2], [0, 0, 0x0E, 4], [0, 0, 0x0C, 0], [0, 0, 0x0B, 255],
        [0x1F, 0x8B, 0x08, 0x00], [0xFF, 0xFF, 0xFF, 0xFF], [0x7F, 0xFF, 0xFF, 0xFF], [0, 0, 0, 0], [0, 0x01, 0, 0],
    ]

    static let png: [[UInt8]] = [
        [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], Array("IHDR".utf8), Array("IDAT".utf8), Array("IEND".utf8),
        Array("PLTE".utf8), Array("tRNS".utf8), Array("gAMA".utf8), Array("iCCP".utf8), Array("zTXt".utf8),
        Array("sBIT".utf8), Array("acTL".utf8), [0x7F, 0xFF, 0xFF, 0xFF], [0, 0, 0x7F, 0xFF], [0, 0, 0, 0],
        [0x08, 0x02, 0, 0, 0], [0x10, 0x06, 0, 0, 1], [0x01, 0x03, 0, 0, 0], [0x78, 0x9C], [0xFF, 0xFF, 0xFF, 0xFF],
    ]

    /// JPEG markers: start and end of image, frame headers (baseline, progressive), Huffman and
    /// quantization tables, start of scan, restart interval, APP0, and sizes.
    static let jpeg: [[UInt8]] = [
        [0xFF, 0xD8], [0xFF, 0xD9], [0xFF, 0xC0], [0xFF, 0xC2], [0xFF, 0xC4], [0xFF, 0xDB], [0xFF, 0xDA],
        [0xFF, 0xDD], [0xFF, 0xE0], [0xFF, 0xD0], [0x7F, 0xFF], [0, 0], [0x08, 0, 0x08, 0, 0x08, 0x03],
    ]

    static let safetensors = [
        "{\"", "\":{\"dtype\":\"F32\",\"shape\":[", "],\"data_offsets\":[", "]}",
        "\"__metadata__\":{\"format\":\"pt\"}",
        "\"dtype\":", "\"shape\":", "\"data_offsets\":", "\"F64\"", "\"BF16\"", "\"U8\"", "\"BOOL\"", "\"I64\"",
        "\"U64\"", "\"F8_E4M3\"", "18446744073709551615", "9223372036854775807", "4294967296", "-1", "1e3", "0",
        "null", "true", "[]", "{}", ",", ":", "\"", "\\u0000", "\\ud800", "\\\"", " ", "\n", "\u{0}", "é",
    ]
}

/// Safetensors seeds made by the writer the checkpoints use: float parameters with PyTorch's
/// metadata, the training state's 64-bit words, and every other dtype and edge shape.
enum SafeTensorsSeeds {
    static let all: [[UInt8]] = [parameters, training, dtypes].compactMap { $0 }

    static let parameters: [UInt8]? = try? SafeTensors.encode(
        [
            NamedArray(
                "encoder.layers.0.weight", try NumericArray(shape: [2, 3], elements: [Float](repeating: 0.5, count: 6))),
            NamedArray("encoder.layers.0.bias", try NumericArray(shape: [3], elements: [Float(1), -2, 3])),
        ], metadata: ["format": "pt", "runexp": "0.1.0"])

    static let training: [UInt8]? = try? SafeTensors.encode(
        [
            NamedArray("progress", try NumericArray(shape: [2], elements: [UInt64(3), 120])),
            NamedArray("stream/shuffle", try NumericArray(shape: [4], elements: [UInt64(1), 2, 3, UInt64.max])),
            NamedArray("optimizer/reconstruction/step", try NumericArray(shape: [1], elements: [UInt64(120)])),
        ], metadata: ["spec_digest": "0123456789abcdef"])

    static let dtypes: [UInt8]? = try? SafeTensors.encode([
        NamedArray("f64", try NumericArray(shape: [2], elements: [1.5, -0.25])),
        NamedArray("i8", try NumericArray(shape: [1, 2], elements: [Int8(-1), 7])),
        NamedArray("u8", try NumericArray(shape: [3], elements: [UInt8(0), 128, 255])),
        NamedArray("i16", try NumericArray(shape: [1], elements: [Int16(-300)])),
        NamedArray("i32", try NumericArray(shape: [], elements: [Int32(42)])),
        NamedArray("i64", try NumericArray(shape: [0, 3], elements: [Int64]())),
    ])
}
