# boto3's SubscribeToShard over HTTP/1.1 (botocore reads the chunked event stream with its EventStream parser), driven
# by test/clients/boto-kinesis-subscribe.test.ts: prints one JSON line per event, and asks (a "ready" line) for records
# to be put once subscribed; then checks that a second call within 5 seconds is ResourceInUseException.
import json
import sys

import boto3
from botocore.exceptions import ClientError

endpoint, arn, want = sys.argv[1], sys.argv[2], int(sys.argv[3])
client = boto3.client(
    "kinesis", endpoint_url=endpoint, region_name="us-east-1",
    aws_access_key_id="AKIDTEST", aws_secret_access_key="test-secret",
)
start = {"Type": "TRIM_HORIZON"}
out = client.subscribe_to_shard(ConsumerARN=arn, ShardId="shardId-000000000000", StartingPosition=start)
print(json.dumps({"status": out["ResponseMetadata"]["HTTPStatusCode"], "version": boto3.__version__}), flush=True)
got = []
for event in out["EventStream"]:
    e = event["SubscribeToShardEvent"]
    got += [r["Data"].decode() for r in e["Records"]]
    print(json.dumps({"records": len(e["Records"]), "continuation": e["ContinuationSequenceNumber"], "behind": e["MillisBehindLatest"]}), flush=True)
    if len(got) >= want:
        break
print(json.dumps({"got": got}), flush=True)
try:
    client.subscribe_to_shard(ConsumerARN=arn, ShardId="shardId-000000000000", StartingPosition=start)
    print(json.dumps({"second": "accepted"}), flush=True)
except ClientError as err:
    print(json.dumps({"second": err.response["Error"]["Code"], "status": err.response["ResponseMetadata"]["HTTPStatusCode"]}), flush=True)
