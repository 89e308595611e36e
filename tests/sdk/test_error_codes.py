"""Reference error codes (docs/api.md "Error codes of the reference, case by case") through both SDK generations.

Each case is sent once by the old SDK (aliyunsdkcore CommonRequest, V2) and once by the new SDK (typed models,
V3); both must see the reference's HTTP status and code, and a message quoting the value.
"""
from alibabacloud_vpc20160428 import models as m

from conftest import AK, SK
from sdk import common_request, new_error, new_vpc_client, old_client, old_error


def both(server, old_action, old_params, new_call, status, code, quoted):
    """Asserts that the old-SDK request and the new-SDK call both fail with (status, code) quoting `quoted`."""
    e = old_error(server, old_client(AK, SK), common_request(old_action, **old_params))
    assert (e.get_http_status(), e.get_error_code()) == (status, code), e.get_error_msg()
    assert quoted in e.get_error_msg()
    e = new_error(new_call)
    assert (e.status_code, e.code) == (status, code), e.message
    assert quoted in e.message


def network(c, region, cidr="10.0.0.0/16", vswitch="10.0.1.0/24"):
    vpc = c.create_vpc(m.CreateVpcRequest(region_id=region, cidr_block=cidr)).body.to_map()
    c.create_vswitch(m.CreateVSwitchRequest(region_id=region, vpc_id=vpc["VpcId"], zone_id=f"{region}-b",
                                            cidr_block=vswitch))
    return vpc


def test_vpn_gateway_codes(server):
    region = "audit-1"
    c = new_vpc_client(server, AK, SK)
    vpc = network(c, region)
    both(server, "CreateCustomerGateway", dict(RegionId=region, IpAddress="198.51.100.40", Description="http://cgw"),
         lambda: c.create_customer_gateway(m.CreateCustomerGatewayRequest(region_id=region, ip_address="198.51.100.40",
                                                                         description="http://cgw")),
         400, "InvalidDescription", "http://cgw")
    # The new SDK's CreateVpnGatewayRequest has no Description field; the old SDK's CommonRequest sends it.
    e = old_error(server, old_client(AK, SK), common_request("CreateVpnGateway", RegionId=region, VpcId=vpc["VpcId"],
                                                             Bandwidth="10", Description="http://gw"))
    assert (e.get_http_status(), e.get_error_code()) == (400, "InvalidDescription") and "http://gw" in e.get_error_msg()
    both(server, "CreateCustomerGateway", dict(RegionId=region, IpAddress="198.51.100.40", Name="https://cgw"),
         lambda: c.create_customer_gateway(m.CreateCustomerGatewayRequest(region_id=region, ip_address="198.51.100.40",
                                                                         name="https://cgw")),
         400, "InvalidName", "https://cgw")
    gw = c.create_vpn_gateway(m.CreateVpnGatewayRequest(region_id=region, vpc_id=vpc["VpcId"], bandwidth=10,
                                                        instance_charge_type="PREPAY", period=1)).body.vpn_gateway_id
    both(server, "DeleteVpnGateway", dict(RegionId=region, VpnGatewayId=gw),
         lambda: c.delete_vpn_gateway(m.DeleteVpnGatewayRequest(region_id=region, vpn_gateway_id=gw)),
         403, "ForbiddenRelease", gw)
    listed = c.describe_vpn_gateways(m.DescribeVpnGatewaysRequest(region_id=region)).body.to_map()
    assert [g["VpnGatewayId"] for g in listed["VpnGateways"]["VpnGateway"]] == [gw]
    both(server, "DeleteCustomerGateway", dict(RegionId=region, CustomerGatewayId="cgw-nope"),
         lambda: c.delete_customer_gateway(m.DeleteCustomerGatewayRequest(region_id=region,
                                                                         customer_gateway_id="cgw-nope")),
         404, "InvalidCustomerGatewayInstanceId.NotFound", "cgw-nope")


def test_route_entry_next_hop_codes(server):
    region = "audit-2"
    c = new_vpc_client(server, AK, SK)
    vpc = network(c, region)
    table = vpc["RouteTableId"]
    both(server, "CreateRouteEntry", dict(RegionId=region, RouteTableId=table, DestinationCidrBlock="192.168.0.0/16"),
         lambda: c.create_route_entry(m.CreateRouteEntryRequest(region_id=region, route_table_id=table,
                                                               destination_cidr_block="192.168.0.0/16")),
         400, "InvalidNexthopTypeAndList.BothNull", "NextHopList")
    hop = {"NextHopList.1.NextHopType": "RouterInterface", "NextHopList.1.NextHopId": "ri-1"}
    both(server, "CreateRouteEntry",
         dict(RegionId=region, RouteTableId=table, DestinationCidrBlock="192.168.0.0/16", **hop),
         lambda: c.create_route_entry(m.CreateRouteEntryRequest(
             region_id=region, route_table_id=table, destination_cidr_block="192.168.0.0/16",
             next_hop_list=[m.CreateRouteEntryRequestNextHopList(next_hop_type="RouterInterface", next_hop_id="ri-1")])),
         400, "InvalidNexthopListSize", "1 entry")
    hops = dict(hop, **{"NextHopList.2.NextHopType": "RouterInterface", "NextHopList.2.NextHopId": "ri-2"})
    both(server, "CreateRouteEntry",
         dict(RegionId=region, RouteTableId=table, DestinationCidrBlock="192.168.0.0/16", **hops),
         lambda: c.create_route_entry(m.CreateRouteEntryRequest(
             region_id=region, route_table_id=table, destination_cidr_block="192.168.0.0/16",
             next_hop_list=[m.CreateRouteEntryRequestNextHopList(next_hop_type="RouterInterface", next_hop_id=i)
                            for i in ("ri-1", "ri-2")])),
         400, "InvalidRouterInterface", "ri-1")
    both(server, "CreateRouteEntry", dict(RegionId=region, RouteTableId=table, DestinationCidrBlock="100.64.1.0/24",
                                          NextHopType="VpnGateway", NextHopId="vpn-x"),
         lambda: c.create_route_entry(m.CreateRouteEntryRequest(region_id=region, route_table_id=table,
                                                               destination_cidr_block="100.64.1.0/24",
                                                               next_hop_type="VpnGateway", next_hop_id="vpn-x")),
         400, "InvalidCidrBlock", "100.64.1.0/24")


def test_quota_codes(start_server):
    s = start_server("--db", ":memory:", "--access-key", f"{AK}:{SK}", "--quota", "vpcs-per-region=1",
                     "--quota", "connections-per-vpn-gateway=1")
    region = "audit-3"
    c = new_vpc_client(s, AK, SK)
    both(s, "CreateVpc", dict(RegionId=region, CidrBlock="10.0.0.0/16", VpcName="http://vpc"),
         lambda: c.create_vpc(m.CreateVpcRequest(region_id=region, cidr_block="10.0.0.0/16", vpc_name="http://vpc")),
         400, "InvalidVpcName.Malformed", "http://vpc")
    both(s, "CreateVpc", dict(RegionId=region, CidrBlock="10.0.0.0/30"),
         lambda: c.create_vpc(m.CreateVpcRequest(region_id=region, cidr_block="10.0.0.0/30")),
         400, "InvalidParameter", "10.0.0.0/30")
    vpc = network(c, region)
    both(s, "CreateVpc", dict(RegionId=region, CidrBlock="10.1.0.0/16"),
         lambda: c.create_vpc(m.CreateVpcRequest(region_id=region, cidr_block="10.1.0.0/16")),
         400, "QuotaExceeded.Vpc", "1 of 1")
    gw = c.create_vpn_gateway(m.CreateVpnGatewayRequest(region_id=region, vpc_id=vpc["VpcId"],
                                                        bandwidth=10)).body.vpn_gateway_id
    cgws = [c.create_customer_gateway(m.CreateCustomerGatewayRequest(region_id=region, ip_address=ip))
            .body.customer_gateway_id for ip in ("198.51.100.41", "198.51.100.42")]
    c.create_vpn_connection(m.CreateVpnConnectionRequest(region_id=region, vpn_gateway_id=gw,
                                                         customer_gateway_id=cgws[0], local_subnet="10.0.0.0/16",
                                                         remote_subnet="192.168.0.0/16"))
    for cgw, code in ((cgws[0], "InvalidVpnConnection.AlreadyExists"), (cgws[1], "Resource.QuotaFull")):
        both(s, "CreateVpnConnection",
             dict(RegionId=region, VpnGatewayId=gw, CustomerGatewayId=cgw, LocalSubnet="10.0.0.0/16",
                  RemoteSubnet="192.168.0.0/16"),
             lambda: c.create_vpn_connection(m.CreateVpnConnectionRequest(
                 region_id=region, vpn_gateway_id=gw, customer_gateway_id=cgw, local_subnet="10.0.0.0/16",
                 remote_subnet="192.168.0.0/16")),
             400, code, gw)
    both(s, "CreateCustomerGateway", dict(RegionId=region, IpAddress="198.51.100.41"),
         lambda: c.create_customer_gateway(m.CreateCustomerGatewayRequest(region_id=region,
                                                                         ip_address="198.51.100.41")),
         400, "InvalidIpAddress.AlreadyExist", "198.51.100.41")
