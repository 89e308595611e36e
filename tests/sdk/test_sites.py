"""Meridian's own API (product Meridian, version 2026-11-01): sites, device routes, loaded configurations and
TestConnectivity, driven by the SDKs' generic request paths (no SDK has a 2026-11-01 client).

Seed 004 (examples/seed-004-vpn-hub.yaml) is built through the API on a fresh server, then TestConnectivity is
compared with what `meridian trace --json` answers for the same topology file.
"""
import json
import pathlib
import re
import subprocess
import tempfile

import pytest
from aliyunsdkcore.acs_exception.exceptions import ServerException as OldServerException
from aliyunsdkcore.request import CommonRequest
from alibabacloud_tea_openapi import models as open_api_models
from alibabacloud_tea_openapi.client import Client as OpenApiClient
from alibabacloud_tea_openapi import exceptions as new_exceptions
from alibabacloud_tea_util.models import RuntimeOptions
from alibabacloud_vpc20160428 import models as m

from conftest import AK, BINARY, ROOT, SK
from sdk import new_vpc_client, old_client

VERSION = "2026-11-01"
REGION = "cn-shanghai"
SEED = ROOT / "examples" / "seed-004-vpn-hub.yaml"
OFFICES = [  # name, city, block, customer gateway IP, PSK (as in the seed file)
    ("Shanghai office", "Shanghai", "10.10.10.0/24", "203.0.113.41", "shanghai-key"),
    ("Hangzhou office", "Hangzhou", "10.10.20.0/24", "203.0.113.42", "hangzhou-key"),
    ("Ningbo office", "Ningbo", "10.10.30.0/24", "203.0.113.43", "ningbo-key"),
]


class MeridianError(Exception):
    def __init__(self, status, code, message):
        super().__init__(f"{status} {code}: {message}")
        self.status, self.code, self.message = status, code, message


class Caller:
    """Calls a 2026-11-01 action through one SDK path: old CommonRequest (V2), or new call_api with V3 or V2."""

    def __init__(self, server, how):
        self.server, self.how = server, how
        if how == "old":
            self.client = old_client(AK, SK)
        else:
            cfg = open_api_models.Config(access_key_id=AK, access_key_secret=SK, region_id=REGION,
                                         endpoint=server.endpoint, protocol="http")
            if how == "new-v2":
                cfg.signature_algorithm = "v2"
            self.client = OpenApiClient(cfg)

    def __call__(self, action, **params):
        params = {k: (json.dumps(v) if isinstance(v, dict) else str(v)) for k, v in params.items()}
        if self.how == "old":
            r = CommonRequest(domain=self.server.endpoint, version=VERSION, action_name=action, product="Meridian")
            r.set_method("POST")
            r.set_protocol_type("http")
            r.set_accept_format("JSON")
            for k, v in params.items():
                r.add_query_param(k, v)
            try:
                return json.loads(self.client.do_action_with_exception(r))
            except OldServerException as e:
                raise MeridianError(e.get_http_status(), e.get_error_code(), e.get_error_msg()) from None
        p = open_api_models.Params(action=action, version=VERSION, protocol="HTTP", pathname="/", method="POST",
                                   auth_type="AK", style="RPC", req_body_type="formData", body_type="json")
        try:
            return self.client.call_api(p, open_api_models.OpenApiRequest(query=params), RuntimeOptions())["body"]
        except (new_exceptions.ClientException, new_exceptions.ServerException) as e:
            raise MeridianError(getattr(e, "status_code", None), e.code, e.message) from None

    def error(self, action, **params):
        try:
            self(action, **params)
        except MeridianError as e:
            return e
        raise AssertionError(f"{action} {params} succeeded but an error was expected")


def build_seed_004(server, call, shanghai_psk=None):
    """Seed 004 through the API: VPC, vSwitch, VPN gateway, customer gateways, IPsec connections, VPC routes
    (VPC product, new SDK), then sites, device routes and loaded configurations (Meridian product)."""
    v = new_vpc_client(server, AK, SK)
    vpc = v.create_vpc(m.CreateVpcRequest(region_id=REGION, cidr_block="192.168.0.0/16", vpc_name="VPC")).body.to_map()
    v.create_vswitch(m.CreateVSwitchRequest(region_id=REGION, vpc_id=vpc["VpcId"], zone_id="cn-shanghai-b",
                                            cidr_block="192.168.1.0/24", v_switch_name="VSwitch"))
    gw = v.create_vpn_gateway(m.CreateVpnGatewayRequest(region_id=REGION, vpc_id=vpc["VpcId"], bandwidth=10,
                                                        name="VPN Gateway")).body.to_map()["VpnGatewayId"]
    gw_ip = v.describe_vpn_gateway(m.DescribeVpnGatewayRequest(region_id=REGION, vpn_gateway_id=gw)).body.to_map()["InternetIp"]
    ids = {"vpc": vpc["VpcId"], "gateway": gw, "gateway_ip": gw_ip, "sites": {}, "connections": {}}
    for office, city, block, ip, psk in OFFICES:
        cgw = v.create_customer_gateway(m.CreateCustomerGatewayRequest(region_id=REGION, ip_address=ip,
                                                                        name=f"{city} gateway")).body.to_map()
        vco = v.create_vpn_connection(m.CreateVpnConnectionRequest(
            region_id=REGION, vpn_gateway_id=gw, customer_gateway_id=cgw["CustomerGatewayId"], local_subnet="0.0.0.0/0",
            remote_subnet=block, name=f"{city} connection", effect_immediately=True,
            ike_config=json.dumps({"Psk": psk}))).body.to_map()["VpnConnectionId"]
        ids["connections"][office] = vco
        v.create_route_entry(m.CreateRouteEntryRequest(region_id=REGION, route_table_id=vpc["RouteTableId"],
                                                       destination_cidr_block=block, next_hop_type="VpnGateway",
                                                       next_hop_id=gw))
    for index, (office, city, block, ip, psk) in enumerate(OFFICES):
        site = call("CreateSite", Name=office, **{"CidrBlock.1": block}, GatewayIpAddress=ip)["SiteId"]
        assert site.startswith("site-")
        ids["sites"][office] = site
        for destination in ["192.168.0.0/16"] + [o[2] for o in OFFICES if o[2] != block]:
            call("CreateSiteRouteEntry", SiteId=site, DestinationCidrBlock=destination, NextHopIp=gw_ip)
        extra = {"Psk": shanghai_psk} if (shanghai_psk and office == "Shanghai office") else {}
        loaded = call("LoadVpnConnectionConfig", SiteId=site, VpnConnectionId=ids["connections"][office], **extra)
        assert (loaded["Local"], loaded["Remote"]) == (ip, gw_ip)
        assert (loaded["LocalSubnet"], loaded["RemoteSubnet"]) == (block, "0.0.0.0/0")
    return ids


def cli_trace(source, destination, shanghai_psk=None, gateway_ip=None):
    """`meridian trace --json` on seed 004's file (with the Shanghai device's PSK and the gateway's IP changed)."""
    text = SEED.read_text()
    if shanghai_psk:
        text, n = re.subn(r"(\{peer: VPN Gateway, psk: )shanghai-key", rf"\g<1>{shanghai_psk}", text)
        assert n == 1
    if gateway_ip:
        text = text.replace("198.51.100.40", gateway_ip)
    with tempfile.TemporaryDirectory() as tmp:
        path = pathlib.Path(tmp) / "seed-004.yaml"
        path.write_text(text)
        out = subprocess.run([str(BINARY), "trace", str(path), source, destination, "--json"],
                             capture_output=True, text=True, timeout=60)
    assert out.returncode in (0, 1), out.stderr
    return json.loads(out.stdout)


def hop_rows(hops):
    """API hops as the CLI's hop table columns (ids neutralised)."""
    return [tuple(neutral(h[k]) for k in ("NodeKind", "NodeName", "DestinationCidrBlock", "NextHop", "Via", "Note"))
            for h in hops]


def cli_rows(hops):
    """`meridian trace --json` hops, the same columns."""
    return [tuple(neutral(h.get(k)) for k in ("kind", "name", "destination", "nextHop", "via", "note")) for h in hops]


ID = re.compile(r"\b(?:vco|site|vpn|cgw|vpc|vsw|vtb|vrt)-[A-Za-z0-9_-]+")


def neutral(text):
    """The text with every resource id replaced by `<id>`: the file's ids and the API's differ, names do not."""
    return ID.sub("<id>", text or "")


@pytest.fixture
def fresh(start_server):
    return start_server("--db", ":memory:", "--access-key", f"{AK}:{SK}")


@pytest.mark.parametrize("how", ["old", "new-v3", "new-v2"])
def test_seed_004_is_reachable_across_the_vpn_hub(fresh, how):
    call = Caller(fresh, how)
    ids = build_seed_004(fresh, call)
    r = call("TestConnectivity", SourceIp="10.10.10.10", DestinationIp="10.10.30.10")
    cli = cli_trace("10.10.10.10", "10.10.30.10", gateway_ip=ids["gateway_ip"])
    assert cli["reachable"] is True
    assert (r["Reachable"], r["Outcome"], r["FailedDirection"]) == (True, "ACCEPTED", "")
    assert r["Source"]["Name"] == "Shanghai office" and r["Destination"]["Name"] == "Ningbo office"
    assert hop_rows(r["ForwardHops"]["Hop"]) == cli_rows(cli["forward"]["hops"])
    assert hop_rows(r["ReturnHops"]["Hop"]) == cli_rows(cli["reverse"]["hops"])
    assert r["ForwardOutcome"] == "ACCEPTED" and r["ReturnOutcome"] == "ACCEPTED"

    sites = call("DescribeSites", SiteId=ids["sites"]["Shanghai office"])
    assert sites["TotalCount"] == 1
    site = sites["Sites"]["Site"][0]
    assert site["CidrBlocks"]["CidrBlock"] == ["10.10.10.0/24"] and site["GatewayIpAddress"] == "203.0.113.41"
    assert [e["DestinationCidrBlock"] for e in site["RouteEntries"]["RouteEntry"]] == [
        "192.168.0.0/16", "10.10.20.0/24", "10.10.30.0/24"]
    config = site["VpnConnectionConfigs"]["VpnConnectionConfig"][0]
    assert config["VpnConnectionId"] == ids["connections"]["Shanghai office"]
    assert config["IkeConfig"]["Psk"] == "shanghai-key"
    assert config.get("TunnelStatus") == "ipsec_sa_established", config
    # The cloud's own view of the same tunnel: DescribeVpnConnections' Status comes from the route engine.
    v = new_vpc_client(fresh, AK, SK)
    conns = v.describe_vpn_connections(m.DescribeVpnConnectionsRequest(region_id=REGION, vpn_gateway_id=ids["gateway"])).body.to_map()
    assert {c["Name"]: c["Status"] for c in conns["VpnConnections"]["VpnConnection"]} == {
        "Shanghai connection": "ipsec_sa_established", "Hangzhou connection": "ipsec_sa_established",
        "Ningbo connection": "ipsec_sa_established"}
    # Without the device's configuration there is no tunnel.
    call("UnloadVpnConnectionConfig", SiteId=ids["sites"]["Ningbo office"], VpnConnectionId=ids["connections"]["Ningbo office"])
    conn = v.describe_vpn_connection(m.DescribeVpnConnectionRequest(region_id=REGION,
                                                                     vpn_connection_id=ids["connections"]["Ningbo office"]))
    assert conn.body.to_map()["Status"] == "ike_sa_not_established"
    r = call("TestConnectivity", SourceIp="10.10.10.10", DestinationIp="10.10.30.10")
    assert (r["Reachable"], r["Outcome"]) == (False, "TUNNEL_DOWN")


def test_a_wrong_psk_gives_what_meridian_trace_gives(fresh):
    call = Caller(fresh, "new-v3")
    ids = build_seed_004(fresh, call, shanghai_psk="wrong-key")
    r = call("TestConnectivity", SourceIp="10.10.10.10", DestinationIp="10.10.30.10")
    cli = cli_trace("10.10.10.10", "10.10.30.10", shanghai_psk="wrong-key", gateway_ip=ids["gateway_ip"])
    assert r["Reachable"] is False and r["Outcome"] == "TUNNEL_DOWN" == cli["disposition"]
    assert r["FailedDirection"] == "forward"
    # Ids differ between the file and the API; names and everything else are the same.
    assert "key" in r["Explanation"] and "Shanghai connection" in r["Explanation"], r["Explanation"]
    assert neutral(r["Explanation"]) == neutral(cli["explanation"])
    assert neutral(r["Fix"]) == neutral(cli.get("fix"))
    assert hop_rows(r["ForwardHops"]["Hop"]) == cli_rows(cli["forward"]["hops"])
    assert r["ReturnHops"]["Hop"] == [] and r["ReturnOutcome"] == ""
    site = call("DescribeSites", SiteId=ids["sites"]["Shanghai office"])["Sites"]["Site"][0]
    assert site["VpnConnectionConfigs"]["VpnConnectionConfig"][0]["TunnelStatus"] == "ike_sa_not_established"
    assert "key mismatch" in site["VpnConnectionConfigs"]["VpnConnectionConfig"][0]["TunnelMessage"]
    v = new_vpc_client(fresh, AK, SK)
    conn = v.describe_vpn_connection(m.DescribeVpnConnectionRequest(region_id=REGION,
                                                                     vpn_connection_id=ids["connections"]["Shanghai office"]))
    assert conn.body.to_map()["Status"] == "ike_sa_not_established"

    # Loading the right key again brings the tunnel up.
    call("LoadVpnConnectionConfig", SiteId=ids["sites"]["Shanghai office"],
         VpnConnectionId=ids["connections"]["Shanghai office"], Psk="shanghai-key")
    assert call("TestConnectivity", SourceIp="10.10.10.10", DestinationIp="10.10.30.10")["Reachable"] is True


@pytest.mark.parametrize("how", ["old", "new-v3", "new-v2"])
def test_bad_input_gets_a_coded_error_and_changes_nothing(fresh, how):
    call = Caller(fresh, how)
    site = call("CreateSite", Name="HQ", **{"CidrBlock.1": "10.1.0.0/16"}, GatewayIpAddress="198.51.100.7")["SiteId"]
    before = call("DescribeSites")
    cases = [
        ("CreateSite", {"CidrBlock.1": "10.2.0.0/33", "GatewayIpAddress": "198.51.100.8"}, 400, "InvalidCidrBlock.Malformed"),
        ("CreateSite", {"CidrBlock.1": "10.1.5.0/24", "GatewayIpAddress": "198.51.100.8"}, 400, "InvalidCidrBlock.Overlapped"),
        ("CreateSite", {"CidrBlock.1": "10.2.0.0/16", "GatewayIpAddress": "10.9.9.9"}, 400, "InvalidGatewayIpAddress.NotPublic"),
        ("CreateSite", {"CidrBlock.1": "10.2.0.0/16", "GatewayIpAddress": "198.51.100"}, 400, "InvalidGatewayIpAddress.Malformed"),
        ("CreateSite", {"CidrBlock.1": "10.2.0.0/16"}, 400, "MissingGatewayIpAddress"),
        ("CreateSiteRouteEntry", {"SiteId": "site-nope", "DestinationCidrBlock": "192.168.0.0/16", "NextHopIp": "203.0.113.1"},
         404, "InvalidSiteId.NotFound"),
        ("CreateSiteRouteEntry", {"SiteId": site, "DestinationCidrBlock": "192.168.0.0/16", "NextHopIp": "10.1.0.1"},
         400, "InvalidNextHopIp.InsideSite"),
        ("CreateSiteRouteEntry", {"SiteId": site, "DestinationCidrBlock": "192.168.0.0/16", "NextHopIp": "198.51.100.99"},
         400, "InvalidNextHopIp.Unreachable"),
        ("LoadVpnConnectionConfig", {"SiteId": site, "VpnConnectionId": "vco-nope"}, 404, "InvalidVpnConnectionInstanceId.NotFound"),
        ("LoadVpnConnectionConfig", {"SiteId": site, "VpnConnectionId": "vco-nope", "IkeConfig": "{not json"}, 400, "InvalidParameter"),
        ("DeleteSite", {"SiteId": "site-nope"}, 404, "InvalidSiteId.NotFound"),
        ("TestConnectivity", {"SourceIp": "10.1.0.10", "DestinationIp": "10.1.0.20", "Protocol": "sctp"}, 400, "InvalidProtocol"),
        ("TestConnectivity", {"SourceIp": "10.1.0.10", "DestinationIp": "10.1.0.20", "Protocol": "tcp",
                              "DestinationPort": "65536"}, 400, "InvalidDestinationPort"),
        ("TestConnectivity", {"SourceIp": "10.1.0.10", "DestinationIp": "10.1.0.20", "Protocol": "udp"}, 400, "MissingDestinationPort"),
        ("TestConnectivity", {"SourceIp": "10.1.0.256", "DestinationIp": "10.1.0.20"}, 400, "InvalidSourceIp.Malformed"),
        ("TestConnectivity", {"SourceIp": "172.20.0.1", "DestinationIp": "10.1.0.20"}, 404, "InvalidSourceIp.NotFound"),
    ]
    for action, params, status, code in cases:
        e = call.error(action, **params)
        assert (e.status, e.code) == (status, code), (action, params, e)
        assert e.message, (action, params)
    after = call("DescribeSites")
    assert (after["TotalCount"], after["Sites"]) == (before["TotalCount"], before["Sites"])
    r = call("TestConnectivity", SourceIp="10.1.0.10", DestinationIp="10.1.0.20", Protocol="tcp", DestinationPort=443)
    assert r["Reachable"] is True and r["Protocol"] == "tcp" and r["DestinationPort"] == 443
    call("DeleteSite", SiteId=site)
    assert call("DescribeSites")["TotalCount"] == 0
