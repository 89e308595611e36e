"""`meridian serve` itself: first-start key, state across restarts, environment keys, graceful shutdown."""
import os
import re
import urllib.request

from aliyunsdkvpc.request.v20160428.DescribeVpcsRequest import DescribeVpcsRequest

from conftest import BINARY
from sdk import old_call, old_client, old_error, raw_v2
from test_resources import old_create_vpc


def test_first_start_creates_prints_and_keeps_a_key(start_server, tmp_path):
    db = tmp_path / "state.db"
    s = start_server("--db", str(db))
    printed = b""
    while b"AccessKeySecret:" not in printed:
        line = s.process.stdout.readline()
        assert line, "meridian serve printed no access key"
        printed += line
    ak = re.search(rb"AccessKeyId:\s+(\S+)", printed).group(1).decode()
    sk = re.search(rb"AccessKeySecret:\s+(\S+)", printed).group(1).decode()
    client = old_client(ak, sk)
    vpc = old_call(s, client, old_create_vpc(s, "cn-hangzhou", cidr="10.0.0.0/16", name="kept"))
    assert s.stop() == 0

    again = start_server("--db", str(db))
    body = old_call(again, client, DescribeVpcsRequest())
    assert [v["VpcId"] for v in body["Vpcs"]["Vpc"]] == [vpc["VpcId"]]
    assert again.stop() == 0
    assert db.exists()


def test_keys_from_environment(start_server):
    env = dict(os.environ, MERIDIAN_ACCESS_KEYS="envAK:envSecret,env2:sec2")
    s = start_server("--db", ":memory:", env=env)
    assert old_call(s, old_client("envAK", "envSecret"), DescribeVpcsRequest())["RequestId"]
    assert old_call(s, old_client("env2", "sec2"), DescribeVpcsRequest())["RequestId"]
    assert old_error(s, old_client("testAK", "testSecret"), DescribeVpcsRequest()).get_error_code() == "InvalidAccessKeyId.NotFound"


def test_health_and_metrics_need_no_signature(server):
    with urllib.request.urlopen(f"http://{server.endpoint}/health", timeout=5) as r:
        assert r.status == 200
    raw_v2(server, {"Action": "DescribeVpcs", "Version": "2016-04-28", "RegionId": "cn-hangzhou"})
    with urllib.request.urlopen(f"http://{server.endpoint}/metrics", timeout=5) as r:
        text = r.read().decode()
    assert 'meridian_api_requests_total{action="DescribeVpcs",code="OK"}' in text


def test_sigterm_stops_gracefully(start_server):
    s = start_server("--db", ":memory:", "--access-key", "a:b")
    assert s.stop() == 0


def test_client_token_survives_a_restart(start_server, tmp_path):
    db = str(tmp_path / "tokens.db")
    keys = ("--access-key", "tokAK:tokSecret")
    s = start_server("--db", db, *keys)
    client = old_client("tokAK", "tokSecret")
    first = old_call(s, client, old_create_vpc(s, "cn-hangzhou", cidr="10.0.0.0/16", token="restart-token"))
    assert s.stop() == 0
    again = start_server("--db", db, *keys)
    replay = old_call(again, client, old_create_vpc(again, "cn-hangzhou", cidr="10.0.0.0/16", token="restart-token"))
    assert replay["VpcId"] == first["VpcId"]
    assert old_call(again, client, DescribeVpcsRequest())["TotalCount"] == 1
    e = old_error(again, client, old_create_vpc(again, "cn-hangzhou", cidr="10.1.0.0/16", token="restart-token"))
    assert e.get_error_code() == "IdempotentParameterMismatch"
