public import FlowIngest
public import FlowModel
import FlowStore
import Foundation

/// Input files grouped by the reader that handles them.
public struct IngestPlan: Sendable {
    public var files: [(path: String, detected: DetectedFormat)]
    /// Files that hold nothing to ingest (empty): reported, the others ingested, exit 65 at the end.
    public var skipped: [IngestError] = []
    /// Files of a folder argument left out because they are no export chainflow reads (a README,
    /// a picture), one note each.
    public var notes: [String] = []

    public init(
        files: [(path: String, detected: DetectedFormat)], skipped: [IngestError] = [], notes: [String] = []
    ) {
        self.files = files
        self.skipped = skipped
        self.notes = notes
    }

    /// Detects each file's format from its content, or takes `override` for all of them. A folder
    /// stands for the files directly in it, in name order (hidden files left out; in a Bitcoin
    /// Core `blocks` folder only the `blk*.dat` files); its files that are no known export are
    /// left out with a note. An empty file is set aside in `skipped`.
    public static func classify(paths: [String], override: InputFormat? = nil) throws(IngestError)
        -> IngestPlan
    {
        var plan = IngestPlan(files: [])
        var folderNotes: [String] = []
        for (path, fromFolder) in try expand(paths, notes: &folderNotes) {
            do throws(IngestError) {
                if let override {
                    // The role still comes from the content when it can; an empty file is still
                    // set aside.
                    var role: String?
                    do {
                        role = try FormatDetector.detect(path: path).role
                    } catch {
                        if error.code == .emptyFile { throw error }
                    }
                    plan.files.append((path, DetectedFormat(override, role: role)))
                } else {
                    plan.files.append((path, try FormatDetector.detect(path: path)))
                }
            } catch  where error.code == .emptyFile {
                plan.skipped.append(error)
            } catch  where error.code == .unknownFormat && fromFolder {
                plan.notes.append(
                    "\(path): note: skipped, not an export chainflow reads (give it alone with --format NAME to read it)"
                )
            }
        }
        plan.notes += folderNotes
        return plan
    }

    /// The files the paths name: a file stands for itself, a folder for the files in it.
    static func expand(_ paths: [String], notes: inout [String]) throws(IngestError)
        -> [(path: String, fromFolder: Bool)]
    {
        var out: [(String, Bool)] = []
        let fm = FileManager.default
        for path in paths {
            var isDirectory: ObjCBool = false
            guard fm.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
                out.append((path, false))
                continue
            }
            let names: [String]
            do {
                names = try fm.contentsOfDirectory(atPath: path).sorted()
            } catch {
                throw IngestError(
                    .io, "cannot list the folder: \(FileProblem.describe(error, path: path, writing: false))",
                    file: path)
            }
            let folder = path.hasSuffix("/") ? path : path + "/"
            var files = names.filter { name in
                var sub: ObjCBool = false
                return !name.hasPrefix(".") && fm.fileExists(atPath: folder + name, isDirectory: &sub)
                    && !sub.boolValue
            }
            // Bitcoin Core's blocks folder: blk*.dat are the blocks; rev*.dat (undo data) and
            // xor.dat (the obfuscation key, read beside the blk files) are not.
            let blk = files.filter { $0.hasPrefix("blk") && $0.hasSuffix(".dat") }
            if !blk.isEmpty { files = blk }
            let subfolders = names.filter { name in
                var sub: ObjCBool = false
                return !name.hasPrefix(".") && fm.fileExists(atPath: folder + name, isDirectory: &sub)
                    && sub.boolValue
            }
            if !subfolders.isEmpty {
                notes.append(
                    "\(path): note: \(subfolders.count == 1 ? "1 subfolder" : "\(subfolders.count) subfolders") not read (only the files directly in a folder are); give them too, e.g. \(folder)*/"
                )
            }
            if files.isEmpty {
                throw IngestError(
                    .missingFile,
                    subfolders.isEmpty
                        ? "is a folder with no files in it; give the export files (e.g. \(folder)*.csv)"
                        : "holds only folders; give them (e.g. \(folder)*/)", file: path
                )
            }
            out += files.map { (folder + $0, true) }
        }
        return out
    }

    /// The files of one format, in command-line order.
    public func files(_ format: InputFormat) -> [(path: String, detected: DetectedFormat)] {
        files.filter { $0.detected.format == format }
    }
}

/// An ingest whose files were not all ingested: the empty files set aside (the others were
/// ingested) and, if a reader then failed, its error. Exit 65, or the reader's error's code.
public struct IngestBatchError: ChainflowError {
    public var skipped: [IngestError]
    public var failure: (any ChainflowError)?
    /// Files in the run (after folders were expanded).
    public var total: Int

    public var kind: String { failure?.kind ?? "incomplete-batch" }
    public var location: String? { failure?.location ?? skipped.first?.location }
    public var exitCode: Int32 { failure?.exitCode ?? ExitStatus.dataError }
    public var message: String {
        let one = skipped.count == 1
        return
            "\(skipped.count) of \(total) files \(one ? "holds" : "hold") nothing and \(one ? "was" : "were") not ingested"
            + (failure == nil ? "; the others were ingested" : "")
    }
    public var description: String {
        var lines = skipped.map(\.description)
        lines.append("chainflow ingest: error: " + message)
        if let failure { lines.append(failure.description) }
        return lines.joined(separator: "\n")
    }
}
