"""Resources through both SDKs: VPCs, vSwitches, route tables, VPN; paging, idempotency, DryRun, errors, XML."""
import json
import xml.etree.ElementTree as ET

import pytest
from aliyunsdkcore.client import AcsClient
from aliyunsdkvpc.request.v20160428.CreateVpcRequest import CreateVpcRequest
from aliyunsdkvpc.request.v20160428.CreateVSwitchRequest import CreateVSwitchRequest
from aliyunsdkvpc.request.v20160428.DescribeVpcsRequest import DescribeVpcsRequest
from aliyunsdkvpc.request.v20160428.DeleteVpcRequest import DeleteVpcRequest
from aliyunsdkvpc.request.v20160428.CreateVpnGatewayRequest import CreateVpnGatewayRequest
from aliyunsdkvpc.request.v20160428.DescribeVpnGatewaysRequest import DescribeVpnGatewaysRequest
from alibabacloud_vpc20160428 import models as m
from alibabacloud_tea_openapi import models as open_api_models
from alibabacloud_tea_openapi.utils import Utils
from darabonba.runtime import RuntimeOptions

from conftest import AK, SK
from sdk import common_request, new_error, new_vpc_client, old_call, old_error, raw_v2


def old(region):
    return AcsClient(AK, SK, region)


def old_create_vpc(server, region, cidr="10.0.0.0/16", name=None, token=None, dry_run=None):
    r = CreateVpcRequest()
    r.set_CidrBlock(cidr)
    if name:
        r.set_VpcName(name)
    if token:
        r.set_ClientToken(token)
    if dry_run is not None:
        r.set_DryRun(dry_run)
    return r


def test_vpc_vswitch_route_lifecycle_new_sdk(server):
    region = "cn-shanghai"
    c = new_vpc_client(server, AK, SK)
    vpc = c.create_vpc(m.CreateVpcRequest(region_id=region, cidr_block="10.1.0.0/16", vpc_name="vpc-one")).body.to_map()
    assert vpc["VpcId"].startswith("vpc-") and vpc["VRouterId"].startswith("vrt-") and vpc["RouteTableId"].startswith("vtb-")

    listed = c.describe_vpcs(m.DescribeVpcsRequest(region_id=region, vpc_id=vpc["VpcId"])).body.to_map()
    assert listed["TotalCount"] == 1
    assert listed["Vpcs"]["Vpc"][0]["CidrBlock"] == "10.1.0.0/16"
    assert listed["Vpcs"]["Vpc"][0]["VpcName"] == "vpc-one"
    assert listed["Vpcs"]["Vpc"][0]["Status"] == "Available"

    ids = []
    for i in range(3):
        body = c.create_vswitch(m.CreateVSwitchRequest(region_id=region, vpc_id=vpc["VpcId"], zone_id=f"{region}-b",
                                                       cidr_block=f"10.1.{i}.0/24", v_switch_name=f"vsw{i}")).body.to_map()
        ids.append(body["VSwitchId"])

    page1 = c.describe_vswitches(m.DescribeVSwitchesRequest(region_id=region, vpc_id=vpc["VpcId"], page_size=2)).body.to_map()
    assert (page1["TotalCount"], page1["PageNumber"], page1["PageSize"]) == (3, 1, 2)
    assert [v["VSwitchId"] for v in page1["VSwitches"]["VSwitch"]] == ids[:2]
    assert page1["VSwitches"]["VSwitch"][0]["AvailableIpAddressCount"] == 252
    page2 = c.describe_vswitches(m.DescribeVSwitchesRequest(region_id=region, vpc_id=vpc["VpcId"], page_size=2, page_number=2)).body.to_map()
    assert [v["VSwitchId"] for v in page2["VSwitches"]["VSwitch"]] == ids[2:]

    gw = c.create_vpn_gateway(m.CreateVpnGatewayRequest(region_id=region, vpc_id=vpc["VpcId"], bandwidth=10, name="gw 1")).body.to_map()
    route = c.create_route_entry(m.CreateRouteEntryRequest(region_id=region, route_table_id=vpc["RouteTableId"],
                                                           destination_cidr_block="192.168.0.0/16", next_hop_type="VpnGateway",
                                                           next_hop_id=gw["VpnGatewayId"])).body.to_map()
    assert route["RouteEntryId"].startswith("rte-")

    tables = c.describe_route_tables(m.DescribeRouteTablesRequest(region_id=region, route_table_id=vpc["RouteTableId"])).body.to_map()
    entries = tables["RouteTables"]["RouteTable"][0]["RouteEntrys"]["RouteEntry"]
    table = {(e["DestinationCidrBlock"], e["Type"], e["NextHopType"]) for e in entries}
    assert table == {("10.1.0.0/24", "System", "local"), ("10.1.1.0/24", "System", "local"), ("10.1.2.0/24", "System", "local"),
                     ("100.64.0.0/10", "System", "service"), ("192.168.0.0/16", "Custom", "VpnGateway")}

    # NextToken/MaxResult paging over the five entries.
    seen, token = [], None
    while True:
        body = c.describe_route_entry_list(m.DescribeRouteEntryListRequest(region_id=region, route_table_id=vpc["RouteTableId"],
                                                                           max_result=2, next_token=token)).body.to_map()
        assert body["TotalCount"] == 5
        seen += [e["DestinationCidrBlock"] for e in body["RouteEntrys"]["RouteEntry"]]
        token = body.get("NextToken")
        if not token:
            break
    assert len(seen) == 5 and len(set(seen)) == 5

    e = new_error(lambda: c.delete_vpc(m.DeleteVpcRequest(region_id=region, vpc_id=vpc["VpcId"])))
    assert (e.status_code, e.code) == (400, "DependencyViolation.VSwitch")
    c.delete_route_entry(m.DeleteRouteEntryRequest(region_id=region, route_entry_id=route["RouteEntryId"]))
    c.delete_vpn_gateway(m.DeleteVpnGatewayRequest(region_id=region, vpn_gateway_id=gw["VpnGatewayId"]))
    for i in ids:
        c.delete_vswitch(m.DeleteVSwitchRequest(region_id=region, v_switch_id=i))
    c.delete_vpc(m.DeleteVpcRequest(region_id=region, vpc_id=vpc["VpcId"]))
    assert c.describe_vpcs(m.DescribeVpcsRequest(region_id=region)).body.to_map()["TotalCount"] == 0


def test_vpc_paging_old_sdk(server):
    region = "cn-qingdao"
    client = old(region)
    for i in range(5):
        old_call(server, client, old_create_vpc(server, region, cidr=f"10.{i}.0.0/16", name=f"p{i}"))
    r = DescribeVpcsRequest()
    r.set_PageSize(2)
    r.set_PageNumber(3)
    body = old_call(server, client, r)
    assert (body["TotalCount"], body["PageNumber"], body["PageSize"]) == (5, 3, 2)
    assert [v["VpcName"] for v in body["Vpcs"]["Vpc"]] == ["p4"]
    r = DescribeVpcsRequest()
    r.set_PageSize(51)
    e = old_error(server, client, r)
    assert (e.get_http_status(), e.get_error_code()) == (400, "InvalidParameter")
    assert "'51'" in e.get_error_msg()


def test_client_token_makes_create_idempotent(server):
    region = "cn-shenzhen"
    client = old(region)
    first = old_call(server, client, old_create_vpc(server, region, token="tok-1"))
    again = old_call(server, client, old_create_vpc(server, region, token="tok-1"))
    assert first["VpcId"] == again["VpcId"]
    assert first["RequestId"] != again["RequestId"]
    assert old_call(server, client, DescribeVpcsRequest())["TotalCount"] == 1
    e = old_error(server, client, old_create_vpc(server, region, cidr="10.9.0.0/16", token="tok-1"))
    assert (e.get_http_status(), e.get_error_code()) == (400, "IdempotentParameterMismatch")
    other = old_call(server, client, old_create_vpc(server, region, token="tok-2"))
    assert other["VpcId"] != first["VpcId"]


def test_client_token_new_sdk(server):
    region = "cn-zhangjiakou"
    c = new_vpc_client(server, AK, SK)
    a = c.create_vpc(m.CreateVpcRequest(region_id=region, cidr_block="10.0.0.0/8", client_token="abc")).body.vpc_id
    b = c.create_vpc(m.CreateVpcRequest(region_id=region, cidr_block="10.0.0.0/8", client_token="abc")).body.vpc_id
    assert a == b


def test_dry_run_checks_and_changes_nothing(server):
    region = "cn-huhehaote"
    client = old(region)
    e = old_error(server, client, old_create_vpc(server, region, dry_run=True))
    assert (e.get_http_status(), e.get_error_code()) == (400, "DryRunOperation")
    assert old_call(server, client, DescribeVpcsRequest())["TotalCount"] == 0
    e = old_error(server, client, old_create_vpc(server, region, cidr="10.0.0.0/33", dry_run=True))
    assert e.get_error_code() == "InvalidCidrBlock.Malformed"


def test_bad_input_gets_the_cloud_codes(server):
    region = "cn-beijing"
    client = old(region)
    e = old_error(server, client, old_create_vpc(server, region, cidr="10.0.0.1/16"))
    assert (e.get_http_status(), e.get_error_code()) == (400, "InvalidCidrBlock.Malformed")
    assert "10.0.0.1/16" in e.get_error_msg() and "10.0.0.0/16" in e.get_error_msg()

    vpc = old_call(server, client, old_create_vpc(server, region, cidr="172.16.0.0/16"))
    sw = CreateVSwitchRequest()
    sw.set_VpcId(vpc["VpcId"])
    sw.set_CidrBlock("172.16.1.0/24")
    e = old_error(server, client, sw)
    assert (e.get_http_status(), e.get_error_code()) == (400, "MissingZoneId")
    sw.set_ZoneId("cn-beijing-a")
    old_call(server, client, sw)
    sw2 = CreateVSwitchRequest()
    sw2.set_VpcId(vpc["VpcId"])
    sw2.set_ZoneId("cn-beijing-a")
    sw2.set_CidrBlock("172.16.1.128/25")
    e = old_error(server, client, sw2)
    assert (e.get_http_status(), e.get_error_code()) == (400, "InvalidCidrBlock.Overlapped")
    sw2.set_CidrBlock("10.0.0.0/24")
    assert old_error(server, client, sw2).get_error_code() == "InvalidCidrBlock"

    d = DeleteVpcRequest()
    d.set_VpcId("vpc-doesnotexist")
    e = old_error(server, client, d)
    assert (e.get_http_status(), e.get_error_code()) == (404, "InvalidVpcId.NotFound")

    e = old_error(server, client, common_request("CreateVpnGateway", VpcId=vpc["VpcId"], Bandwidth="10", EnableIpsec="maybe"))
    assert (e.get_http_status(), e.get_error_code()) == (400, "InvalidParameter")
    assert "'maybe'" in e.get_error_msg()
    # Booleans in any case.
    gw = old_call(server, client, common_request("CreateVpnGateway", VpcId=vpc["VpcId"], Bandwidth="5", EnableIpsec="TRUE", EnableSsl="false"))
    assert gw["VpnGatewayId"].startswith("vpn-")
    e = old_error(server, client, common_request("CreateVpnGateway", VpcId=vpc["VpcId"], Bandwidth="7"))
    assert e.get_error_code() == "InvalidParameter" and "'7'" in e.get_error_msg()


def test_unknown_action_and_version(server):
    client = old("cn-hangzhou")
    e = old_error(server, client, common_request("NoSuchAction"))
    assert (e.get_http_status(), e.get_error_code()) == (404, "InvalidAction.NotFound")
    e = old_error(server, client, common_request("DescribeVpcs", version="2099-01-01"))
    assert (e.get_http_status(), e.get_error_code()) == (400, "InvalidParameter")
    c = new_vpc_client(server, AK, SK)
    params = open_api_models.Params(action="NoSuchAction", version="2016-04-28", protocol="HTTP", pathname="/", method="POST",
                                    auth_type="AK", style="RPC", req_body_type="formData", body_type="json")
    e = new_error(lambda: c.call_api(params, open_api_models.OpenApiRequest(query={"RegionId": "cn-hangzhou"}), RuntimeOptions()))
    assert (e.status_code, e.code) == (404, "InvalidAction.NotFound")


def test_xml_format(server):
    region = "ap-southeast-1"
    client = old(region)
    old_call(server, client, old_create_vpc(server, region, cidr="192.168.0.0/16", name="x&y"))
    status, headers, text = raw_v2(server, {"Action": "DescribeVpcs", "Version": "2016-04-28", "RegionId": region, "Format": "XML"})
    assert status == 200 and headers["Content-Type"] == "text/xml;charset=utf-8"
    root = ET.fromstring(text)
    assert root.tag == "DescribeVpcsResponse"
    assert root.findtext("TotalCount") == "1"
    vpcs = root.findall("Vpcs/Vpc")
    assert len(vpcs) == 1 and vpcs[0].findtext("VpcName") == "x&y" and vpcs[0].findtext("CidrBlock") == "192.168.0.0/16"
    status, _, text = raw_v2(server, {"Action": "DeleteVpc", "Version": "2016-04-28", "RegionId": region, "VpcId": "vpc-nope", "Format": "xml"})
    error = ET.fromstring(text)
    assert status == 404 and error.tag == "Error"
    assert error.findtext("Code") == "InvalidVpcId.NotFound" and error.findtext("HostId") == "vpc.aliyuncs.com"
    assert error.findtext("RequestId") and error.findtext("Recommend").startswith("https://")


def test_get_query_and_post_form_body(server):
    region = "us-west-1"
    status, _, text = raw_v2(server, {"Action": "CreateVpc", "Version": "2016-04-28", "RegionId": region, "CidrBlock": "10.0.0.0/16", "VpcName": "a b+c"}, method="POST", form=True)
    assert status == 200, text
    status, _, text = raw_v2(server, {"Action": "DescribeVpcs", "Version": "2016-04-28", "RegionId": region})
    body = json.loads(text)
    assert status == 200 and body["Vpcs"]["Vpc"][0]["VpcName"] == "a b+c"
    status, _, text = raw_v2(server, {"Action": "DescribeVpcs", "Version": "2016-04-28", "RegionId": region}, sk="wrong")
    body = json.loads(text)
    assert status == 400 and body["Code"] == "SignatureDoesNotMatch"
    assert set(body) == {"RequestId", "HostId", "Code", "Message", "Recommend"}
    status, _, text = raw_v2(server, {"Version": "2016-04-28", "RegionId": region})
    assert status == 400 and json.loads(text)["Code"] == "MissingParameter"


def test_flattened_lists(server):
    region = "us-east-1"
    client = old(region)
    vpc = old_call(server, client, old_create_vpc(server, region, cidr="10.0.0.0/16"))
    sw = CreateVSwitchRequest()
    sw.set_VpcId(vpc["VpcId"])
    sw.set_ZoneId("us-east-1a".replace("1a", "1-a"))
    sw.set_CidrBlock("10.0.1.0/24")
    old_call(server, client, sw)
    tables = old_call(server, client, common_request("DescribeRouteTables", RouteTableId=vpc["RouteTableId"]))
    entry_ids = [e["RouteEntryId"] for e in tables["RouteTables"]["RouteTable"][0]["RouteEntrys"]["RouteEntry"]]
    body = old_call(server, client, common_request("DescribeRouteEntryList", RouteTableId=vpc["RouteTableId"],
                                                   **{"DestCidrBlockList.1": "10.0.1.0/24", "DestCidrBlockList.2": "100.64.0.0/10"}))
    assert sorted(e["DestinationCidrBlock"] for e in body["RouteEntrys"]["RouteEntry"]) == ["10.0.1.0/24", "100.64.0.0/10"]
    assert all(e["RouteEntryId"] in entry_ids for e in body["RouteEntrys"]["RouteEntry"])
    e = old_error(server, client, common_request("DescribeRouteEntryList", RouteTableId=vpc["RouteTableId"], **{"DestCidrBlockList.x": "1"}))
    assert e.get_error_code() == "InvalidParameter"


def test_vpn_connection_with_json_parameters(server):
    region = "eu-central-1"
    for v2 in (False, True):
        c = new_vpc_client(server, AK, SK, v2)
        vpc = c.create_vpc(m.CreateVpcRequest(region_id=region, cidr_block="10.10.0.0/16")).body.to_map()
        c.create_vswitch(m.CreateVSwitchRequest(region_id=region, vpc_id=vpc["VpcId"], zone_id=f"{region}-a", cidr_block="10.10.1.0/24"))
        gw = c.create_vpn_gateway(m.CreateVpnGatewayRequest(region_id=region, vpc_id=vpc["VpcId"], bandwidth=10, name="gw 1")).body.to_map()
        assert gw["Name"] == "gw 1"  # `+` decoded as space
        ip = "198.51.100.10" if not v2 else "198.51.100.11"
        cgw = c.create_customer_gateway(m.CreateCustomerGatewayRequest(region_id=region, ip_address=ip, name="office")).body.to_map()
        assert cgw["IpAddress"] == ip and isinstance(cgw["CreateTime"], int)
        e = new_error(lambda: c.create_customer_gateway(m.CreateCustomerGatewayRequest(region_id=region, ip_address=ip)))
        assert (e.status_code, e.code) == (400, "InvalidIpAddress.AlreadyExist")

        ike = json.dumps({"Psk": "s3cret-key", "IkeVersion": "ikev2", "IkeEncAlg": "aes256", "IkeAuthAlg": "sha256"})
        ipsec = json.dumps({"IpsecEncAlg": "aes256", "IpsecAuthAlg": "sha256", "IpsecPfs": "group14"})
        vco = c.create_vpn_connection(m.CreateVpnConnectionRequest(
            region_id=region, vpn_gateway_id=gw["VpnGatewayId"], customer_gateway_id=cgw["CustomerGatewayId"],
            local_subnet="10.10.0.0/16,10.20.0.0/16", remote_subnet="192.168.1.0/24", name="to office",
            effect_immediately=True, ike_config=ike, ipsec_config=ipsec)).body.to_map()
        assert vco["VpnConnectionId"].startswith("vco-")

        body = c.describe_vpn_connections(m.DescribeVpnConnectionsRequest(region_id=region, vpn_gateway_id=gw["VpnGatewayId"])).body.to_map()
        (conn,) = body["VpnConnections"]["VpnConnection"]
        assert conn["IkeConfig"]["Psk"] == "s3cret-key" and conn["IkeConfig"]["IkeVersion"] == "ikev2"
        assert conn["IkeConfig"]["IkePfs"] == "group2"  # default
        assert conn["IkeConfig"]["LocalId"] == body_gateway_ip(c, region, gw["VpnGatewayId"])
        assert conn["IkeConfig"]["RemoteId"] == ip
        assert conn["IpsecConfig"]["IpsecPfs"] == "group14"
        assert conn["LocalSubnet"] == "10.10.0.0/16,10.20.0.0/16"
        assert conn["EffectImmediately"] is True
        assert conn["Status"] == "ike_sa_not_established"

        e = new_error(lambda: c.create_vpn_connection(m.CreateVpnConnectionRequest(
            region_id=region, vpn_gateway_id=gw["VpnGatewayId"], customer_gateway_id=cgw["CustomerGatewayId"],
            local_subnet="10.10.0.0/16", remote_subnet="192.168.1.0/24")))
        assert (e.status_code, e.code) == (400, "InvalidVpnConnection.AlreadyExists")
        e = new_error(lambda: c.create_vpn_connection(m.CreateVpnConnectionRequest(
            region_id=region, vpn_gateway_id=gw["VpnGatewayId"], customer_gateway_id=cgw["CustomerGatewayId"],
            local_subnet="10.10.0.0/16", remote_subnet="192.168.1.0/24", ike_config="{not json")))
        assert (e.status_code, e.code) == (400, "InvalidParameter")
        e = new_error(lambda: c.create_vpn_connection(m.CreateVpnConnectionRequest(
            region_id=region, vpn_gateway_id="vpn-nope", customer_gateway_id=cgw["CustomerGatewayId"],
            local_subnet="10.10.0.0/16", remote_subnet="192.168.1.0/24")))
        assert (e.status_code, e.code) == (404, "InvalidVpnGatewayInstanceId.NotFound")


def body_gateway_ip(c, region, gateway_id):
    body = c.describe_vpn_gateways(m.DescribeVpnGatewaysRequest(region_id=region, vpn_gateway_id=gateway_id)).body.to_map()
    (gw,) = body["VpnGateways"]["VpnGateway"]
    assert gw["Spec"] == "10M" and gw["Status"] == "active" and gw["IpsecVpn"] == "enable"
    return gw["InternetIp"]


def test_vpn_routes_publish_into_the_vpc_table(server):
    region = "ap-northeast-1"
    c = new_vpc_client(server, AK, SK)
    vpc = c.create_vpc(m.CreateVpcRequest(region_id=region, cidr_block="10.30.0.0/16")).body.to_map()
    gw = c.create_vpn_gateway(m.CreateVpnGatewayRequest(region_id=region, vpc_id=vpc["VpcId"], bandwidth=10)).body.to_map()
    vcos = []
    for ip in ("198.51.100.21", "198.51.100.22"):
        cgw = c.create_customer_gateway(m.CreateCustomerGatewayRequest(region_id=region, ip_address=ip)).body.to_map()
        vcos.append(c.create_vpn_connection(m.CreateVpnConnectionRequest(
            region_id=region, vpn_gateway_id=gw["VpnGatewayId"], customer_gateway_id=cgw["CustomerGatewayId"],
            local_subnet="0.0.0.0/0", remote_subnet="192.168.10.0/24")).body.to_map()["VpnConnectionId"])

    active = c.create_vpn_route_entry(m.CreateVpnRouteEntryRequest(
        region_id=region, vpn_gateway_id=gw["VpnGatewayId"], route_dest="192.168.10.0/24", next_hop=vcos[0],
        weight=100, publish_vpc=True)).body.to_map()
    assert (active["State"], active["Weight"], active["VpnInstanceId"]) == ("published", 100, gw["VpnGatewayId"])
    e = new_error(lambda: c.create_vpn_route_entry(m.CreateVpnRouteEntryRequest(
        region_id=region, vpn_gateway_id=gw["VpnGatewayId"], route_dest="192.168.10.0/24", next_hop=vcos[1],
        weight=100, publish_vpc=False)))
    assert (e.status_code, e.code) == (400, "VpnRouteEntry.SameWeight")
    c.create_vpn_route_entry(m.CreateVpnRouteEntryRequest(
        region_id=region, vpn_gateway_id=gw["VpnGatewayId"], route_dest="192.168.10.0/24", next_hop=vcos[1],
        weight=0, publish_vpc=False))
    listed = c.describe_vpn_route_entries(m.DescribeVpnRouteEntriesRequest(region_id=region, vpn_gateway_id=gw["VpnGatewayId"])).body.to_map()
    assert listed["TotalCount"] == 2
    assert [(r["NextHop"], r["Weight"], r["State"]) for r in listed["VpnRouteEntries"]["VpnRouteEntry"]] == [
        (vcos[0], 100, "published"), (vcos[1], 0, "normal")]

    def vpc_routes():
        tables = c.describe_route_tables(m.DescribeRouteTablesRequest(region_id=region, route_table_id=vpc["RouteTableId"])).body.to_map()
        return {(e["DestinationCidrBlock"], e["Type"], e["NextHopType"], e["InstanceId"])
                for e in tables["RouteTables"]["RouteTable"][0]["RouteEntrys"]["RouteEntry"]}

    assert ("192.168.10.0/24", "Custom", "VpnGateway", gw["VpnGatewayId"]) in vpc_routes()
    c.publish_vpn_route_entry(m.PublishVpnRouteEntryRequest(region_id=region, vpn_gateway_id=gw["VpnGatewayId"],
                                                            route_dest="192.168.10.0/24", next_hop=vcos[0], route_type="dbr",
                                                            publish_vpc=False))
    assert not any(r[0] == "192.168.10.0/24" for r in vpc_routes())

    pbr = c.create_vpn_pbr_route_entry(m.CreateVpnPbrRouteEntryRequest(
        region_id=region, vpn_gateway_id=gw["VpnGatewayId"], route_source="10.30.0.0/16", route_dest="192.168.10.0/24",
        next_hop=vcos[0], weight=100, publish_vpc=False)).body.to_map()
    assert (pbr["RouteSource"], pbr["Priority"], pbr["State"]) == ("10.30.0.0/16", 10, "normal")
    body = c.describe_vpn_pbr_route_entries(m.DescribeVpnPbrRouteEntriesRequest(region_id=region, vpn_gateway_id=gw["VpnGatewayId"])).body.to_map()
    assert body["VpnPbrRouteEntries"]["VpnPbrRouteEntry"][0]["RouteSource"] == "10.30.0.0/16"

    e = new_error(lambda: c.delete_vpn_connection(m.DeleteVpnConnectionRequest(region_id=region, vpn_connection_id=vcos[1])))
    assert e.code == "DependencyViolation.VpnRouteEntry"
    c.delete_vpn_route_entry(m.DeleteVpnRouteEntryRequest(region_id=region, vpn_gateway_id=gw["VpnGatewayId"],
                                                          route_dest="192.168.10.0/24", next_hop=vcos[1], weight=0))
    c.delete_vpn_connection(m.DeleteVpnConnectionRequest(region_id=region, vpn_connection_id=vcos[1]))
    e = new_error(lambda: c.delete_vpn_route_entry(m.DeleteVpnRouteEntryRequest(
        region_id=region, vpn_gateway_id=gw["VpnGatewayId"], route_dest="192.168.10.0/24", next_hop=vcos[1], weight=0)))
    assert (e.status_code, e.code) == (404, "InvalidVpnRouteEntry.NotFound")


def test_modify_and_download_vpn_connection(server):
    region = "ap-southeast-2"
    c = new_vpc_client(server, AK, SK)
    vpc = c.create_vpc(m.CreateVpcRequest(region_id=region, cidr_block="10.70.0.0/16")).body.to_map()
    gw = c.create_vpn_gateway(m.CreateVpnGatewayRequest(region_id=region, vpc_id=vpc["VpcId"], bandwidth=5)).body.to_map()
    cgw = c.create_customer_gateway(m.CreateCustomerGatewayRequest(region_id=region, ip_address="198.51.100.70")).body.to_map()
    vco = c.create_vpn_connection(m.CreateVpnConnectionRequest(
        region_id=region, vpn_gateway_id=gw["VpnGatewayId"], customer_gateway_id=cgw["CustomerGatewayId"],
        local_subnet="10.70.0.0/16", remote_subnet="192.168.70.0/24",
        ike_config=json.dumps({"Psk": "first"}))).body.to_map()["VpnConnectionId"]

    changed = c.modify_vpn_connection_attribute(m.ModifyVpnConnectionAttributeRequest(
        region_id=region, vpn_connection_id=vco, ike_config=json.dumps({"IkeVersion": "ikev2", "IkePfs": "group14"}),
        remote_subnet="192.168.70.0/24,192.168.71.0/24")).body.to_map()
    assert changed["IkeConfig"]["Psk"] == "first"  # keys not given keep their values
    assert (changed["IkeConfig"]["IkeVersion"], changed["IkeConfig"]["IkePfs"]) == ("ikev2", "group14")
    assert changed["RemoteSubnet"] == "192.168.70.0/24,192.168.71.0/24"
    e = new_error(lambda: c.modify_vpn_connection_attribute(m.ModifyVpnConnectionAttributeRequest(
        region_id=region, vpn_connection_id=vco, ike_config=json.dumps({"IkeVersion": "ikev1"}))))
    assert e.code == "InvalidParameter" and "ikev2" in e.message

    config = c.download_vpn_connection_config(m.DownloadVpnConnectionConfigRequest(region_id=region, vpn_connection_id=vco)).body.to_map()
    cfg = config["VpnConnectionConfig"]
    gateway_ip = c.describe_vpn_gateways(m.DescribeVpnGatewaysRequest(region_id=region, vpn_gateway_id=gw["VpnGatewayId"])).body.to_map()["VpnGateways"]["VpnGateway"][0]["InternetIp"]
    assert (cfg["Local"], cfg["Remote"]) == ("198.51.100.70", gateway_ip)
    assert (cfg["LocalSubnet"], cfg["RemoteSubnet"]) == ("192.168.70.0/24,192.168.71.0/24", "10.70.0.0/16")
    assert (cfg["IkeConfig"]["LocalId"], cfg["IkeConfig"]["RemoteId"]) == ("198.51.100.70", gateway_ip)
    assert cfg["IkeConfig"]["Psk"] == "first"
