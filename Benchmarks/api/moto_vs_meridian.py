"""The API's speed side by side with moto (the AWS emulator LocalStack is built on), in one run.

Both servers run on loopback and are driven the same way, with three client approaches, each used on both:

* prepared (the headline figures): every request is built and signed the way its cloud requires (Meridian:
  signature V2, HMAC-SHA1, each with its own nonce; moto: AWS SigV4, which moto reads to route the request)
  before the clock starts, then sent one at a time over one keep-alive socket, and the answers are parsed
  after the clock stops. The client's own work per request is a send and a read, so the figures measure the
  servers rather than Python.
* concurrent (creates only): the prepared requests sent over CONNECTIONS (4) keep-alive sockets at once, one
  thread per socket, each socket one request at a time, as parallel clients (terraform's default parallelism is
  10) would send them: the servers' throughput rather than one client's round trip.
* sdk (what a Python program sees): each request is signed when it is sent, through the standard library's
  http.client (the lightest client Python has), and its answer parsed before the next one is sent.

Measured: creates per second (the median of --rounds rounds, 5 by default, each on fresh servers) and per-create
latency (p50, p99 of every round's requests) of VPCs, VPN gateways, customer gateways and IPsec/VPN connections;
listing 1,000 VPCs and 1,000 route tables, every page, with each API's largest page (Meridian PageSize=50; EC2
MaxResults=1000); with --memory N, the resident memory of `meridian serve` (SQLite
file) holding N VPCs (each with its vRouter, route table and system route), created by two client threads,
read from /proc afterwards.

Usage (Benchmarks/api/run.sh builds and installs what this needs):
    python moto_vs_meridian.py --meridian-bin PATH --moto-server PATH [--count 1000] [--memory 100000]
"""
import argparse
import base64
import datetime
import hashlib
import hmac
import json
import os
import signal
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid
from concurrent.futures import ThreadPoolExecutor
from xml.etree import ElementTree

import http.client

import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

REGION_ALI = "cn-hangzhou"
REGION_AWS = "us-east-1"
AK, SK = "benchAK", "benchSecret"
LISTING_ROUNDS = 5
CONNECTIONS = 4


def free_ports(count):
    """`count` distinct free loopback ports: the sockets stay bound until all are chosen, so the kernel cannot hand
    out one port twice (two servers on one port answered moto's requests with meridian once)."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def free_port():
    return free_ports(1)[0]


def wait_until_up(url, process, what):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"{what} exited with {process.returncode} before answering")
        try:
            requests.get(url, timeout=1)
            return
        except requests.RequestException:
            time.sleep(0.1)
    sys.exit(f"{what} did not answer {url} within 60 s")


def stop(process):
    """Stops a server this script started, by its PID."""
    if process.poll() is None:
        os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()


class Connection:
    """One keep-alive HTTP/1.1 connection through http.client; POSTs a form body and returns (status, text)."""

    def __init__(self, endpoint):
        host, port = endpoint.rsplit(":", 1)
        self.connection = http.client.HTTPConnection(host, int(port), timeout=30)

    def post(self, body, headers):
        self.connection.request("POST", "/", body=body, headers=headers)
        response = self.connection.getresponse()
        return response.status, response.read().decode()


class RawConnection:
    """One socket that sends prepared HTTP/1.1 requests and reads each answer whole (Content-Length or chunked);
    it reconnects when the server closes the connection after an answer."""

    def __init__(self, endpoint):
        host, port = endpoint.rsplit(":", 1)
        self.address = (host, int(port))
        self.connect()

    def connect(self):
        self.socket = socket.create_connection(self.address, timeout=30)
        self.socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        # A blocking socket whose 30 s limit the kernel keeps (SO_RCVTIMEO/SO_SNDTIMEO): Python's own timeout
        # mode polls before every send and receive, two more system calls per request for both servers.
        self.socket.settimeout(None)
        limit = struct.pack("ll", 30, 0)
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, limit)
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, limit)
        self.buffer = b""

    def read_more(self):
        data = self.socket.recv(1 << 16)
        if not data:
            raise ConnectionError("the server closed the connection")
        self.buffer += data

    def read_until(self, marker):
        while (end := self.buffer.find(marker)) < 0:
            self.read_more()
        line, self.buffer = self.buffer[:end], self.buffer[end + len(marker):]
        return line

    def read_exactly(self, count):
        while len(self.buffer) < count:
            self.read_more()
        data, self.buffer = self.buffer[:count], self.buffer[count:]
        return data

    def exchange(self, request):
        """Sends one request and returns (status, body bytes)."""
        try:
            self.socket.sendall(request)
            head = self.read_until(b"\r\n\r\n")
        except (ConnectionError, BrokenPipeError):
            self.connect()  # closed while idle: send again on a new connection
            self.socket.sendall(request)
            head = self.read_until(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        version, status = lines[0].split(b" ", 2)[:2]
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            headers[name.strip().lower()] = value.strip().lower()
        if b"content-length" in headers:
            body = self.read_exactly(int(headers[b"content-length"]))
        elif headers.get(b"transfer-encoding") == b"chunked":
            chunks = []
            while (size := int(self.read_until(b"\r\n").split(b";")[0], 16)) > 0:
                chunks.append(self.read_exactly(size))
                self.read_exactly(2)
            self.read_until(b"\r\n")
            body = b"".join(chunks)
        else:
            while True:
                try:
                    self.read_more()
                except ConnectionError:
                    break
            body, self.buffer = self.buffer, b""
            headers[b"connection"] = b"close"
        if headers.get(b"connection") == b"close" or (version == b"HTTP/1.0" and headers.get(b"connection") != b"keep-alive"):
            self.socket.close()
            self.connect()
        return int(status), body


def http_request(endpoint, body, headers):
    """The bytes of a POST / with a form body."""
    lines = [f"POST / HTTP/1.1", f"Host: {endpoint}", f"Content-Length: {len(body)}"]
    lines += [f"{name}: {value}" for name, value in headers.items() if name.lower() not in ("host", "content-length")]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body.encode()


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


class Meridian:
    """Signature V2 (reference §1.3), form body, JSON answers."""

    name = "meridian"
    page_size = 50

    def __init__(self, endpoint):
        self.endpoint = endpoint
        self.connection = Connection(endpoint)

    def signed_body(self, action, version="2016-04-28", **params):
        p = {
            "Action": action, "Version": version, "Format": "JSON", "AccessKeyId": AK,
            "SignatureMethod": "HMAC-SHA1", "SignatureVersion": "1.0", "SignatureNonce": uuid.uuid4().hex,
            "Timestamp": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "RegionId": REGION_ALI, **{k: str(v) for k, v in params.items()},
        }
        enc = lambda s: urllib.parse.quote(s, safe="-_.~")
        canonical = "&".join(f"{enc(k)}={enc(v)}" for k, v in sorted(p.items()))
        to_sign = f"POST&%2F&{enc(canonical)}"
        p["Signature"] = base64.b64encode(hmac.new((SK + "&").encode(), to_sign.encode(), hashlib.sha1).digest())
        return urllib.parse.urlencode(p)

    headers = {"Content-Type": "application/x-www-form-urlencoded"}

    def send(self, action, version="2016-04-28", **params):
        """sdk approach: signs the request now and sends it through http.client; returns (status, text)."""
        return self.connection.post(self.signed_body(action, version, **params), self.headers)

    def call(self, action, version="2016-04-28", **params):
        return self.answer(action, *self.send(action, version, **params))

    def prepare(self, action, **params):
        return http_request(self.endpoint, self.signed_body(action, **params), self.headers)

    @staticmethod
    def answer(action, status, text):
        body = json.loads(text)
        if status != 200:
            raise RuntimeError(f"meridian {action}: HTTP {status} {body.get('Code')}: {body.get('Message')}")
        return body

    def create_call(self, kind, i, made):
        """The action, parameters and id field of create number `i` of `kind`."""
        if kind == "vpc":
            return "CreateVpc", {"CidrBlock": "10.0.0.0/16", "VpcName": f"vpc-{i}"}, "VpcId"
        if kind == "vpn-gateway":
            return "CreateVpnGateway", {"VpcId": made["vpc"][i], "Bandwidth": 10}, "VpnGatewayId"
        if kind == "customer-gateway":
            return "CreateCustomerGateway", {"IpAddress": public_ip(i)}, "CustomerGatewayId"
        return ("CreateVpnConnection", {"VpnGatewayId": made["gw"][i], "CustomerGatewayId": made["cgw"][i],
                                        "LocalSubnet": "10.0.0.0/16", "RemoteSubnet": "172.16.0.0/16"},
                "VpnConnectionId")

    def created_id(self, action, field, status, text):
        return self.answer(action, status, text)[field]

    listings = {"vpcs": ("DescribeVpcs", "Vpcs", "Vpc"),
                "route-tables": ("DescribeRouteTableList", "RouterTableList", "RouterTableListType")}

    def list_all(self, what):
        """sdk approach: page after page, each answer parsed before asking for the next."""
        action, key, inner = self.listings[what]
        seen, page, requests_made = 0, 1, 0
        while True:
            body = self.call(action, PageNumber=page, PageSize=self.page_size)
            requests_made += 1
            items = body[key][inner]
            seen += len(items)
            if not items or seen >= body["TotalCount"]:
                return seen, requests_made
            page += 1

    def prepare_listing(self, what, expected):
        action = self.listings[what][0]
        pages = -(-expected // self.page_size)
        return [self.prepare(action, PageNumber=page, PageSize=self.page_size) for page in range(1, pages + 1)]

    def send_listing(self, raw, what, prepared):
        """prepared approach: the prepared pages, sent one after the other."""
        return [raw.exchange(request) for request in prepared]

    def count_listed(self, what, answers):
        action, key, inner = self.listings[what]
        seen, total = 0, None
        for status, text in answers:
            body = self.answer(action, status, text)
            seen += len(body[key][inner])
            total = body["TotalCount"]
        if seen != total:
            raise RuntimeError(f"meridian {action}: {seen} listed in the prepared pages, TotalCount {total}")
        return seen


class Moto:
    """AWS SigV4 (botocore's signer), form body, EC2 Query API, XML answers."""

    name = "moto"

    def __init__(self, endpoint):
        self.endpoint = endpoint
        self.url = f"http://{endpoint}/"
        self.connection = Connection(endpoint)
        self.signer = SigV4Auth(Credentials("testing", "testing"), "ec2", REGION_AWS)

    def signed(self, action, **params):
        body = urllib.parse.urlencode({"Action": action, "Version": "2016-11-15", **params})
        request = AWSRequest(method="POST", url=self.url, data=body,
                             headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
        self.signer.add_auth(request)
        return body, dict(request.headers)

    def send(self, action, **params):
        """sdk approach: signs the request now and sends it through http.client; returns (status, text)."""
        return self.connection.post(*self.signed(action, **params))

    def call(self, action, **params):
        return self.answer(action, *self.send(action, **params))

    def prepare(self, action, **params):
        return http_request(self.endpoint, *self.signed(action, **params))

    @staticmethod
    def answer(action, status, text):
        if status != 200:
            raise RuntimeError(f"moto {action}: HTTP {status}: {text[:300]}")
        return text

    @staticmethod
    def field(xml, tag):
        start = xml.index(f"<{tag}>") + len(tag) + 2
        return xml[start:xml.index(f"</{tag}>", start)]

    def create_call(self, kind, i, made):
        if kind == "vpc":
            return "CreateVpc", {"CidrBlock": "10.0.0.0/16"}, "vpcId"
        if kind == "vpn-gateway":
            return "CreateVpnGateway", {"Type": "ipsec.1"}, "vpnGatewayId"
        if kind == "customer-gateway":
            return ("CreateCustomerGateway", {"Type": "ipsec.1", "BgpAsn": "65000", "IpAddress": public_ip(i)},
                    "customerGatewayId")
        return ("CreateVpnConnection", {"Type": "ipsec.1", "VpnGatewayId": made["gw"][i],
                                        "CustomerGatewayId": made["cgw"][i]}, "vpnConnectionId")

    def created_id(self, action, field, status, text):
        return self.field(self.answer(action, status, text), field)

    listings = {"vpcs": ("DescribeVpcs", "vpcSet"), "route-tables": ("DescribeRouteTables", "routeTableSet")}

    def list_all(self, what):
        action, set_tag = self.listings[what]
        seen, token, requests_made = 0, None, 0
        while True:
            params = {"MaxResults": 1000}
            if token:
                params["NextToken"] = token
            xml = self.call(action, **params)
            requests_made += 1
            seen += self.items(xml, set_tag)
            token = self.field(xml, "nextToken") if "<nextToken>" in xml else None
            if not token:
                return seen, requests_made

    @staticmethod
    def items(xml, set_tag):
        return len(ElementTree.fromstring(xml).findall(f"./{{*}}{set_tag}/{{*}}item"))

    def prepare_listing(self, what, expected):
        return [self.prepare(self.listings[what][0], MaxResults=1000)]

    def send_listing(self, raw, what, prepared):
        """prepared approach: EC2 pages by token, so a next page is signed when the previous one names it."""
        answers = [raw.exchange(prepared[0])]
        while b"<nextToken>" in answers[-1][1]:
            token = self.field(answers[-1][1].decode(), "nextToken")
            answers.append(raw.exchange(self.prepare(self.listings[what][0], MaxResults=1000, NextToken=token)))
        return answers

    def count_listed(self, what, answers):
        action, set_tag = self.listings[what]
        return sum(self.items(self.answer(action, status, text), set_tag) for status, text in answers)


def public_ip(i):
    """Distinct documentation addresses (never contacted: a customer gateway's IP is only data here)."""
    block = ("198.51.100", "203.0.113")[i // 254 % 2]
    return f"{block}.{i % 254 + 1}"


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


PHASES = ("vpc", "vpn-gateway", "customer-gateway", "vpn-connection")
MADE_AS = {"vpc": "vpc", "vpn-gateway": "gw", "customer-gateway": "cgw", "vpn-connection": "connection"}


def rates(rounds):
    """One kind's creates over several rounds (each `(count, seconds, latencies)`): the median round's rate, p50
    and p99 of every request of every round, and each round's rate."""
    per_round = [n / total for n, total, _ in rounds]
    latencies = [x for _, _, round_latencies in rounds for x in round_latencies]
    return {"count": rounds[0][0], "per_second": statistics.median(per_round), "rounds_per_second": per_round,
            "p50_ms": percentile(latencies, 50) * 1000, "p99_ms": percentile(latencies, 99) * 1000}


def measure_creates(client, approach, count, connections):
    """Creates `count` VPCs, then `connections` VPN gateways, customer gateways and connections; for each kind
    `(requests, seconds, latencies)`."""
    made = {"vpc": [], "gw": [], "cgw": [], "connection": []}
    sockets = CONNECTIONS if approach == "concurrent" else 1
    raws = [RawConnection(client.endpoint) for _ in range(sockets)] if approach != "sdk" else None
    out = {}
    for kind in PHASES:
        n = count if kind == "vpc" else connections
        calls = [client.create_call(kind, i, made) for i in range(n)] if raws else None
        prepared = [client.prepare(action, **params) for action, params, _ in calls] if calls else None
        latencies = []
        start = time.perf_counter()
        if prepared:
            answers, latencies = exchange_all(raws, prepared)
            total = time.perf_counter() - start
            for (action, _, field), (status, body) in zip(calls, answers):
                made[MADE_AS[kind]].append(client.created_id(action, field, status, body.decode()))
        else:
            for i in range(n):
                t = time.perf_counter()
                action, params, field = client.create_call(kind, i, made)
                made[MADE_AS[kind]].append(client.created_id(action, field, *client.send(action, **params)))
                latencies.append(time.perf_counter() - t)
            total = time.perf_counter() - start
        out[kind] = (n, total, latencies)
    return out


def exchange_all(raws, prepared):
    """Sends the prepared requests over the sockets `raws`, each socket one request at a time (one thread per
    socket when there are several); returns the answers in request order and each request's latency."""
    answers, latencies = [None] * len(prepared), [0.0] * len(prepared)

    def work(k):
        for i in range(k, len(prepared), len(raws)):
            t = time.perf_counter()
            answers[i] = raws[k].exchange(prepared[i])
            latencies[i] = time.perf_counter() - t

    if len(raws) == 1:
        work(0)
    else:
        with ThreadPoolExecutor(len(raws)) as pool:
            list(pool.map(work, range(len(raws))))
    return answers, latencies


def measure_listing(client, approach, what, expected):
    """The median of LISTING_ROUNDS listings of all `what`, every page."""
    times, seen, pages = [], 0, 0
    raw = RawConnection(client.endpoint) if approach == "prepared" else None
    rounds = [client.prepare_listing(what, expected) for _ in range(LISTING_ROUNDS)] if raw else None
    for r in range(LISTING_ROUNDS):
        start = time.perf_counter()
        if raw:
            answers = client.send_listing(raw, what, rounds[r])
            times.append(time.perf_counter() - start)
            seen, pages = client.count_listed(what, answers), len(answers)
        else:
            seen, pages = client.list_all(what)
            times.append(time.perf_counter() - start)
    if seen < expected:
        raise RuntimeError(f"{client.name} listed {seen} {what}, expected at least {expected}")
    return {"objects": seen, "requests": pages, "median_ms": statistics.median(times) * 1000}


def memory_run(binary, vpcs, workers=2):
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        process = subprocess.Popen(
            [binary, "serve", "--port", str(port), "--db", os.path.join(tmp, "m.db"), "--access-key", f"{AK}:{SK}",
             "--quota", f"vpcs-per-region={vpcs}", "--log-level", "error"],
            stdout=subprocess.DEVNULL)
        try:
            wait_until_up(f"http://127.0.0.1:{port}/health", process, "meridian serve")
            before = rss_mib(process.pid)
            start = time.perf_counter()
            clients = [Meridian(f"127.0.0.1:{port}") for _ in range(workers)]

            def work(w):
                for i in range(w, vpcs, workers):
                    clients[w].call("CreateVpc", CidrBlock="10.0.0.0/16", VpcName=f"vpc-{i}")

            with ThreadPoolExecutor(workers) as pool:
                list(pool.map(work, range(workers)))
            elapsed = time.perf_counter() - start
            total = clients[0].call("DescribeVpcs", PageSize=1)["TotalCount"]
            return {"vpcs": total, "rss_mib_before": before, "rss_mib_after": rss_mib(process.pid),
                    "seconds": elapsed}
        finally:
            stop(process)


def report(results, approach):
    m, a = results["meridian"][approach], results["moto"][approach]
    print(f"client approach: {approach}" + (f" ({CONNECTIONS} connections)" if approach == "concurrent" else ""))
    print(f"{'create':<18}{'meridian/s':>12}{'moto/s':>10}{'ratio':>8}{'meridian p50/p99 ms':>22}{'moto p50/p99 ms':>18}"
          f"   ratio in each round")
    for kind in m["creates"]:
        mc, ac = m["creates"][kind], a["creates"][kind]
        each = ", ".join(f"{x / y:.1f}x" for x, y in zip(mc["rounds_per_second"], ac["rounds_per_second"]))
        print(f"{kind:<18}{mc['per_second']:>12.0f}{ac['per_second']:>10.0f}{mc['per_second'] / ac['per_second']:>7.1f}x"
              f"{mc['p50_ms']:>12.2f} / {mc['p99_ms']:<7.2f}{ac['p50_ms']:>9.2f} / {ac['p99_ms']:<8.2f}   {each}")
    if not m["listing"]:
        return
    print(f"{'list all':<18}{'meridian ms':>12}{'moto ms':>10}{'ratio':>8}   pages (meridian, moto)")
    for what in m["listing"]:
        ml, al = m["listing"][what], a["listing"][what]
        print(f"{what:<18}{ml['median_ms']:>12.1f}{al['median_ms']:>10.1f}{al['median_ms'] / ml['median_ms']:>7.1f}x"
              f"   {ml['requests']}, {al['requests']} ({ml['objects']} and {al['objects']} objects)")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--meridian-bin", required=True)
    parser.add_argument("--moto-server", required=True)
    parser.add_argument("--count", type=int, default=1000, help="VPCs to create (and list); default 1000")
    parser.add_argument("--connections", type=int, default=250,
                        help="VPN gateways, customer gateways and connections to create; at most 250 and --count "
                             "(Meridian gives VPN gateways addresses from 203.0.113.0/24)")
    parser.add_argument("--approach", choices=["all", "prepared", "concurrent", "sdk"], default="all",
                        help="client approach (see above); default all three, each on fresh servers")
    parser.add_argument("--memory", type=int, default=0, help="also measure meridian's memory with this many VPCs")
    parser.add_argument("--meridian-db", default="file", choices=["file", "memory"],
                        help="meridian's store: a SQLite file (the default of meridian serve) or :memory:")
    parser.add_argument("--rounds", type=int, default=5,
                        help="rounds of creates, each on fresh servers; the median round's rate is reported "
                             "(default 5: a slow spell of the machine during one or two rounds does not decide it)")
    parser.add_argument("--json", help="write the figures to this file as JSON")
    args = parser.parse_args()
    if args.rounds < 1:
        parser.error(f"--rounds {args.rounds}: give at least 1")
    if not 1 <= args.connections <= min(250, args.count):
        parser.error(f"--connections {args.connections}: use 1 to {min(250, args.count)} "
                     "(VPN gateway addresses come from 203.0.113.0/24)")

    approaches = ["prepared", "concurrent", "sdk"] if args.approach == "all" else [args.approach]
    results = {"meridian": {}, "moto": {}}
    for approach in approaches:
        created = {"meridian": [], "moto": []}
        for round_number in range(args.rounds):
            # Fresh servers for every round: the creates start from an empty cloud each time.
            with tempfile.TemporaryDirectory() as tmp:
                m_port, a_port = free_ports(2)
                quotas = [f"vpcs-per-region={args.count}", f"vpn-gateways-per-region={args.connections}",
                          f"customer-gateways-per-region={args.connections}"]
                meridian = subprocess.Popen(
                    [args.meridian_bin, "serve", "--port", str(m_port),
                     "--db", os.path.join(tmp, "meridian.db") if args.meridian_db == "file" else ":memory:",
                     "--access-key", f"{AK}:{SK}", "--log-level", "error"]
                    + [a for q in quotas for a in ("--quota", q)],
                    stdout=subprocess.DEVNULL)
                moto = subprocess.Popen([args.moto_server, "-p", str(a_port)], stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
                try:
                    wait_until_up(f"http://127.0.0.1:{m_port}/health", meridian, "meridian serve")
                    wait_until_up(f"http://127.0.0.1:{a_port}/", moto, "moto_server")
                    for client in (Meridian(f"127.0.0.1:{m_port}"), Moto(f"127.0.0.1:{a_port}")):
                        print(f"{client.name} ({approach}, round {round_number + 1} of {args.rounds}): creating ...",
                              file=sys.stderr)
                        created[client.name].append(measure_creates(client, approach, args.count, args.connections))
                        if round_number > 0:
                            continue
                        if approach != "concurrent":
                            print(f"{client.name} ({approach}): listing ...", file=sys.stderr)
                        listing = {what: measure_listing(client, approach, what, args.count)
                                   for what in ("vpcs", "route-tables")} if approach != "concurrent" else {}
                        results[client.name][approach] = {"listing": listing}
                    if round_number == 0:
                        results["meridian"][approach]["rss_mib"] = rss_mib(meridian.pid)
                        results["moto"][approach]["rss_mib"] = rss_mib(moto.pid)
                finally:
                    stop(meridian)
                    stop(moto)
        for name, rounds in created.items():
            results[name][approach]["creates"] = {kind: rates([r[kind] for r in rounds]) for kind in PHASES}
    if args.memory:
        print(f"meridian: memory with {args.memory} VPCs ...", file=sys.stderr)
        results["memory"] = memory_run(args.meridian_bin, args.memory)

    for approach in approaches:
        report(results, approach)
        print(f"resident memory after the run: meridian {results['meridian'][approach]['rss_mib']:.0f} MiB, "
              f"moto {results['moto'][approach]['rss_mib']:.0f} MiB")
        print()
    if "memory" in results:
        r = results["memory"]
        print(f"meridian holding {r['vpcs']} VPCs: {r['rss_mib_after']:.0f} MiB resident "
              f"(started at {r['rss_mib_before']:.0f} MiB; created in {r['seconds']:.0f} s)")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=2)


if __name__ == "__main__":
    main()
