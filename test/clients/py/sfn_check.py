# Step Functions through Debian's boto3 (1.26): state machines, StartSyncExecution with inject_host_prefix=False and
# with the "sync-" prefix kept (the request then goes to the same port with Host: sync-localhost:<port>), versions and
# aliases, and a modelled error. Prints one JSON object with what the test asserts.
import json
import sys
from urllib.parse import urlsplit

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

endpoint = sys.argv[1]
role = "arn:aws:iam::000000000000:role/boto"
kw = dict(region_name="us-east-1", aws_access_key_id="AKIDTEST", aws_secret_access_key="test-secret")
plain = boto3.client("stepfunctions", endpoint_url=endpoint, config=Config(inject_host_prefix=False, retries={"max_attempts": 1}), **kw)
port = urlsplit(endpoint).port
prefixed = boto3.client("stepfunctions", endpoint_url=f"http://localhost:{port}", config=Config(retries={"max_attempts": 1}), **kw)


def to_loopback(request, **_):
    # Keep the signed Host (sync-localhost:<port>) but connect to 127.0.0.1: no resolver knows sync-localhost.
    parts = urlsplit(request.url)
    request.headers["Host"] = parts.netloc
    request.url = request.url.replace(parts.netloc, f"127.0.0.1:{port}", 1)


prefixed.meta.events.register("before-send.states.StartSyncExecution", to_loopback)
out = {"boto3": boto3.__version__}
# Versions and aliases came to the API in 2023: Debian's boto3 1.26 does not know them (the pyenv boto3 does).
versions = "PublishStateMachineVersion" in plain.meta.service_model.operation_names
suffix = sys.argv[2]
definition = json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": {"ok": True}, "End": True}}})
m = plain.create_state_machine(name=f"boto-express-{suffix}", definition=definition, roleArn=role, type="EXPRESS")
out["type"] = plain.describe_state_machine(stateMachineArn=m["stateMachineArn"])["type"]
r = plain.start_sync_execution(stateMachineArn=m["stateMachineArn"], input="{}")
out["plain"] = [r["status"], r["output"]]
seen = {}


def record_host(request, **_):
    # A before-send handler that returned a value would replace the response: this one returns nothing.
    seen["host"] = request.headers["Host"]


prefixed.meta.events.register("before-send.states.StartSyncExecution", record_host)
r = prefixed.start_sync_execution(stateMachineArn=m["stateMachineArn"], input='{"a":1}')
out["prefixed"] = [r["status"], r["output"], seen.get("host")]
std = plain.create_state_machine(name=f"boto-standard-{suffix}", definition=definition, roleArn=role)
try:
    plain.start_sync_execution(stateMachineArn=std["stateMachineArn"])
    out["typeError"] = None
except ClientError as e:
    out["typeError"] = e.response["Error"]["Code"]
if not versions:
    print(json.dumps(out))
    sys.exit(0)
out["versionArn"] = plain.publish_state_machine_version(stateMachineArn=m["stateMachineArn"], description="v1")["stateMachineVersionArn"]
m["stateMachineVersionArn"] = out["versionArn"]
a = plain.create_state_machine_alias(name="live", routingConfiguration=[{"stateMachineVersionArn": m["stateMachineVersionArn"], "weight": 100}])
out["aliasArn"] = a["stateMachineAliasArn"]
out["aliases"] = [x["stateMachineAliasArn"] for x in plain.list_state_machine_aliases(stateMachineArn=m["stateMachineArn"])["stateMachineAliases"]]
out["versions"] = [x["stateMachineVersionArn"] for x in plain.list_state_machine_versions(stateMachineArn=m["stateMachineArn"])["stateMachineVersions"]]
out["viaAlias"] = plain.start_sync_execution(stateMachineArn=a["stateMachineAliasArn"])["status"]
try:
    plain.delete_state_machine_version(stateMachineVersionArn=m["stateMachineVersionArn"])
    out["conflict"] = None
except ClientError as e:
    out["conflict"] = e.response["Error"]["Code"]
print(json.dumps(out))
