"""ECS security groups and instances through both SDKs (product Ecs, version 2014-05-26)."""
import json

import pytest
from aliyunsdkcore.client import AcsClient
from aliyunsdkecs.request.v20140526.AuthorizeSecurityGroupEgressRequest import AuthorizeSecurityGroupEgressRequest
from aliyunsdkecs.request.v20140526.AuthorizeSecurityGroupRequest import AuthorizeSecurityGroupRequest
from aliyunsdkecs.request.v20140526.CreateSecurityGroupRequest import CreateSecurityGroupRequest
from aliyunsdkecs.request.v20140526.DeleteInstanceRequest import DeleteInstanceRequest
from aliyunsdkecs.request.v20140526.DeleteSecurityGroupRequest import DeleteSecurityGroupRequest
from aliyunsdkecs.request.v20140526.DescribeInstancesRequest import DescribeInstancesRequest
from aliyunsdkecs.request.v20140526.DescribeSecurityGroupAttributeRequest import DescribeSecurityGroupAttributeRequest
from aliyunsdkecs.request.v20140526.DescribeSecurityGroupsRequest import DescribeSecurityGroupsRequest
from aliyunsdkecs.request.v20140526.RevokeSecurityGroupEgressRequest import RevokeSecurityGroupEgressRequest
from aliyunsdkecs.request.v20140526.RevokeSecurityGroupRequest import RevokeSecurityGroupRequest
from aliyunsdkecs.request.v20140526.RunInstancesRequest import RunInstancesRequest
from alibabacloud_ecs20140526 import models as ecs
from alibabacloud_ecs20140526.client import Client as EcsClient
from alibabacloud_tea_openapi import models as open_api_models
from alibabacloud_vpc20160428 import models as m

from conftest import AK, REGION, SK
from sdk import new_error, new_vpc_client, old_call, old_error, raw_v2


def new_ecs_client(server):
    cfg = open_api_models.Config(access_key_id=AK, access_key_secret=SK, region_id=REGION,
                                 endpoint=server.endpoint, protocol="http")
    return EcsClient(cfg)


def network(server, region, cidr="10.60.0.0/16", vsw_cidr="10.60.1.0/24"):
    """A VPC and a vSwitch in `region`; returns (vpc id, vSwitch id)."""
    v = new_vpc_client(server, AK, SK)
    vpc = v.create_vpc(m.CreateVpcRequest(region_id=region, cidr_block=cidr)).body.to_map()["VpcId"]
    vsw = v.create_vswitch(m.CreateVSwitchRequest(region_id=region, vpc_id=vpc, zone_id=f"{region}-b",
                                                  cidr_block=vsw_cidr)).body.to_map()["VSwitchId"]
    return vpc, vsw


def run(e, region, vsw, groups, **kw):
    body = e.run_instances(ecs.RunInstancesRequest(region_id=region, image_id="ubuntu_22_04_x64_20G_alibase",
                                                   instance_type="ecs.g7.large", v_switch_id=vsw,
                                                   security_group_ids=groups, **kw)).body.to_map()
    return body["InstanceIdSets"]["InstanceIdSet"]


def test_security_group_rules_with_the_new_sdk(server):
    region = "cn-chengdu"
    e = new_ecs_client(server)
    vpc, _ = network(server, region)
    sg = e.create_security_group(ecs.CreateSecurityGroupRequest(
        region_id=region, vpc_id=vpc, security_group_name="web", description="web servers")).body.to_map()["SecurityGroupId"]
    assert sg.startswith("sg-")
    admins = e.create_security_group(ecs.CreateSecurityGroupRequest(region_id=region, vpc_id=vpc,
                                                                    security_group_name="admins")).body.to_map()["SecurityGroupId"]

    e.authorize_security_group(ecs.AuthorizeSecurityGroupRequest(
        region_id=region, security_group_id=sg, ip_protocol="tcp", port_range="22/22", source_cidr_ip="10.0.0.0/8",
        priority="5", description="ssh"))
    e.authorize_security_group(ecs.AuthorizeSecurityGroupRequest(region_id=region, security_group_id=sg, permissions=[
        ecs.AuthorizeSecurityGroupRequestPermissions(ip_protocol="ICMP", port_range="-1/-1", source_cidr_ip="0.0.0.0/0"),
        ecs.AuthorizeSecurityGroupRequestPermissions(ip_protocol="TCP", port_range="443/443", source_group_id=admins,
                                                     policy="drop", priority="2"),
    ]))
    e.authorize_security_group_egress(ecs.AuthorizeSecurityGroupEgressRequest(
        region_id=region, security_group_id=sg, ip_protocol="all", port_range="-1/-1", dest_cidr_ip="198.51.100.0/24",
        policy="drop"))

    body = e.describe_security_group_attribute(ecs.DescribeSecurityGroupAttributeRequest(
        region_id=region, security_group_id=sg)).body.to_map()
    assert (body["SecurityGroupId"], body["VpcId"], body["SecurityGroupName"], body["InnerAccessPolicy"]) == (sg, vpc, "web", "Accept")
    rules = body["Permissions"]["Permission"]
    assert [(r["Direction"], r["IpProtocol"], r["PortRange"], r["SourceCidrIp"], r["SourceGroupId"], r["DestCidrIp"],
             r["Policy"], r["Priority"]) for r in rules] == [
        ("ingress", "TCP", "22/22", "10.0.0.0/8", "", "", "Accept", "5"),
        ("ingress", "ICMP", "-1/-1", "0.0.0.0/0", "", "", "Accept", "1"),
        ("ingress", "TCP", "443/443", "", admins, "", "Drop", "2"),
        ("egress", "ALL", "-1/-1", "", "", "198.51.100.0/24", "Drop", "1"),
    ]
    assert rules[0]["Description"] == "ssh" and rules[0]["SecurityGroupRuleId"].startswith("sgr-")
    assert rules[2]["SourceGroupName"] == "admins" and rules[0]["NicType"] == "intranet"
    egress = e.describe_security_group_attribute(ecs.DescribeSecurityGroupAttributeRequest(
        region_id=region, security_group_id=sg, direction="egress")).body.to_map()["Permissions"]["Permission"]
    assert len(egress) == 1

    # Revoke by fields, by the Permissions list, and by rule id.
    e.revoke_security_group(ecs.RevokeSecurityGroupRequest(region_id=region, security_group_id=sg, ip_protocol="tcp",
                                                           port_range="22/22", source_cidr_ip="10.0.0.0/8", priority="5"))
    e.revoke_security_group(ecs.RevokeSecurityGroupRequest(region_id=region, security_group_id=sg,
                                                           security_group_rule_id=[rules[1]["SecurityGroupRuleId"]]))
    e.revoke_security_group_egress(ecs.RevokeSecurityGroupEgressRequest(
        region_id=region, security_group_id=sg, ip_protocol="ALL", port_range="-1/-1", dest_cidr_ip="198.51.100.0/24",
        policy="drop"))
    left = e.describe_security_group_attribute(ecs.DescribeSecurityGroupAttributeRequest(
        region_id=region, security_group_id=sg)).body.to_map()["Permissions"]["Permission"]
    assert [r["SecurityGroupRuleId"] for r in left] == [rules[2]["SecurityGroupRuleId"]]

    groups = e.describe_security_groups(ecs.DescribeSecurityGroupsRequest(region_id=region, vpc_id=vpc)).body.to_map()
    assert groups["TotalCount"] == 2 and groups["RegionId"] == region
    first = groups["SecurityGroups"]["SecurityGroup"][0]
    assert (first["SecurityGroupId"], first["SecurityGroupType"], first["RuleCount"], first["GroupToGroupRuleCount"],
            first["EcsCount"]) == (sg, "normal", 1, 1, 0)

    # admins is named by a rule of web: it cannot go while that rule exists.
    err = new_error(lambda: e.delete_security_group(ecs.DeleteSecurityGroupRequest(region_id=region, security_group_id=admins)))
    assert (err.status_code, err.code) == (403, "DependencyViolation")
    e.delete_security_group(ecs.DeleteSecurityGroupRequest(region_id=region, security_group_id=sg))
    e.delete_security_group(ecs.DeleteSecurityGroupRequest(region_id=region, security_group_id=admins))
    err = new_error(lambda: e.delete_security_group(ecs.DeleteSecurityGroupRequest(region_id=region, security_group_id=sg)))
    assert (err.status_code, err.code) == (404, "InvalidSecurityGroup.NotFound")


def test_instances_with_the_new_sdk(server):
    region = "cn-heyuan"
    e = new_ecs_client(server)
    v = new_vpc_client(server, AK, SK)
    vpc, vsw = network(server, region, "10.61.0.0/16", "10.61.1.0/24")
    sg = e.create_security_group(ecs.CreateSecurityGroupRequest(region_id=region, vpc_id=vpc)).body.to_map()["SecurityGroupId"]

    ids = run(e, region, vsw, [sg], amount=3, instance_name="app")
    assert len(ids) == 3 and all(i.startswith("i-") for i in ids)
    pinned = run(e, region, vsw, [sg], private_ip_address="10.61.1.200")

    body = e.describe_instances(ecs.DescribeInstancesRequest(region_id=region, instance_ids=json.dumps(ids + pinned))).body.to_map()
    assert body["TotalCount"] == 4
    got = body["Instances"]["Instance"]
    assert [i["InstanceId"] for i in got] == ids + pinned
    assert [i["VpcAttributes"]["PrivateIpAddress"]["IpAddress"] for i in got] == [
        ["10.61.1.1"], ["10.61.1.2"], ["10.61.1.3"], ["10.61.1.200"]]
    one = got[0]
    assert (one["Status"], one["InstanceName"], one["ZoneId"], one["InstanceType"], one["InstanceNetworkType"]) == (
        "Running", "app", f"{region}-b", "ecs.g7.large", "vpc")
    assert one["VpcAttributes"]["VpcId"] == vpc and one["VpcAttributes"]["VSwitchId"] == vsw
    assert one["SecurityGroupIds"]["SecurityGroupId"] == [sg]
    assert one["NetworkInterfaces"]["NetworkInterface"][0]["PrimaryIpAddress"] == "10.61.1.1"

    # Paging and filters.
    page = e.describe_instances(ecs.DescribeInstancesRequest(region_id=region, v_switch_id=vsw, page_size=3, page_number=2)).body.to_map()
    assert (page["TotalCount"], page["PageNumber"], page["PageSize"]) == (4, 2, 3)
    assert [i["InstanceId"] for i in page["Instances"]["Instance"]] == pinned
    assert e.describe_instances(ecs.DescribeInstancesRequest(region_id=region, vpc_id="vpc-other")).body.to_map()["TotalCount"] == 0
    assert e.describe_instances(ecs.DescribeInstancesRequest(
        region_id=region, private_ip_addresses=json.dumps(["10.61.1.2"]))).body.to_map()["Instances"]["Instance"][0]["InstanceId"] == ids[1]
    assert e.describe_security_groups(ecs.DescribeSecurityGroupsRequest(
        region_id=region, security_group_ids=json.dumps([sg]))).body.to_map()["SecurityGroups"]["SecurityGroup"][0]["EcsCount"] == 4

    # The vSwitch counts the addresses the instances hold (a /24 has 252 usable).
    vs = v.describe_vswitches(m.DescribeVSwitchesRequest(region_id=region, v_switch_id=vsw)).body.to_map()
    assert vs["VSwitches"]["VSwitch"][0]["AvailableIpAddressCount"] == 248

    # Nothing that holds instances can go.
    err = new_error(lambda: e.delete_instance(ecs.DeleteInstanceRequest(instance_id=ids[0])))
    assert (err.status_code, err.code) == (403, "IncorrectInstanceStatus")
    err = new_error(lambda: e.delete_security_group(ecs.DeleteSecurityGroupRequest(region_id=region, security_group_id=sg)))
    assert (err.status_code, err.code) == (403, "DependencyViolation")
    err = new_error(lambda: v.delete_vswitch(m.DeleteVSwitchRequest(region_id=region, v_switch_id=vsw)))
    assert (err.status_code, err.code) == (400, "DependencyViolation")
    err = new_error(lambda: v.delete_vpc(m.DeleteVpcRequest(region_id=region, vpc_id=vpc)))
    assert (err.status_code, err.code) == (400, "DependencyViolation.Instance")

    for i in ids + pinned:
        e.delete_instance(ecs.DeleteInstanceRequest(instance_id=i, force=True))
    err = new_error(lambda: e.delete_instance(ecs.DeleteInstanceRequest(instance_id=ids[0], force=True)))
    assert (err.status_code, err.code) == (404, "InvalidInstanceId.NotFound")
    v.delete_vswitch(m.DeleteVSwitchRequest(region_id=region, v_switch_id=vsw))
    err = new_error(lambda: v.delete_vpc(m.DeleteVpcRequest(region_id=region, vpc_id=vpc)))
    assert (err.status_code, err.code) == (400, "DependencyViolation.SecurityGroup")
    e.delete_security_group(ecs.DeleteSecurityGroupRequest(region_id=region, security_group_id=sg))
    v.delete_vpc(m.DeleteVpcRequest(region_id=region, vpc_id=vpc))


def test_run_instances_is_idempotent_by_client_token(server):
    region = "cn-guangzhou"
    e = new_ecs_client(server)
    vpc, vsw = network(server, region, "10.62.0.0/16", "10.62.1.0/24")
    sg = e.create_security_group(ecs.CreateSecurityGroupRequest(region_id=region, vpc_id=vpc)).body.to_map()["SecurityGroupId"]
    first = run(e, region, vsw, [sg], client_token="launch-1")
    again = run(e, region, vsw, [sg], client_token="launch-1")
    assert first == again
    assert e.describe_instances(ecs.DescribeInstancesRequest(region_id=region)).body.to_map()["TotalCount"] == 1
    # DryRun checks everything and changes nothing.
    err = new_error(lambda: run(e, region, vsw, [sg], dry_run=True))
    assert (err.status_code, err.code) == (400, "DryRunOperation")
    err = new_error(lambda: run(e, region, "vsw-nope", [sg], dry_run=True))
    assert err.code == "InvalidVSwitchId.NotFound"
    assert e.describe_instances(ecs.DescribeInstancesRequest(region_id=region)).body.to_map()["TotalCount"] == 1


def test_describe_security_groups_pages(server):
    region = "cn-wulanchabu"
    e = new_ecs_client(server)
    vpc, _ = network(server, region, "10.66.0.0/16", "10.66.1.0/24")
    made = [e.create_security_group(ecs.CreateSecurityGroupRequest(region_id=region, vpc_id=vpc, security_group_name=f"g{i}"))
            .body.to_map()["SecurityGroupId"] for i in range(5)]
    seen = []
    for number in (1, 2, 3):
        body = e.describe_security_groups(ecs.DescribeSecurityGroupsRequest(region_id=region, page_size=2, page_number=number)).body.to_map()
        assert (body["TotalCount"], body["PageNumber"], body["PageSize"]) == (5, number, 2)
        seen += [g["SecurityGroupId"] for g in body["SecurityGroups"]["SecurityGroup"]]
    assert seen == made
    named = e.describe_security_groups(ecs.DescribeSecurityGroupsRequest(region_id=region, security_group_name="g3")).body.to_map()
    assert [g["SecurityGroupId"] for g in named["SecurityGroups"]["SecurityGroup"]] == [made[3]]
    err = new_error(lambda: e.describe_security_groups(ecs.DescribeSecurityGroupsRequest(region_id=region, page_size=51)))
    assert (err.status_code, err.code) == (400, "InvalidParameter")


def test_the_old_sdk_round_trip(server):
    """The old SDK (aliyun-python-sdk-ecs) sends RegionId from the client and flattens lists as Name.N."""
    region = "cn-nanjing"
    client = AcsClient(AK, SK, region)
    vpc, vsw = network(server, region, "10.63.0.0/16", "10.63.1.0/24")
    r = CreateSecurityGroupRequest()
    r.set_VpcId(vpc)
    r.set_SecurityGroupName("old-sdk")
    sg = old_call(server, client, r)["SecurityGroupId"]
    a = AuthorizeSecurityGroupRequest()
    a.set_SecurityGroupId(sg)
    a.set_Permissions([{"IpProtocol": "tcp", "PortRange": "80/80", "SourceCidrIp": "0.0.0.0/0", "Priority": "10"}])
    old_call(server, client, a)
    eg = AuthorizeSecurityGroupEgressRequest()
    eg.set_SecurityGroupId(sg)
    eg.set_IpProtocol("udp")
    eg.set_PortRange("53/53")
    eg.set_DestCidrIp("10.63.0.2")
    old_call(server, client, eg)
    d = DescribeSecurityGroupAttributeRequest()
    d.set_SecurityGroupId(sg)
    rules = old_call(server, client, d)["Permissions"]["Permission"]
    assert [(x["Direction"], x["PortRange"], x["SourceCidrIp"] or x["DestCidrIp"], x["Priority"]) for x in rules] == [
        ("ingress", "80/80", "0.0.0.0/0", "10"), ("egress", "53/53", "10.63.0.2/32", "1")]
    status, _, xml = raw_v2(server, {"Action": "DescribeSecurityGroupAttribute", "Version": "2014-05-26",
                                     "RegionId": region, "SecurityGroupId": sg, "Format": "XML"})
    assert status == 200 and xml.count("<Permission>") == 2 and f"<SecurityGroupId>{sg}</SecurityGroupId>" in xml

    rv = RevokeSecurityGroupEgressRequest()
    rv.set_SecurityGroupId(sg)
    rv.set_SecurityGroupRuleIds([rules[1]["SecurityGroupRuleId"]])
    old_call(server, client, rv)
    rv = RevokeSecurityGroupRequest()
    rv.set_SecurityGroupId(sg)
    rv.set_Permissions([{"IpProtocol": "tcp", "PortRange": "80/80", "SourceCidrIp": "0.0.0.0/0", "Priority": "10"}])
    old_call(server, client, rv)
    assert old_call(server, client, d)["Permissions"]["Permission"] == []

    ri = RunInstancesRequest()
    ri.set_ImageId("centos_7")
    ri.set_InstanceType("ecs.t6-c1m1.large")
    ri.set_VSwitchId(vsw)
    ri.set_SecurityGroupId(sg)
    ri.set_Amount(2)
    ids = old_call(server, client, ri)["InstanceIdSets"]["InstanceIdSet"]
    di = DescribeInstancesRequest()
    di.set_InstanceIds(json.dumps(ids))
    di.set_PageSize(1)
    body = old_call(server, client, di)
    assert body["TotalCount"] == 2 and [i["InstanceId"] for i in body["Instances"]["Instance"]] == ids[:1]
    ds = DescribeSecurityGroupsRequest()
    ds.set_VpcId(vpc)
    assert old_call(server, client, ds)["SecurityGroups"]["SecurityGroup"][0]["EcsCount"] == 2
    for i in ids:
        de = DeleteInstanceRequest()
        de.set_InstanceId(i)
        de.set_Force(True)
        old_call(server, client, de)
    dg = DeleteSecurityGroupRequest()
    dg.set_SecurityGroupId(sg)
    old_call(server, client, dg)
    e = old_error(server, client, dg)
    assert (e.get_http_status(), e.get_error_code()) == (404, "InvalidSecurityGroup.NotFound")


@pytest.fixture(scope="module")
def lab(server):
    """A VPC with a /29 vSwitch (usable .1-.4), a group in it, and a group of another VPC."""
    region = "cn-fuzhou"
    e = new_ecs_client(server)
    vpc, vsw = network(server, region, "10.64.0.0/16", "10.64.1.0/29")
    other_vpc, other_vsw = network(server, region, "10.65.0.0/16", "10.65.1.0/24")
    sg = e.create_security_group(ecs.CreateSecurityGroupRequest(region_id=region, vpc_id=vpc)).body.to_map()["SecurityGroupId"]
    foreign = e.create_security_group(ecs.CreateSecurityGroupRequest(region_id=region, vpc_id=other_vpc)).body.to_map()["SecurityGroupId"]
    used = run(e, region, vsw, [sg], private_ip_address="10.64.1.2")
    return dict(region=region, e=e, vpc=vpc, vsw=vsw, sg=sg, foreign=foreign, other_vsw=other_vsw, used=used)


def authorize_error(lab, egress=False, **fields):
    e, region = lab["e"], lab["region"]
    if egress:
        return new_error(lambda: e.authorize_security_group_egress(ecs.AuthorizeSecurityGroupEgressRequest(
            region_id=region, security_group_id=fields.pop("sg", lab["sg"]), **fields)))
    return new_error(lambda: e.authorize_security_group(ecs.AuthorizeSecurityGroupRequest(
        region_id=region, security_group_id=fields.pop("sg", lab["sg"]), **fields)))


@pytest.mark.parametrize("fields, status, code", [
    (dict(sg="sg-nope", ip_protocol="tcp", port_range="22/22", source_cidr_ip="0.0.0.0/0"), 404, "InvalidSecurityGroupId.NotFound"),
    (dict(ip_protocol="sctp", port_range="22/22", source_cidr_ip="0.0.0.0/0"), 400, "InvalidIpProtocol.Malformed"),
    (dict(port_range="22/22", source_cidr_ip="0.0.0.0/0"), 400, "MissingIpProtocol"),
    (dict(ip_protocol="tcp", source_cidr_ip="0.0.0.0/0"), 400, "MissingPortRange"),
    (dict(ip_protocol="tcp", port_range="22-23", source_cidr_ip="0.0.0.0/0"), 400, "InvalidPortRange.Malformed"),
    (dict(ip_protocol="udp", port_range="0/70000", source_cidr_ip="0.0.0.0/0"), 400, "InvalidPortRange.Malformed"),
    (dict(ip_protocol="tcp", port_range="-1/-1", source_cidr_ip="0.0.0.0/0"), 400, "OperationDenied"),
    (dict(ip_protocol="gre", port_range="1/1", source_cidr_ip="0.0.0.0/0"), 400, "OperationDenied"),
    (dict(ip_protocol="tcp", port_range="22/22"), 400, "MissingParameter.Source"),
    (dict(ip_protocol="tcp", port_range="22/22", source_cidr_ip="10.1.2.3/16"), 400, "InvalidSourceCidrIp.Malformed"),
    (dict(ip_protocol="tcp", port_range="22/22", source_group_id="sg-nope"), 404, "InvalidSourceGroupId.NotFound"),
    (dict(ip_protocol="tcp", port_range="22/22", source_cidr_ip="0.0.0.0/0", policy="permit"), 400, "InvalidPolicy.Malformed"),
    (dict(ip_protocol="tcp", port_range="22/22", source_cidr_ip="0.0.0.0/0", priority="one"), 400, "InvalidPriority.Malformed"),
    (dict(ip_protocol="tcp", port_range="22/22", source_cidr_ip="0.0.0.0/0", priority="0"), 400, "InvalidPriority.ValueNotSupported"),
    (dict(ip_protocol="tcp", port_range="22/22", source_cidr_ip="0.0.0.0/0", nic_type="eth9"), 400, "InvalidNicType.ValueNotSupported"),
    (dict(ip_protocol="tcp", port_range="22/22", source_cidr_ip="0.0.0.0/0", description="http://x"), 400,
     "InvalidSecurityGroupDiscription.Malformed"),
    (dict(ip_protocol="tcp", port_range="22/22", source_cidr_ip="0.0.0.0/0", source_port_range="1/2"), 400, "InvalidParameter"),
    (dict(permissions=[ecs.AuthorizeSecurityGroupRequestPermissions(ip_protocol="tcp", port_range="22/22",
                                                                    ipv_6source_cidr_ip="2001:db8::/32")]), 400, "InvalidParameter"),
])
def test_authorize_errors(lab, fields, status, code):
    err = authorize_error(lab, **fields)
    assert (err.status_code, err.code) == (status, code), err.message


def test_authorize_group_and_egress_errors(lab):
    err = authorize_error(lab, ip_protocol="tcp", port_range="22/22", source_group_id=lab["sg"])
    assert (err.status_code, err.code) == (403, "InvalidParamter.Conflict")
    err = authorize_error(lab, ip_protocol="tcp", port_range="22/22", source_group_id=lab["foreign"])
    assert (err.status_code, err.code) == (400, "InvalidSourceGroupId.Mismatch")
    err = authorize_error(lab, egress=True, ip_protocol="tcp", port_range="22/22")
    assert (err.status_code, err.code) == (403, "MissingParameter")
    err = authorize_error(lab, egress=True, ip_protocol="tcp", port_range="22/22", dest_cidr_ip="300.1.1.1")
    assert (err.status_code, err.code) == (400, "InvalidDestCidrIp.Malformed")
    err = authorize_error(lab, egress=True, ip_protocol="tcp", port_range="22/22", dest_group_id="sg-nope")
    assert (err.status_code, err.code) == (404, "InvalidDestGroupId.NotFound")
    err = authorize_error(lab, egress=True, ip_protocol="tcp", port_range="22/22", dest_group_id=lab["foreign"])
    assert (err.status_code, err.code) == (400, "InvalidDestGroupId.Mismatch")
    # 201 rules in one call pass the limit of 200; none is added.
    many = [ecs.AuthorizeSecurityGroupRequestPermissions(ip_protocol="tcp", port_range=f"{p}/{p}", source_cidr_ip="0.0.0.0/0")
            for p in range(1000, 1201)]
    err = authorize_error(lab, permissions=many)
    assert (err.status_code, err.code) == (403, "AuthorizationLimitExceed")
    rules = lab["e"].describe_security_group_attribute(ecs.DescribeSecurityGroupAttributeRequest(
        region_id=lab["region"], security_group_id=lab["sg"])).body.to_map()["Permissions"]["Permission"]
    assert rules == []


def test_describe_and_revoke_errors(lab):
    e, region, sg = lab["e"], lab["region"], lab["sg"]
    err = new_error(lambda: e.revoke_security_group(ecs.RevokeSecurityGroupRequest(
        region_id=region, security_group_id=sg, security_group_rule_id=["sgr-nope"])))
    assert (err.status_code, err.code) == (404, "InvalidSecurityGroupRuleId.NotFound")
    err = new_error(lambda: e.describe_security_group_attribute(ecs.DescribeSecurityGroupAttributeRequest(
        region_id=region, security_group_id=sg, direction="inbound")))
    assert (err.status_code, err.code) == (400, "InvalidParameter")
    err = new_error(lambda: e.describe_security_group_attribute(ecs.DescribeSecurityGroupAttributeRequest(
        region_id=region, security_group_id="sg-nope")))
    assert (err.status_code, err.code) == (404, "InvalidSecurityGroupId.NotFound")
    err = new_error(lambda: e.describe_security_groups(ecs.DescribeSecurityGroupsRequest(region_id=region, security_group_ids="sg-1,sg-2")))
    assert (err.status_code, err.code) == (400, "InvalidParameter")
    err = new_error(lambda: e.describe_instances(ecs.DescribeInstancesRequest(region_id=region, instance_ids="i-1")))
    assert (err.status_code, err.code) == (400, "InvalidInstanceIds.Malformed")
    err = new_error(lambda: e.describe_instances(ecs.DescribeInstancesRequest(region_id=region, page_size=101)))
    assert (err.status_code, err.code) == (400, "InvalidParameter")


def test_create_security_group_errors(server, lab):
    e, region = lab["e"], lab["region"]
    cases = [
        (dict(vpc_id="vpc-nope"), 404, "InvalidVpcId.NotFound"),
        (dict(), 400, "MissingVpcId"),
        (dict(vpc_id=lab["vpc"], security_group_name="1st"), 400, "InvalidSecurityGroupName.Malformed"),
        (dict(vpc_id=lab["vpc"], security_group_type="enterprise"), 400, "InvalidSecurityGroupType.ValueNotSupported"),
        (dict(vpc_id=lab["vpc"], description="https://x"), 400, "InvalidDescription.Malformed"),
    ]
    for fields, status, code in cases:
        err = new_error(lambda: e.create_security_group(ecs.CreateSecurityGroupRequest(region_id=region, **fields)))
        assert (err.status_code, err.code) == (status, code), fields


def test_run_instances_errors(lab):
    e, region, vsw, sg = lab["e"], lab["region"], lab["vsw"], lab["sg"]

    def error(**overrides):
        fields = dict(region_id=region, image_id="img", instance_type="ecs.g7.large", v_switch_id=vsw, security_group_ids=[sg])
        fields.update(overrides)
        fields = {k: v for k, v in fields.items() if v is not None}
        return new_error(lambda: e.run_instances(ecs.RunInstancesRequest(**fields)))

    cases = [
        (dict(v_switch_id="vsw-nope"), 404, "InvalidVSwitchId.NotFound"),
        (dict(v_switch_id=None), 400, "MissingVSwitchId"),
        (dict(image_id=None), 400, "MissingImageId"),
        (dict(instance_type=None), 400, "MissingInstanceType"),
        (dict(instance_type="g7.large"), 400, "InvalidInstanceType.ValueNotSupported"),
        (dict(zone_id=f"{region}-z"), 400, "InvalidVSwitchId.Mismatch"),
        (dict(security_group_ids=None), 400, "MissingSecurityGroupId"),
        (dict(security_group_ids=["sg-nope"]), 404, "InvalidSecurityGroupId.NotFound"),
        (dict(security_group_ids=[lab["foreign"]]), 400, "InvalidSecurityGroupId.NotBelongToVpc"),
        (dict(security_group_ids=[sg, "sg-2", "sg-3", "sg-4", "sg-5", "sg-6"]), 400, "InvalidParameter.SecurityGroupIdsCount"),
        (dict(amount=0), 400, "InvalidParameter"),
        (dict(amount=2, private_ip_address="10.64.1.3"), 400, "InvalidParameter.Amount"),
        (dict(instance_name="-x"), 400, "InvalidInstanceName.Malformed"),
        (dict(private_ip_address="10.64.1"), 400, "InvalidPrivateIpAddress.Malformed"),
        (dict(private_ip_address="10.64.2.1"), 400, "InvalidPrivateIpAddress"),
        (dict(private_ip_address="10.64.1.0"), 400, "InvalidPrivateIpAddress"),
        (dict(private_ip_address="10.64.1.5"), 400, "InvalidPrivateIpAddress"),
        (dict(private_ip_address="10.64.1.2"), 400, "InvalidPrivateIpAddress.Duplicated"),
        (dict(amount=4), 400, "InvalidVSwitchId.IpNotEnough"),
    ]
    for overrides, status, code in cases:
        err = error(**overrides)
        assert (err.status_code, err.code) == (status, code), (overrides, err.message)
    # Three usable addresses are left (.1, .3, .4) and none was taken by the failures.
    assert e.describe_instances(ecs.DescribeInstancesRequest(region_id=region, v_switch_id=vsw)).body.to_map()["TotalCount"] == 1
