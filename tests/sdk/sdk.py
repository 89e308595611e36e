"""Small helpers over both SDK generations."""
import json

from aliyunsdkcore.client import AcsClient
from aliyunsdkcore.acs_exception.exceptions import ServerException as OldServerException
from aliyunsdkcore.request import CommonRequest
from alibabacloud_tea_openapi import models as open_api_models
from alibabacloud_tea_openapi import exceptions as new_exceptions
from alibabacloud_vpc20160428.client import Client as VpcClient
from alibabacloud_cbn20170912.client import Client as CbnClient

from conftest import REGION


def old_client(ak, sk):
    return AcsClient(ak, sk, REGION)


def old_call(server, client, request, fmt="JSON"):
    """Runs an old-SDK request against the server; returns the parsed JSON (or raw text for XML)."""
    request.set_endpoint(server.endpoint)
    request.set_protocol_type("http")
    request.set_accept_format(fmt)
    raw = client.do_action_with_exception(request)
    return json.loads(raw) if fmt == "JSON" else raw.decode()


def old_error(server, client, request):
    """Runs a request that must fail; returns the SDK's ServerException."""
    try:
        old_call(server, client, request)
    except OldServerException as e:
        return e
    raise AssertionError("the request succeeded but an error was expected")


def common_request(action, version="2016-04-28", **params):
    r = CommonRequest(version=version, action_name=action)
    r.set_method("POST")
    for k, v in params.items():
        r.add_query_param(k, v)
    return r


def new_vpc_client(server, ak, sk, v2=False):
    cfg = open_api_models.Config(access_key_id=ak, access_key_secret=sk, region_id=REGION,
                                 endpoint=server.endpoint, protocol="http")
    if v2:
        cfg.signature_algorithm = "v2"
    return VpcClient(cfg)


def new_cbn_client(server, ak, sk, v2=False):
    cfg = open_api_models.Config(access_key_id=ak, access_key_secret=sk, region_id=REGION,
                                 endpoint=server.endpoint, protocol="http")
    if v2:
        cfg.signature_algorithm = "v2"
    return CbnClient(cfg)


def new_error(call):
    """Runs a new-SDK call that must fail; returns the SDK's exception."""
    try:
        call()
    except (new_exceptions.ClientException, new_exceptions.ServerException) as e:
        return e
    raise AssertionError("the request succeeded but an error was expected")


def raw_v2(server, params, method="GET", form=False, ak=None, sk=None):
    """Sends a V2-signed request by hand (GET with query, or POST with a form body); returns (status, headers, text).

    The signer follows reference §1.3; the SDKs always POST with a query string, so this covers the other
    two shapes a server must accept.
    """
    import base64, hashlib, hmac, urllib.error, urllib.parse, urllib.request, uuid, datetime
    from conftest import AK as DEFAULT_AK, SK as DEFAULT_SK
    p = {"Format": "JSON", "AccessKeyId": ak or DEFAULT_AK, "SignatureMethod": "HMAC-SHA1", "SignatureVersion": "1.0",
         "SignatureNonce": uuid.uuid4().hex,
         "Timestamp": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"), **params}
    enc = lambda s: urllib.parse.quote(str(s), safe="-_.~")
    canonical = "&".join(f"{enc(k)}={enc(v)}" for k, v in sorted(p.items()))
    to_sign = f"{method}&{enc('/')}&{enc(canonical)}"
    p["Signature"] = base64.b64encode(hmac.new(((sk or DEFAULT_SK) + "&").encode(), to_sign.encode(), hashlib.sha1).digest()).decode()
    encoded = urllib.parse.urlencode(p)
    if form:
        req = urllib.request.Request(f"http://{server.endpoint}/", data=encoded.encode(), method=method,
                                     headers={"Content-Type": "application/x-www-form-urlencoded"})
    else:
        req = urllib.request.Request(f"http://{server.endpoint}/?{encoded}", method=method)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, dict(r.headers), r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read().decode()
