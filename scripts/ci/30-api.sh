#!/usr/bin/env bash
# API contract tests: the cloud's official Python SDKs (both generations) against a running `meridian serve`.
# Sourced by scripts/test.sh, which calls api_setup before the Swift build and api_test after `swift test`.

API_VENV=.build/venv
API_PIP_PACKAGES=(
    pytest
    aliyun-python-sdk-core aliyun-python-sdk-vpc aliyun-python-sdk-cbn aliyun-python-sdk-ecs
    alibabacloud_vpc20160428 alibabacloud_cbn20170912 alibabacloud_ecs20140526 alibabacloud_tea_openapi
)

api_setup() {
    mkdir -p .build
    if [[ ! -x "$API_VENV/bin/python" ]]; then
        python3 -m venv "$API_VENV"
    fi
    "$API_VENV/bin/pip" install --quiet --disable-pip-version-check "${API_PIP_PACKAGES[@]}"
}

api_test() {
    # Uses the meridian binary the Swift build already produced; builds nothing new.
    local bin=.build/debug/meridian
    if [[ ! -x "$bin" ]]; then
        echo "api_test: $bin is missing (the Swift build should have produced it)" >&2
        return 1
    fi
    MERIDIAN_BIN="$bin" "$API_VENV/bin/python" -m pytest -q -p no:cacheprovider tests/sdk
}
