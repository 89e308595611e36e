"""Several `meridian serve --postgres URL` processes on one real PostgreSQL (issue 3, part 6).

A throwaway PostgreSQL cluster is created in a temporary directory (as user `nobody` when the tests run as
root), listening only on a Unix socket there; it is stopped by its PID and removed afterwards, also when a
test fails. Needs Debian's `postgresql` package (scripts/ci/20-store.sh installs it).
"""
import os
import pathlib
import pwd
import shutil
import signal
import subprocess
import tempfile
import threading
import time

import pytest

from conftest import AK, SK, REGION
from sdk import common_request, old_call, old_client

PG_BIN = pathlib.Path(os.environ.get("MERIDIAN_PG_BIN", "/usr/lib/postgresql/15/bin"))


class Postgres:
    def __init__(self):
        if not (PG_BIN / "postgres").exists():
            pytest.fail(f"PostgreSQL server binaries not found in {PG_BIN}: run scripts/test.sh "
                        "(it installs Debian's postgresql) or set MERIDIAN_PG_BIN")
        self.dir = tempfile.mkdtemp(prefix="meridian-pg-sdk-")
        self.pid = None
        user = "nobody" if os.getuid() == 0 else None
        if user:
            entry = pwd.getpwnam(user)
            os.chown(self.dir, entry.pw_uid, entry.pw_gid)
        self.prefix = ["runuser", "-u", user, "--"] if user else []
        try:
            self._run(str(PG_BIN / "initdb"), "-D", f"{self.dir}/data", "-U", "meridian", "--auth=trust",
                      "-E", "UTF8", "--locale=C", "--no-sync")
            self._run(str(PG_BIN / "pg_ctl"), "-D", f"{self.dir}/data", "-l", f"{self.dir}/server.log", "-w",
                      "-t", "60", "-o", f"-k {self.dir} -c listen_addresses='' -p 5432", "start")
            with open(f"{self.dir}/data/postmaster.pid") as f:
                self.pid = int(f.readline())
        except Exception:
            self.stop()
            raise
        self.url = f"postgres://meridian@/postgres?host={self.dir}"

    def _run(self, *args):
        subprocess.run([*self.prefix, *args], check=True, stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def stop(self):
        if self.pid:
            try:
                os.kill(self.pid, signal.SIGINT)
                deadline = time.monotonic() + 10
                while time.monotonic() < deadline:
                    os.kill(self.pid, 0)
                    time.sleep(0.05)
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.pid = None
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture
def postgres():
    pg = Postgres()
    yield pg
    pg.stop()


def call(server, action, version="2016-04-28", **params):
    return old_call(server, old_client(AK, SK), common_request(action, version, RegionId=REGION, **params))


def test_a_vpc_created_on_one_replica_is_listed_by_the_other_within_a_second(postgres, start_server):
    a = start_server("--postgres", postgres.url, "--access-key", f"{AK}:{SK}")
    b = start_server("--postgres", postgres.url, "--access-key", f"{AK}:{SK}")
    vpc = call(a, "CreateVpc", CidrBlock="10.0.0.0/16", VpcName="on-a")["VpcId"]
    deadline = time.monotonic() + 1.0
    while True:
        ids = [v["VpcId"] for v in call(b, "DescribeVpcs")["Vpcs"]["Vpc"]]
        if vpc in ids:
            break
        assert time.monotonic() < deadline, f"replica B did not list {vpc} within a second (has {ids})"
        time.sleep(0.02)


def test_concurrent_route_entry_creates_on_both_replicas_end_with_all_entries(postgres, start_server):
    a = start_server("--postgres", postgres.url, "--access-key", f"{AK}:{SK}")
    b = start_server("--postgres", postgres.url, "--access-key", f"{AK}:{SK}")
    created = call(a, "CreateVpc", CidrBlock="10.0.0.0/16")
    gateway = call(a, "CreateVpnGateway", VpcId=created["VpcId"], Bandwidth="10")["VpnGatewayId"]
    table = created["RouteTableId"]
    deadline = time.monotonic() + 1.0
    while not any(g["VpnGatewayId"] == gateway for g in call(b, "DescribeVpnGateways")["VpnGateways"]["VpnGateway"]):
        assert time.monotonic() < deadline, "replica B did not see the VPN gateway within a second"
        time.sleep(0.02)

    n = 16
    errors = []

    def create(index):
        server = a if index % 2 == 0 else b
        try:
            call(server, "CreateRouteEntry", RouteTableId=table, DestinationCidrBlock=f"192.168.{index}.0/24",
                 NextHopType="VpnGateway", NextHopId=gateway)
        except Exception as e:  # collected and reported below
            errors.append(f"{index}: {e}")

    threads = [threading.Thread(target=create, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []

    for server in (a, b):
        deadline = time.monotonic() + 1.0
        while True:
            entries = call(server, "DescribeRouteEntryList", RouteTableId=table, RouteEntryType="Custom",
                           MaxResult="100")["RouteEntrys"]["RouteEntry"]
            if len(entries) == n:
                break
            assert time.monotonic() < deadline, f"{server.endpoint} lists {len(entries)} custom entries, not {n}"
            time.sleep(0.02)
        assert sorted(e["DestinationCidrBlock"] for e in entries) == sorted(f"192.168.{i}.0/24" for i in range(n))


def test_serve_names_an_unreachable_database_without_its_password(start_server, tmp_path):
    import socket
    from conftest import BINARY, free_port
    port = free_port()
    url = f"postgres://meridian:s3cret@127.0.0.1:{port}/meridian"
    done = subprocess.run([str(BINARY), "serve", "--port", str(free_port()), "--postgres", url],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert f"postgres://meridian@127.0.0.1:{port}/meridian" in done.stderr
    assert "s3cret" not in done.stderr + done.stdout

    bad = subprocess.run([str(BINARY), "serve", "--postgres", "mysql://x:pw@h/db"],
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2
    assert "--postgres 'mysql://x:***@h/db' is not a PostgreSQL URL" in bad.stderr
