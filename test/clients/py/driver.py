"""boto3 driver for the client tests: one JSON command per stdin line, one JSON result per stdout line.

Started by test/clients/boto.ts with the interpreter under test (Debian /usr/bin/python3 with boto3 1.26, which
speaks the SQS query protocol, or a newer boto3 that speaks AWS JSON). Configuration comes from the environment:
MAILROOM_ENDPOINT, MAILROOM_EXPECT_PROTOCOL, MAILROOM_SERVICE (sqs, sns or kinesis), AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_DEFAULT_REGION.

Command:  {"op": "send_message", "args": {...}}   (a value {"$b64": "..."} in args is passed as bytes)
Result:   the boto3 response (ResponseMetadata dropped, bytes base64, datetimes ISO), or
          {"error": {"Code", "Message", "Type", "HTTPStatusCode", "QueryErrorCode"?}} for a ClientError, or
          {"error": {"Code": "ClientChecksumMismatch", ...}} when an MD5 the server returned is wrong.

botocore does not check SQS MD5s itself (only the AWS SDKs for Java/JS/.NET do), so the driver checks them the way
those SDKs do: MD5OfMessageBody / MD5OfMessageAttributes on sends, MD5OfBody / MD5OfMessageAttributes on receives.
"""
import base64
import datetime
import hashlib
import json
import os
import struct
import sys

import boto3
import botocore
import botocore.config
from botocore.exceptions import ClientError


def decode_args(v):
    if isinstance(v, dict):
        if set(v.keys()) == {"$b64"}:
            return base64.b64decode(v["$b64"])
        return {k: decode_args(x) for k, x in v.items()}
    if isinstance(v, list):
        return [decode_args(x) for x in v]
    return v


def encode_result(v):
    if isinstance(v, dict):
        return {k: encode_result(x) for k, x in v.items()}
    if isinstance(v, list):
        return [encode_result(x) for x in v]
    if isinstance(v, (bytes, bytearray)):
        return base64.b64encode(bytes(v)).decode("ascii")
    if isinstance(v, (datetime.datetime, datetime.date)):
        return v.isoformat()
    return v


def md5_body(body):
    return hashlib.md5(body.encode("utf-8")).hexdigest()


def md5_attributes(attrs):
    """MD5 of message attributes as AWS defines it (SQS developer guide, MD5 message-digest calculation)."""
    if not attrs:
        return None
    out = b""
    for name in sorted(attrs.keys()):
        a = attrs[name]
        for part in (name.encode("utf-8"), a["DataType"].encode("utf-8")):
            out += struct.pack(">I", len(part)) + part
        if "BinaryValue" in a and a["BinaryValue"] is not None:
            value = a["BinaryValue"]
            if isinstance(value, str):
                value = value.encode("utf-8")
            out += b"\x02" + struct.pack(">I", len(value)) + value
        else:
            value = a.get("StringValue", "").encode("utf-8")
            out += b"\x01" + struct.pack(">I", len(value)) + value
    return hashlib.md5(out).hexdigest()


def checksum_problem(what, expected, got):
    return {"error": {"Code": "ClientChecksumMismatch", "Message": f"{what}: expected {expected}, server sent {got}", "HTTPStatusCode": 200}}


def check_send(entry, result):
    if result.get("MD5OfMessageBody") != md5_body(entry["MessageBody"]):
        return checksum_problem("MD5OfMessageBody", md5_body(entry["MessageBody"]), result.get("MD5OfMessageBody"))
    want = md5_attributes(entry.get("MessageAttributes"))
    if want is not None and result.get("MD5OfMessageAttributes") != want:
        return checksum_problem("MD5OfMessageAttributes", want, result.get("MD5OfMessageAttributes"))
    return None


def check_checksums(op, args, resp):
    if op == "send_message":
        return check_send(args, resp)
    if op == "send_message_batch":
        entries = {e.get("Id"): e for e in args.get("Entries", [])}
        for ok in resp.get("Successful", []):
            bad = check_send(entries[ok["Id"]], ok)
            if bad:
                return bad
    if op == "receive_message":
        for m in resp.get("Messages", []):
            if m.get("MD5OfBody") != md5_body(m["Body"]):
                return checksum_problem("MD5OfBody", md5_body(m["Body"]), m.get("MD5OfBody"))
            want = md5_attributes(m.get("MessageAttributes"))
            if want is not None and m.get("MD5OfMessageAttributes") != want:
                return checksum_problem("MD5OfMessageAttributes", want, m.get("MD5OfMessageAttributes"))
    return None


def main():
    endpoint = os.environ["MAILROOM_ENDPOINT"]
    expect = os.environ.get("MAILROOM_EXPECT_PROTOCOL", "query")
    service = os.environ.get("MAILROOM_SERVICE", "sqs")
    client = boto3.client(
        service,
        endpoint_url=endpoint,
        region_name=os.environ.get("AWS_DEFAULT_REGION", "us-east-1"),
        aws_access_key_id=os.environ.get("AWS_ACCESS_KEY_ID"),
        aws_secret_access_key=os.environ.get("AWS_SECRET_ACCESS_KEY"),
        config=botocore.config.Config(retries={"max_attempts": 1, "mode": "standard"}, read_timeout=60),
    )
    protocol = client.meta.service_model.protocol
    # The whole point of this driver: prove which wire protocol the requests use.
    assert protocol == expect, f"botocore {botocore.__version__} speaks {protocol} to {service}, expected {expect}"
    print(json.dumps({"ready": True, "protocol": protocol, "boto3": boto3.__version__, "botocore": botocore.__version__}), flush=True)

    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        cmd = json.loads(line)
        op = cmd["op"]
        args = decode_args(cmd.get("args", {}))
        try:
            resp = getattr(client, op)(**args)
            meta = resp.pop("ResponseMetadata", {})
            out = check_checksums(op, args, resp) or {"result": encode_result(resp), "status": meta.get("HTTPStatusCode")}
        except ClientError as e:
            err = e.response.get("Error", {})
            out = {
                "error": {
                    "Code": err.get("Code"),
                    "Message": err.get("Message"),
                    "Type": err.get("Type"),
                    "QueryErrorCode": err.get("QueryErrorCode"),
                    "HTTPStatusCode": e.response.get("ResponseMetadata", {}).get("HTTPStatusCode"),
                }
            }
        except Exception as e:  # parameter validation, connection problems, parse errors
            out = {"exception": {"type": type(e).__name__, "message": str(e)}}
        print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
