"""Route tables and tunnel states as the route engine computes them, through the new SDK (seed 002's shape)."""
from alibabacloud_cbn20170912 import models as cbn
from alibabacloud_vpc20160428 import models as m

from conftest import AK, SK
from sdk import new_cbn_client, new_vpc_client


def test_vpn_routes_published_to_the_vpc_and_on_to_the_cen(server):
    region = "me-east-1"
    v = new_vpc_client(server, AK, SK)
    c = new_cbn_client(server, AK, SK)
    vpc1 = v.create_vpc(m.CreateVpcRequest(region_id=region, cidr_block="10.81.0.0/16")).body.to_map()
    vpc2 = v.create_vpc(m.CreateVpcRequest(region_id=region, cidr_block="10.82.0.0/16")).body.to_map()
    for vpc, block in ((vpc1, "10.81.1.0/24"), (vpc2, "10.82.1.0/24")):
        v.create_vswitch(m.CreateVSwitchRequest(region_id=region, vpc_id=vpc["VpcId"], zone_id=f"{region}-a", cidr_block=block))
    gw = v.create_vpn_gateway(m.CreateVpnGatewayRequest(region_id=region, vpc_id=vpc1["VpcId"], bandwidth=5)).body.to_map()
    cgw = v.create_customer_gateway(m.CreateCustomerGatewayRequest(region_id=region, ip_address="198.51.100.81")).body.to_map()
    vco = v.create_vpn_connection(m.CreateVpnConnectionRequest(
        region_id=region, vpn_gateway_id=gw["VpnGatewayId"], customer_gateway_id=cgw["CustomerGatewayId"],
        local_subnet="0.0.0.0/0", remote_subnet="10.10.10.0/24", effect_immediately=True)).body.to_map()["VpnConnectionId"]
    v.create_vpn_route_entry(m.CreateVpnRouteEntryRequest(
        region_id=region, vpn_gateway_id=gw["VpnGatewayId"], route_dest="10.10.10.0/24", next_hop=vco, weight=0,
        publish_vpc=True))

    def entries(vpc, entry_type=None):
        body = v.describe_route_entry_list(m.DescribeRouteEntryListRequest(
            region_id=region, route_table_id=vpc["RouteTableId"], route_entry_type=entry_type, max_result=100)).body.to_map()
        return {(e["DestinationCidrBlock"], e["Type"], e["NextHops"]["NextHop"][0]["NextHopType"],
                 e["NextHops"]["NextHop"][0]["NextHopId"]) for e in body["RouteEntrys"]["RouteEntry"]}

    assert ("10.10.10.0/24", "Custom", "VpnGateway", gw["VpnGatewayId"]) in entries(vpc1)

    # No office device answers at 198.51.100.81: the tunnel cannot negotiate.
    conn = v.describe_vpn_connection(m.DescribeVpnConnectionRequest(region_id=region, vpn_connection_id=vco)).body.to_map()
    assert conn["Status"] == "ike_sa_not_established"

    cen = c.create_cen(cbn.CreateCenRequest(name="seed 002")).body.to_map()["CenId"]
    for vpc in (vpc1, vpc2):
        c.attach_cen_child_instance(cbn.AttachCenChildInstanceRequest(
            cen_id=cen, child_instance_id=vpc["VpcId"], child_instance_type="VPC", child_instance_region_id=region))
    assert entries(vpc2, "CEN") == {("10.81.1.0/24", "CEN", "VPC", vpc1["VpcId"])}

    # Seed 002 step 4: the route the VPN gateway published into VPC 1 is advertised to the CEN.
    args = dict(cen_id=cen, child_instance_id=vpc1["VpcId"], child_instance_region_id=region, child_instance_type="VPC",
                child_instance_route_table_id=vpc1["RouteTableId"])
    c.publish_route_entries(cbn.PublishRouteEntriesRequest(destination_cidr_block="10.10.10.0/24", **args))
    assert entries(vpc2, "CEN") == {("10.81.1.0/24", "CEN", "VPC", vpc1["VpcId"]),
                                    ("10.10.10.0/24", "CEN", "VPC", vpc1["VpcId"])}

    def publish_status():
        body = c.describe_cen_child_instance_route_entries(cbn.DescribeCenChildInstanceRouteEntriesRequest(
            cen_id=cen, child_instance_id=vpc1["VpcId"], child_instance_type="VPC", child_instance_region_id=region,
            page_size=50)).body.to_map()
        return {e["DestinationCidrBlock"]: (e["Type"], e["Status"], e["PublishStatus"])
                for e in body["CenRouteEntries"]["CenRouteEntry"] if e["Type"] != "CEN"}

    assert publish_status()["10.10.10.0/24"] == ("Custom", "Active", "Published")
    assert publish_status()["10.81.1.0/24"] == ("System", "Active", "Published")
    c.withdraw_published_route_entries(cbn.WithdrawPublishedRouteEntriesRequest(destination_cidr_block="10.81.1.0/24", **args))
    assert publish_status()["10.81.1.0/24"] == ("System", "Active", "NonPublished")
    assert entries(vpc2, "CEN") == {("10.10.10.0/24", "CEN", "VPC", vpc1["VpcId"])}

    # Withdrawn from VPC 1's table, the route is no longer advertised either.
    v.publish_vpn_route_entry(m.PublishVpnRouteEntryRequest(
        region_id=region, vpn_gateway_id=gw["VpnGatewayId"], route_dest="10.10.10.0/24", next_hop=vco, route_type="dbr",
        publish_vpc=False))
    assert not any(e[0] == "10.10.10.0/24" for e in entries(vpc1))
    assert entries(vpc2, "CEN") == set()


def test_vpn_gateway_routes_are_listed_as_the_engine_orders_them(server):
    region = "ap-southeast-3"
    v = new_vpc_client(server, AK, SK)
    vpc = v.create_vpc(m.CreateVpcRequest(region_id=region, cidr_block="10.83.0.0/16")).body.to_map()
    gw = v.create_vpn_gateway(m.CreateVpnGatewayRequest(region_id=region, vpc_id=vpc["VpcId"], bandwidth=5)).body.to_map()
    vcos = []
    for ip in ("198.51.100.83", "198.51.100.84"):
        cgw = v.create_customer_gateway(m.CreateCustomerGatewayRequest(region_id=region, ip_address=ip)).body.to_map()
        vcos.append(v.create_vpn_connection(m.CreateVpnConnectionRequest(
            region_id=region, vpn_gateway_id=gw["VpnGatewayId"], customer_gateway_id=cgw["CustomerGatewayId"],
            local_subnet="10.83.0.0/16", remote_subnet="192.168.83.0/24")).body.to_map()["VpnConnectionId"])
    # Created standby first and in descending destination order; listed by destination, the active one first.
    for dest, hop, weight in (("192.168.84.0/24", vcos[1], 0), ("192.168.84.0/24", vcos[0], 100),
                              ("192.168.83.0/24", vcos[0], 100)):
        v.create_vpn_route_entry(m.CreateVpnRouteEntryRequest(
            region_id=region, vpn_gateway_id=gw["VpnGatewayId"], route_dest=dest, next_hop=hop, weight=weight,
            publish_vpc=False))
    body = v.describe_vpn_route_entries(m.DescribeVpnRouteEntriesRequest(
        region_id=region, vpn_gateway_id=gw["VpnGatewayId"])).body.to_map()
    assert [(r["RouteDest"], r["NextHop"], r["Weight"]) for r in body["VpnRouteEntries"]["VpnRouteEntry"]] == [
        ("192.168.83.0/24", vcos[0], 100), ("192.168.84.0/24", vcos[0], 100), ("192.168.84.0/24", vcos[1], 0)]
