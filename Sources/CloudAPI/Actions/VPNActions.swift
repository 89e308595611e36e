import ControlPlane
import Foundation
import IPAddressing

/// VPN gateway, customer gateway and IPsec connection actions (reference §5).
enum VPNActions {
    static func all(_ cp: ControlPlane) -> [any Action] {
        [
            ClosureAction("CreateVpnGateway", product: .vpc) { input throws(APIError) in
                let chargeType = input.string("InstanceChargeType") ?? "POSTPAY"
                guard ["PREPAY", "POSTPAY"].contains(chargeType) else {
                    throw .invalid("InstanceChargeType", chargeType, allowed: "PREPAY, POSTPAY")
                }
                guard let bandwidth = try input.int("Bandwidth", in: 0...100_000) else { throw .missing("Bandwidth") }
                let request = CloudState.CreateVPNGateway(
                    regionId: try input.regionId(),
                    vpcId: try input.required("VpcId"),
                    bandwidth: bandwidth,
                    name: input.string("Name"),
                    description: input.string("Description"),
                    enableIpsec: try input.bool("EnableIpsec", default: true),
                    enableSsl: try input.bool("EnableSsl", default: false),
                    sslConnections: try input.int("SslConnections", in: 0...1000) ?? 5,
                    vSwitchId: input.string("VSwitchId"),
                    chargeType: chargeType
                )
                return try await change(cp, input) { state, context throws(ControlPlaneError) in
                    try state.createVPNGateway(request, context)
                } respond: { gateway in
                    [
                        "VpnGatewayId": .string(gateway.id), "Name": .string(gateway.name),
                        "OrderId": .integer(Int64(gateway.createTime.timeIntervalSince1970 * 1000)),
                    ]
                }
            },
            ClosureAction("DescribeVpnGateways", product: .vpc) { input throws(APIError) in
                let region = try input.regionId()
                let vpcId = input.string("VpcId")
                let id = input.string("VpnGatewayId")
                let status = input.string("Status")
                let business = input.string("BusinessStatus")
                let paging = try input.paging()
                return try await read(cp) { state in
                    let given = vpcId != nil || id != nil || status != nil || business != nil
                    let filter = Paging.filter(when: given) { (gateway: borrowing VPNGateway) in
                        (vpcId == nil || gateway.vpcId == vpcId) && (id == nil || gateway.id == id)
                            && (status == nil || gateway.status == status)
                            && (business == nil || gateway.businessStatus == business)
                    }
                    let (total, list) = paging.page(of: state.vpnGateways, in: state, region: region, where: filter)
                    var body = APIObject(paging.fields(total: total))
                    body["VpnGateways"] = .wrapped(
                        "VpnGateway",
                        list.map { .object(gatewayObject($0)) }
                    )
                    return body
                }
            },
            ClosureAction("DescribeVpnGateway", product: .vpc) { input throws(APIError) in
                let region = try input.regionId()
                let id = try input.required("VpnGatewayId")
                return try await read(cp) { state throws(ControlPlaneError) in
                    gatewayObject(try state.vpnGateway(id, region: region))
                }
            },
            ClosureAction("DeleteVpnGateway", product: .vpc) { input throws(APIError) in
                let region = try input.regionId()
                let id = try input.required("VpnGatewayId")
                try await change(cp, input) { state, _ throws(ControlPlaneError) in
                    try state.deleteVPNGateway(id, region: region)
                }
                return [:]
            },
            ClosureAction("CreateCustomerGateway", product: .vpc) { input throws(APIError) in
                var asn: Int64?
                if let text = input.string("Asn") {
                    guard let value = Int64(text) else {
                        throw .invalid("Asn", text, allowed: "an integer from 1 to 4294967295")
                    }
                    asn = value
                }
                let request = CloudState.CreateCustomerGateway(
                    regionId: try input.regionId(),
                    ipAddress: try input.required("IpAddress"),
                    name: input.string("Name"),
                    description: input.string("Description"),
                    asn: asn
                )
                return try await change(cp, input) { state, context throws(ControlPlaneError) in
                    try state.createCustomerGateway(request, context)
                } respond: { gateway in
                    [
                        "CustomerGatewayId": .string(gateway.id), "IpAddress": .string(gateway.ipAddress.description),
                        "Name": .string(gateway.name), "Description": .string(gateway.description),
                        "CreateTime": CloudTime.millis(gateway.createTime),
                    ]
                }
            },
            ClosureAction("DescribeCustomerGateways", product: .vpc) { input throws(APIError) in
                let region = try input.regionId()
                let id = input.string("CustomerGatewayId")
                let paging = try input.paging()
                return try await read(cp) { state in
                    let filter = Paging.filter(when: id != nil) { (gateway: borrowing CustomerGateway) in
                        gateway.id == id
                    }
                    let (total, list) = paging.page(
                        of: state.customerGateways, in: state, region: region, where: filter
                    )
                    var body = APIObject(paging.fields(total: total))
                    body["CustomerGateways"] = .wrapped(
                        "CustomerGateway",
                        list.map { .object(customerGatewayObject($0)) }
                    )
                    return body
                }
            },
            ClosureAction("DescribeCustomerGateway", product: .vpc) { input throws(APIError) in
                let region = try input.regionId()
                let id = try input.required("CustomerGatewayId")
                return try await read(cp) { state throws(ControlPlaneError) in
                    customerGatewayObject(try state.customerGateway(id, region: region))
                }
            },
            ClosureAction("DeleteCustomerGateway", product: .vpc) { input throws(APIError) in
                let region = try input.regionId()
                let id = try input.required("CustomerGatewayId")
                try await change(cp, input) { state, _ throws(ControlPlaneError) in
                    try state.deleteCustomerGateway(id, region: region)
                }
                return [:]
            },
            ClosureAction("CreateVpnConnection", product: .vpc) { input throws(APIError) in
                let request = CloudState.CreateVPNConnection(
                    regionId: try input.regionId(),
                    vpnGatewayId: try input.required("VpnGatewayId"),
                    customerGatewayId: try input.required("CustomerGatewayId"),
                    localSubnet: try input.required("LocalSubnet"),
                    remoteSubnet: try input.required("RemoteSubnet"),
                    name: input.string("Name"),
                    effectImmediately: try input.bool("EffectImmediately", default: false),
                    ikeConfig: try input.json("IkeConfig", as: CloudState.IKEConfigInput.self),
                    ipsecConfig: try input.json("IpsecConfig", as: CloudState.IPsecConfigInput.self),
                    enableDpd: try input.bool("EnableDpd", default: true),
                    enableNatTraversal: try input.bool("EnableNatTraversal", default: true)
                )
                return try await change(cp, input) { state, context throws(ControlPlaneError) in
                    try state.createVPNConnection(request, context)
                } respond: { connection in
                    [
                        "VpnConnectionId": .string(connection.id), "Name": .string(connection.name),
                        "CreateTime": CloudTime.millis(connection.createTime),
                    ]
                }
            },
            ClosureAction("DescribeVpnConnections", product: .vpc) { input throws(APIError) in
                let region = try input.regionId()
                let gatewayId = input.string("VpnGatewayId")
                let customerId = input.string("CustomerGatewayId")
                let id = input.string("VpnConnectionId")
                let paging = try input.paging()
                return try await readView(cp) { view in
                    let state = view.state
                    let filter = Paging.filter(when: gatewayId != nil || customerId != nil || id != nil) {
                        (connection: borrowing VPNConnection) in
                        (gatewayId == nil || connection.vpnGatewayId == gatewayId)
                            && (customerId == nil || connection.customerGatewayId == customerId)
                            && (id == nil || connection.id == id)
                    }
                    let (total, list) = paging.page(of: state.vpnConnections, in: state, region: region, where: filter)
                    var body = APIObject(paging.fields(total: total))
                    body["VpnConnections"] = .wrapped(
                        "VpnConnection",
                        list.map { .object(connectionObject($0, view, tagsKey: "Tag")) }
                    )
                    return body
                }
            },
            ClosureAction("DescribeVpnConnection", product: .vpc) { input throws(APIError) in
                let region = try input.regionId()
                let id = try input.required("VpnConnectionId")
                return try await readView(cp) { view throws(ControlPlaneError) in
                    connectionObject(try view.state.vpnConnection(id, region: region), view, tagsKey: "Tags")
                }
            },
            ClosureAction("ModifyVpnConnectionAttribute", product: .vpc) { input throws(APIError) in
                let region = try input.regionId()
                let id = try input.required("VpnConnectionId")
                let request = CloudState.ModifyVPNConnection(
                    name: input.string("Name"),
                    localSubnet: input.string("LocalSubnet"),
                    remoteSubnet: input.string("RemoteSubnet"),
                    effectImmediately: try input.bool("EffectImmediately"),
                    ikeConfig: try input.json("IkeConfig", as: CloudState.IKEConfigInput.self),
                    ipsecConfig: try input.json("IpsecConfig", as: CloudState.IPsecConfigInput.self),
                    enableDpd: try input.bool("EnableDpd"),
                    enableNatTraversal: try input.bool("EnableNatTraversal")
                )
                let connection = try await change(cp, input) { state, context throws(ControlPlaneError) in
                    try state.modifyVPNConnection(id, region: region, request, context)
                }
                var body = connectionObject(connection, await cp.view, tagsKey: "Tags")
                body["Description"] = ""
                return body
            },
            ClosureAction("DownloadVpnConnectionConfig", product: .vpc) { input throws(APIError) in
                let region = try input.regionId()
                let id = try input.required("VpnConnectionId")
                return try await read(cp) { state throws(ControlPlaneError) in
                    let c = try state.vpnConnection(id, region: region)
                    let gateway = try state.vpnGateway(c.vpnGatewayId)
                    let customer = try state.customerGateway(c.customerGatewayId)
                    // The configuration an office loads: local and remote are seen from the customer gateway.
                    return [
                        "VpnConnectionConfig": [
                            "Local": .string(customer.ipAddress.description),
                            "Remote": .string(gateway.internetIp.description),
                            "LocalSubnet": .string(c.remoteSubnet.map(\.description).joined(separator: ",")),
                            "RemoteSubnet": .string(c.localSubnet.map(\.description).joined(separator: ",")),
                            "IkeConfig": [
                                "Psk": .string(c.ikeConfig.psk), "IkeVersion": .string(c.ikeConfig.ikeVersion),
                                "IkeMode": .string(c.ikeConfig.ikeMode),
                                "IkeEncAlg": .string(c.ikeConfig.ikeEncAlg),
                                "IkeAuthAlg": .string(c.ikeConfig.ikeAuthAlg),
                                "IkePfs": .string(c.ikeConfig.ikePfs), "IkeLifetime": .int(c.ikeConfig.ikeLifetime),
                                "LocalId": .string(c.ikeConfig.remoteId), "RemoteId": .string(c.ikeConfig.localId),
                            ],
                            "IpsecConfig": [
                                "IpsecEncAlg": .string(c.ipsecConfig.ipsecEncAlg),
                                "IpsecAuthAlg": .string(c.ipsecConfig.ipsecAuthAlg),
                                "IpsecPfs": .string(c.ipsecConfig.ipsecPfs),
                                "IpsecLifetime": .int(c.ipsecConfig.ipsecLifetime),
                            ],
                        ]
                    ]
                }
            },
            ClosureAction("DeleteVpnConnection", product: .vpc) { input throws(APIError) in
                let region = try input.regionId()
                let id = try input.required("VpnConnectionId")
                try await change(cp, input) { state, _ throws(ControlPlaneError) in
                    try state.deleteVPNConnection(id, region: region)
                }
                return [:]
            },
        ]
    }

    static func gatewayObject(_ gw: VPNGateway) -> APIObject {
        [
            "VpnGatewayId": .string(gw.id), "VpcId": .string(gw.vpcId), "VSwitchId": .string(gw.vSwitchId),
            "InternetIp": .string(gw.internetIp.description), "CreateTime": CloudTime.millis(gw.createTime),
            "EndTime": 0,
            "Spec": .string("\(gw.bandwidth)M"), "Name": .string(gw.name), "Description": .string(gw.description),
            "Status": .string(gw.status), "BusinessStatus": .string(gw.businessStatus),
            "ChargeType": .string(gw.chargeType),
            "IpsecVpn": .string(gw.enableIpsec ? "enable" : "disable"),
            "SslVpn": .string(gw.enableSsl ? "enable" : "disable"),
            "SslMaxConnections": .int(gw.sslConnections), "Tag": "", "Tags": .wrapped("Tag", []),
            "NetworkType": "public",
            "VpnType": "Normal", "EnableBgp": false, "AutoPropagate": false, "ResourceGroupId": "",
        ]
    }

    static func customerGatewayObject(_ gw: CustomerGateway) -> APIObject {
        var object: APIObject = [
            "CustomerGatewayId": .string(gw.id), "IpAddress": .string(gw.ipAddress.description),
            "Name": .string(gw.name),
            "Description": .string(gw.description), "CreateTime": CloudTime.millis(gw.createTime),
        ]
        if let asn = gw.asn { object["Asn"] = .integer(asn) }
        object["Tags"] = .wrapped("Tag", [])
        return object
    }

    /// An IPsec connection; its `Status` is the route engine's tunnel state (`CloudView.connectionStatus(_:in:)`).
    static func connectionObject(_ c: VPNConnection, _ view: CloudView, tagsKey: String) -> APIObject {
        [
            "VpnConnectionId": .string(c.id), "VpnGatewayId": .string(c.vpnGatewayId),
            "CustomerGatewayId": .string(c.customerGatewayId),
            "Name": .string(c.name), "LocalSubnet": .string(c.localSubnet.map(\.description).joined(separator: ",")),
            "RemoteSubnet": .string(c.remoteSubnet.map(\.description).joined(separator: ",")),
            "CreateTime": CloudTime.millis(c.createTime), "EffectImmediately": .bool(c.effectImmediately),
            "Status": .string(view.status(ofConnection: c.id)),
            "IkeConfig": [
                "IkeAuthAlg": .string(c.ikeConfig.ikeAuthAlg), "IkeEncAlg": .string(c.ikeConfig.ikeEncAlg),
                "IkeLifetime": .int(c.ikeConfig.ikeLifetime), "IkeMode": .string(c.ikeConfig.ikeMode),
                "IkePfs": .string(c.ikeConfig.ikePfs),
                "IkeVersion": .string(c.ikeConfig.ikeVersion), "LocalId": .string(c.ikeConfig.localId),
                "Psk": .string(c.ikeConfig.psk),
                "RemoteId": .string(c.ikeConfig.remoteId),
            ],
            "IpsecConfig": [
                "IpsecAuthAlg": .string(c.ipsecConfig.ipsecAuthAlg), "IpsecEncAlg": .string(c.ipsecConfig.ipsecEncAlg),
                "IpsecLifetime": .int(c.ipsecConfig.ipsecLifetime), "IpsecPfs": .string(c.ipsecConfig.ipsecPfs),
            ],
            "EnableDpd": .bool(c.enableDpd), "EnableNatTraversal": .bool(c.enableNatTraversal),
            "VcoHealthCheck": [
                "Enable": "false", "Dip": "", "Sip": "", "Interval": 3, "Retry": 3, "Status": "", "Policy": "",
            ],
            "VpnBgpConfig": [
                "EnableBgp": "false", "LocalAsn": 45104, "PeerAsn": 0, "LocalBgpIp": "", "PeerBgpIp": "",
                "TunnelCidr": "", "Status": "", "AuthKey": "",
            ],
            "NetworkType": "public", "InternetIp": .optional(view.state.vpnGateways[c.vpnGatewayId]?.internetIp.description),
            tagsKey: .wrapped("Tag", []),
        ]
    }
}
