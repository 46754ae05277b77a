import CCairo

/// Where text sits horizontally relative to its anchor point.
enum HorizontalAlignment {
    case leading, center, trailing
}

/// Where text sits vertically relative to its anchor point.
enum VerticalAlignment {
    /// The anchor is on the text's baseline.
    case baseline
    /// The anchor is halfway up a capital letter, which looks centred next to a tick or a cell.
    case middle
    /// The anchor is at the top of a capital letter.
    case top
}

/// The advance width of `text` in the context's current font.
func textWidth(_ context: OpaquePointer, _ text: String) -> Double {
    var extents = cairo_text_extents_t()
    cairo_text_extents(context, text, &extents)
    return extents.x_advance
}

/// The height of a capital letter in the context's current font, used for vertical centring so
/// that every label lines up regardless of its descenders.
func capitalHeight(_ context: OpaquePointer) -> Double {
    var extents = cairo_text_extents_t()
    cairo_text_extents(context, "H", &extents)
    return -extents.y_bearing
}

/// Draws `text` anchored at (`x`, `y`) with the given alignment, in the current source colour.
func drawText(
    _ context: OpaquePointer, _ text: String, x: Double, y: Double,
    horizontal: HorizontalAlignment, vertical: VerticalAlignment
) {
    let width = textWidth(context, text)
    let left: Double
    switch horizontal {
    case .leading: left = x
    case .center: left = x - width / 2
    case .trailing: left = x - width
    }
    let baseline: Double
    switch vertical {
    case .baseline: baseline = y
    case .middle: baseline = y + capitalHeight(context) / 2
    case .top: baseline = y + capitalHeight(context)
    }
    cairo_move_to(context, left, baseline)
    cairo_show_text(context, text)
    cairo_new_path(context)
}

/// The widest of `texts` in DejaVu Sans at `fontSize`, measured on a scratch surface (layout has
/// to know label widths before the real surface can be sized).
func measureTextWidth(_ texts: [String], fontSize: Double) -> Double {
    let surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 1, 1)
    defer { cairo_surface_destroy(surface) }
    guard let context = cairo_create(surface) else { return 0 }
    defer { cairo_destroy(context) }
    useReportFont(context, size: fontSize)
    return texts.map { textWidth(context, $0) }.max() ?? 0
}
