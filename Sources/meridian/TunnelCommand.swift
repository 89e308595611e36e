import ArgumentParser
import DataPlane
import Dispatch
import Foundation
import IKEv2
import IPAddressing
import IPsecCrypto

/// `meridian tunnel`: one IPsec endpoint as a process, configured like a site-to-site peer.
struct Tunnel: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tunnel",
        abstract: "Run one IKEv2/ESP endpoint (PSK, tunnel mode, ESP in UDP/4500) over a TUN device.",
        discussion: """
            Creates the TUN device, routes the remote selectors into it, negotiates with the peer and carries \
            traffic until SIGTERM or SIGINT, which deletes the SAs with the peer. Each IKE state change and \
            each error notification is logged on one line on standard output as it happens. Proposals are \
            written as strongSwan writes them: aes128-sha1-modp1024, aes256gcm16-prfsha384-ecp384, \
            aes128gcm16-x25519. Needs CAP_NET_ADMIN (TUN device, routes) and UDP ports 500 and 4500.
            """
    )

    @Option(help: "Our public address (UDP 500/4500 are bound to it).")
    var local: String
    @Option(help: "The peer's public address.")
    var remote: String
    @Option(help: "The pre-shared key.")
    var psk: String
    @Option(name: .customLong("local-ts"), help: "Our protected networks, CIDR[,CIDR].")
    var localTS: String
    @Option(name: .customLong("remote-ts"), help: "The peer's protected networks, CIDR[,CIDR].")
    var remoteTS: String
    @Option(name: .customLong("local-id"), help: "Our identity (an address, a name or user@domain); default: --local.")
    var localID: String?
    @Option(name: .customLong("remote-id"), help: "The peer's identity; default: --remote.")
    var remoteID: String?
    @Option(help: "IKE proposals, comma-separated, preferred first.")
    var ike = "aes128-sha256-x25519,aes128-sha1-modp1024"
    @Option(help: "ESP proposals, comma-separated, preferred first.")
    var esp = "aes128gcm16,aes128-sha1"
    @Option(help: "Name of the TUN device to create.")
    var tun = "meridian0"
    @Flag(help: "Initiate the IKE SA (otherwise wait for the peer).")
    var initiate = false
    @Option(help: "Child SA lifetime in seconds (rekey then; the IKE SA rekeys at twice this).")
    var lifetime: Int = 3600
    @Option(name: .customLong("dpd"), help: "Seconds of silence before a liveness check (0 disables).")
    var dpd: Double = 10
    @Option(
        help: """
            MTU of the TUN device (576-9000). The default, 1400, is strongSwan's kernel-libipsec default: a full \
            inner packet plus ESP-in-UDP (up to 92 bytes) still fits a 1500-byte link without fragmenting.
            """)
    var mtu: Int = 1400
    @Option(
        help: """
            With --initiate: seconds after an established IKE SA closed (dead peer, the peer deleted it or \
            restarted) before starting a new one, and between attempts (0: never). Without --initiate the \
            tunnel always accepts a new IKE_SA_INIT from the peer.
            """)
    var restart: Double = 5
    @Flag(
        inversion: .prefixedNo,
        help: """
            TCP segmentation offload on the TUN device: the kernel hands over TCP super-packets of up to 64 KB, \
            which the tunnel cuts into segments itself (fewer system calls per byte).
            """)
    var offload = true

    struct Parsed {
        var configuration: IKEConfiguration
    }

    func parsedConfiguration() throws -> IKEConfiguration {
        func address(_ text: String, _ option: String) throws -> IPv4Address {
            do { return try IPv4Address(parsing: text) } catch {
                throw ValidationError("--\(option) '\(text)' is not an IPv4 address: \(error)")
            }
        }
        func selectors(_ text: String, _ option: String) throws -> [TrafficSelector] {
            let parts = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            guard !parts.isEmpty else { throw ValidationError("--\(option) is empty; give CIDR[,CIDR]") }
            return try parts.map { p in
                do { return TrafficSelector(try IPv4Prefix(parsing: p)) } catch {
                    throw ValidationError("--\(option) '\(p)' is not a CIDR block: \(error)")
                }
            }
        }
        let localAddress = try address(local, "local")
        let remoteAddress = try address(remote, "remote")
        guard !psk.isEmpty else { throw ValidationError("--psk must not be empty") }
        guard lifetime >= 10 else { throw ValidationError("--lifetime \(lifetime) is too short; use at least 10 seconds") }
        let ikeProposals: [IKEProposal]
        do { ikeProposals = try ProposalSyntax.ikeProposals(ike) } catch {
            throw ValidationError("--ike '\(ike)': \(error)")
        }
        let childProposals: [ChildProposal]
        do { childProposals = try ProposalSyntax.childProposals(esp) } catch {
            throw ValidationError("--esp '\(esp)': \(error)")
        }
        guard !tun.isEmpty, tun.utf8.count < 16 else { throw ValidationError("--tun '\(tun)' must be 1 to 15 characters") }
        guard restart >= 0 && restart.isFinite else {
            throw ValidationError("--restart \(restart) must be 0 (never) or a number of seconds")
        }
        guard (576...9000).contains(mtu) else { throw ValidationError("--mtu \(mtu) is out of range; use 576 to 9000") }
        return IKEConfiguration(
            localAddress: localAddress, remoteAddress: remoteAddress,
            localID: Identification(localID ?? local), remoteID: Identification(remoteID ?? remote),
            preSharedKey: Array(psk.utf8), ikeProposals: ikeProposals, childProposals: childProposals,
            localTrafficSelectors: try selectors(localTS, "local-ts"),
            remoteTrafficSelectors: try selectors(remoteTS, "remote-ts"),
            ikeLifetime: SALifetime(softSeconds: 2 * lifetime, hardSeconds: 2 * lifetime + lifetime / 5),
            childLifetime: SALifetime(softSeconds: lifetime, hardSeconds: lifetime + lifetime / 10),
            dpdInterval: dpd > 0 ? dpd : nil,
            retransmitTimeout: 1, maxRetransmits: 3,
            forceUDPEncapsulation: true)
    }

    func validate() throws { _ = try parsedConfiguration() }

    func run() async throws {
        let configuration = try parsedConfiguration()
        let log: @Sendable (String) -> Void = { line in
            let stamp = ISO8601DateFormatter.string(
                from: Date(), timeZone: .gmt, formatOptions: [.withTime, .withColonSeparatorInTime, .withFractionalSeconds])
            FileHandle.standardOutput.write(Data("\(stamp) \(line)\n".utf8))
        }
        let device: LinuxTUN
        let sockets: UDPSockets
        do {
            device = try LinuxTUN(name: tun, offload: offload)
            sockets = try UDPSockets(address: configuration.localAddress)
        } catch {
            throw ValidationError("cannot open the data plane: \(error)")
        }
        try Self.ip(["link", "set", "dev", tun, "mtu", "\(mtu)", "up"])
        for ts in configuration.remoteTrafficSelectors {
            guard let prefix = ts.prefix else { continue }
            try Self.ip(["route", "replace", "\(prefix)", "dev", tun])
            log("route \(prefix) dev \(tun)")
        }
        let endpoint = TunnelEndpoint(
            configuration: configuration, isInitiator: initiate, device: device, transport: sockets,
            restartDelay: restart > 0 ? restart : nil, log: log)
        log(
            "tunnel \(configuration.localAddress) <-> \(configuration.remoteAddress) \(localTS) === \(remoteTS) "
                + "ike \(ike) esp \(esp)\(initiate ? ", initiating" : ", waiting for the peer")")
        endpoint.start(initiate: initiate)

        // Wait for SIGTERM or SIGINT, then delete the SAs with the peer and exit.
        let signal = await withCheckedContinuation { (continuation: CheckedContinuation<Int32, Never>) in
            let queue = DispatchQueue(label: "signals")
            var sources: [any DispatchSourceSignal] = []
            let once = OnceFlag()
            for sig in [SIGTERM, SIGINT] {
                Foundation.signal(sig, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: sig, queue: queue)
                source.setEventHandler {
                    if once.take() { continuation.resume(returning: sig) }
                }
                source.resume()
                sources.append(source)
            }
            SignalSources.keep(sources)
        }
        log("signal \(signal == SIGTERM ? "SIGTERM" : "SIGINT"): deleting SAs with the peer")
        endpoint.shutdown()
        let s = endpoint.stats
        log("stopped: \(s.sealed) packets sealed, \(s.opened) opened, \(s.dropped) dropped, \(s.noSA) without SA")
    }

    static func ip(_ arguments: [String]) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/sbin/ip")
        if !FileManager.default.fileExists(atPath: "/usr/sbin/ip") { p.executableURL = URL(fileURLWithPath: "/sbin/ip") }
        p.arguments = arguments
        try p.run()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw ValidationError("'ip \(arguments.joined(separator: " "))' failed with status \(p.terminationStatus)")
        }
    }
}

/// Keeps signal sources alive for the life of the process.
private enum SignalSources {
    nonisolated(unsafe) static var all: [any DispatchSourceSignal] = []
    static func keep(_ sources: [any DispatchSourceSignal]) { all += sources }
}

private final class OnceFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var taken = false
    func take() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        if taken { return false }
        taken = true
        return true
    }
}
