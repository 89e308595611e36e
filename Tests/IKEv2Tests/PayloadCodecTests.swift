import Testing
@testable import IKEv2

struct PayloadCodecTests {
    @Test func notifyNamesFollowTheRFC() {
        #expect(NotifyType.noProposalChosen.description == "NO_PROPOSAL_CHOSEN")
        #expect(NotifyType(60000).description == "NOTIFY(60000)")
    }
}
