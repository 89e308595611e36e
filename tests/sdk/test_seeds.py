"""Seeds 002 and 003 built entirely through the SDKs, with their route tables and TestConnectivity checked.

Cloud resources go through the official SDKs (new generation for VPC and CEN, the old one for ECS, which has
no new-generation package in the test command); the offices and the IDC (Version 2026-11-01, which no SDK
knows) go through the old SDK's CommonRequest and the new SDK's generic `call_api`. Each seed gets its own
server, so its quotas and addresses do not meet the other tests' resources.
"""
import json

import pytest
from aliyunsdkecs.request.v20140526.AuthorizeSecurityGroupRequest import AuthorizeSecurityGroupRequest
from aliyunsdkecs.request.v20140526.CreateSecurityGroupRequest import CreateSecurityGroupRequest
from aliyunsdkecs.request.v20140526.RunInstancesRequest import RunInstancesRequest
from alibabacloud_cbn20170912 import models as cbn
from alibabacloud_tea_openapi import models as open_api_models
from alibabacloud_tea_openapi import utils_models as open_api_util_models
from alibabacloud_tea_openapi.client import Client as OpenApiClient
from alibabacloud_tea_openapi.utils import Utils
from darabonba.runtime import RuntimeOptions
from alibabacloud_vpc20160428 import models as m

from conftest import AK, SK
from sdk import common_request, new_cbn_client, new_vpc_client, old_call, old_client

SITE_VERSION = "2026-11-01"


class Cloud:
    """One seed's clients against its own server."""

    def __init__(self, server):
        self.server = server
        self.vpc = new_vpc_client(server, AK, SK)
        self.cen = new_cbn_client(server, AK, SK)
        self.old = old_client(AK, SK)
        cfg = open_api_models.Config(access_key_id=AK, access_key_secret=SK, endpoint=server.endpoint,
                                     protocol="http", region_id="cn-hangzhou")
        self.generic = OpenApiClient(cfg)

    # -- the ECS part (old SDK) --
    def security_group(self, region, vpc_id, name, ingress_cidrs):
        r = CreateSecurityGroupRequest()
        r.set_VpcId(vpc_id)
        r.set_SecurityGroupName(name)
        r.add_query_param("RegionId", region)
        group = old_call(self.server, self.old, r)["SecurityGroupId"]
        for cidr in ingress_cidrs:
            a = AuthorizeSecurityGroupRequest()
            a.set_SecurityGroupId(group)
            a.set_IpProtocol("all")
            a.set_PortRange("-1/-1")
            a.set_SourceCidrIp(cidr)
            a.add_query_param("RegionId", region)
            old_call(self.server, self.old, a)
        return group

    def instance(self, region, vswitch_id, group_id, ip, name):
        r = RunInstancesRequest()
        r.set_ImageId("aliyun_3_x64_20G_alibase_20240819.vhd")
        r.set_InstanceType("ecs.g7.large")
        r.set_VSwitchId(vswitch_id)
        r.set_SecurityGroupId(group_id)
        r.set_PrivateIpAddress(ip)
        r.set_InstanceName(name)
        r.add_query_param("RegionId", region)
        return old_call(self.server, self.old, r)["InstanceIdSets"]["InstanceIdSet"][0]

    # -- Version 2026-11-01: the old SDK's CommonRequest for sites, the new SDK's call_api for the rest --
    def site_call(self, action, **params):
        r = common_request(action, version=SITE_VERSION, **params)
        return old_call(self.server, self.old, r)

    def generic_call(self, action, **params):
        api = open_api_util_models.Params(action=action, version=SITE_VERSION, protocol="HTTP", pathname="/",
                                          method="POST", auth_type="AK", style="RPC", req_body_type="formData",
                                          body_type="json")
        request = open_api_util_models.OpenApiRequest(query=Utils.query({k: str(v) for k, v in params.items()}))
        return self.generic.call_api(api, request, RuntimeOptions())["body"]

    def site(self, name, region, cidrs, gateway_ip):
        params = {f"CidrBlock.{i + 1}": c for i, c in enumerate(cidrs)}
        return self.site_call("CreateSite", RegionId=region, Name=name, GatewayIpAddress=gateway_ip, **params)["SiteId"]

    def test(self, source, destination, protocol="icmp", port=None):
        params = dict(SourceIp=source, DestinationIp=destination, Protocol=protocol)
        if port is not None:
            params["DestinationPort"] = port
        return self.generic_call("TestConnectivity", **params)

    # -- VPC and VPN (new SDK) --
    def make_vpc(self, region, cidr, name, vswitch_cidr, zone):
        vpc = self.vpc.create_vpc(m.CreateVpcRequest(region_id=region, cidr_block=cidr, vpc_name=name)).body.to_map()
        vsw = self.vpc.create_vswitch(m.CreateVSwitchRequest(region_id=region, vpc_id=vpc["VpcId"], zone_id=zone,
                                                             cidr_block=vswitch_cidr)).body.to_map()["VSwitchId"]
        return vpc, vsw

    def gateway(self, region, vpc_id, vswitch_id, name):
        gw = self.vpc.create_vpn_gateway(m.CreateVpnGatewayRequest(region_id=region, vpc_id=vpc_id, v_switch_id=vswitch_id,
                                                                   bandwidth=5, enable_ipsec=True, enable_ssl=False,
                                                                   name=name)).body.to_map()["VpnGatewayId"]
        ip = self.vpc.describe_vpn_gateway(m.DescribeVpnGatewayRequest(region_id=region, vpn_gateway_id=gw)).body.to_map()["InternetIp"]
        return gw, ip

    def connection(self, region, gateway_id, cgw_ip, local, remote, psk, name):
        cgw = self.vpc.create_customer_gateway(m.CreateCustomerGatewayRequest(region_id=region, ip_address=cgw_ip,
                                                                              name=f"{name} peer")).body.to_map()["CustomerGatewayId"]
        return self.vpc.create_vpn_connection(m.CreateVpnConnectionRequest(
            region_id=region, vpn_gateway_id=gateway_id, customer_gateway_id=cgw, local_subnet=local, remote_subnet=remote,
            effect_immediately=True, ike_config=json.dumps({"Psk": psk}), name=name)).body.to_map()["VpnConnectionId"]

    def routes(self, region, table_id):
        body = self.vpc.describe_route_entry_list(m.DescribeRouteEntryListRequest(region_id=region, route_table_id=table_id,
                                                                                  max_result=100)).body.to_map()
        return {e["DestinationCidrBlock"]: (e["Type"], e["NextHops"]["NextHop"][0]["NextHopType"])
                for e in body["RouteEntrys"]["RouteEntry"]}

    def connection_status(self, region, connection_id):
        return self.vpc.describe_vpn_connection(m.DescribeVpnConnectionRequest(
            region_id=region, vpn_connection_id=connection_id)).body.to_map()["Status"]


@pytest.fixture
def cloud(start_server):
    return Cloud(start_server("--db", ":memory:", "--access-key", f"{AK}:{SK}"))


def test_seed_002_ipsec_and_cen_built_through_the_sdks(cloud):
    offices = {}  # name -> (site id, connection id, gateway region)
    vpcs = {}
    plan = [  # the seed's two halves: VPC, VPN gateway, two offices each
        ("us-west-1", "VPC 1", "172.16.0.0/16", "172.16.1.0/24", "172.16.1.10",
         [("Office 1", "10.10.10.0/24", "1.1.1.1", "123456"), ("Office 2", "10.10.20.0/24", "2.2.2.2", "654321")]),
        ("cn-shanghai", "VPC 2", "192.168.0.0/16", "192.168.1.0/24", "192.168.1.10",
         [("Office 3", "10.20.10.0/24", "3.3.3.3", "123456"), ("Office 4", "10.20.20.0/24", "4.4.4.4", "654321")]),
    ]
    everyone = ["10.10.10.0/24", "10.10.20.0/24", "10.20.10.0/24", "10.20.20.0/24", "172.16.0.0/16", "192.168.0.0/16"]
    for region, name, cidr, vsw_cidr, app_ip, office_list in plan:
        vpc, vsw = cloud.make_vpc(region, cidr, name, vsw_cidr, f"{region}-a")
        group = cloud.security_group(region, vpc["VpcId"], f"App in {name}", [c for c in everyone if c != cidr])
        cloud.instance(region, vsw, group, app_ip, f"App in {name}")
        gw, gw_ip = cloud.gateway(region, vpc["VpcId"], vsw, f"VPN gateway of {name}")
        vpcs[name] = (region, vpc, gw, gw_ip)
        for office, office_cidr, device_ip, psk in office_list:
            conn = cloud.connection(region, gw, device_ip, cidr, office_cidr, psk, f"IPsec-VPN connection of {office}")
            # Step 1.5 / 2.5: destination-based route to the office, published to the VPC
            cloud.vpc.create_vpn_route_entry(m.CreateVpnRouteEntryRequest(region_id=region, vpn_gateway_id=gw, route_dest=office_cidr,
                                                                          next_hop=conn, publish_vpc=True, weight=0))
            site = cloud.site(office, region, [office_cidr], device_ip)
            cloud.site_call("LoadVpnConnectionConfig", SiteId=site, VpnConnectionId=conn)
            offices[office] = (site, conn, region, office_cidr)

    # Step 3 and 4: CEN with both VPCs, the VPN routes published; the bandwidth plan for US-China
    cen = cloud.cen.create_cen(cbn.CreateCenRequest(name="CEN")).body.to_map()["CenId"]
    package = cloud.cen.create_cen_bandwidth_package(cbn.CreateCenBandwidthPackageRequest(
        bandwidth=10, geographic_region_aid="North-America", geographic_region_bid="China",
        name="US-China plan")).body.to_map()["CenBandwidthPackageId"]
    cloud.cen.associate_cen_bandwidth_package(cbn.AssociateCenBandwidthPackageRequest(cen_id=cen, cen_bandwidth_package_id=package))
    for name, (region, vpc, _, _) in vpcs.items():
        cloud.cen.attach_cen_child_instance(cbn.AttachCenChildInstanceRequest(cen_id=cen, child_instance_id=vpc["VpcId"],
                                                                              child_instance_type="VPC", child_instance_region_id=region))
    cloud.cen.set_cen_inter_region_bandwidth_limit(cbn.SetCenInterRegionBandwidthLimitRequest(
        cen_id=cen, local_region_id="us-west-1", opposite_region_id="cn-shanghai", bandwidth_limit=10))
    for office, (_, _, region, office_cidr) in offices.items():
        vpc = next(v for r, v, _, _ in vpcs.values() if r == region)
        cloud.cen.publish_route_entries(cbn.PublishRouteEntriesRequest(
            cen_id=cen, child_instance_id=vpc["VpcId"], child_instance_region_id=region, child_instance_type="VPC",
            child_instance_route_table_id=vpc["RouteTableId"], destination_cidr_block=office_cidr))

    # Step 5: each office's device routes the other offices and both VPCs to its VPN gateway
    for office, (site, _, region, office_cidr) in offices.items():
        gw_ip = next(ip for r, _, _, ip in vpcs.values() if r == region)
        for destination in everyone:
            if destination != office_cidr:
                cloud.site_call("CreateSiteRouteEntry", SiteId=site, DestinationCidrBlock=destination, NextHopIp=gw_ip)

    # The route tables the seed's figures show
    region1, vpc1, _, _ = vpcs["VPC 1"]
    region2, vpc2, _, _ = vpcs["VPC 2"]
    table1 = cloud.routes(region1, vpc1["RouteTableId"])
    assert table1["10.10.10.0/24"] == ("Custom", "VpnGateway")
    assert table1["10.10.20.0/24"] == ("Custom", "VpnGateway")
    assert table1["10.20.10.0/24"][0] == "CEN" and table1["10.20.20.0/24"][0] == "CEN"
    assert table1["192.168.1.0/24"][0] == "CEN"
    table2 = cloud.routes(region2, vpc2["RouteTableId"])
    assert table2["10.20.10.0/24"] == ("Custom", "VpnGateway")
    assert table2["10.10.10.0/24"][0] == "CEN" and table2["172.16.1.0/24"][0] == "CEN"
    for office, (_, conn, region, _) in offices.items():
        assert cloud.connection_status(region, conn) == "ipsec_sa_established", office

    # Every office reaches every other office and both applications, and back
    for a in ("10.10.10.5", "10.10.20.5", "10.20.10.5", "10.20.20.5"):
        for b in ("10.10.10.5", "10.10.20.5", "10.20.10.5", "10.20.20.5", "172.16.1.10", "192.168.1.10"):
            if a != b:
                result = cloud.test(a, b)
                assert (result["Reachable"], result["Outcome"]) == (True, "ACCEPTED"), (a, b, result["Explanation"])
    result = cloud.test("10.10.10.5", "10.20.10.5")
    hops = [h["NodeName"] for h in result["ForwardHops"]["Hop"]]
    assert hops[:3] == ["Office 1", "VPN gateway of VPC 1", "VPC 1"], hops
    assert result["ReturnHops"]["Hop"][0]["NodeName"] == "Office 3"

    # Office 3's device configured with another key: the tunnel is down, and the answer says why and what to do
    site3, conn3, _, _ = offices["Office 3"]
    cloud.site_call("LoadVpnConnectionConfig", SiteId=site3, VpnConnectionId=conn3, Psk="wrong-key")
    result = cloud.test("10.10.10.5", "10.20.10.5")
    assert (result["Reachable"], result["Outcome"]) == (False, "TUNNEL_DOWN"), result
    assert "pre-shared key" in result["Explanation"] and result["Fix"]
    assert cloud.connection_status("cn-shanghai", conn3) != "ipsec_sa_established"


def test_seed_003_idc_and_four_vpcs_on_cen_built_through_the_sdks(cloud):
    vpcs = {}
    for region, name, cidr in (("cn-beijing", "Beijing VPC", "192.168.1.0/24"), ("cn-shanghai", "Shanghai VPC", "192.168.2.0/24"),
                               ("cn-hongkong", "Hong Kong VPC", "192.168.3.0/24"), ("cn-hangzhou", "Hangzhou VPC", "192.168.4.0/24")):
        vpc, vsw = cloud.make_vpc(region, cidr, name, cidr, f"{region}-b")
        group = cloud.security_group(region, vpc["VpcId"], f"{name} apps", ["10.1.1.0/24", "192.168.0.0/21"])
        cloud.instance(region, vsw, group, cidr.replace(".0/24", ".10"), f"App in {name}")
        vpcs[name] = (region, vpc, vsw)

    # The IPsec-VPN connection from the Hangzhou VPC to the IDC, and the VPC's route to it
    region, hangzhou, vsw = vpcs["Hangzhou VPC"]
    gw, gw_ip = cloud.gateway(region, hangzhou["VpcId"], vsw, "VPN Gateway")
    conn = cloud.connection(region, gw, "203.0.113.30", "192.168.0.0/21", "10.1.1.0/24", "idc-key", "IDC connection")
    cloud.vpc.create_route_entry(m.CreateRouteEntryRequest(region_id=region, route_table_id=hangzhou["RouteTableId"],
                                                           destination_cidr_block="10.1.1.0/24", next_hop_type="VpnGateway",
                                                           next_hop_id=gw))
    idc = cloud.site("IDC", region, ["10.1.1.0/24"], "203.0.113.30")
    cloud.site_call("LoadVpnConnectionConfig", SiteId=idc, VpnConnectionId=conn)
    for destination in ("192.168.1.0/24", "192.168.3.0/24", "0.0.0.0/0"):  # the seed's IDC table
        cloud.site_call("CreateSiteRouteEntry", SiteId=idc, DestinationCidrBlock=destination, NextHopIp=gw_ip)

    # CEN with the four VPCs; bandwidth for the cross-region pairs; the route to the IDC published
    cen = cloud.cen.create_cen(cbn.CreateCenRequest(name="CEN")).body.to_map()["CenId"]
    for a, b in (("China", "China"), ("China", "Asia-Pacific")):
        package = cloud.cen.create_cen_bandwidth_package(cbn.CreateCenBandwidthPackageRequest(
            bandwidth=10, geographic_region_aid=a, geographic_region_bid=b)).body.to_map()["CenBandwidthPackageId"]
        cloud.cen.associate_cen_bandwidth_package(cbn.AssociateCenBandwidthPackageRequest(cen_id=cen, cen_bandwidth_package_id=package))
    for name, (r, vpc, _) in vpcs.items():
        cloud.cen.attach_cen_child_instance(cbn.AttachCenChildInstanceRequest(cen_id=cen, child_instance_id=vpc["VpcId"],
                                                                              child_instance_type="VPC", child_instance_region_id=r))
    regions = [r for r, _, _ in vpcs.values()]
    for i, a in enumerate(regions):
        for b in regions[i + 1:]:
            cloud.cen.set_cen_inter_region_bandwidth_limit(cbn.SetCenInterRegionBandwidthLimitRequest(
                cen_id=cen, local_region_id=a, opposite_region_id=b, bandwidth_limit=2))

    # Before publishing, only the Hangzhou VPC knows the way to the IDC
    result = cloud.test("10.1.1.5", "192.168.1.10")
    assert result["Reachable"] is False and result["Outcome"] == "NO_ROUTE", result
    cloud.cen.publish_route_entries(cbn.PublishRouteEntriesRequest(
        cen_id=cen, child_instance_id=hangzhou["VpcId"], child_instance_region_id=region, child_instance_type="VPC",
        child_instance_route_table_id=hangzhou["RouteTableId"], destination_cidr_block="10.1.1.0/24"))

    for name, (r, vpc, _) in vpcs.items():
        table = cloud.routes(r, vpc["RouteTableId"])
        expected = ("Custom", "VpnGateway") if name == "Hangzhou VPC" else ("CEN", "VPC")
        assert table["10.1.1.0/24"][0] == expected[0], (name, table)
    learned = cloud.cen.describe_cen_child_instance_route_entries(cbn.DescribeCenChildInstanceRouteEntriesRequest(
        cen_id=cen, child_instance_id=vpcs["Beijing VPC"][1]["VpcId"], child_instance_type="VPC",
        child_instance_region_id="cn-beijing")).body.to_map()
    idc_route = next(e for e in learned["CenRouteEntries"]["CenRouteEntry"] if e["DestinationCidrBlock"] == "10.1.1.0/24")
    assert (idc_route["Type"], idc_route["Status"]) == ("CEN", "Active")
    assert cloud.connection_status(region, conn) == "ipsec_sa_established"

    # The IDC reaches the Beijing and Hong Kong VPCs through its own routes and the CEN, and the others by its
    # default route; every application reaches the IDC back.
    for address in ("192.168.1.10", "192.168.2.10", "192.168.3.10", "192.168.4.10"):
        there = cloud.test("10.1.1.5", address, protocol="tcp", port=22)
        assert (there["Reachable"], there["Outcome"]) == (True, "ACCEPTED"), (address, there["Explanation"])
        back = cloud.test(address, "10.1.1.5")
        assert back["Reachable"] is True, (address, back["Explanation"])
