"""Express Connect (router interfaces, VBRs), VPN route weight/priority changes and CEN bandwidth through both SDKs."""
from aliyunsdkcbn.request.v20170912.AssociateCenBandwidthPackageRequest import AssociateCenBandwidthPackageRequest
from aliyunsdkcbn.request.v20170912.CreateCenBandwidthPackageRequest import CreateCenBandwidthPackageRequest
from aliyunsdkcbn.request.v20170912.DescribeCenBandwidthPackagesRequest import DescribeCenBandwidthPackagesRequest
from aliyunsdkcbn.request.v20170912.DescribeCenInterRegionBandwidthLimitsRequest import DescribeCenInterRegionBandwidthLimitsRequest
from aliyunsdkcbn.request.v20170912.SetCenInterRegionBandwidthLimitRequest import SetCenInterRegionBandwidthLimitRequest
from aliyunsdkvpc.request.v20160428.ActivateRouterInterfaceRequest import ActivateRouterInterfaceRequest
from aliyunsdkvpc.request.v20160428.ConnectRouterInterfaceRequest import ConnectRouterInterfaceRequest
from aliyunsdkvpc.request.v20160428.CreateRouterInterfaceRequest import CreateRouterInterfaceRequest
from aliyunsdkvpc.request.v20160428.DeactivateRouterInterfaceRequest import DeactivateRouterInterfaceRequest
from aliyunsdkvpc.request.v20160428.DescribeRouterInterfacesRequest import DescribeRouterInterfacesRequest
from aliyunsdkvpc.request.v20160428.ModifyRouterInterfaceAttributeRequest import ModifyRouterInterfaceAttributeRequest
from aliyunsdkvpc.request.v20160428.DescribeVirtualBorderRoutersRequest import DescribeVirtualBorderRoutersRequest
from aliyunsdkvpc.request.v20160428.ModifyVpnPbrRouteEntryPriorityRequest import ModifyVpnPbrRouteEntryPriorityRequest
from aliyunsdkcore.client import AcsClient
from alibabacloud_cbn20170912 import models as cbn
from alibabacloud_vpc20160428 import models as m

from conftest import AK, SK
from sdk import new_cbn_client, new_error, new_vpc_client, old_call, old_client, old_error


def old(region):
    return AcsClient(AK, SK, region)


def make_vpc(v, region, cidr, vswitch):
    vpc = v.create_vpc(m.CreateVpcRequest(region_id=region, cidr_block=cidr)).body.to_map()
    v.create_vswitch(m.CreateVSwitchRequest(region_id=region, vpc_id=vpc["VpcId"], zone_id=f"{region}-b", cidr_block=vswitch))
    return vpc


def describe_ri(server, client, ri):
    r = DescribeRouterInterfacesRequest()
    r.set_Filters([{"Key": "RouterInterfaceId", "Value": [ri]}])
    body = old_call(server, client, r)
    assert body["TotalCount"] == 1
    return body["RouterInterfaceSet"]["RouterInterfaceType"][0]


def test_router_interface_pair_between_two_vpcs(server):
    region = "xc-test-1"
    v = new_vpc_client(server, AK, SK)
    client = old(region)
    vpc1 = make_vpc(v, region, "10.61.0.0/16", "10.61.1.0/24")
    vpc2 = make_vpc(v, region, "10.62.0.0/16", "10.62.1.0/24")

    # Initiator with the old SDK, acceptor with the new one.
    r = CreateRouterInterfaceRequest()
    for setter, value in (("RouterType", "VRouter"), ("RouterId", vpc1["VRouterId"]), ("Role", "InitiatingSide"),
                          ("Spec", "Small.1"), ("OppositeRegionId", region), ("Name", "to-vpc2")):
        getattr(r, "set_" + setter)(value)
    created = old_call(server, client, r)
    ri1 = created["RouterInterfaceId"]
    assert ri1.startswith("ri-") and isinstance(created["OrderId"], int)
    ri2 = v.create_router_interface(m.CreateRouterInterfaceRequest(
        region_id=region, router_type="VRouter", router_id=vpc2["VRouterId"], role="AcceptingSide", spec="Negative",
        opposite_region_id=region)).body.router_interface_id
    assert describe_ri(server, client, ri1)["Status"] == "Idle"

    # Connecting before the opposite is set.
    e = old_error(server, client, _connect(ri1))
    assert (e.get_http_status(), e.get_error_code()) == (400, "IncorrectOppositeInterfaceInfo.NotSet")
    # Fill in both sides' peer information (state stays Idle).
    mod = ModifyRouterInterfaceAttributeRequest()
    mod.set_RouterInterfaceId(ri1)
    mod.set_OppositeInterfaceId(ri2)
    mod.set_OppositeRouterId(vpc2["VRouterId"])
    mod.set_OppositeRouterType("VRouter")
    old_call(server, client, mod)
    v.modify_router_interface_attribute(m.ModifyRouterInterfaceAttributeRequest(
        region_id=region, router_interface_id=ri2, opposite_interface_id=ri1, opposite_router_id=vpc1["VRouterId"],
        opposite_router_type="VRouter", description="from vpc1"))
    assert describe_ri(server, client, ri2)["Status"] == "Idle"

    # The acceptor cannot connect.
    e = new_error(lambda: v.connect_router_interface(m.ConnectRouterInterfaceRequest(region_id=region, router_interface_id=ri2)))
    assert (e.status_code, e.code) == (400, "IncorrectRole.NotInitiatingSide")

    # Custom routes point at each side's own interface; the other side's interface is refused.
    v.create_route_entry(m.CreateRouteEntryRequest(region_id=region, route_table_id=vpc1["RouteTableId"],
                                                   destination_cidr_block="10.62.0.0/16", next_hop_type="RouterInterface",
                                                   next_hop_id=ri1))
    v.create_route_entry(m.CreateRouteEntryRequest(region_id=region, route_table_id=vpc2["RouteTableId"],
                                                   destination_cidr_block="10.61.0.0/16", next_hop_type="RouterInterface",
                                                   next_hop_id=ri2))
    e = new_error(lambda: v.create_route_entry(m.CreateRouteEntryRequest(
        region_id=region, route_table_id=vpc1["RouteTableId"], destination_cidr_block="192.168.0.0/16",
        next_hop_type="RouterInterface", next_hop_id=ri2)))
    assert (e.status_code, e.code) == (404, "InvalidNextHopId.NotFound")
    e = new_error(lambda: v.create_route_entry(m.CreateRouteEntryRequest(
        region_id=region, route_table_id=vpc1["RouteTableId"], destination_cidr_block="192.168.0.0/16",
        next_hop_list=[m.CreateRouteEntryRequestNextHopList(next_hop_type="RouterInterface", next_hop_id=ri1)])))
    assert (e.status_code, e.code) == (400, "InvalidNexthopListSize")
    listed = v.describe_route_entry_list(m.DescribeRouteEntryListRequest(
        region_id=region, route_table_id=vpc1["RouteTableId"], next_hop_type="RouterInterface")).body.to_map()
    assert [(e["DestinationCidrBlock"], e["NextHops"]["NextHop"][0]["NextHopId"]) for e in listed["RouteEntrys"]["RouteEntry"]] == [
        ("10.62.0.0/16", ri1)]

    # Connect: both ends Active.
    old_call(server, client, _connect(ri1))
    one = describe_ri(server, client, ri1)
    assert (one["Status"], one["OppositeInterfaceStatus"], one["Bandwidth"], one["OppositeInterfaceSpec"]) == (
        "Active", "Active", 10, "Negative")
    assert one["VpcInstanceId"] == vpc1["VpcId"] and one["OppositeVpcInstanceId"] == vpc2["VpcId"]
    assert one["ConnectedTime"] != ""
    e = old_error(server, client, _connect(ri1))
    assert e.get_error_code() == "IncorrectRIStatus"

    # Filter.N: OR within a key, AND across keys.
    body = v.describe_router_interfaces(m.DescribeRouterInterfacesRequest(region_id=region, filter=[
        m.DescribeRouterInterfacesRequestFilter(key="RouterInterfaceId", value=[ri1, ri2]),
        m.DescribeRouterInterfacesRequestFilter(key="Status", value=["Active"])])).body.to_map()
    assert body["TotalCount"] == 2
    body = v.describe_router_interfaces(m.DescribeRouterInterfacesRequest(region_id=region, filter=[
        m.DescribeRouterInterfacesRequestFilter(key="RouterInterfaceId", value=[ri1, ri2]),
        m.DescribeRouterInterfacesRequestFilter(key="RouterId", value=[vpc2["VRouterId"]])])).body.to_map()
    assert [x["RouterInterfaceId"] for x in body["RouterInterfaceSet"]["RouterInterfaceType"]] == [ri2]
    e = new_error(lambda: v.describe_router_interfaces(m.DescribeRouterInterfacesRequest(region_id=region, filter=[
        m.DescribeRouterInterfacesRequestFilter(key="Colour", value=["red"])])))
    assert (e.status_code, e.code) == (400, "InvalidParameter")

    # Deactivate → Inactive; delete needs the route gone; activate again; Active cannot be deleted.
    d = DeactivateRouterInterfaceRequest()
    d.set_RouterInterfaceId(ri2)
    old_call(server, client, d)
    assert describe_ri(server, client, ri2)["Status"] == "Inactive"
    assert describe_ri(server, client, ri1)["OppositeInterfaceStatus"] == "Inactive"
    e = new_error(lambda: v.delete_router_interface(m.DeleteRouterInterfaceRequest(region_id=region, router_interface_id=ri2)))
    assert (e.status_code, e.code) == (400, "DependencyViolation.RouteEntry")
    a = ActivateRouterInterfaceRequest()
    a.set_RouterInterfaceId(ri2)
    old_call(server, client, a)
    assert describe_ri(server, client, ri2)["Status"] == "Active"
    e = old_error(server, client, a)
    assert e.get_error_code() == "IncorrectRIStatus"
    e = new_error(lambda: v.delete_router_interface(m.DeleteRouterInterfaceRequest(region_id=region, router_interface_id=ri1)))
    assert (e.status_code, e.code) == (400, "IncorrectRIStatus")
    e = new_error(lambda: v.delete_vpc(m.DeleteVpcRequest(region_id=region, vpc_id=vpc1["VpcId"])))
    assert e.code.startswith("DependencyViolation.")

    # Tear down in the cloud's order.
    v.deactivate_router_interface(m.DeactivateRouterInterfaceRequest(region_id=region, router_interface_id=ri1))
    v.delete_route_entry(m.DeleteRouteEntryRequest(region_id=region, route_table_id=vpc1["RouteTableId"],
                                                   destination_cidr_block="10.62.0.0/16", next_hop_id=ri1))
    v.delete_router_interface(m.DeleteRouterInterfaceRequest(region_id=region, router_interface_id=ri1))
    e = new_error(lambda: v.delete_router_interface(m.DeleteRouterInterfaceRequest(region_id=region, router_interface_id=ri1)))
    assert (e.status_code, e.code) == (404, "InvalidRouterInterfaceId.NotFound")


def _connect(ri):
    r = ConnectRouterInterfaceRequest()
    r.set_RouterInterfaceId(ri)
    return r


def test_interfaces_that_are_not_each_others_opposite_do_not_connect(server):
    region = "xc-test-2"
    v = new_vpc_client(server, AK, SK)
    vpc1 = make_vpc(v, region, "10.63.0.0/16", "10.63.1.0/24")
    vpc2 = make_vpc(v, region, "10.64.0.0/16", "10.64.1.0/24")
    vpc3 = make_vpc(v, region, "10.65.0.0/16", "10.65.1.0/24")

    def create(vpc, role, **kw):
        return v.create_router_interface(m.CreateRouterInterfaceRequest(
            region_id=region, router_type="VRouter", router_id=vpc["VRouterId"], role=role,
            spec="Small.2" if role == "InitiatingSide" else "Negative", opposite_region_id=region, **kw)).body.router_interface_id

    acceptor = create(vpc2, "AcceptingSide")
    other = create(vpc3, "InitiatingSide")
    v.modify_router_interface_attribute(m.ModifyRouterInterfaceAttributeRequest(
        region_id=region, router_interface_id=acceptor, opposite_interface_id=other, opposite_router_id=vpc3["VRouterId"]))
    stray = create(vpc1, "InitiatingSide", opposite_interface_id=acceptor, opposite_router_id=vpc2["VRouterId"],
                   opposite_router_type="VRouter")
    e = new_error(lambda: v.connect_router_interface(m.ConnectRouterInterfaceRequest(region_id=region, router_interface_id=stray)))
    assert (e.status_code, e.code) == (400, "IncorrectOppositeInterfaceInfo")
    assert "not each other's opposite" in e.message
    # Bad role/spec combinations and unknown routers.
    e = new_error(lambda: v.create_router_interface(m.CreateRouterInterfaceRequest(
        region_id=region, router_type="VRouter", router_id=vpc1["VRouterId"], role="AcceptingSide", spec="Large.1",
        opposite_region_id=region)))
    assert e.code == "InvalidSpec"
    e = new_error(lambda: v.create_router_interface(m.CreateRouterInterfaceRequest(
        region_id=region, router_type="VRouter", router_id="vrt-nope", role="InitiatingSide", spec="Small.1",
        opposite_region_id=region)))
    assert (e.status_code, e.code) == (404, "InvalidRouterId.NotFound")


def test_vbr_with_its_route_table(server):
    region = "xc-test-3"
    v = new_vpc_client(server, AK, SK)
    client = old(region)
    vpc = make_vpc(v, region, "10.66.0.0/16", "10.66.1.0/24")
    vbr = v.create_virtual_border_router(m.CreateVirtualBorderRouterRequest(
        region_id=region, physical_connection_id="pc-bp1idc01", vlan_id=10, local_gateway_ip="10.200.0.1",
        peer_gateway_ip="10.200.0.2", peering_subnet_mask="255.255.255.252", name="idc")).body.vbr_id
    assert vbr.startswith("vbr-")
    e = new_error(lambda: v.create_virtual_border_router(m.CreateVirtualBorderRouterRequest(
        region_id=region, physical_connection_id="pc-bp1idc01", vlan_id=10)))
    assert (e.status_code, e.code) == (400, "InvalidVlanId.Used")
    r = DescribeVirtualBorderRoutersRequest()
    r.set_Filters([{"Key": "VbrId", "Value": [vbr]}])
    listed = old_call(server, client, r)
    item = listed["VirtualBorderRouterSet"]["VirtualBorderRouterType"][0]
    assert (item["VbrId"], item["VlanId"], item["Status"], item["LocalGatewayIp"]) == (vbr, 10, "active", "10.200.0.1")
    table = item["RouteTableId"]
    assert table.startswith("vtb-")
    tables = v.describe_route_table_list(m.DescribeRouteTableListRequest(region_id=region, router_type="VBR")).body.to_map()
    assert [(t["RouteTableId"], t["RouterType"], t["RouterId"]) for t in tables["RouterTableList"]["RouterTableListType"]] == [
        (table, "VBR", vbr)]

    v.modify_virtual_border_router_attribute(m.ModifyVirtualBorderRouterAttributeRequest(
        region_id=region, vbr_id=vbr, name="idc-renamed", vlan_id=11))
    item = v.describe_virtual_border_routers(m.DescribeVirtualBorderRoutersRequest(region_id=region)).body.to_map()[
        "VirtualBorderRouterSet"]["VirtualBorderRouterType"][0]
    assert (item["Name"], item["VlanId"]) == ("idc-renamed", 11)

    # A VBR interface must be the initiator; routes in the VBR table name the VBR's own interfaces.
    e = new_error(lambda: v.create_router_interface(m.CreateRouterInterfaceRequest(
        region_id=region, router_type="VBR", router_id=vbr, role="AcceptingSide", spec="Negative", opposite_region_id=region)))
    assert e.code == "InvalidRole"
    ri = v.create_router_interface(m.CreateRouterInterfaceRequest(
        region_id=region, router_type="VBR", router_id=vbr, role="InitiatingSide", spec="Large.1", opposite_region_id=region,
        opposite_router_type="VRouter", opposite_router_id=vpc["VRouterId"])).body.router_interface_id
    vpc_side = v.create_router_interface(m.CreateRouterInterfaceRequest(
        region_id=region, router_type="VRouter", router_id=vpc["VRouterId"], role="AcceptingSide", spec="Negative",
        opposite_region_id=region, opposite_router_type="VBR", opposite_router_id=vbr,
        opposite_interface_id=ri)).body.router_interface_id
    v.modify_router_interface_attribute(m.ModifyRouterInterfaceAttributeRequest(region_id=region, router_interface_id=ri,
                                                                                opposite_interface_id=vpc_side))
    v.connect_router_interface(m.ConnectRouterInterfaceRequest(region_id=region, router_interface_id=ri))
    route = v.create_route_entry(m.CreateRouteEntryRequest(region_id=region, route_table_id=table,
                                                           destination_cidr_block="10.66.0.0/16",
                                                           next_hop_type="RouterInterface", next_hop_id=ri)).body.route_entry_id
    e = new_error(lambda: v.create_route_entry(m.CreateRouteEntryRequest(
        region_id=region, route_table_id=table, destination_cidr_block="10.67.0.0/16", next_hop_type="RouterInterface",
        next_hop_id=vpc_side)))
    assert (e.status_code, e.code) == (404, "InvalidNextHopId.NotFound")
    e = new_error(lambda: v.create_route_entry(m.CreateRouteEntryRequest(
        region_id=region, route_table_id=table, destination_cidr_block="10.67.0.0/16", next_hop_type="VpnGateway",
        next_hop_id="vpn-x")))
    assert (e.status_code, e.code) == (400, "InvalidNextHopType")
    entries = v.describe_route_entry_list(m.DescribeRouteEntryListRequest(region_id=region, route_table_id=table)).body.to_map()
    assert [(x["RouteEntryId"], x["DestinationCidrBlock"], x["Type"]) for x in entries["RouteEntrys"]["RouteEntry"]] == [
        (route, "10.66.0.0/16", "Custom")]

    # Attach the VBR to a CEN.
    c = new_cbn_client(server, AK, SK)
    cen = c.create_cen(cbn.CreateCenRequest(name="idc")).body.cen_id
    c.attach_cen_child_instance(cbn.AttachCenChildInstanceRequest(cen_id=cen, child_instance_id=vbr, child_instance_type="VBR",
                                                                  child_instance_region_id=region))
    children = c.describe_cen_attached_child_instances(cbn.DescribeCenAttachedChildInstancesRequest(
        cen_id=cen, child_instance_type="VBR")).body.to_map()
    assert [x["ChildInstanceId"] for x in children["ChildInstances"]["ChildInstance"]] == [vbr]
    item = v.describe_virtual_border_routers(m.DescribeVirtualBorderRoutersRequest(region_id=region)).body.to_map()[
        "VirtualBorderRouterSet"]["VirtualBorderRouterType"][0]
    assert item["AssociatedCens"]["AssociatedCen"][0]["CenId"] == cen
    # With the VPC attached too, the VBR's effective table (route engine) has its own route and the learned vSwitch route.
    c.attach_cen_child_instance(cbn.AttachCenChildInstanceRequest(cen_id=cen, child_instance_id=vpc["VpcId"],
                                                                  child_instance_type="VPC", child_instance_region_id=region))
    routes = c.describe_cen_child_instance_route_entries(cbn.DescribeCenChildInstanceRouteEntriesRequest(
        cen_id=cen, child_instance_id=vbr, child_instance_type="VBR", child_instance_region_id=region)).body.to_map()
    assert {(x["DestinationCidrBlock"], x["Type"], x["NextHopType"], x["NextHopInstanceId"], x["Status"], x["RouteTableId"])
            for x in routes["CenRouteEntries"]["CenRouteEntry"]} == {
        ("10.66.0.0/16", "Custom", "RouterInterface", ri, "Active", table),
        ("10.66.1.0/24", "CEN", "VPC", vpc["VpcId"], "Active", table)}
    c.detach_cen_child_instance(cbn.DetachCenChildInstanceRequest(cen_id=cen, child_instance_id=vpc["VpcId"],
                                                                  child_instance_type="VPC", child_instance_region_id=region))

    # Delete in order: the VBR refuses while attached / with interfaces.
    e = new_error(lambda: v.delete_virtual_border_router(m.DeleteVirtualBorderRouterRequest(region_id=region, vbr_id=vbr)))
    assert e.code == "DependencyViolation.RouterInterface"
    c.detach_cen_child_instance(cbn.DetachCenChildInstanceRequest(cen_id=cen, child_instance_id=vbr, child_instance_type="VBR",
                                                                  child_instance_region_id=region))
    v.delete_route_entry(m.DeleteRouteEntryRequest(region_id=region, route_entry_id=route))
    for x in (ri, vpc_side):
        v.deactivate_router_interface(m.DeactivateRouterInterfaceRequest(region_id=region, router_interface_id=x))
        v.delete_router_interface(m.DeleteRouterInterfaceRequest(region_id=region, router_interface_id=x))
    v.delete_virtual_border_router(m.DeleteVirtualBorderRouterRequest(region_id=region, vbr_id=vbr))
    e = new_error(lambda: v.delete_virtual_border_router(m.DeleteVirtualBorderRouterRequest(region_id=region, vbr_id=vbr)))
    assert (e.status_code, e.code) == (404, "InvalidVbrId.NotFound")


def test_vpn_route_weight_and_priority_changes(server):
    region = "xc-test-4"
    v = new_vpc_client(server, AK, SK)
    client = old(region)
    vpc = v.create_vpc(m.CreateVpcRequest(region_id=region, cidr_block="10.68.0.0/16")).body.to_map()
    gw = v.create_vpn_gateway(m.CreateVpnGatewayRequest(region_id=region, vpc_id=vpc["VpcId"], bandwidth=10)).body.vpn_gateway_id
    vcos = []
    for ip in ("203.0.113.71", "203.0.113.72"):
        cgw = v.create_customer_gateway(m.CreateCustomerGatewayRequest(region_id=region, ip_address=ip)).body.customer_gateway_id
        vcos.append(v.create_vpn_connection(m.CreateVpnConnectionRequest(
            region_id=region, vpn_gateway_id=gw, customer_gateway_id=cgw, local_subnet="0.0.0.0/0",
            remote_subnet="192.168.70.0/24")).body.vpn_connection_id)
    for vco, weight in zip(vcos, (100, 0)):
        v.create_vpn_route_entry(m.CreateVpnRouteEntryRequest(region_id=region, vpn_gateway_id=gw, route_dest="192.168.70.0/24",
                                                              next_hop=vco, weight=weight, publish_vpc=False))

    def weights():
        body = v.describe_vpn_route_entries(m.DescribeVpnRouteEntriesRequest(region_id=region, vpn_gateway_id=gw)).body.to_map()
        return {r["NextHop"]: r["Weight"] for r in body["VpnRouteEntries"]["VpnRouteEntry"]}

    # Raising the standby to 100 while the active one has 100 breaks the pair.
    e = new_error(lambda: v.modify_vpn_route_entry_weight(m.ModifyVpnRouteEntryWeightRequest(
        region_id=region, vpn_gateway_id=gw, route_dest="192.168.70.0/24", next_hop=vcos[1], weight=0, new_weight=100)))
    assert (e.status_code, e.code) == (400, "VpnRouteEntry.SameWeight")
    e = new_error(lambda: v.modify_vpn_route_entry_weight(m.ModifyVpnRouteEntryWeightRequest(
        region_id=region, vpn_gateway_id=gw, route_dest="192.168.70.0/24", next_hop=vcos[0], weight=100, new_weight=0)))
    assert e.code == "VpnRouteEntry.SameWeight"
    # Two equal weights never exist (DESIGN §4 decision 3): to swap roles, one route goes first.
    v.delete_vpn_route_entry(m.DeleteVpnRouteEntryRequest(region_id=region, vpn_gateway_id=gw, route_dest="192.168.70.0/24",
                                                          next_hop=vcos[0], weight=100))
    v.modify_vpn_route_entry_weight(m.ModifyVpnRouteEntryWeightRequest(
        region_id=region, vpn_gateway_id=gw, route_dest="192.168.70.0/24", next_hop=vcos[1], weight=0, new_weight=100))
    v.create_vpn_route_entry(m.CreateVpnRouteEntryRequest(region_id=region, vpn_gateway_id=gw, route_dest="192.168.70.0/24",
                                                          next_hop=vcos[0], weight=0, publish_vpc=False))
    assert weights() == {vcos[0]: 0, vcos[1]: 100}
    e = new_error(lambda: v.modify_vpn_route_entry_weight(m.ModifyVpnRouteEntryWeightRequest(
        region_id=region, vpn_gateway_id=gw, route_dest="192.168.70.0/24", next_hop=vcos[1], weight=0, new_weight=100)))
    assert (e.status_code, e.code) == (404, "InvalidVpnRouteEntry.NotFound")
    e = new_error(lambda: v.modify_vpn_route_entry_weight(m.ModifyVpnRouteEntryWeightRequest(
        region_id=region, vpn_gateway_id=gw, route_dest="192.168.70.0/24", next_hop=vcos[1], weight=100, new_weight=50)))
    assert (e.status_code, e.code) == (400, "InvalidParameter")

    # Policy-based: weight and priority.
    v.create_vpn_pbr_route_entry(m.CreateVpnPbrRouteEntryRequest(
        region_id=region, vpn_gateway_id=gw, route_source="10.68.0.0/16", route_dest="192.168.70.0/24", next_hop=vcos[0],
        weight=100, publish_vpc=False))
    v.modify_vpn_pbr_route_entry_weight(m.ModifyVpnPbrRouteEntryWeightRequest(
        region_id=region, vpn_gateway_id=gw, route_source="10.68.0.0/16", route_dest="192.168.70.0/24", next_hop=vcos[0],
        weight=100, new_weight=0))
    r = ModifyVpnPbrRouteEntryPriorityRequest()
    for setter, value in (("VpnGatewayId", gw), ("RouteSource", "10.68.0.0/16"), ("RouteDest", "192.168.70.0/24"),
                          ("NextHop", vcos[0]), ("Weight", 0), ("Priority", 10), ("NewPriority", 1)):
        getattr(r, "set_" + setter)(value)
    old_call(server, client, r)
    body = v.describe_vpn_pbr_route_entries(m.DescribeVpnPbrRouteEntriesRequest(region_id=region, vpn_gateway_id=gw)).body.to_map()
    entry = body["VpnPbrRouteEntries"]["VpnPbrRouteEntry"][0]
    assert (entry["Weight"], entry["Priority"]) == (0, 1)
    # The old priority no longer names the route; an out-of-range priority is refused.
    e = old_error(server, client, r)
    assert (e.get_http_status(), e.get_error_code()) == (404, "InvalidVpnRouteEntry.NotFound")
    e = new_error(lambda: v.modify_vpn_pbr_route_entry_priority(m.ModifyVpnPbrRouteEntryPriorityRequest(
        region_id=region, vpn_gateway_id=gw, route_source="10.68.0.0/16", route_dest="192.168.70.0/24", next_hop=vcos[0],
        weight=0, new_priority=101)))
    assert (e.status_code, e.code) == (400, "InvalidParameter")


def test_cen_bandwidth_package_and_inter_region_limit(server):
    c = new_cbn_client(server, AK, SK)
    v = new_vpc_client(server, AK, SK)
    client = old_client(AK, SK)
    cen = c.create_cen(cbn.CreateCenRequest(name="global")).body.cen_id
    # Known regions of two areas no other test file lists VPCs in (regions outside the 2019 area table have no area).
    for region, cidr in (("ap-southeast-3", "10.69.0.0/16"), ("cn-hangzhou", "10.70.0.0/16")):
        vpc = make_vpc(v, region, cidr, cidr.replace(".0.0/16", ".1.0/24"))
        c.attach_cen_child_instance(cbn.AttachCenChildInstanceRequest(cen_id=cen, child_instance_id=vpc["VpcId"],
                                                                      child_instance_type="VPC", child_instance_region_id=region))

    def set_limit(mbps):
        return c.set_cen_inter_region_bandwidth_limit(cbn.SetCenInterRegionBandwidthLimitRequest(
            cen_id=cen, local_region_id="cn-hangzhou", opposite_region_id="ap-southeast-3", bandwidth_limit=mbps))

    e = new_error(lambda: set_limit(5))
    assert (e.status_code, e.code) == (400, "InvalidOperation.NoBandwidthPackage")

    # Buy with the old SDK, associate with the new one.
    r = CreateCenBandwidthPackageRequest()
    for setter, value in (("Bandwidth", 10), ("GeographicRegionAId", "China"), ("GeographicRegionBId", "Asia-Pacific"),
                          ("Name", "cn-na")):
        getattr(r, "set_" + setter)(value)
    created = old_call(server, client, r)
    package = created["CenBandwidthPackageId"]
    assert package.startswith("cenbwp-") and created["CenBandwidthPackageOrderId"]
    e = new_error(lambda: c.create_cen_bandwidth_package(cbn.CreateCenBandwidthPackageRequest(
        bandwidth=1, geographic_region_aid="China", geographic_region_bid="Europe")))
    assert (e.status_code, e.code) == (400, "InvalidBandwidth")
    e = new_error(lambda: c.create_cen_bandwidth_package(cbn.CreateCenBandwidthPackageRequest(
        bandwidth=10, geographic_region_aid="China", geographic_region_bid="Mars")))
    assert e.code == "InvalidParameter"

    d = DescribeCenBandwidthPackagesRequest()
    d.set_Filters([{"Key": "CenBandwidthPackageId", "Value": [package]}])
    item = old_call(server, client, d)["CenBandwidthPackages"]["CenBandwidthPackage"][0]
    assert (item["Status"], item["Bandwidth"], item["GeographicRegionAId"], item["GeographicRegionBId"]) == (
        "Idle", 10, "China", "Asia-Pacific")

    c.associate_cen_bandwidth_package(cbn.AssociateCenBandwidthPackageRequest(cen_id=cen, cen_bandwidth_package_id=package))
    other = c.create_cen(cbn.CreateCenRequest()).body.cen_id
    a = AssociateCenBandwidthPackageRequest()
    a.set_CenId(other)
    a.set_CenBandwidthPackageId(package)
    assert old_error(server, client, a).get_error_code() == "Forbidden.BandwidthPackageAlreadyAssociated"
    body = c.describe_cen_bandwidth_packages(cbn.DescribeCenBandwidthPackagesRequest(filter=[
        cbn.DescribeCenBandwidthPackagesRequestFilter(key="CenId", value=[cen])])).body.to_map()
    item = body["CenBandwidthPackages"]["CenBandwidthPackage"][0]
    assert (item["Status"], item["CenIds"]["CenId"]) == ("InUse", [cen])
    cens = c.describe_cens(cbn.DescribeCensRequest(filter=[cbn.DescribeCensRequestFilter(key="CenId", value=[cen])])).body.to_map()
    assert cens["Cens"]["Cen"][0]["CenBandwidthPackageIds"]["CenBandwidthPackageId"] == [package]

    e = new_error(lambda: set_limit(11))
    assert (e.status_code, e.code) == (400, "InvalidOperation.BandwidthLimitExceeded")
    set_limit(8)
    s = SetCenInterRegionBandwidthLimitRequest()
    for setter, value in (("CenId", cen), ("LocalRegionId", "cn-hangzhou"), ("OppositeRegionId", "cn-hangzhou"),
                          ("BandwidthLimit", 1)):
        getattr(s, "set_" + setter)(value)
    assert old_error(server, client, s).get_error_code() == "InvalidParameter"
    q = DescribeCenInterRegionBandwidthLimitsRequest()
    q.set_CenId(cen)
    limits = old_call(server, client, q)["CenInterRegionBandwidthLimits"]["CenInterRegionBandwidthLimit"]
    assert [(x["LocalRegionId"], x["OppositeRegionId"], x["BandwidthLimit"], x["BandwidthPackageId"], x["Status"])
            for x in limits] == [("cn-hangzhou", "ap-southeast-3", 8, package, "Active")]

    e = new_error(lambda: c.unassociate_cen_bandwidth_package(cbn.UnassociateCenBandwidthPackageRequest(
        cen_id=cen, cen_bandwidth_package_id=package)))
    assert e.code == "DependencyViolation.BandwidthLimit"
    e = new_error(lambda: c.delete_cen_bandwidth_package(cbn.DeleteCenBandwidthPackageRequest(cen_bandwidth_package_id=package)))
    assert e.code == "InvalidOperation.BandwidthPackageInUse"
    set_limit(0)
    limits = c.describe_cen_inter_region_bandwidth_limits(cbn.DescribeCenInterRegionBandwidthLimitsRequest(cen_id=cen)).body.to_map()
    assert limits["TotalCount"] == 0
    c.unassociate_cen_bandwidth_package(cbn.UnassociateCenBandwidthPackageRequest(cen_id=cen, cen_bandwidth_package_id=package))
    c.delete_cen_bandwidth_package(cbn.DeleteCenBandwidthPackageRequest(cen_bandwidth_package_id=package))
    e = new_error(lambda: c.delete_cen_bandwidth_package(cbn.DeleteCenBandwidthPackageRequest(cen_bandwidth_package_id=package)))
    assert (e.status_code, e.code) == (404, "InvalidCenBandwidthPackageId.NotFound")
