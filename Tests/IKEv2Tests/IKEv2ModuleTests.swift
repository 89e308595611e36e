import IKEv2
import Testing

struct IKEv2ModuleTests {
    @Test func moduleLinks() {
        #expect(String(describing: IKEv2.self) == "IKEv2")
    }
}
