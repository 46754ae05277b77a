import Foundation
import CCairo

/// Reading PNG files through Cairo into RGB arrays.
public enum PNGImage {
    /// The image at `path` as uint8 H×W×3 RGB (alpha, if any, is undone from Cairo's
    /// premultiplied form and then dropped).
    public static func readRGB(path: String) throws -> NumericArray {
        try readRGB(data: try readFile(path), source: path)
    }

    /// The PNG bytes `data` as uint8 H×W×3 RGB; `source` names them in errors.
    public static func readRGB(data: Data, source: String) throws -> NumericArray {
        try checkDeclaredSize(data, source: source)
        let loaded = data.withUnsafeBytes { bytes in
            let reader = PNGByteReader(bytes)
            return withExtendedLifetime(reader) {
                cairo_image_surface_create_from_png_stream(
                    { context, output, length in
                        guard let context, let output else { return CAIRO_STATUS_READ_ERROR }
                        let reader = Unmanaged<PNGByteReader>.fromOpaque(context).takeUnretainedValue()
                        return reader.read(into: output, count: Int(length))
                    }, Unmanaged.passUnretained(reader).toOpaque())
            }
        }
        defer { cairo_surface_destroy(loaded) }
        let status = cairo_surface_status(loaded)
        guard status == CAIRO_STATUS_SUCCESS else {
            throw SourceError(source, "cannot read PNG: \(String(cString: cairo_status_to_string(status)))")
        }
        let format = cairo_image_surface_get_format(loaded)
        guard format == CAIRO_FORMAT_ARGB32 || format == CAIRO_FORMAT_RGB24 else {
            // Grey, 16-bit and float PNGs: let Cairo convert them to 8-bit ARGB first.
            let converted = try convertToARGB32(loaded, path: source)
            defer { cairo_surface_destroy(converted) }
            return try unpack(converted, hasAlpha: true, path: source)
        }
        return try unpack(loaded, hasAlpha: format == CAIRO_FORMAT_ARGB32, path: source)
    }

    /// The most pixels a PNG may declare: 2²⁸ (a gigabyte as 8-bit ARGB), far beyond any photo the
    /// recipe crops from, so a header that lies about its size is refused before Cairo allocates.
    public static let pixelLimit = 1 << 28

    /// Refuses a PNG whose header declares more than `pixelLimit` pixels, or one of whose chunks
    /// declares more bytes than the file holds (libpng allocates a text chunk's declared length, up to
    /// 2 GB, before finding out); anything else wrong is left to libpng.
    static func checkDeclaredSize(_ data: Data, source: String) throws {
        // Cairo reports any file without the signature as "out of memory".
        let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        guard data.starts(with: signature) else {
            let found = data.prefix(8).map { String(format: "%02x", $0) }.joined(separator: " ")
            throw SourceError(
                source,
                "not a PNG file: expected the signature 89 50 4e 47 0d 0a 1a 0a, found "
                    + (data.isEmpty ? "an empty file" : "bytes \(found)"))
        }
        guard data.count >= 24 else { return }
        func word(_ at: Int) -> Int { data.dropFirst(at).prefix(4).reduce(0) { $0 << 8 | Int($1) } }
        let (width, height) = (word(16), word(20))
        let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
        if overflow || pixels > pixelLimit {
            throw SourceError(
                source, "PNG header declares \(width)×\(height) pixels, more than the \(pixelLimit) runexp reads")
        }
        var offset = 8
        while offset + 8 <= data.count {
            let length = word(offset)
            let type = String(decoding: data.dropFirst(offset + 4).prefix(4), as: UTF8.self)
            let room = data.count - offset - 12
            guard length <= room else {
                throw SourceError(
                    source,
                    "truncated PNG: chunk '\(type)' at byte \(offset) declares \(length) bytes, only \(max(room, 0)) follow"
                )
            }
            if type == "IEND" { return }
            offset += 12 + length
        }
    }

    private static func convertToARGB32(_ surface: OpaquePointer?, path: String) throws -> OpaquePointer? {
        let width = cairo_image_surface_get_width(surface)
        let height = cairo_image_surface_get_height(surface)
        let target = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, width, height)
        let context = cairo_create(target)
        cairo_set_source_surface(context, surface, 0, 0)
        cairo_paint(context)
        cairo_destroy(context)
        guard cairo_surface_status(target) == CAIRO_STATUS_SUCCESS else {
            cairo_surface_destroy(target)
            throw SourceError(path, "cannot convert the PNG to 8-bit RGB")
        }
        return target
    }

    /// Unpacks Cairo's native-endian 32-bit pixels (A in the top byte, then R, G, B; colour
    /// premultiplied by alpha) into RGB bytes.
    private static func unpack(_ surface: OpaquePointer?, hasAlpha: Bool, path: String) throws -> NumericArray {
        cairo_surface_flush(surface)
        let width = Int(cairo_image_surface_get_width(surface))
        let height = Int(cairo_image_surface_get_height(surface))
        let stride = Int(cairo_image_surface_get_stride(surface))
        guard width > 0, height > 0, let data = cairo_image_surface_get_data(surface) else {
            throw SourceError(path, "PNG has no pixels (\(width)×\(height))")
        }
        var rgb = [UInt8](repeating: 0, count: width * height * 3)
        rgb.withUnsafeMutableBufferPointer { output in
            for row in 0..<height {
                let line = UnsafeRawPointer(data + row * stride)
                for column in 0..<width {
                    let pixel = line.loadUnaligned(fromByteOffset: column * 4, as: UInt32.self)
                    let alpha = hasAlpha ? Int(pixel >> 24) : 255
                    let base = (row * width + column) * 3
                    for (channel, shift) in [16, 8, 0].enumerated() {
                        let value = Int(pixel >> UInt32(shift) & 0xFF)
                        output[base + channel] = UInt8(alpha == 0 ? 0 : min(255, (value * 255 + alpha / 2) / alpha))
                    }
                }
            }
        }
        return NumericArray(validatedShape: [height, width, 3], dtype: .uint8, bytes: rgb)
    }
}

extension PNGImage {
    /// Every `.png` in `directory`, in sorted name order, as uint8 H×W×3 RGB: the photos for the
    /// MNIST-M recipe (BSDS500 or any folder of photos).
    public static func readFolder(_ directory: String) throws -> [NumericArray] {
        let folder = URL(fileURLWithPath: directory)
        return try pngNames(in: directory).map { try readRGB(path: folder.appendingPathComponent($0).path) }
    }
}

/// Hands Cairo's PNG reader the bytes of a file already in memory, refusing reads past the end.
private final class PNGByteReader {
    let bytes: UnsafeRawBufferPointer
    var offset = 0

    init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    func read(into output: UnsafeMutablePointer<UInt8>, count: Int) -> cairo_status_t {
        guard count <= bytes.count - offset, let base = bytes.baseAddress else { return CAIRO_STATUS_READ_ERROR }
        UnsafeMutableRawPointer(output).copyMemory(from: base + offset, byteCount: count)
        offset += count
        return CAIRO_STATUS_SUCCESS
    }
}
