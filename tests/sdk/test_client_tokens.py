"""ClientToken on the create actions whose answer is stored in the same transaction as the change (ECS, Express
Connect, CEN bandwidth, sites; docs/api.md "Idempotency"): a replay after a restart answers the first id, and
no second resource exists."""
from conftest import AK, SK
from sdk import common_request, old_call, old_client, old_error

REGION = "cn-hangzhou"


def call(server, action, version, **params):
    return old_call(server, old_client(AK, SK), common_request(action, version, **params))


def test_converted_creates_replay_their_first_answer_after_a_restart(start_server, tmp_path):
    db = str(tmp_path / "tokens.db")
    keys = ("--access-key", f"{AK}:{SK}")
    s = start_server("--db", db, *keys)
    vpc = call(s, "CreateVpc", "2016-04-28", RegionId=REGION, CidrBlock="10.0.0.0/16")
    creates = {
        "CreateSecurityGroup": ("2014-05-26", "SecurityGroupId",
                                dict(RegionId=REGION, VpcId=vpc["VpcId"], SecurityGroupName="tok")),
        "CreateRouterInterface": ("2016-04-28", "RouterInterfaceId",
                                  dict(RegionId=REGION, RouterType="VRouter", RouterId=vpc["VRouterId"],
                                       Role="InitiatingSide", Spec="Small.1", OppositeRegionId=REGION)),
        "CreateCenBandwidthPackage": ("2017-09-12", "CenBandwidthPackageId",
                                      dict(Bandwidth="10", GeographicRegionAId="China", GeographicRegionBId="China")),
        "CreateSite": ("2026-11-01", "SiteId", dict(GatewayIpAddress="198.51.100.77", **{"CidrBlock.1": "10.77.0.0/24"})),
    }
    first = {}
    for action, (version, field, params) in creates.items():
        first[action] = call(s, action, version, ClientToken=f"tok-{action}", **params)[field]
        again = call(s, action, version, ClientToken=f"tok-{action}", **params)[field]
        assert again == first[action], action
    assert s.stop() == 0

    s = start_server("--db", db, *keys)
    for action, (version, field, params) in creates.items():
        assert call(s, action, version, ClientToken=f"tok-{action}", **params)[field] == first[action], action
    assert len(call(s, "DescribeSecurityGroups", "2014-05-26", RegionId=REGION)["SecurityGroups"]["SecurityGroup"]) == 1
    assert call(s, "DescribeRouterInterfaces", "2016-04-28", RegionId=REGION)["TotalCount"] == 1
    assert call(s, "DescribeCenBandwidthPackages", "2017-09-12")["TotalCount"] == 1
    assert call(s, "DescribeSites", "2026-11-01")["TotalCount"] == 1
    # The same token with other parameters is refused.
    e = old_error(s, old_client(AK, SK), common_request(
        "CreateSecurityGroup", "2014-05-26", RegionId=REGION, VpcId=vpc["VpcId"], SecurityGroupName="other",
        ClientToken="tok-CreateSecurityGroup"))
    assert e.get_error_code() == "IdempotentParameterMismatch"
