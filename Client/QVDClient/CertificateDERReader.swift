import Foundation

/// Reads the few fields of an X.509 certificate (RFC 5280 §4.1) that `qvdclient` shows
/// before asking the user to trust it: issuer, subject and validity. swift-nio-ssl keeps
/// the subject and issuer names internal, so this minimal DER reader takes them from the
/// certificate's bytes. It reads, never verifies: trust is decided by the fingerprint.
public enum CertificateDERReader {
    /// The parts of a certificate's `tbsCertificate` we show.
    public struct Fields: Sendable, Hashable {
        /// `CN=localhost, O=QVD`, attributes in the certificate's order.
        public var subject: String
        public var issuer: String
        public var notBefore: CertificateTime
        public var notAfter: CertificateTime
        /// The last `CN` of the subject, if any.
        public var commonName: String?
    }

    /// Decodes `der`; throws a `CertificateDERError` naming what was malformed.
    public static func read(_ der: [UInt8]) throws(CertificateDERError) -> Fields {
        let certificate = try element(der, at: 0, expecting: 0x30, what: "certificate")
        let tbs = try element(der, at: certificate.contentStart, expecting: 0x30, what: "tbsCertificate")
        var index = tbs.contentStart
        var next = try element(der, at: index, what: "version or serial number")
        if next.tag == 0xA0 { // [0] EXPLICIT version
            index = next.end
            next = try element(der, at: index, what: "serial number")
        }
        guard next.tag == 0x02 else { throw CertificateDERError(problem: "no serial number") }
        let algorithm = try element(der, at: next.end, expecting: 0x30, what: "signature algorithm")
        let issuer = try element(der, at: algorithm.end, expecting: 0x30, what: "issuer")
        let validity = try element(der, at: issuer.end, expecting: 0x30, what: "validity")
        let subject = try element(der, at: validity.end, expecting: 0x30, what: "subject")
        let notBefore = try element(der, at: validity.contentStart, what: "notBefore")
        let notAfter = try element(der, at: notBefore.end, what: "notAfter")

        let subjectAttributes = try attributes(der, of: subject)
        return Fields(
            subject: format(subjectAttributes),
            issuer: format(try attributes(der, of: issuer)),
            notBefore: try time(der, notBefore),
            notAfter: try time(der, notAfter),
            commonName: subjectAttributes.last { $0.type == "CN" }?.value)
    }

    struct Element {
        var tag: UInt8
        var contentStart: Int
        var end: Int
    }

    static func element(_ der: [UInt8], at index: Int, expecting tag: UInt8? = nil, what: String)
        throws(CertificateDERError) -> Element
    {
        guard index + 1 < der.count else { throw CertificateDERError(problem: "\(what) missing (the certificate ends early)") }
        let found = der[index]
        if let tag, found != tag {
            throw CertificateDERError(problem: "\(what) has tag 0x\(String(found, radix: 16)), not 0x\(String(tag, radix: 16))")
        }
        var position = index + 1
        let first = Int(der[position])
        position += 1
        var length = first
        if first & 0x80 != 0 {
            let octets = first & 0x7F
            guard (1...4).contains(octets), position + octets <= der.count else {
                throw CertificateDERError(problem: "\(what) has an unreadable length")
            }
            length = 0
            for _ in 0..<octets {
                length = length << 8 | Int(der[position])
                position += 1
            }
        }
        guard position + length <= der.count else { throw CertificateDERError(problem: "\(what) runs past the end") }
        return Element(tag: found, contentStart: position, end: position + length)
    }

    /// A Name: SEQUENCE OF SET OF { OID, value }.
    static func attributes(_ der: [UInt8], of name: Element) throws(CertificateDERError) -> [(type: String, value: String)] {
        var result: [(type: String, value: String)] = []
        var setIndex = name.contentStart
        while setIndex < name.end {
            let set = try element(der, at: setIndex, expecting: 0x31, what: "name component")
            var pairIndex = set.contentStart
            while pairIndex < set.end {
                let pair = try element(der, at: pairIndex, expecting: 0x30, what: "name attribute")
                let oid = try element(der, at: pair.contentStart, expecting: 0x06, what: "attribute type")
                let value = try element(der, at: oid.end, what: "attribute value")
                result.append((attributeName(Array(der[oid.contentStart..<oid.end])),
                               string(tag: value.tag, Array(der[value.contentStart..<value.end]))))
                pairIndex = pair.end
            }
            setIndex = set.end
        }
        return result
    }

    static func format(_ attributes: [(type: String, value: String)]) -> String {
        attributes.isEmpty ? "(empty)" : attributes.map { "\($0.type)=\($0.value)" }.joined(separator: ", ")
    }

    static let knownAttributes: [String: String] = [
        "2.5.4.3": "CN", "2.5.4.6": "C", "2.5.4.7": "L", "2.5.4.8": "ST", "2.5.4.10": "O", "2.5.4.11": "OU",
        "2.5.4.5": "serialNumber", "1.2.840.113549.1.9.1": "emailAddress", "0.9.2342.19200300.100.1.25": "DC",
    ]

    static func attributeName(_ bytes: [UInt8]) -> String {
        guard let first = bytes.first else { return "?" }
        var parts = [Int(first) / 40, Int(first) % 40]
        var value = 0
        for byte in bytes.dropFirst() {
            value = value << 7 | Int(byte & 0x7F)
            if byte & 0x80 == 0 {
                parts.append(value)
                value = 0
            }
        }
        let dotted = parts.map(String.init).joined(separator: ".")
        return knownAttributes[dotted] ?? dotted
    }

    static func string(tag: UInt8, _ bytes: [UInt8]) -> String {
        switch tag {
        case 0x1E: // BMPString, UTF-16 big-endian
            var units: [UInt16] = []
            var index = 0
            while index + 1 < bytes.count {
                units.append(UInt16(bytes[index]) << 8 | UInt16(bytes[index + 1]))
                index += 2
            }
            return String(decoding: units, as: UTF16.self)
        case 0x0C, 0x13, 0x16, 0x14, 0x1A: // UTF8, Printable, IA5, Teletex, Visible
            return String(decoding: bytes, as: UTF8.self)
        default:
            return "#" + bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
        }
    }

    /// UTCTime `YYMMDDHHMMSSZ` (years 1950–2049) or GeneralizedTime `YYYYMMDDHHMMSSZ`.
    static func time(_ der: [UInt8], _ element: Element) throws(CertificateDERError) -> CertificateTime {
        let text = String(decoding: der[element.contentStart..<element.end], as: UTF8.self)
        let digits = text.hasSuffix("Z") ? String(text.dropLast()) : text
        let yearDigits: Int
        switch (element.tag, digits.count) {
        case (0x17, 12): yearDigits = 2
        case (0x18, 14): yearDigits = 4
        default: throw CertificateDERError(problem: "validity time \"\(text)\" is not UTCTime nor GeneralizedTime")
        }
        guard digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber) else {
            throw CertificateDERError(problem: "validity time \"\(text)\" is not all digits")
        }
        var numbers: [Int] = []
        var rest = Substring(digits)
        for width in [yearDigits, 2, 2, 2, 2, 2] {
            numbers.append(Int(rest.prefix(width)) ?? 0)
            rest = rest.dropFirst(width)
        }
        if yearDigits == 2 { numbers[0] += numbers[0] < 50 ? 2000 : 1900 }
        return CertificateTime(year: numbers[0], month: numbers[1], day: numbers[2],
                               hour: numbers[3], minute: numbers[4], second: numbers[5])
    }
}

/// A certificate validity time, in UTC.
public struct CertificateTime: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var year, month, day, hour, minute, second: Int

    public init(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
        (self.year, self.month, self.day, self.hour, self.minute, self.second) = (year, month, day, hour, minute, second)
    }

    /// Seconds since 1970-01-01 00:00:00 UTC (the proleptic Gregorian calendar).
    public var secondsSince1970: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        return days * 86_400 + hour * 3_600 + minute * 60 + second
    }

    public var date: Date { Date(timeIntervalSince1970: TimeInterval(secondsSince1970)) }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.secondsSince1970 < rhs.secondsSince1970 }

    /// `2026-11-27 01:02:03 UTC`.
    public var description: String {
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(year)-\(two(month))-\(two(day)) \(two(hour)):\(two(minute)):\(two(second)) UTC"
    }
}

/// A certificate's bytes could not be read as X.509 DER.
public struct CertificateDERError: Error, Sendable, Hashable, CustomStringConvertible {
    public var problem: String
    public var description: String { "the certificate cannot be read: \(problem)" }
}
