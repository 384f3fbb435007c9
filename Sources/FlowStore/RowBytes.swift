import Foundation
import GRDB

extension Row {
    /// The BLOB in column `i` as bytes (empty for NULL).
    func bytes(_ i: Int) -> [UInt8] {
        guard let data = self[i] as Data? else { return [] }
        return [UInt8](data)
    }

    /// The BLOB in column `i` as bytes, or nil for NULL.
    func optionalBytes(_ i: Int) -> [UInt8]? {
        (self[i] as Data?).map { [UInt8]($0) }
    }
}
