import Foundation

/// A folder of PNG and JPEG files read as one labelled set, the way torchvision's `ImageFolder`
/// reads one: each subfolder is a class (sorted by name, the first being label 0, its images
/// found at any depth below it); images directly in the folder, when it has no subfolders, are
/// unlabelled. Hidden files and folders (a leading `.`) are left out; every other file must be an
/// image.
public struct ImageFolder: Sendable {
    /// The images, uint8 N×H×W×C, with their class indices (all 0 when unlabelled).
    public var images: LabeledImages
    /// The class folders' names, label 0 first; empty when the images are unlabelled.
    public var classNames: [String]
    /// The files left out under `skipUnreadable`, each with why.
    public var skipped: [SourceError]

    /// Class names with their labels, as `check` and `data inspect` print them: `0 cat, 1 dog`.
    public static func describe(classes names: [String]) -> String {
        names.enumerated().map { "\($0.offset) \($0.element)" }.joined(separator: ", ")
    }

    /// The most classes a label (one byte) can tell apart.
    public static let classLimit = 256

    /// The most decoded pixels an image folder keeps in memory when its source leaves `stream`
    /// unsaid: 256 MiB (about 21,000 64×64 RGB images); a larger folder is streamed.
    public static let streamingThreshold = 256 << 20

    /// Reads every image under `directory`, fitted by `fitting`. A file that cannot be read,
    /// decoded or fitted is refused by name, or with `skipUnreadable` left out and listed in `skipped`.
    /// Every file is decoded once here; the pixels are kept while they total at most `memoryLimit`
    /// bytes (nil: no limit), and beyond it only the paths are, the images then streamed
    /// (`LabeledImages.files`) to the same bytes.
    public static func read(
        _ directory: String, fitting: ImageFitting = ImageFitting(), skipUnreadable: Bool = false,
        memoryLimit: Int? = nil
    ) throws -> ImageFolder {
        try fitting.checkLimits(source: directory)
        let (files, classNames) = try listing(directory)
        var survey = Survey(memoryLimit: memoryLimit)
        for (path, label) in files {
            let image: DecodedImage
            do {
                image = try fitting.fit(try ImageDecoder.decode(try readFile(path), source: path), source: path)
            } catch let error as SourceError {
                guard skipUnreadable else {
                    throw SourceError(
                        error.source, error.problem + " (`skip_unreadable: true` in data.source leaves such files out)")
                }
                survey.skipped.append(error)
                continue
            }
            try survey.add(image, path: path, label: label, directory: directory)
        }
        guard let size = survey.size else {
            throw SourceError(directory, "none of the \(files.count) files is a readable image")
        }
        let channels = fitting.shape?[2] ?? (survey.anyColour ? 3 : 1)
        let images: LabeledImages
        if let kept = survey.kept {
            var pixels = [UInt8]()
            pixels.reserveCapacity(kept.count * size.width * size.height * channels)
            for image in kept { pixels += ImageFitting.converted(image, channels: channels).pixels }
            let array = NumericArray(
                validatedShape: [kept.count, size.height, size.width, channels], dtype: .uint8, bytes: pixels)
            images = try LabeledImages(images: array, labels: survey.labels, source: directory)
        } else {
            let streamed = ImageFiles(
                paths: survey.paths, fitting: fitting, shape: [size.height, size.width, channels])
            images = try LabeledImages(files: streamed, labels: survey.labels, source: directory)
        }
        return ImageFolder(images: images, classNames: classNames, skipped: survey.skipped)
    }

    /// What the one decoding pass over a folder learns: each readable file, the common size, whether
    /// any is colour, and the pixels while they fit the memory limit.
    private struct Survey {
        var memoryLimit: Int?
        var paths: [String] = [], labels: [UInt8] = []
        var size: (width: Int, height: Int)?
        var anyColour = false
        /// The decoded images, until they outgrow `memoryLimit` (then nil: the folder streams).
        var kept: [DecodedImage]? = []
        var keptBytes = 0
        var skipped: [SourceError] = []

        mutating func add(_ image: DecodedImage, path: String, label: UInt8, directory: String) throws {
            if let size, image.width != size.width || image.height != size.height {
                throw SourceError(
                    directory,
                    "images of different sizes (\(size.width)×\(size.height) and "
                        + "\(image.width)×\(image.height)): give `shape: [height, width, channels]` in data.source "
                        + "to fit them to one")
            }
            size = (image.width, image.height)
            anyColour = anyColour || image.channels == 3
            paths.append(path)
            labels.append(label)
            keptBytes += image.pixels.count
            if let limit = memoryLimit, keptBytes > limit { kept = nil }
            kept?.append(image)
        }
    }

    /// Every file to read, sorted, with its label, and the class names.
    static func listing(_ directory: String) throws -> (files: [(String, UInt8)], classes: [String]) {
        let (folders, files) = try entries(of: directory)
        if folders.isEmpty {
            guard !files.isEmpty else { throw SourceError(directory, "the folder holds no images") }
            return (files.map { (path(directory, $0), 0) }, [])
        }
        guard files.isEmpty else {
            throw SourceError(
                directory,
                "holds both class folders (\(folders.prefix(3).joined(separator: ", "))) and files directly in it "
                    + "(\(files.prefix(3).joined(separator: ", "))); put every image in a class folder, or none")
        }
        guard folders.count <= classLimit else {
            throw SourceError(directory, "has \(folders.count) class folders; at most \(classLimit) classes are read")
        }
        var listed: [(String, UInt8)] = []
        for (label, folder) in folders.enumerated() {
            let inside = try filesBelow(path(directory, folder), depth: 0)
            guard !inside.isEmpty else {
                throw SourceError(path(directory, folder), "the class folder holds no images")
            }
            listed += inside.map { ($0, UInt8(label)) }
        }
        return (listed, folders)
    }

    /// The files at any depth below `directory`, in sorted order.
    private static func filesBelow(_ directory: String, depth: Int) throws -> [String] {
        // Deeper than any real collection: a link back to a parent folder would otherwise never end.
        guard depth < 16 else { throw SourceError(directory, "folders nest more than 16 deep (a link loop?)") }
        let (folders, files) = try entries(of: directory)
        return try files.map { path(directory, $0) }
            + folders.flatMap { try filesBelow(path(directory, $0), depth: depth + 1) }
    }

    /// The visible subfolders and other entries of `directory`, each sorted by their bytes (the
    /// order Python's `sorted` gives, which is how torchvision numbers classes).
    private static func entries(of directory: String) throws -> (folders: [String], files: [String]) {
        let names = try folderEntries(directory).filter { !$0.hasPrefix(".") }
            .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        var info = stat()
        let isFolder = names.map { stat(path(directory, $0), &info) == 0 && info.st_mode & S_IFMT == S_IFDIR }
        return (zip(names, isFolder).filter(\.1).map(\.0), zip(names, isFolder).filter { !$0.1 }.map(\.0))
    }

    private static func path(_ directory: String, _ name: String) -> String {
        URL(fileURLWithPath: directory).appendingPathComponent(name).path
    }
}

extension DataInspector {
    /// The image folder at `path` as `data.source: {images: path}` reads it (each image at its own
    /// size): its images and labels summarized, and its class names. Every file that cannot be read
    /// is named, all of them at once, and the folder refused.
    public static func inspectFolder(_ path: String) throws -> (summaries: [ArraySummary], classNames: [String]) {
        let folder = try ImageFolder.read(path, skipUnreadable: true)
        guard folder.skipped.isEmpty else {
            throw SourceError(
                path,
                "\(folder.skipped.count) files cannot be read as images "
                    + "(`skip_unreadable: true` in data.source leaves them out):\n"
                    + folder.skipped.map { "  \($0)" }.joined(separator: "\n"))
        }
        let images = folder.images
        var summaries = [summary("images", images.images)]
        if !folder.classNames.isEmpty {
            let labels = try NumericArray(shape: [images.count], elements: images.labels)
            summaries.append(ArraySummary(name: "labels", array: labels, labels: images.labels))
        }
        return (summaries, folder.classNames)
    }
}
