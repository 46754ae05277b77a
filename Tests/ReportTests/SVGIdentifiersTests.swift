import Testing

@testable import Report

@Test func counterIDsAreRenumberedByFirstAppearance() {
    let svg = "<g id=\"surface90\"><use xlink:href=\"#surface95\"/><g id=\"surface95\"></g></g>"
    #expect(
        SVGIdentifiers.renumberCounterIDs(svg)
            == "<g id=\"surface1\"><use xlink:href=\"#surface2\"/><g id=\"surface2\"></g></g>")
}

@Test func prefixingRewritesIDsAndEveryKindOfReference() {
    let svg = "<symbol id=\"glyph0-1\"/><use xlink:href=\"#glyph0-1\"/><g clip-path=\"url(#clip1)\"/>"
    #expect(
        SVGIdentifiers.prefixIDs(svg, with: "f2-")
            == "<symbol id=\"f2-glyph0-1\"/><use xlink:href=\"#f2-glyph0-1\"/><g clip-path=\"url(#f2-clip1)\"/>")
}
