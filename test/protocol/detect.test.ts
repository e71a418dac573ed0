// The detection table alone: order of the checks, REST route matching ({label}, {label+}, query literals, the
// credential scope between services sharing a path), and Handler.reject answering in the detected codec's envelope.
import assert from "node:assert/strict";
import { test } from "node:test";
import { cbor } from "@smithy/core/cbor";
import type { ProtocolService } from "../../src/protocol/codec.ts";
import { buildCodecTable } from "../../src/protocol/detect.ts";
import { AwsError } from "../../src/protocol/errors.ts";
import type { ServiceModel } from "../../src/protocol/model.ts";
import { kinesisModel } from "../../src/protocol/models/kinesis.gen.ts";
import { pipesModel } from "../../src/protocol/models/pipes.gen.ts";
import { schedulerModel } from "../../src/protocol/models/scheduler.gen.ts";
import { snsModel } from "../../src/protocol/models/sns.gen.ts";
import { sqsModel } from "../../src/protocol/models/sqs.gen.ts";
import { echoService, pipeline } from "./harness.ts";

const svc = (model: ServiceModel, codecs: ProtocolService["codecs"], signingName = model.metadata.signingName ?? model.metadata.endpointPrefix): ProtocolService =>
  ({ signingName, model, codecs, jsonNamespace: `com.amazonaws.${model.metadata.endpointPrefix}`, queryCompatible: false });

const restModel: ServiceModel = {
  metadata: { apiVersion: "1", endpointPrefix: "rest", serviceId: "Rest", protocol: "rest-json", signingName: "rest" },
  operations: {
    GetObject: { input: "In", errors: [], http: { method: "GET", requestUri: "/objects/{Key+}" } },
    ListObjects: { input: "In", errors: [], http: { method: "GET", requestUri: "/objects" } },
    GetTagging: { input: "In", errors: [], http: { method: "GET", requestUri: "/things/{Id}?tagging" } },
    GetThing: { input: "In", errors: [], http: { method: "GET", requestUri: "/things/{Id}" } },
    ListMine: { input: "In", errors: [], http: { method: "GET", requestUri: "/things/mine" } },
  },
  shapes: { In: { type: "structure", members: { Key: { shape: "S", location: "uri", locationName: "Key" }, Id: { shape: "S", location: "uri", locationName: "Id" } } }, S: { type: "string" } },
};

const sqs = svc(sqsModel, ["json", "query"]);
const sns = svc(snsModel, ["query"]);
const kinesis = svc(kinesisModel, ["json", "cbor"]);
const scheduler = svc(schedulerModel, ["rest-json"]);
const pipes = svc(pipesModel, ["rest-json"]);
const rest = svc(restModel, ["rest-json"]);
const table = buildCodecTable([sqs, sns, kinesis, scheduler, pipes, rest]);
const H = (o: Record<string, string>) => new Map(Object.entries(o));
const none = () => undefined;
const detect = (method: string, path: string, query: string, headers: Record<string, string>, body = "", scope: () => string | undefined = none) =>
  table.detect(method, path, query, H(headers), Buffer.from(body), scope);

test("X-Amz-Target first: JSON by default, CBOR by content type when the service lists it", () => {
  const j = detect("POST", "/", "", { "x-amz-target": "AmazonSQS.SendMessage", "content-type": "application/x-amz-json-1.0" })!;
  assert.deepEqual([j.codec.name, j.service, j.operation, j.contentType], ["json", sqs, "SendMessage", "application/x-amz-json-1.0"]);
  const c = detect("POST", "/", "", { "x-amz-target": "Kinesis_20131202.PutRecord", "content-type": "application/x-amz-cbor-1.1" })!;
  assert.deepEqual([c.codec.name, c.service, c.contentType], ["cbor", kinesis, "application/x-amz-cbor-1.1"]);
  // SQS does not speak CBOR: the JSON codec answers (and will refuse the body).
  assert.equal(detect("POST", "/", "", { "x-amz-target": "AmazonSQS.SendMessage", "content-type": "application/x-amz-cbor-1.1" })!.codec.name, "json");
  // No JSON content type: the model's version.
  assert.equal(detect("POST", "/", "", { "x-amz-target": "Kinesis_20131202.ListStreams" })!.contentType, "application/x-amz-json-1.1");
  const unknown = detect("POST", "/", "", { "x-amz-target": "Nobody.Op" })!;
  assert.equal(unknown.service, undefined);
  // Even at a REST path, the target decides.
  assert.equal(detect("POST", "/schedules/x", "", { "x-amz-target": "AmazonSQS.ListQueues" })!.service, sqs);
});

test("query: by credential scope, else by action; a malformed percent-encoding is flagged", () => {
  const form = { "content-type": "application/x-www-form-urlencoded; charset=utf-8" };
  assert.equal(detect("POST", "/", "", form, "Action=Publish", () => "sns")!.service, sns);
  assert.equal(detect("POST", "/", "", form, "Action=Publish")!.service, sns);
  assert.equal(detect("POST", "/", "", form, "Action=ListQueues", () => "sqs")!.service, sqs);
  assert.equal(detect("GET", "/", "Action=ListTopics", {})!.service, sns);
  assert.equal(detect("POST", "/", "", form, "Action=ListQueues&QueueNamePrefix=%zz")!.badEncoding, true);
  assert.equal(detect("POST", "/", "", form, "Action=ListQueues&QueueNamePrefix=%41")!.badEncoding, false);
  assert.equal(detect("POST", "/", "", form, "NoAction=1"), undefined);
});

test("REST routes: labels, greedy labels, query literals, the most specific template", () => {
  assert.deepEqual(detect("GET", "/objects/a/b%20c/d", "", {})!.labels, { Key: "a/b%20c/d" });
  assert.equal(detect("GET", "/objects/a/b", "", {})!.operation, "GetObject");
  assert.equal(detect("GET", "/objects", "", {})!.operation, "ListObjects");
  assert.equal(detect("GET", "/objects/", "", {})!.operation, "ListObjects");
  assert.equal(detect("GET", "/things/t1", "tagging", {})!.operation, "GetTagging");
  assert.equal(detect("GET", "/things/t1", "", {})!.operation, "GetThing");
  assert.equal(detect("GET", "/things/mine", "", {})!.operation, "ListMine");
  assert.equal(detect("GET", "/things/t1/extra", "", {}), undefined);
  assert.equal(detect("DELETE", "/objects/a", "", {}), undefined);
  const s = detect("POST", "/schedules/n", "", { "content-type": "application/json" })!;
  assert.deepEqual([s.codec.name, s.service, s.operation, s.labels], ["rest-json", scheduler, "CreateSchedule", { Name: "n" }]);
});

test("REST paths several services share go to the credential scope's service", () => {
  assert.equal(detect("POST", "/tags/arn%3Ax", "", {}, "{}", () => "pipes")!.service, pipes);
  assert.equal(detect("POST", "/tags/arn%3Ax", "", {}, "{}", () => "scheduler")!.service, scheduler);
  let asked = 0;
  detect("GET", "/v1/pipes/p", "", {}, "", () => (asked++, "scheduler"));
  assert.equal(asked, 0, "an unambiguous path does not read the scope");
});

test("Handler.reject answers in the envelope of the codec the head names", () => {
  const h = pipeline([echoService(sqsModel, ["json", "query"], { jsonNamespace: "com.amazonaws.sqs", queryCompatible: true }).definition,
    echoService(kinesisModel, ["json", "cbor"]).definition, echoService(schedulerModel, ["rest-json"]).definition]);
  const err = new AwsError("RequestEntityTooLarge", "Request body is too large.", { status: 413 });
  const json = h.reject({ method: "POST", url: "/", rawHeaders: ["x-amz-target", "AmazonSQS.SendMessage", "content-type", "application/x-amz-json-1.0"] }, err);
  assert.equal(json.status, 413);
  assert.equal(JSON.parse(json.body as string).__type, "com.amazonaws.sqs#RequestEntityTooLarge");
  assert.equal(json.headers["x-amzn-query-error"], "RequestEntityTooLarge;Sender");
  const c = h.reject({ method: "POST", url: "/", rawHeaders: ["x-amz-target", "Kinesis_20131202.PutRecord", "content-type", "application/x-amz-cbor-1.1"] }, err);
  assert.equal(c.headers["content-type"], "application/x-amz-cbor-1.1");
  assert.deepEqual(cbor.deserialize(c.body as Buffer), { __type: "com.amazonaws.kinesis#RequestEntityTooLarge", message: "Request body is too large." });
  const r = h.reject({ method: "POST", url: "/schedules/x", rawHeaders: ["content-type", "application/json"] }, err);
  assert.equal(r.headers["x-amzn-errortype"], "RequestEntityTooLarge");
  const q = h.reject({ method: "POST", url: "/", rawHeaders: ["content-type", "application/x-www-form-urlencoded"] }, err);
  assert.match(q.body as string, /^<\?xml version="1.0"\?><ErrorResponse xmlns="http:\/\/queue.amazonaws.com\/doc\/2012-11-05\/"><Error><Type>Sender<\/Type><Code>RequestEntityTooLarge<\/Code>/);
  for (const x of [json, c, r, q]) assert.ok(x.headers["x-amzn-requestid"]);
});
