import Foundation
import CCairo

/// Reading PNG files through Cairo into RGB arrays.
public enum PNGImage {
    /// The image at `path` as uint8 H×W×3 RGB (alpha, if any, is undone from Cairo's
    /// premultiplied form and then dropped).
    public static func readRGB(path: String) throws -> NumericArray {
        let loaded = cairo_image_surface_create_from_png(path)
        defer { cairo_surface_destroy(loaded) }
        let status = cairo_surface_status(loaded)
        guard status == CAIRO_STATUS_SUCCESS else {
            throw DataError(path, "cannot read PNG: \(String(cString: cairo_status_to_string(status)))")
        }
        let format = cairo_image_surface_get_format(loaded)
        guard format == CAIRO_FORMAT_ARGB32 || format == CAIRO_FORMAT_RGB24 else {
            // Grey, 16-bit and float PNGs: let Cairo convert them to 8-bit ARGB first.
            let converted = try convertToARGB32(loaded, path: path)
            defer { cairo_surface_destroy(converted) }
            return try unpack(converted, hasAlpha: true, path: path)
        }
        return try unpack(loaded, hasAlpha: format == CAIRO_FORMAT_ARGB32, path: path)
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
            throw DataError(path, "cannot convert the PNG to 8-bit RGB")
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
            throw DataError(path, "PNG has no pixels (\(width)×\(height))")
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
