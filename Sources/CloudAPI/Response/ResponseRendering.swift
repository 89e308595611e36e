import Persistence

/// Renders response objects as the cloud's JSON (default) or XML (`Format=XML`).
public enum ResponseFormat: String, Sendable {
    case json
    case xml

    /// Reads `Format` case-insensitively; JSON when absent.
    ///
    /// - Throws: `InvalidParameter` quoting the value when it is neither JSON nor XML.
    init(parameter: String?) throws(APIError) {
        guard let parameter, !parameter.isEmpty else {
            self = .json
            return
        }
        switch parameter.lowercased() {
        case "json": self = .json
        case "xml": self = .xml
        default: throw .invalid("Format", parameter, allowed: "JSON, XML")
        }
    }

    var contentType: String {
        switch self {
        case .json: "application/json;charset=utf-8"
        case .xml: "text/xml;charset=utf-8"
        }
    }

    /// The body for `object` as UTF-8 bytes; `root` names the XML root element (`CreateVpcResponse`, `Error`).
    func renderBytes(_ object: APIObject, root: String) -> [UInt8] {
        switch self {
        case .json:
            var out: [UInt8] = []
            out.reserveCapacity(4096)
            JSONWriter.write(.object(object), into: &out)
            return out
        case .xml:
            var out = #"<?xml version="1.0" encoding="UTF-8"?>"#
            XMLWriter.element(root, .object(object), into: &out)
            return Array(out.utf8)
        }
    }

    /// The body for `object` as text.
    func render(_ object: APIObject, root: String) -> String {
        String(decoding: renderBytes(object, root: root), as: UTF8.self)
    }
}

/// JSON as UTF-8 bytes: whole strings are copied in one piece, never character by character.
enum JSONWriter {
    static func write(_ value: APIValue, into out: inout [UInt8]) {
        switch value {
        case .string(let s): string(s, into: &out)
        case .integer(let i): JSONText.appendInteger(i, to: &out)
        case .bool(let b): out.append(contentsOf: b ? "true".utf8 : "false".utf8)
        case .null: out.append(contentsOf: "null".utf8)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                write(item, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let object):
            out.append(UInt8(ascii: "{"))
            for (i, (key, value)) in object.fields.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                string(key, into: &out)
                out.append(UInt8(ascii: ":"))
                write(value, into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    static func string(_ s: String, into out: inout [UInt8]) {
        JSONText.appendString(s, to: &out)
    }
}

enum XMLWriter {
    /// Writes `<name>value</name>`; an array writes one element per item, all named `name`
    /// (so `{"Vpcs":{"Vpc":[a,b]}}` becomes `<Vpcs><Vpc>a</Vpc><Vpc>b</Vpc></Vpcs>`).
    static func element(_ name: String, _ value: APIValue, into out: inout String) {
        switch value {
        case .array(let items):
            for item in items { element(name, item, into: &out) }
        case .object(let object):
            out += "<\(name)>"
            for (key, value) in object.fields { element(key, value, into: &out) }
            out += "</\(name)>"
        case .string(let s): out += "<\(name)>\(escape(s))</\(name)>"
        case .integer(let i): out += "<\(name)>\(i)</\(name)>"
        case .bool(let b): out += "<\(name)>\(b)</\(name)>"
        case .null: out += "<\(name)/>"
        }
    }

    static func escape(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default: out.append(c)
            }
        }
        return out
    }
}
