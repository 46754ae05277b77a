import Kernels
import Testing

@testable import Graph

/// Both libraries a convolution layer runs on: oneDNN's primitives and im2col with OpenBLAS.
private let productLibraries: [ProductLibrary] = [.openBLAS, .oneDNN]

struct Conv2DTests {
    @Test(
        arguments: productLibraries,
        [
            "{filters: 3, kernel: 3, stride: 1, padding: same}",
            "{filters: 2, kernel: 3, stride: 2, padding: 1}",
            "{filters: 4, kernel: 5, stride: 3, padding: valid}",
            "{filters: 3, kernel: 4, stride: 2, padding: same}",
            "{filters: 2, kernel: 1, stride: 1, padding: 0}",
        ])
    func gradientsMatchFiniteDifferences(library: ProductLibrary, settings: String) throws {
        let check = try GradientCheck(
            GradientCheck.spec(
                data: "{source: mnist-m, shape: [7, 9, 3]}",
                layers: "[conv2d: \(settings), tanh, conv2d: {filters: 2, kernel: 3, stride: 2}]"),
            library: library)
        #expect(check.check() > 20)
        // A 5×5 kernel at stride 3 leaves the 7×9 image's last rows unread: a negative bottom
        // padding, which oneDNN does not take, so that layer lowers to im2col.
        let served = settings.contains("kernel: 5, stride: 3, padding: valid") ? 1 : 2
        #expect(check.convolutionsServedByOneDNN == (library == .oneDNN ? served : 0))
    }
}

struct Conv2DTransposeTests {
    @Test(
        arguments: productLibraries,
        [
            "{filters: 3, kernel: 3, stride: 2, padding: 1, output_padding: 1}",
            "{filters: 2, kernel: 4, stride: 2, padding: same}",
            "{filters: 2, kernel: 3, stride: 1, padding: valid}",
            "{filters: 3, kernel: 5, stride: 3, padding: 2, output_padding: 2}",
        ])
    func gradientsMatchFiniteDifferences(library: ProductLibrary, settings: String) throws {
        // The first transposed convolution's input gradient is exercised by the one after it.
        let check = try GradientCheck(
            GradientCheck.spec(
                data: "{source: mnist-m, shape: [5, 7, 3]}",
                layers:
                    "[conv2d_transpose: \(settings), tanh, conv2d_transpose: {filters: 2, kernel: 3, stride: 2, padding: 1}]"
            ), library: library)
        #expect(check.check() > 20)
        #expect(check.convolutionsServedByOneDNN == (library == .oneDNN ? 2 : 0))
    }
}
