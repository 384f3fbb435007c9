import Foundation
import Testing

/// SampleData/bitcoin holds copies of real files; these tests keep the copies honest.
@Suite("SampleData copies")
struct SampleDataTests {
    /// Every data file under SampleData/bitcoin, relative to it (ORIGIN.md excluded).
    static func sampleFiles() throws -> [String] {
        let root = Fixtures.sample.path
        let enumerator = try #require(FileManager.default.enumerator(atPath: root))
        var files = [String]()
        while let path = enumerator.nextObject() as? String {
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: "\(root)/\(path)", isDirectory: &isDirectory)
            if !isDirectory.boolValue && path != "ORIGIN.md" { files.append(path) }
        }
        return files.sorted()
    }

    @Test func originListsEveryFile() throws {
        let origin = try String(contentsOf: Fixtures.sample("ORIGIN.md"), encoding: .utf8)
        let files = try Self.sampleFiles()
        #expect(files.count == 23)
        for file in files where !file.hasSuffix(".truth.json") {
            let name = (file as NSString).lastPathComponent
            #expect(origin.contains(name), "ORIGIN.md does not mention \(file)")
        }
    }

    @Test(.enabled(if: Fixtures.sharedIsAvailable, Fixtures.sharedSkipReason))
    func copiesAreByteExact() throws {
        for file in try Self.sampleFiles() {
            let copy = try Data(contentsOf: Fixtures.sample(file))
            let original = try Data(contentsOf: Fixtures.shared(file))
            #expect(
                copy == original, "SampleData/bitcoin/\(file) differs from ../shared/data/bitcoin/\(file)")
        }
    }
}
