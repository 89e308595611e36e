import ESP
import Testing

struct ESPModuleTests {
    @Test func moduleLinks() {
        #expect(String(describing: ESP.self) == "ESP")
    }
}
