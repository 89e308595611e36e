"""CEN instances and attachments through both SDKs (product Cbn, version 2017-09-12)."""
from aliyunsdkcbn.request.v20170912.CreateCenRequest import CreateCenRequest
from aliyunsdkcbn.request.v20170912.DescribeCensRequest import DescribeCensRequest
from alibabacloud_cbn20170912 import models as cbn
from alibabacloud_vpc20160428 import models as m

from conftest import AK, SK
from sdk import new_cbn_client, new_error, new_vpc_client, old_call, old_client, old_error


def test_cen_attach_detach(server):
    region = "eu-west-1"
    c = new_cbn_client(server, AK, SK)
    v = new_vpc_client(server, AK, SK)
    cen = c.create_cen(cbn.CreateCenRequest(name="corp", description="all offices")).body.to_map()["CenId"]
    assert cen.startswith("cen-")
    vpc = v.create_vpc(m.CreateVpcRequest(region_id=region, cidr_block="10.40.0.0/16")).body.to_map()["VpcId"]

    c.attach_cen_child_instance(cbn.AttachCenChildInstanceRequest(cen_id=cen, child_instance_id=vpc, child_instance_type="VPC",
                                                                  child_instance_region_id=region))
    children = c.describe_cen_attached_child_instances(cbn.DescribeCenAttachedChildInstancesRequest(cen_id=cen)).body.to_map()
    assert children["TotalCount"] == 1
    assert children["ChildInstances"]["ChildInstance"][0]["ChildInstanceId"] == vpc
    assert children["ChildInstances"]["ChildInstance"][0]["Status"] == "Attached"
    vpcs = v.describe_vpcs(m.DescribeVpcsRequest(region_id=region, vpc_id=vpc)).body.to_map()
    assert vpcs["Vpcs"]["Vpc"][0]["CenStatus"] == "Attached"

    other = c.create_cen(cbn.CreateCenRequest()).body.to_map()["CenId"]
    e = new_error(lambda: c.attach_cen_child_instance(cbn.AttachCenChildInstanceRequest(
        cen_id=other, child_instance_id=vpc, child_instance_type="VPC", child_instance_region_id=region)))
    assert (e.status_code, e.code) == (400, "InstanceAlreadyAttached")
    e = new_error(lambda: c.delete_cen(cbn.DeleteCenRequest(cen_id=cen)))
    assert e.code == "DependencyViolation.ChildInstance"
    e = new_error(lambda: v.delete_vpc(m.DeleteVpcRequest(region_id=region, vpc_id=vpc)))
    assert e.code == "DependencyViolation.Cen"
    e = new_error(lambda: c.attach_cen_child_instance(cbn.AttachCenChildInstanceRequest(
        cen_id=cen, child_instance_id="vpc-nope", child_instance_type="VPC", child_instance_region_id=region)))
    assert (e.status_code, e.code) == (404, "InvalidChildInstanceId.NotFound")

    c.detach_cen_child_instance(cbn.DetachCenChildInstanceRequest(cen_id=cen, child_instance_id=vpc, child_instance_type="VPC",
                                                                  child_instance_region_id=region))
    c.delete_cen(cbn.DeleteCenRequest(cen_id=cen))
    e = new_error(lambda: c.delete_cen(cbn.DeleteCenRequest(cen_id=cen)))
    assert (e.status_code, e.code) == (404, "InvalidCenInstanceId.NotFound")


def test_cen_filters_with_old_sdk(server):
    client = old_client(AK, SK)  # the old SDK adds RegionId to CEN calls; it is ignored
    r = CreateCenRequest()
    r.set_Name("filter-me")
    cen = old_call(server, client, r)["CenId"]
    d = DescribeCensRequest()
    d.set_Filters([{"Key": "CenId", "Value": [cen]}])
    body = old_call(server, client, d)
    assert body["TotalCount"] == 1 and body["Cens"]["Cen"][0]["Name"] == "filter-me"
    assert body["Cens"]["Cen"][0]["ProtectionLevel"] == "REDUCED"
    d = DescribeCensRequest()
    d.set_Filters([{"Key": "Bogus", "Value": ["x"]}])
    assert old_error(server, client, d).get_error_code() == "InvalidParameter"


def test_attached_vpcs_learn_each_others_vswitch_routes(server):
    region = "cn-hongkong"
    c = new_cbn_client(server, AK, SK)
    v = new_vpc_client(server, AK, SK)
    cen = c.create_cen(cbn.CreateCenRequest(name="learn")).body.to_map()["CenId"]
    vpcs = []
    for i, cidr in enumerate(("10.51.0.0/16", "10.52.0.0/16")):
        vpc = v.create_vpc(m.CreateVpcRequest(region_id=region, cidr_block=cidr)).body.to_map()
        v.create_vswitch(m.CreateVSwitchRequest(region_id=region, vpc_id=vpc["VpcId"], zone_id=f"{region}-b", cidr_block=cidr.replace(".0.0/16", ".1.0/24")))
        c.attach_cen_child_instance(cbn.AttachCenChildInstanceRequest(cen_id=cen, child_instance_id=vpc["VpcId"],
                                                                      child_instance_type="VPC", child_instance_region_id=region))
        vpcs.append(vpc)

    def table(vpc):
        body = v.describe_route_tables(m.DescribeRouteTablesRequest(region_id=region, route_table_id=vpc["RouteTableId"])).body.to_map()
        return {(e["DestinationCidrBlock"], e["Type"], e["NextHopType"], e["InstanceId"])
                for e in body["RouteTables"]["RouteTable"][0]["RouteEntrys"]["RouteEntry"]}

    assert ("10.52.1.0/24", "CEN", "VPC", vpcs[1]["VpcId"]) in table(vpcs[0])
    assert ("10.51.1.0/24", "CEN", "VPC", vpcs[0]["VpcId"]) in table(vpcs[1])
    routes = c.describe_cen_child_instance_route_entries(cbn.DescribeCenChildInstanceRouteEntriesRequest(
        cen_id=cen, child_instance_id=vpcs[0]["VpcId"], child_instance_type="VPC", child_instance_region_id=region)).body.to_map()
    by_dest = {r["DestinationCidrBlock"]: r for r in routes["CenRouteEntries"]["CenRouteEntry"]}
    assert by_dest["10.52.1.0/24"]["Type"] == "CEN" and by_dest["10.52.1.0/24"]["Status"] == "Active"
    assert by_dest["10.51.1.0/24"]["Type"] == "System"

    c.detach_cen_child_instance(cbn.DetachCenChildInstanceRequest(cen_id=cen, child_instance_id=vpcs[1]["VpcId"],
                                                                  child_instance_type="VPC", child_instance_region_id=region))
    assert not any(r[1] == "CEN" for r in table(vpcs[0]))


def test_publish_and_withdraw_routes_to_cen(server):
    region = "ap-south-1"
    c = new_cbn_client(server, AK, SK)
    v = new_vpc_client(server, AK, SK)
    cen = c.create_cen(cbn.CreateCenRequest(name="publish")).body.to_map()["CenId"]
    a = v.create_vpc(m.CreateVpcRequest(region_id=region, cidr_block="10.61.0.0/16")).body.to_map()
    b = v.create_vpc(m.CreateVpcRequest(region_id=region, cidr_block="10.62.0.0/16")).body.to_map()
    v.create_vswitch(m.CreateVSwitchRequest(region_id=region, vpc_id=a["VpcId"], zone_id=f"{region}-a", cidr_block="10.61.1.0/24"))
    gw = v.create_vpn_gateway(m.CreateVpnGatewayRequest(region_id=region, vpc_id=a["VpcId"], bandwidth=5)).body.to_map()
    v.create_route_entry(m.CreateRouteEntryRequest(region_id=region, route_table_id=a["RouteTableId"], destination_cidr_block="192.168.0.0/16",
                                                   next_hop_type="VpnGateway", next_hop_id=gw["VpnGatewayId"]))
    for vpc in (a, b):
        c.attach_cen_child_instance(cbn.AttachCenChildInstanceRequest(cen_id=cen, child_instance_id=vpc["VpcId"],
                                                                      child_instance_type="VPC", child_instance_region_id=region))

    def learned_by_b():
        body = v.describe_route_entry_list(m.DescribeRouteEntryListRequest(region_id=region, route_table_id=b["RouteTableId"],
                                                                           route_entry_type="CEN", max_result=100)).body.to_map()
        return sorted(e["DestinationCidrBlock"] for e in body["RouteEntrys"]["RouteEntry"])

    assert learned_by_b() == ["10.61.1.0/24"]  # vSwitch routes are advertised by default, VPN routes are not
    args = dict(cen_id=cen, child_instance_id=a["VpcId"], child_instance_region_id=region, child_instance_type="VPC",
                child_instance_route_table_id=a["RouteTableId"])
    c.publish_route_entries(cbn.PublishRouteEntriesRequest(destination_cidr_block="192.168.0.0/16", **args))
    assert learned_by_b() == ["10.61.1.0/24", "192.168.0.0/16"]
    published = c.describe_published_route_entries(cbn.DescribePublishedRouteEntriesRequest(
        cen_id=cen, child_instance_id=a["VpcId"], child_instance_region_id=region, child_instance_type="VPC")).body.to_map()
    status = {e["DestinationCidrBlock"]: (e["RouteType"], e["NextHopType"], e["PublishStatus"])
              for e in published["PublishedRouteEntries"]["PublishedRouteEntry"]}
    assert status == {"10.61.1.0/24": ("System", "local", "Published"), "192.168.0.0/16": ("Custom", "VpnGateway", "Published")}

    c.withdraw_published_route_entries(cbn.WithdrawPublishedRouteEntriesRequest(destination_cidr_block="10.61.1.0/24", **args))
    assert learned_by_b() == ["192.168.0.0/16"]
    e = new_error(lambda: c.publish_route_entries(cbn.PublishRouteEntriesRequest(destination_cidr_block="172.16.0.0/12", **args)))
    assert (e.status_code, e.code) == (404, "InvalidRouteEntry.NotFound")
    v.delete_route_entry(m.DeleteRouteEntryRequest(region_id=region, route_table_id=a["RouteTableId"], destination_cidr_block="192.168.0.0/16"))
    assert learned_by_b() == []
