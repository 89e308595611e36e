import Yams

/// Parsing YAML text into nodes with positions, turning the parser's errors into diagnostics.
enum YAMLDocument {
    enum ParseOutcome {
        case success(YAMLField)
        case failure(TopologyDiagnostic)
    }

    /// The root of the single document in `text`, or a diagnostic saying why the text is not YAML.
    static func root(of text: String, file: String) -> ParseOutcome {
        do {
            guard let node = try Yams.compose(yaml: text) else {
                return .failure(TopologyDiagnostic(file: file, line: nil, path: "", message: "the file is empty"))
            }
            return .success(YAMLField(node: node, path: ""))
        } catch let error as YamlError {
            return .failure(diagnostic(for: error, file: file, text: text))
        } catch {
            return .failure(TopologyDiagnostic(file: file, line: nil, path: "", message: "malformed YAML: \(error)"))
        }
    }

    private static func diagnostic(for error: YamlError, file: String, text: String) -> TopologyDiagnostic {
        func make(_ mark: Mark, _ kind: String, _ context: YamlError.Context?, _ problem: String) -> TopologyDiagnostic {
            var message = "malformed YAML: \(problem)"
            if let context {
                message += " (\(context.text) at line \(context.mark.line), column \(context.mark.column))"
            }
            message += " at column \(mark.column)"
            return TopologyDiagnostic(file: file, line: mark.line, column: mark.column, path: "", message: message)
        }
        switch error {
        case .scanner(let context, let problem, let mark, _):
            return make(mark, "scanner", context, problem)
        case .parser(let context, let problem, let mark, _):
            return make(mark, "parser", context, problem)
        case .composer(_, "but found another document", let mark, _):
            return TopologyDiagnostic(
                file: file, line: mark.line, column: mark.column, path: "",
                message: "a second YAML document starts here; a topology file holds exactly one")
        case .composer(let context, let problem, let mark, _):
            return make(mark, "composer", context, problem)
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            return TopologyDiagnostic(
                file: file, line: context.mark.line, column: context.mark.column, path: "",
                message: "duplicated key \(keys) in one mapping; each key may appear once"
            )
        case .reader(let problem, let offset, _, _):
            let line = offset.map { offset in text.prefix(offset).filter { $0 == "\n" }.count + 1 }
            return TopologyDiagnostic(
                file: file, line: line, path: "", message: "the file cannot be read as UTF-8 text: \(problem)"
            )
        case .dataCouldNotBeDecoded:
            return TopologyDiagnostic(file: file, line: nil, path: "", message: "the file is not UTF-8 text")
        default:
            return TopologyDiagnostic(file: file, line: nil, path: "", message: "malformed YAML: \(error)")
        }
    }
}
