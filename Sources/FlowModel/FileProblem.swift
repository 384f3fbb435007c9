import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Plain words for a failed file read or write, in place of Foundation's "The operation could not
/// be completed. (NSCocoaErrorDomain error 512.)": what is wrong with the path and what to do.
/// The path itself is looked at first (a folder, a missing parent folder, no permission), then the
/// system error under Foundation's (`strerror` text, never a bare errno).
public enum FileProblem {
    /// What went wrong reading or writing `path`, with a remedy; `error` is the error thrown.
    public static func describe(_ error: (any Error)?, path: String, writing: Bool) -> String {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        let exists = fm.fileExists(atPath: path, isDirectory: &isDirectory)
        if exists && isDirectory.boolValue {
            return writing
                ? "is a folder; give a file name in it, such as \(slash(path))FILE"
                : "is a folder, not a file; give the files in it (e.g. \(slash(path))*)"
        }
        if writing {
            let parent = (path as NSString).deletingLastPathComponent
            var parentIsDirectory: ObjCBool = false
            if !parent.isEmpty && !fm.fileExists(atPath: parent, isDirectory: &parentIsDirectory) {
                return "the folder \(parent) does not exist; create it first (mkdir -p \(parent))"
            }
            if !parent.isEmpty && !parentIsDirectory.boolValue {
                return "\(parent) is a file, not a folder"
            }
            if exists && !fm.isWritableFile(atPath: path) {
                return "permission denied: the file is write-protected"
            }
            if !exists && !fm.isWritableFile(atPath: parent.isEmpty ? "." : parent) {
                return "permission denied: the folder \(parent.isEmpty ? "." : parent) is not writable"
            }
        } else {
            if !exists { return "no such file" }
            if !fm.isReadableFile(atPath: path) { return "permission denied: the file is not readable" }
        }
        if let code = posixCode(error) {
            let text = String(cString: strerror(code)).lowercased()
            switch code {
            case ENOSPC: return "\(text): free some space and run again"
            case EROFS: return "\(text): give a path on a writable disk"
            default: return text
            }
        }
        if let cocoa = error as? CocoaError {
            switch cocoa.code {
            case .fileNoSuchFile, .fileReadNoSuchFile: return "no such file or folder"
            case .fileWriteNoPermission, .fileReadNoPermission: return "permission denied"
            case .fileWriteOutOfSpace: return "no space left on the disk: free some space and run again"
            case .fileWriteVolumeReadOnly: return "the disk is read-only: give a path on a writable disk"
            default: break
            }
        }
        return writing ? "cannot write the file" : "cannot read the file"
    }

    /// The POSIX error code under a Foundation error, if there is one.
    static func posixCode(_ error: (any Error)?) -> Int32? {
        guard let error else { return nil }
        if let posix = error as? POSIXError { return posix.code.rawValue }
        let ns = error as NSError
        if ns.domain == NSPOSIXErrorDomain { return Int32(ns.code) }
        if let under = ns.userInfo[NSUnderlyingErrorKey] as? NSError, under.domain == NSPOSIXErrorDomain {
            return Int32(under.code)
        }
        return nil
    }

    static func slash(_ path: String) -> String { path.hasSuffix("/") ? path : path + "/" }
}
