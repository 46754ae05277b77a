import Data
import CCairo

/// The file formats a figure can be rendered to.
public enum FigureFormat: String, CaseIterable, Sendable {
    /// A raster image, for written reports.
    case png
    /// Scalable vector graphics, for the browser.
    case svg
    /// A vector document, for printing.
    case pdf
}

/// Collects the bytes Cairo streams out, so figures can be kept in memory, embedded in the HTML
/// report, or handed to `AtomicFile` (Cairo's own file writers would write in place).
final class ByteSink {
    var bytes: [UInt8] = []
}

/// The C callback Cairo calls with each chunk of output; `closure` is an unretained `ByteSink`.
private let appendToSink: cairo_write_func_t = { closure, data, length in
    guard let closure, let data else { return CAIRO_STATUS_WRITE_ERROR }
    let sink = Unmanaged<ByteSink>.fromOpaque(closure).takeUnretainedValue()
    sink.bytes.append(contentsOf: UnsafeBufferPointer(start: data, count: Int(length)))
    return CAIRO_STATUS_SUCCESS
}

/// Throws a `SourceError` naming `source` when `status` is not success.
func checkCairo(_ status: cairo_status_t, _ source: String, _ action: String) throws {
    guard status == CAIRO_STATUS_SUCCESS else {
        throw SourceError(source, "\(action): \(String(cString: cairo_status_to_string(status)))")
    }
}

/// The PNG encoding of an image surface.
func encodePNG(_ surface: OpaquePointer?, source: String) throws -> [UInt8] {
    let sink = ByteSink()
    let status = withExtendedLifetime(sink) {
        cairo_surface_write_to_png_stream(surface, appendToSink, Unmanaged.passUnretained(sink).toOpaque())
    }
    try checkCairo(status, source, "cannot encode PNG")
    return sink.bytes
}

/// Renders a `width`×`height` figure (in points; one point is one PNG pixel) with `draw`, which
/// receives a fresh Cairo context, and returns the encoded file.
func renderFigure(
    format: FigureFormat, width: Int, height: Int, source: String, draw: (OpaquePointer) throws -> Void
) throws -> [UInt8] {
    guard width > 0, height > 0, width <= 32_767, height <= 32_767 else {
        throw SourceError(source, "figure size \(width)×\(height) is outside 1…32767")
    }
    switch format {
    case .png:
        let surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32(width), Int32(height))
        defer { cairo_surface_destroy(surface) }
        try drawOnSurface(surface, source: source, draw: draw)
        return try encodePNG(surface, source: source)
    case .svg, .pdf:
        let sink = ByteSink()
        return try withExtendedLifetime(sink) {
            let closure = Unmanaged.passUnretained(sink).toOpaque()
            let surface = vectorSurface(format, width: Double(width), height: Double(height), closure: closure)
            defer { cairo_surface_destroy(surface) }
            try drawOnSurface(surface, source: source, draw: draw)
            // Finishing flushes the document's trailer into the sink before it is read.
            cairo_surface_finish(surface)
            try checkCairo(cairo_surface_status(surface), source, "cannot write \(format.rawValue.uppercased())")
            guard format == .svg else { return sink.bytes }
            return Array(SVGIdentifiers.renumberCounterIDs(String(decoding: sink.bytes, as: UTF8.self)).utf8)
        }
    }
}

private func vectorSurface(
    _ format: FigureFormat, width: Double, height: Double, closure: UnsafeMutableRawPointer
) -> OpaquePointer? {
    if format == .pdf {
        let surface = cairo_pdf_surface_create_for_stream(appendToSink, closure, width, height)
        // Without a fixed date Cairo stamps the current time, and two runs would differ.
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, "2000-01-01T00:00:00Z")
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "runexp")
        return surface
    }
    let surface = cairo_svg_surface_create_for_stream(appendToSink, closure, width, height)
    // Pixels, so a browser shows an 800×500 SVG at the same size as the 800×500 PNG.
    cairo_svg_surface_set_document_unit(surface, CAIRO_SVG_UNIT_PX)
    return surface
}

private func drawOnSurface(_ surface: OpaquePointer?, source: String, draw: (OpaquePointer) throws -> Void) throws {
    try checkCairo(cairo_surface_status(surface), source, "cannot create the drawing surface")
    guard let context = cairo_create(surface) else {
        throw SourceError(source, "cannot create a Cairo context")
    }
    defer { cairo_destroy(context) }
    useReportFont(context)
    try draw(context)
    try checkCairo(cairo_status(context), source, "cannot draw")
}

/// Selects DejaVu Sans with hinting off, so text is laid out alike in PNG and SVG.
func useReportFont(_ context: OpaquePointer, size: Double = 13) {
    cairo_select_font_face(context, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL)
    cairo_set_font_size(context, size)
    let options = cairo_font_options_create()
    cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF)
    cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE)
    cairo_font_options_set_antialias(options, CAIRO_ANTIALIAS_GRAY)
    cairo_set_font_options(context, options)
    cairo_font_options_destroy(options)
}
