"""`meridian apply FILE --server URL`: a topology file's resources created through the API (issue 3, part 8)."""
import subprocess

from conftest import AK, SK, BINARY, ROOT
from sdk import common_request, old_call, old_client


def call(server, action, region, version="2016-04-28", **params):
    if region is not None:
        params["RegionId"] = region
    return old_call(server, old_client(AK, SK), common_request(action, version, **params))


def apply(server, path):
    return subprocess.run(
        [str(BINARY), "apply", str(path), "--server", f"http://{server.endpoint}", "--access-key", f"{AK}:{SK}"],
        capture_output=True, text=True, timeout=120, cwd=ROOT)


def test_apply_creates_every_resource_and_route_of_a_file_whose_kinds_are_served(start_server):
    server = start_server("--db", ":memory:", "--access-key", f"{AK}:{SK}")
    done = apply(server, ROOT / "tests/sdk/fixtures/served-kinds.yaml")
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert "VPC 'VPC1': vpc-" in done.stdout
    assert "IPsec connection 'Office 4 connection': vco-" in done.stdout

    vpcs = {}
    for region, name, cidr in [("us-east-1", "VPC1", "172.16.0.0/16"), ("cn-shanghai", "VPC2", "172.17.0.0/16")]:
        [vpc] = call(server, "DescribeVpcs", region)["Vpcs"]["Vpc"]
        assert (vpc["VpcName"], vpc["CidrBlock"]) == (name, cidr)
        vpcs[name] = vpc
        [vsw] = call(server, "DescribeVSwitches", region, VpcId=vpc["VpcId"])["VSwitches"]["VSwitch"]
        assert vsw["CidrBlock"] == cidr.replace(".0.0/16", ".1.0/24")
        [gateway] = call(server, "DescribeVpnGateways", region)["VpnGateways"]["VpnGateway"]
        assert gateway["VpcId"] == vpc["VpcId"]
        connections = call(server, "DescribeVpnConnections", region)["VpnConnections"]["VpnConnection"]
        assert len(connections) == 2
        [table] = vpc["RouterTableIds"]["RouterTableIds"]
        entries = call(server, "DescribeRouteEntryList", region, RouteTableId=table,
                       RouteEntryType="Custom", MaxResult="100")["RouteEntrys"]["RouteEntry"]
        assert sorted(e["DestinationCidrBlock"] for e in entries) == (
            ["10.10.10.0/24", "10.10.20.0/24"] if name == "VPC1" else ["10.20.10.0/24", "10.20.20.0/24"])
        assert {e["NextHops"]["NextHop"][0]["NextHopId"] for e in entries} == {gateway["VpnGatewayId"]}

    [cen] = call(server, "DescribeCens", None, version="2017-09-12")["Cens"]["Cen"]
    published = call(server, "DescribePublishedRouteEntries", None, version="2017-09-12", CenId=cen["CenId"],
                     ChildInstanceId=vpcs["VPC1"]["VpcId"], ChildInstanceRegionId="us-east-1",
                     ChildInstanceType="VPC")["PublishedRouteEntries"]["PublishedRouteEntry"]
    states = {e["DestinationCidrBlock"]: e["PublishStatus"] for e in published}
    assert states["10.10.10.0/24"] == "Published" and states["10.10.20.0/24"] == "Published"


def test_apply_creates_seed_001_with_its_instances_groups_and_bandwidth(start_server):
    server = start_server("--db", ":memory:", "--access-key", f"{AK}:{SK}")
    done = apply(server, ROOT / "examples/seed-001-cen.yaml")
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    for line in ["instance 'Application in VPC1': i-", "security group 'App Virginia': sg-",
                 "CEN bandwidth package 'Virginia-Shanghai plan': cenbwp-", "site 'Office 4': site-"]:
        assert line in done.stdout
    [instance] = call(server, "DescribeInstances", "us-east-1", version="2014-05-26")["Instances"]["Instance"]
    assert instance["InstanceName"] == "Application in VPC1"
    assert instance["VpcAttributes"]["PrivateIpAddress"]["IpAddress"] == ["172.16.1.10"]
    [group] = call(server, "DescribeSecurityGroups", "us-east-1", version="2014-05-26")["SecurityGroups"]["SecurityGroup"]
    assert instance["SecurityGroupIds"]["SecurityGroupId"] == [group["SecurityGroupId"]]
    rules = call(server, "DescribeSecurityGroupAttribute", "us-east-1", version="2014-05-26",
                 SecurityGroupId=group["SecurityGroupId"])["Permissions"]["Permission"]
    assert sorted(r["SourceCidrIp"] for r in rules) == ["10.10.0.0/16", "10.20.0.0/16", "172.17.0.0/16"]
    [cen] = call(server, "DescribeCens", None, version="2017-09-12")["Cens"]["Cen"]
    limits = call(server, "DescribeCenInterRegionBandwidthLimits", None, version="2017-09-12",
                  CenId=cen["CenId"])["CenInterRegionBandwidthLimits"]["CenInterRegionBandwidthLimit"]
    assert [(x["LocalRegionId"], x["OppositeRegionId"], x["BandwidthLimit"]) for x in limits] == [
        ("us-east-1", "cn-shanghai", 10)]


def test_apply_names_what_it_cannot_create(start_server):
    server = start_server("--db", ":memory:", "--access-key", f"{AK}:{SK}")
    done = apply(server, ROOT / "tests/sdk/fixtures/vbr-kinds.yaml")
    assert done.returncode == 1
    assert "not created by apply" in done.stderr
    assert "VBR 'VBR1'" in done.stderr
    assert "VPC 'VPC1': vpc-" in done.stdout  # what it can create was created all the same
    assert len(call(server, "DescribeVpcs", "cn-hangzhou")["Vpcs"]["Vpc"]) == 1


def remote(server, *args):
    return subprocess.run(
        [str(BINARY), *args[:1], "--server", f"http://{server.endpoint}", "--access-key", f"{AK}:{SK}", *args[1:]],
        capture_output=True, text=True, timeout=60, cwd=ROOT)


def test_ping_and_trace_against_a_server_after_applying_seed_001(start_server):
    server = start_server("--db", ":memory:", "--access-key", f"{AK}:{SK}")
    assert apply(server, ROOT / "examples/seed-001-cen.yaml").returncode == 0
    ping = remote(server, "ping", "10.10.10.10", "10.20.10.10")
    assert ping.returncode == 0, ping.stderr
    assert ping.stdout.splitlines()[0] == "10.10.10.10 → 10.20.10.10: reachable both ways"

    trace = remote(server, "trace", "10.10.10.10", "10.20.20.10", "--protocol", "tcp", "--port", "443")
    assert trace.returncode == 0, trace.stderr
    lines = trace.stdout.splitlines()
    forward = lines[lines.index("Forward path:") + 1:lines.index("Return path:")]
    assert forward[0].startswith("  1. Office 1 (office): Static route 10.20.0.0/16")
    assert any("CEN route 10.20.20.0/24" in line for line in forward)
    assert forward[-1].startswith("  6. Office 4 (office)")

    # An address no site or instance holds: the server's error, with its code, and exit status 2.
    lost = remote(server, "ping", "10.10.10.10", "10.99.0.10")
    assert lost.returncode == 2
    assert "TestConnectivity failed: " in lost.stderr and "10.99.0.10" in lost.stderr


def test_apply_stops_at_the_first_api_error_naming_the_resource(start_server):
    server = start_server("--db", ":memory:", "--access-key", f"{AK}:{SK}")
    done = apply(server, ROOT / "tests/sdk/fixtures/served-kinds.yaml")
    assert done.returncode == 0, done.stderr
    again = apply(server, ROOT / "tests/sdk/fixtures/served-kinds.yaml")
    assert again.returncode != 0
    # A second CEN and VPCs are fine; the file's customer gateway IPs are taken the second time.
    assert "cannot create" in again.stderr and "answered" in again.stderr, again.stderr


def test_apply_refuses_a_wrong_key_with_the_api_code(start_server):
    server = start_server("--db", ":memory:", "--access-key", f"{AK}:{SK}")
    done = subprocess.run(
        [str(BINARY), "apply", "tests/sdk/fixtures/served-kinds.yaml", "--server", f"http://{server.endpoint}",
         "--access-key", "nobody:wrong"], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert done.returncode == 2
    assert "cannot create VPC 'VPC1': CreateVpc answered InvalidAccessKeyId.NotFound" in done.stderr


def test_routes_against_a_server_lists_the_applied_route_table(start_server):
    server = start_server("--db", ":memory:", "--access-key", f"{AK}:{SK}")
    assert apply(server, ROOT / "tests/sdk/fixtures/served-kinds.yaml").returncode == 0
    [vpc] = call(server, "DescribeVpcs", "us-east-1")["Vpcs"]["Vpc"]
    done = subprocess.run(
        [str(BINARY), "routes", "--server", f"http://{server.endpoint}", "--access-key", f"{AK}:{SK}",
         "--region", "us-east-1", vpc["VpcId"]], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("route table vtb-")
    assert lines[1].split() == ["Destination", "CIDR", "block", "Next", "hop", "type", "Next", "hop", "Type", "Status"]
    custom = sorted(line.split()[0] for line in lines[2:] if "VpnGateway" in line)
    assert custom == ["10.10.10.0/24", "10.10.20.0/24"]
    assert any(line.startswith("172.16.1.0/24") for line in lines[2:])  # the vSwitch's system route
