"""Every signature failure case through both SDK generations, and both signature versions accepted."""
import datetime

import pytest
from aliyunsdkcore.utils import parameter_helper
from aliyunsdkvpc.request.v20160428.DescribeVpcsRequest import DescribeVpcsRequest
from alibabacloud_tea_openapi.utils import Utils
from alibabacloud_tea_openapi import exceptions as new_exceptions
from alibabacloud_vpc20160428 import models as vpc_models

from conftest import AK, SK, OTHER_AK, OTHER_SK, REGION
from sdk import new_error, new_vpc_client, old_call, old_client, old_error

NEW_MODES = [pytest.param(False, id="v3"), pytest.param(True, id="v2")]


def describe(region=REGION):
    r = DescribeVpcsRequest()
    r.set_accept_format("JSON")
    return r


def skewed(minutes):
    t = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(minutes=minutes)
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_old_sdk_signature_v2_accepted(server):
    body = old_call(server, old_client(AK, SK), describe())
    assert body["RequestId"]
    assert {"TotalCount", "PageNumber", "PageSize", "Vpcs"} <= body.keys()
    assert isinstance(body["Vpcs"]["Vpc"], list)


@pytest.mark.parametrize("v2", NEW_MODES)
def test_new_sdk_accepted(server, v2):
    response = new_vpc_client(server, AK, SK, v2).describe_vpcs(vpc_models.DescribeVpcsRequest(region_id=REGION))
    assert response.status_code == 200
    assert response.body.request_id
    assert response.body.page_number == 1


def test_second_key_is_accepted(server):
    body = old_call(server, old_client(OTHER_AK, OTHER_SK), describe())
    assert body["RequestId"]


def test_old_sdk_wrong_secret(server):
    e = old_error(server, old_client(AK, "wrong"), describe())
    # The old SDK compares our string-to-sign with its own and, when they are equal, reports the cause as
    # InvalidAccessKeySecret: proof that our canonicalization is byte-for-byte the SDK's.
    assert e.get_http_status() == 400
    assert e.get_error_code() == "InvalidAccessKeySecret"


@pytest.mark.parametrize("v2", NEW_MODES)
def test_new_sdk_wrong_secret(server, v2):
    e = new_error(lambda: new_vpc_client(server, AK, "wrong", v2).describe_vpcs(vpc_models.DescribeVpcsRequest(region_id=REGION)))
    assert isinstance(e, new_exceptions.ClientException)
    assert e.status_code == 400
    assert e.code == "SignatureDoesNotMatch"
    assert "server string to sign is:" in e.message


def test_old_sdk_unknown_key(server):
    e = old_error(server, old_client("nobody", SK), describe())
    assert (e.get_http_status(), e.get_error_code()) == (404, "InvalidAccessKeyId.NotFound")
    assert e.get_error_msg() == "Specified access key is not found."
    assert e.get_request_id()


@pytest.mark.parametrize("v2", NEW_MODES)
def test_new_sdk_unknown_key(server, v2):
    e = new_error(lambda: new_vpc_client(server, "nobody", SK, v2).describe_vpcs(vpc_models.DescribeVpcsRequest(region_id=REGION)))
    assert (e.status_code, e.code) == (404, "InvalidAccessKeyId.NotFound")


@pytest.mark.parametrize("minutes", [-16, 16])
def test_old_sdk_skewed_timestamp(server, monkeypatch, minutes):
    monkeypatch.setattr(parameter_helper, "get_iso_8061_date", lambda: skewed(minutes))
    e = old_error(server, old_client(AK, SK), describe())
    assert (e.get_http_status(), e.get_error_code()) == (400, "InvalidTimeStamp.Expired")


def test_old_sdk_timestamp_within_window(server, monkeypatch):
    monkeypatch.setattr(parameter_helper, "get_iso_8061_date", lambda: skewed(-14))
    assert old_call(server, old_client(AK, SK), describe())["RequestId"]


@pytest.mark.parametrize("v2", NEW_MODES)
def test_new_sdk_skewed_timestamp(server, monkeypatch, v2):
    monkeypatch.setattr(Utils, "get_timestamp", staticmethod(lambda: skewed(-20)))
    e = new_error(lambda: new_vpc_client(server, AK, SK, v2).describe_vpcs(vpc_models.DescribeVpcsRequest(region_id=REGION)))
    assert (e.status_code, e.code) == (400, "InvalidTimeStamp.Expired")


def test_old_sdk_reused_nonce(server, monkeypatch):
    monkeypatch.setattr(parameter_helper, "get_uuid", lambda: "0123456789abcdef0123456789abcdef")
    client = old_client(AK, SK)
    assert old_call(server, client, describe())["RequestId"]
    e = old_error(server, client, describe())
    assert (e.get_http_status(), e.get_error_code()) == (400, "SignatureNonceUsed")


@pytest.mark.parametrize("v2", NEW_MODES)
def test_new_sdk_reused_nonce(server, monkeypatch, v2):
    nonce = f"reused-nonce-{'v2' if v2 else 'v3'}"
    monkeypatch.setattr(Utils, "get_nonce", staticmethod(lambda: nonce))
    client = new_vpc_client(server, AK, SK, v2)
    client.describe_vpcs(vpc_models.DescribeVpcsRequest(region_id=REGION))
    e = new_error(lambda: client.describe_vpcs(vpc_models.DescribeVpcsRequest(region_id=REGION)))
    assert (e.status_code, e.code) == (400, "SignatureNonceUsed")


def test_same_nonce_for_other_key_is_fine(server, monkeypatch):
    monkeypatch.setattr(parameter_helper, "get_uuid", lambda: "fedcba9876543210fedcba9876543210")
    assert old_call(server, old_client(AK, SK), describe())["RequestId"]
    assert old_call(server, old_client(OTHER_AK, OTHER_SK), describe())["RequestId"]


def test_wrong_signature_does_not_burn_nonce(server, monkeypatch):
    monkeypatch.setattr(parameter_helper, "get_uuid", lambda: "00000000000000000000000000000042")
    old_error(server, old_client(AK, "wrong"), describe())
    assert old_call(server, old_client(AK, SK), describe())["RequestId"]
