/// A step of an end-to-end test that could not be carried out (a process did not start,
/// a port never opened): says which, and what was seen.
struct EndToEndError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
