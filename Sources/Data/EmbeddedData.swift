import Foundation

/// The data sets shipped inside runexp as package resources (see Resources/NOTICE.md): MNIST
/// train-5k and test-10k, and the background photos for the MNIST-M recipe.
public enum EmbeddedData {
    /// The folder holding the embedded files (`mnist/`, `backgrounds/`).
    public static var resourceDirectory: URL {
        // `.copy("Resources")` keeps the folder's name, but bundles differ in where their resource
        // root is (on Linux the bundle's resourceURL already ends in Resources), so look for it.
        let bundle = Bundle.module
        let candidates = [
            bundle.url(forResource: "Resources", withExtension: nil), bundle.resourceURL,
            bundle.resourceURL?.appendingPathComponent("Resources"),
            bundle.bundleURL.appendingPathComponent("Resources"),
        ].compactMap { $0 }
        let found = candidates.first {
            FileManager.default.fileExists(atPath: $0.appendingPathComponent("mnist").path)
        }
        return found ?? bundle.bundleURL.appendingPathComponent("Resources")
    }

    /// 5,000 digits of the MNIST training split (500 per class) as 5000×28×28×1 uint8 with labels.
    public static func mnistTrain() throws -> LabeledImages { try mnist(prefix: "train-5k") }

    /// The official MNIST test split as 10000×28×28×1 uint8 with labels.
    public static func mnistTest() throws -> LabeledImages { try mnist(prefix: "t10k") }

    private static func mnist(prefix: String) throws -> LabeledImages {
        let folder = resourceDirectory.appendingPathComponent("mnist")
        return try IDX.readLabeledImages(
            images: folder.appendingPathComponent("\(prefix)-images-idx3-ubyte.gz").path,
            labels: folder.appendingPathComponent("\(prefix)-labels-idx1-ubyte.gz").path)
    }

    /// The file names of the embedded background photos, sorted.
    public static func backgroundNames() throws -> [String] {
        try pngNames(in: resourceDirectory.appendingPathComponent("backgrounds").path)
    }

    /// The embedded background photo `name` (e.g. `coffee.png`) as uint8 H×W×3 RGB.
    public static func background(named name: String) throws -> NumericArray {
        try PNGImage.readRGB(path: resourceDirectory.appendingPathComponent("backgrounds/\(name)").path)
    }

    /// All embedded background photos, in `backgroundNames()` order.
    public static func backgrounds() throws -> [NumericArray] {
        try backgroundNames().map(background(named:))
    }
}

/// The names of the `.png` files in `directory`, sorted so that the order is the same everywhere.
public func pngNames(in directory: String) throws -> [String] {
    let pngs = try folderEntries(directory).filter { $0.lowercased().hasSuffix(".png") }.sorted()
    guard !pngs.isEmpty else { throw SourceError(directory, "the folder holds no .png files") }
    return pngs
}
